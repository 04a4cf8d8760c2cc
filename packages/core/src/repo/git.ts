/**
 * The few git queries the CLI needs around writing and mailing changes. Git runs through
 * `execFile` (no shell, arguments never interpreted), with optional locks off so that a
 * query never takes `index.lock` from a user's concurrent git command.
 */
import { execFile } from 'node:child_process';
import { AnsimodError } from '../diagnostics.js';

/**
 * A git identity (`user.name`, `user.email`); the same shape as the patch layer's `PatchPerson`.
 *
 * @example
 * const me: GitIdentity = (await gitUserIdentity(root)) ?? { name: 'ansimod', email: 'ansimod@localhost' };
 */
export interface GitIdentity {
  name: string;
  email: string;
}

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Set when git could not be started at all (not installed). */
  spawnError?: string;
}

/** Paths per `git status` call; keeps each command line far below the OS argument limit. */
const PATHS_PER_CALL = 500;

function runGit(root: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      // Only read-only queries run here; git's ownership check ("dubious ownership") would make
      // them fail on a repository checked out by another user, hiding uncommitted edits.
      ['-c', 'safe.directory=*', '-C', root, ...args],
      { env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' }, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        const spawnError = typeof code === 'string' ? code : undefined;
        resolve({ ok: error === null, stdout, stderr, ...(spawnError ? { spawnError } : {}) });
      },
    );
  });
}

/**
 * True when `root` is inside a git work tree (and git is installed).
 *
 * @example
 * await isGitRepo('/srv/ansible'); // => true
 */
export async function isGitRepo(root: string): Promise<boolean> {
  const result = await runGit(root, ['rev-parse', '--is-inside-work-tree']);
  return result.ok && result.stdout.trim() === 'true';
}

async function configValue(root: string, key: string): Promise<string | undefined> {
  const result = await runGit(root, ['config', '--get', key]);
  const value = result.ok ? result.stdout.replace(/\n$/, '') : '';
  return value === '' ? undefined : value;
}

/**
 * The identity git would record as author in `root`: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`
 * when set, else `git config user.name`/`user.email` (repository, global and system config).
 * `undefined` when either is unset (git's guesses from the host name are not used).
 *
 * @example
 * await gitUserIdentity('/srv/ansible'); // => { name: 'Jane Doe', email: 'jane@example.org' }
 */
export async function gitUserIdentity(root: string): Promise<GitIdentity | undefined> {
  const name = process.env.GIT_AUTHOR_NAME || (await configValue(root, 'user.name'));
  const email = process.env.GIT_AUTHOR_EMAIL || (await configValue(root, 'user.email'));
  return name !== undefined && email !== undefined ? { name, email } : undefined;
}

/**
 * Parses `git status --porcelain=v1 -z` output into the paths it names (both names of a
 * rename or copy), relative to the top of the work tree.
 */
function porcelainPaths(output: string): string[] {
  const fields = output.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i] as string;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    const x = entry[0];
    const y = entry[1];
    // A rename or copy is followed by a field holding the original path.
    if (x === 'R' || x === 'C' || y === 'R' || y === 'C') {
      const from = fields[++i];
      if (from) paths.push(from);
    }
  }
  return paths;
}

/**
 * Which of `paths` (relative to `root`, POSIX separators; files or directories) have
 * uncommitted changes: staged, unstaged, or untracked (ignored files are not reported). The
 * CLI warns before writing over such files. Paths are taken literally (no glob magic). The
 * result keeps the order of `paths` and holds each path once. Outside a git work tree (or
 * without git) nothing can be uncommitted, so the result is `[]`.
 *
 * @throws AnsimodError `IO_ERROR` when git fails inside a work tree.
 * @example
 * await gitDirtyPaths('/srv/ansible', ['site.yml', 'roles/web']); // => ['roles/web']
 */
