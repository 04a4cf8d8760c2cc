/**
 * The fault-injection suite's tools: a fresh git copy of fixtures/ansible, a hash of every entry
 * of a tree (content, mode, symlink target, extended attributes aside), and the CLI run under
 * GNU time so that each scenario's peak RSS and wall time are measured.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bin, fixtureDir, IDENTITY } from '../../cli-e2e/helpers.js';

/** What every scenario must stay under on the fixture (the README's reliability bound). */
export const BOUNDS = { rssMiB: 400, seconds: 60 } as const;

/**
 * The README's stated peak-RSS bound, in MiB: 200 + the text kept in memory (at most 512 MiB)
 * + 300 × the larger of (--max-file-size × threads parsing at once) and the MiB of files that
 * mention what a step or the audit looks for (their parsed documents are kept for the run).
 *
 * @example
 * rssBoundMiB({ maxFileMiB: 16 }); // => 5000
 */
export function rssBoundMiB(o: { maxFileMiB?: number; threads?: number; textMiB?: number; needleMiB?: number } = {}): number {
  const { maxFileMiB = 16, threads = 2, textMiB = 0, needleMiB = 0 } = o;
  return 200 + Math.min(textMiB, 512) + 300 * Math.max(maxFileMiB * threads, needleMiB);
}

/** The targets the fixture's recipe changes (ten files: both halves of each component). */
export const TARGETS = [
  'files/osbs/dockercfg-production-secret.j2',
  'files/osbs/dockercfg-staging-secret.j2',
  'roles/bodhi2/base/templates/production.ini.j2',
  'roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf',
  'roles/koji_builder/tasks/main.yml',
  'roles/openshift-apps/flatpak-indexer/templates/configmap.yml',
  // The other halves of the OSBS and Koji components (reactor configuration, builder logins).
  'inventory/group_vars/osbs_masters',
  'inventory/group_vars/osbs_masters_stg',
  'playbooks/groups/buildhw.yml',
  'playbooks/groups/buildvm.yml',
] as const;

const GIT_ENV = {
  GIT_AUTHOR_NAME: IDENTITY.name,
  GIT_AUTHOR_EMAIL: IDENTITY.email,
  GIT_COMMITTER_NAME: IDENTITY.name,
  GIT_COMMITTER_EMAIL: IDENTITY.email,
};

/** Runs git in `cwd`, throwing on failure. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'safe.directory=*', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A scratch folder holding `repo/` (a committed copy of the fixture) and `outside/`. */
export interface Scratch {
  base: string;
  repo: string;
  outside: string;
  cleanup(): void;
}

/**
 * A fresh committed copy of fixtures/ansible in a temporary folder (or below `under`).
 *
 * @example
 * const s = scratch(); … s.cleanup();
 */
export function scratch(under = tmpdir()): Scratch {
  const base = realpathSync(mkdtempSync(path.join(under, 'ansimod-faults-')));
  const repo = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  cpSync(fixtureDir, repo, { recursive: true });
  cpSync(fixtureDir, outside, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) });
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'fixture');
  // rm(1): fs.rm cannot remove a tree deeper than PATH_MAX.
  return { base, repo, outside, cleanup: () => void spawnSync('rm', ['-rf', base]) };
}

/**
 * Every entry below `dir` (except `.git/objects` and git's own bookkeeping) with a hash of what
 * it is: file bytes and permission bits, a symlink's target, a directory.
 */
