/**
 * The three packages as a user gets them: `npm pack` of each workspace, installed into an empty
 * project outside this repository, offline.
 *
 * Offline, npm cannot resolve a version range (it needs the registry's package documents, which
 * `npm ci` does not cache), but it can install the exact versions a lockfile names from the
 * tarballs `npm ci` left in its cache. So the project gets a lockfile made from this
 * repository's: the tarballs, and every dependency of theirs at the version our lock resolved.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** One `npm pack --json` entry (the fields used here). */
export interface PackedTarball {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  files: Array<{ path: string; mode: number }>;
}

/** An entry of a v3 package-lock's `packages`. */
interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface Lockfile {
  name: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/**
 * Packs `workspaces` (folders under `repoRoot`) into `dest` with `npm pack`; needs the build.
 *
 * @example
 * const [core] = packWorkspaces(repoRoot, ['packages/core'], '/tmp/packs'); // core.filename 'ansimod-core-0.1.0.tgz'
 */
export function packWorkspaces(repoRoot: string, workspaces: readonly string[], dest: string): PackedTarball[] {
  mkdirSync(dest, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest, ...workspaces.flatMap((w) => ['-w', w])], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as PackedTarball[];
}

/**
 * A lockfile for a project depending on `tarballs` (as `file:` specs relative to the project)
 * and on `devDependencies` (names; versions as `rootLock` resolved them), with every
 * transitive dependency copied from `rootLock`, whose workspaces are the tarballs' packages.
 *
 * @example
 * const { packageJson, lock } = lockForTarballs(rootLock, packed, { tarballDir: '..', devDependencies: ['typescript'] });
 */
export function lockForTarballs(
  rootLock: Lockfile,
  tarballs: readonly PackedTarball[],
  opts: { projectName: string; tarballDir: string; devDependencies: readonly string[] },
): { packageJson: Record<string, unknown>; lock: Lockfile } {
  // Where each workspace package sits in our lock ("packages/core"), by name.
  const workspaceKey = new Map<string, string>();
  for (const [key, entry] of Object.entries(rootLock.packages)) {
    if (entry.link && entry.resolved && key.startsWith('node_modules/')) workspaceKey.set(key.slice('node_modules/'.length), entry.resolved);
  }
  const spec = (t: PackedTarball) => `file:${opts.tarballDir}/${t.filename}`;
  // Nested under a workspace in our lock ("packages/core/node_modules/x") → under the installed
  // package ("node_modules/@ansimod/core/node_modules/x").
  const projectKey = (key: string): string => {
    for (const [name, folder] of workspaceKey) if (key.startsWith(`${folder}/`)) return `node_modules/${name}/${key.slice(folder.length + 1)}`;
    return key;
  };
  const tarballByName = new Map(tarballs.map((t) => [t.name, t]));

  const dependencies = Object.fromEntries(tarballs.map((t) => [t.name, spec(t)]));
  const devDependencies: Record<string, string> = {};
  for (const name of opts.devDependencies) {
    const version = rootLock.packages[`node_modules/${name}`]?.version;
    if (!version) throw new Error(`${name} is not in package-lock.json`);
    devDependencies[name] = version;
  }

  const packages: Record<string, LockEntry> = {
    '': { name: opts.projectName, version: '1.0.0', dependencies, devDependencies },
  };
  // Breadth-first over [key in our lock, key in the project's lock, dev]; a package reached
  // from a production root is not dev.
  const queue: Array<{ from: string; to: string; dev: boolean }> = [];
  const place = (from: string, to: string, dev: boolean): void => {
    const existing = packages[to];
    if (existing) {
      if (!dev && existing.dev) {
        delete existing.dev;
        queue.push({ from, to, dev });
      }
      return;
    }
    const tarball = tarballByName.get(to.slice('node_modules/'.length));
    if (tarball && workspaceKey.has(tarball.name)) {
      const pkg = rootLock.packages[from] ?? {};
      packages[to] = { version: tarball.version, resolved: spec(tarball), integrity: tarball.integrity, ...pick(pkg) };
    } else {
      const entry = rootLock.packages[from];
      if (!entry) throw new Error(`package-lock.json has no ${from}`);
      const { dev: _dev, devOptional: _devOptional, ...rest } = entry;
      packages[to] = dev ? { ...rest, dev: true } : { ...rest };
    }
    queue.push({ from, to, dev });
  };
  for (const t of tarballs) {
    const key = workspaceKey.get(t.name);
    if (!key) throw new Error(`${t.name} is not a workspace of this repository`);
    place(key, `node_modules/${t.name}`, false);
  }
  for (const name of opts.devDependencies) place(`node_modules/${name}`, `node_modules/${name}`, true);

  while (queue.length) {
    const { from, to, dev } = queue.shift()!;
    const entry = rootLock.packages[from]!;
    const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n)),
    ];
    for (const dep of wanted) {
      const found = resolveIn(rootLock, from, dep);
      if (!found) {
        if (entry.optionalDependencies?.[dep] !== undefined) continue;
        throw new Error(`package-lock.json: ${from} needs ${dep}, which it does not hold`);
      }
      if (tarballByName.has(dep)) continue; // the project's own top-level tarball
      place(found, projectKey(found), dev);
    }
  }
  return {
    packageJson: { name: opts.projectName, version: '1.0.0', private: true, type: 'module', dependencies, devDependencies },
    lock: { name: opts.projectName, version: '1.0.0', lockfileVersion: 3, requires: true, packages },
  };
}

/** The fields of a workspace's lock entry that describe the package itself. */
function pick(entry: LockEntry): LockEntry {
  const keys = new Set(['license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines']);
  return Object.fromEntries(Object.entries(entry).filter(([k, v]) => keys.has(k) && v !== undefined));
}

/** Node's lookup in lock terms: `from/node_modules/dep`, then each ancestor's, then the top. */
function resolveIn(lock: Lockfile, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const key = base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`;
    if (lock.packages[key]) return key;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut >= 0 ? base.slice(0, cut) : '';
  }
}

/**
 * Writes an empty project at `dir` depending on `tarballs` (which sit in `dir`'s parent) and
 * `devDependencies`, then runs `npm ci --offline` in it.
 *
 * @example
 * installOffline(repoRoot, '/tmp/packs/project', packed, ['typescript', '@types/node']);
 */
export function installOffline(repoRoot: string, dir: string, tarballs: readonly PackedTarball[], devDependencies: readonly string[]): void {
  const rootLock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as Lockfile;
  const { packageJson, lock } = lockForTarballs(rootLock, tarballs, { projectName: 'uses-ansimod', tarballDir: '..', devDependencies });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  try {
    execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    const hint = /ENOTCACHED/.test(stderr) ? " (npm's cache lacks a package this repository's `npm ci` would have left there: run `npm ci` first)" : '';
    throw new Error(`npm ci --offline failed in ${dir}${hint}:\n${stderr}`);
  }
}
