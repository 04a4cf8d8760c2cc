/**
 * Shared pieces of the CLI end-to-end tests: the built `ansimod` binary run as a child process,
 * git with no user/system configuration, throw-away copies of the fixture repository committed
 * in a fresh git repository, and byte-level snapshots of a directory tree.
 *
 * Every helper that creates a directory removes it when the calling test finishes, so tests stay
 * independent and can run in parallel files.
 */
import { expect, onTestFinished } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * This repository's root (two levels above this file).
 *
 * @example
 * path.join(repoRoot, 'fixtures/ansible');
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The built CLI entry point (`npm run build`).
 *
 * @example
 * spawnSync(process.execPath, [bin, '--version']);
 */
export const bin = path.join(repoRoot, 'packages/cli/dist/bin.js');
/**
 * Our own fixture repository, copied by {@link gitRepo}.
 *
 * @example
 * gitRepo({ from: fixtureDir });
 */
export const fixtureDir = path.join(repoRoot, 'fixtures/ansible');
const shippedRecipe = path.join(repoRoot, 'packages/transforms/recipes/flatpaks-to-quay.yml');

/**
 * The identity configured in every test repository (what `--signoff` and the author use).
 *
 * @example
 * git(repo, 'config', 'user.name'); // => IDENTITY.name
 */
export const IDENTITY = { name: 'Ada Tester', email: 'ada@example.org' } as const;

/** Environment for git: no global or system configuration, so only the test repository's own settings count. */
const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

/**
 * What a run of the binary gave.
 *
 * @example
 * const { code, stdout, stderr }: RunResult = ansimod(['check', '--repo', repo]);
 */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI with `args` in `cwd`, stdout/stderr piped (not a TTY), `NO_COLOR=1` and
 * `FORCE_COLOR` empty unless `env` says otherwise (a key set to undefined is removed).
 *
 * @example
 * const r = ansimod(['plan', '--repo', repo, '--json']); // r.code === 0, JSON.parse(r.stdout)
 */
export function ansimod(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const env: NodeJS.ProcessEnv = { ...gitEnv, NO_COLOR: '1', FORCE_COLOR: '', ...opts.env };
  // `{ NO_COLOR: undefined }` means "unset" (spawn would pass the string "undefined").
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs git in `cwd` and returns its trimmed stdout; throws (with git's stderr) on failure.
 *
 * @example
 * git(repo, 'rev-parse', 'HEAD^{tree}'); // => '4b825dc…'
 */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * A fresh temporary directory, removed when the current test finishes.
 *
 * @example
 * const scratch = tempDir(); // gone after the test
 */
export function tempDir(prefix = 'ansimod-e2e-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * `git init` in `dir` with the test identity set locally.
 *
 * @example
 * gitInit(dir); // user.name/user.email = IDENTITY
 */
export function gitInit(dir: string, identity: { name: string; email: string } = IDENTITY): void {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', identity.name);
  git(dir, 'config', 'user.email', identity.email);
  git(dir, 'config', 'commit.gpgsign', 'false');
}

/**
 * Stages everything and commits it.
 *
 * @example
 * commitAll(dir, 'fixture');
 */
export function commitAll(dir: string, message = 'fixture'): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', message);
}

/**
 * A committed copy of a source tree (default: fixtures/ansible) in a fresh git repository.
 * `prepare` runs on the copy before the commit (to plant CRLF, a BOM, broken input, …).
 *
 * @example
 * const repo = gitRepo({ prepare: (d) => chmodSync(path.join(d, 'ansible.cfg'), 0o640) });
 */
export function gitRepo(opts: { from?: string; prepare?: (dir: string) => void } = {}): string {
  const dir = path.join(tempDir(), 'repo');
  cpSync(opts.from ?? fixtureDir, dir, { recursive: true });
  opts.prepare?.(dir);
  gitInit(dir);
  commitAll(dir);
  return dir;
}

/**
 * A clone of `repo` whose committer differs from the author identity (so `git am` shows the patch's author).
 *
 * @example
 * const clone = cloneOf(repo); git(clone, 'am', mail);
 */
export function cloneOf(repo: string): string {
  const dir = path.join(tempDir('ansimod-e2e-clone-'), 'clone');
  git(path.dirname(dir), 'clone', '-q', repo, dir);
  git(dir, 'config', 'user.name', 'Maintainer');
  git(dir, 'config', 'user.email', 'maintainer@example.net');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

/**
 * The tree id of everything in the working copy (the index is updated to match).
 *
 * @example
 * expect(headTree(clone)).toBe(workingTree(applied));
 */
export function workingTree(dir: string): string {
  git(dir, 'add', '-A');
  return git(dir, 'write-tree');
}

/**
 * The tree id of HEAD.
 *
 * @example
 * headTree(clone); // => tree id of HEAD
 */
export function headTree(dir: string): string {
  return git(dir, 'rev-parse', 'HEAD^{tree}');
}

/**
 * Every entry under `dir` except `.git` (git may refresh its index when asked for status):
 * path → kind, permission bits and content hash (or symlink target). Equal snapshots mean
 * byte-identical files, same modes, and no file added or removed.
 *
 * @example
 * const before = snapshot(repo); run(); expect(snapshot(repo)).toEqual(before);
 */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      if (rel === '' && name === '.git') continue;
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(a);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.set(r, `link ${readlinkSync(a)}`);
      else if (st.isDirectory()) {
        out.set(r, `dir ${mode}`);
        walk(a, r);
      } else out.set(r, `file ${mode} ${createHash('sha256').update(readFileSync(a)).digest('hex')}`);
    }
  };
  walk(dir, '');
  return out;
}

/**
 * Hash and mode of one file (for files outside a repository).
 *
 * @example
 * fileFingerprint('/tmp/x/outside.j2'); // => '644 9f86d0…'
 */
export function fileFingerprint(file: string): string {
  const st = lstatSync(file);
  return `${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
}

/**
 * The shipped recipe's stages (in order), follow-ups and display name.
 *
 * @example
 * recipeFacts().stages; // => ['OSBS', 'Koji', 'Bodhi', 'Proxies', 'flatpak-indexer']
 */
export function recipeFacts(): { stages: string[]; followUps: string[]; displayName: string } {
  const recipe = parse(readFileSync(shippedRecipe, 'utf8')) as {
    displayName: string;
    followUps: string[];
    steps: Array<{ stage: string }>;
  };
  return { stages: [...new Set(recipe.steps.map((s) => s.stage))], followUps: recipe.followUps, displayName: recipe.displayName };
}

/**
 * Memoises a zero-argument function: results that are the same for every fresh copy of the
 * fixture (the tree `apply` gives, the plan's stages) are computed once per test file.
 *
 * @example
 * const appliedTree = once(() => workingTree(appliedRepo()));
 */
export function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/**
 * Asserts that a run printed no JavaScript stack frame (`    at fn (file:line)`).
 *
 * @example
 * expectNoStackTrace(ansimod(['apply', '--repo', broken]));
 */
export function expectNoStackTrace(r: RunResult): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).not.toMatch(/^\s+at /m);
}

/**
 * Asserts the built binary exists (the root `npm test` builds it in `pretest`).
 *
 * @example
 * beforeAll(expectBuilt);
 */
export function expectBuilt(): void {
  expect(existsSync(bin), `${bin} is missing: run \`npm run build\` first`).toBe(true);
}