export function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  // Names as bytes (a name that is not UTF-8 is hashed too); a path beyond PATH_MAX cannot be
  // opened by name and is recorded as such (a scenario that makes one checks it another way).
  const visit = (rel: Buffer): void => {
    const abs = Buffer.concat([Buffer.from(dir), Buffer.from('/'), rel]);
    for (const name of readdirSync(abs, { encoding: 'buffer' })) {
      const r = rel.length ? Buffer.concat([rel, Buffer.from('/'), name]) : name;
      const key = r.toString('latin1');
      const full = Buffer.concat([Buffer.from(dir), Buffer.from('/'), r]);
      if (key === '.git' && lstatSync(full).isDirectory()) {
        // The journal is the only thing ansimod may put in .git; it must never stay.
        for (const g of readdirSync(path.join(dir, '.git'))) if (g.includes('ansimod')) out.set(`.git/${g}`, 'journal left behind');
        continue;
      }
      if (full.length >= 4000) {
        out.set(key, 'beyond PATH_MAX');
        continue;
      }
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.set(key, `link ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.set(key, 'dir');
        visit(r);
      } else if (!st.isFile()) out.set(key, `special ${st.mode.toString(8)}`);
      else out.set(key, `${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  visit(Buffer.alloc(0));
  return out;
}

/** The entries whose hash differs between two trees (added, removed or changed). */
export function changedEntries(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

/** A finished CLI run, with its peak RSS (MiB) and wall time (s) as GNU time measured them. */
export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  rssMiB: number;
  seconds: number;
}

function measured(r: SpawnSyncReturns<string>, timeFile: string): Run {
  const [rss, secs] = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ') : ['0', '0'];
  // GNU time reports a signal's death as "Command terminated by signal N" before the figures.
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', rssMiB: Number(rss) / 1024, seconds: Number(secs) };
}

/**
 * Runs `ansimod ARGS` (optionally under `wrap`, e.g. strace) in `cwd`, measured.
 *
 * @example
 * const r = ansimod(['apply', '--repo', repo]);
 */
export function ansimod(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; wrap?: string[]; stdout?: string; stderr?: string } = {}): Run {
  return run([process.execPath, bin, ...args], opts);
}

/**
 * Creates `levels` nested directories named `name` below `dir`, one relative step at a time (an
 * absolute path beyond PATH_MAX cannot be given to mkdir), and a file `file` in the deepest with
 * `content`; or, without `content`, returns the deepest file's bytes (undefined when missing).
 */
export function deepFile(dir: string, name: string, levels: number, file: string, content?: string): string | undefined {
  const script = `const fs = require('fs'); process.chdir(process.argv[1]); const [name, levels, file, content] = process.argv.slice(2);
for (let i = 0; i < Number(levels); i++) { if (content !== undefined) fs.mkdirSync(name, { recursive: true }); process.chdir(name); }
if (content !== undefined) fs.writeFileSync(file, content); else process.stdout.write(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '\\0missing');`;
  const r = spawnSync(process.execPath, ['-e', script, dir, name, String(levels), file, ...(content === undefined ? [] : [content])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`deepFile: ${r.stderr}`);
  return content === undefined && r.stdout !== '\0missing' ? r.stdout : undefined;
}

/** Runs any command as {@link ansimod} does (GNU time, the same environment), measured. */
export function run(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; wrap?: string[]; stdout?: string; stderr?: string } = {}): Run {
  const timeFile = path.join(tmpdir(), `ansimod-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const redirect = `${opts.stdout ? ` >${opts.stdout}` : ''}${opts.stderr ? ` 2>${opts.stderr}` : ''}`;
  const command = [...(opts.wrap ?? []), ...argv].map(shellQuote).join(' ');
  const r = spawnSync('sh', ['-c', `/usr/bin/time -o ${shellQuote(timeFile)} -f '%M %e' ${command}${redirect}`], {
    cwd: opts.cwd ?? process.cwd(),
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ANSIMOD_PRESCAN: '0', ...GIT_ENV, ...opts.env },
    timeout: BOUNDS.seconds * 1000 * 3,
    maxBuffer: 256 * 2 ** 20,
  });
  const run = measured(r, timeFile);
  rmSync(timeFile, { force: true });
  return run;
}

function shellQuote(s: string): string {
  return /^[\w./=:@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts `ansimod apply` paused at the documented test seam (everything staged and checked,
 * before the first rename); `act` runs while it waits; then it goes on. Resolves with the run.
 */
export async function applyPaused(repo: string, act: (pid: number) => void | Promise<void>): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const seam = path.join(tmpdir(), `ansimod-seam-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const child = spawn(process.execPath, [bin, 'apply', '--repo', repo], {
    env: { ...process.env, NO_COLOR: '1', ANSIMOD_PRESCAN: '0', ANSIMOD_TEST_PAUSE_BEFORE_RENAME: seam, ...GIT_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (status, signal) => resolve({ status, signal })));
  const deadline = Date.now() + BOUNDS.seconds * 1000;
  while (!existsSync(`${seam}.staged`)) {
    if (Date.now() > deadline || child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (existsSync(`${seam}.staged`)) {
    await act(child.pid as number);
    spawnSync('touch', [`${seam}.go`]);
  }
  const end = await done;
  rmSync(`${seam}.staged`, { force: true });
  rmSync(`${seam}.go`, { force: true });
  return { ...end, stdout, stderr };
}

/** The tree after a clean `apply` of the fixture (the "all new" state), computed once. */
let allNew: Map<string, string> | undefined;
export function allNewTree(): Map<string, string> {
  if (!allNew) {
    const s = scratch();
    try {
      const r = ansimod(['apply', '--repo', s.repo]);
      if (r.status !== 0) throw new Error(`apply on a clean copy failed: ${r.stderr}`);
      allNew = hashTree(s.repo);
    } finally {
      s.cleanup();
    }
  }
  return allNew;
}

/** No stack trace, no engine error class name. */
export function cleanMessages(text: string): boolean {
  return !/\n\s+at .+:\d+:\d+|(?:Range|Reference|Type|Syntax|Ansimod)Error\b|internal error/.test(text);
}

/** Fails unless running as root (CI is; mount and chattr need it). */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('this scenario needs root (mount, chattr); CI runs the integration suite as root');
}