export async function gitDirtyPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(paths.map((p) => p.replace(/\/+$/, '')))].filter((p) => p !== '');
  if (wanted.length === 0) return [];
  if (!(await isGitRepo(root))) return [];
  const prefixResult = await runGit(root, ['rev-parse', '--show-prefix']);
  if (!prefixResult.ok) {
    throw new AnsimodError({ code: 'IO_ERROR', message: `git rev-parse failed in ${root}: ${prefixResult.stderr.trim()}` });
  }
  const prefix = prefixResult.stdout.replace(/\n$/, '');
  const dirtyFiles = new Set<string>();
  const dirtyDirs = new Set<string>();
  for (let i = 0; i < wanted.length; i += PATHS_PER_CALL) {
    const chunk = wanted.slice(i, i + PATHS_PER_CALL);
    const result = await runGit(root, [
      '--literal-pathspecs',
      'status',
      '--porcelain=v1',
      '-z',
      '--untracked-files=all',
      '--',
      ...chunk,
    ]);
    if (!result.ok) {
      throw new AnsimodError({ code: 'IO_ERROR', message: `git status failed in ${root}: ${result.spawnError ?? result.stderr.trim()}` });
    }
    for (const topPath of porcelainPaths(result.stdout)) {
      if (!topPath.startsWith(prefix)) continue;
      const rel = topPath.slice(prefix.length).replace(/\/$/, '');
      dirtyFiles.add(rel);
      // Every ancestor directory counts as dirty too, so a directory path given is reported.
      for (let slash = rel.lastIndexOf('/'); slash > 0; slash = rel.lastIndexOf('/', slash - 1)) {
        dirtyDirs.add(rel.slice(0, slash));
      }
    }
  }
  return wanted.filter((p) => dirtyFiles.has(p) || dirtyDirs.has(p));
}

/**
 * The paths among `paths` (relative to `root`) that git tracks; empty outside a repository.
 *
 * @example
 * await gitTrackedPaths('/srv/ansible', ['site.yml', 'notes.txt']); // => ['site.yml']
 */
export async function gitTrackedPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(paths)].filter((p) => p !== '');
  if (wanted.length === 0 || !(await isGitRepo(root))) return [];
  const tracked: string[] = [];
  for (let i = 0; i < wanted.length; i += PATHS_PER_CALL) {
    const chunk = wanted.slice(i, i + PATHS_PER_CALL);
    const result = await runGit(root, ['--literal-pathspecs', 'ls-files', '-z', '--', ...chunk]);
    if (result.ok) tracked.push(...result.stdout.split('\0').filter(Boolean));
  }
  return tracked;
}

/**
 * The `text` and `eol` attributes git gives each path (`.gitattributes`), as `git check-attr`
 * prints them (`set`, `unset`, `unspecified`, `auto`, `crlf`, `lf`…); empty outside a repository.
 *
 * @example
 * await gitEolAttributes('/srv/ansible', ['a.j2']); // => Map { 'a.j2' => { text: 'set', eol: 'crlf' } }
 */
export async function gitEolAttributes(root: string, paths: readonly string[]): Promise<Map<string, { text: string; eol: string }>> {
  const out = new Map<string, { text: string; eol: string }>();
  const wanted = [...new Set(paths)].filter((p) => p !== '');
  if (wanted.length === 0 || !(await isGitRepo(root))) return out;
  for (let i = 0; i < wanted.length; i += PATHS_PER_CALL) {
    const chunk = wanted.slice(i, i + PATHS_PER_CALL);
    const result = await runGit(root, ['check-attr', '-z', 'text', 'eol', '--', ...chunk]);
    if (!result.ok) continue;
    // -z: path NUL attribute NUL value NUL, repeated.
    const f = result.stdout.split('\0');
    for (let j = 0; j + 2 < f.length; j += 3) {
      const p = f[j] as string;
      const entry = out.get(p) ?? { text: 'unspecified', eol: 'unspecified' };
      if (f[j + 1] === 'text') entry.text = f[j + 2] as string;
      if (f[j + 1] === 'eol') entry.eol = f[j + 2] as string;
      out.set(p, entry);
    }
  }
  return out;
}
