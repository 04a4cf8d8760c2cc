/**
 * Atomic, symlink-safe writes of repository files: each file is written to a temporary file
 * in its own directory, flushed to disk, then renamed over the original, so a reader (or a
 * crash) sees either the old bytes or the new ones, never a torn file.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { AnsimodError } from '../diagnostics.js';
import { resolveEntryInsideRepo, resolveInsideRepo } from './safe-path.js';

/**
 * Options for {@link writeFileAtomic}.
 *
 * @example
 * await writeFileAtomic('/srv/ansible/site.yml', bytes, { root: '/srv/ansible' });
 */
export interface WriteFileAtomicOptions {
  /**
   * Permission bits (`0o644`; file-type bits are ignored). By default an existing file keeps
   * its mode and a new file gets `0o666` less the umask, as `fs.writeFile` would.
   */
  mode?: number;
  /**
   * The repository root. When given, `absPath` must resolve inside it (see
   * {@link resolveInsideRepo}) and a symlink is followed to its target inside the repository.
   * Without it a symlink at `absPath` is refused.
   */
  root?: string;
}

function ioError(target: string, action: string, err: unknown): AnsimodError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new AnsimodError({ code: 'IO_ERROR', message: `cannot ${action} ${target}: ${code}`, path: target });
}

/** Flushes a directory entry change (the rename) to disk; some platforms cannot, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Directories cannot be opened or fsynced on every platform (Windows); the rename stands.
  } finally {
    await handle?.close();
  }
}

async function writeTarget(absPath: string, options: WriteFileAtomicOptions): Promise<string> {
  if (options.root !== undefined) {
    const rel = path.relative(options.root, absPath);
    return resolveInsideRepo(options.root, rel === '' ? '.' : rel);
  }
  const st = await lstat(absPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw ioError(absPath, 'inspect', err);
  });
  if (st?.isSymbolicLink()) {
    throw new AnsimodError({
      code: 'UNSAFE_PATH',
      message: `refusing to write through the symlink ${absPath} (give the repository root to write to its target)`,
      path: absPath,
    });
  }
  return absPath;
}

/**
 * Writes `bytes` to `absPath` atomically: a temporary file in the same directory is written,
 * given the final mode (and, when running as root, the original owner), fsynced, then renamed
 * over the target, and the directory is fsynced. Missing parent directories are created.
 *
 * Never writes through a symlink: with `options.root`, a symlink is resolved and the bytes go
 * to its target file (the link itself stays) provided the target is inside the repository,
 * else `UNSAFE_PATH`; without `root`, a symlink is refused. A rename replaces the directory
 * entry, so other hard links to the old file keep the old bytes. Returns the path written.
 *
 * @throws AnsimodError `UNSAFE_PATH` as above; `IO_ERROR` when the target is not a regular
 *   file or the file system refuses (the temporary file is removed).
 * @example
 * await writeFileAtomic('/srv/ansible/inventory/hosts', Buffer.from('[web]\nweb01\n'));
 * // => '/srv/ansible/inventory/hosts'
 */
export async function writeFileAtomic(absPath: string, bytes: Uint8Array, options: WriteFileAtomicOptions = {}): Promise<string> {
  const target = await writeTarget(absPath, options);
  const existing = await lstat(target).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw ioError(target, 'inspect', err);
  });
  if (existing && !existing.isFile()) {
    throw new AnsimodError({ code: 'IO_ERROR', message: `not a regular file: ${target}`, path: target });
  }
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw ioError(dir, 'create directory', err);
  });
  const finalMode = options.mode !== undefined ? options.mode & 0o7777 : existing ? existing.mode & 0o7777 : undefined;
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.ansimod-tmp`);
  let handle;
  try {
    // 'wx' never follows or reuses an existing entry; a new file's default mode gets the umask.
    handle = await open(temp, 'wx', finalMode === undefined ? 0o666 : 0o600);
    await handle.writeFile(bytes);
    if (finalMode !== undefined) await handle.chmod(finalMode);
    if (existing && (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.())) {
      // Only root may give a file away; for anyone else the original owner is already theirs.
      await handle.chown(existing.uid, existing.gid).catch(() => undefined);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err instanceof AnsimodError ? err : ioError(target, 'write', err);
  }
  await syncDirectory(dir);
  return target;
}

/**
 * What {@link writeChangesAtomically} did to one path.
 *
 * @example
 * // { path: 'roles/web/alias.yml', absolutePath: '/srv/ansible/roles/web/main.yml', action: 'written' }
 */
export interface WrittenChange {
  /** The path as given (relative to the root). */
  path: string;
  /** The physical path written or removed. */
  absolutePath: string;
  action: 'written' | 'deleted';
}

/**
 * A file change to write: the new bytes (`null` deletes the file), the bytes it is expected to
 * have now (`null`: it must not exist), and optional modes as in the patch layer's `FileChange`.
 *
 * @example
 * const change: RepoWrite = { path: 'site.yml', before: oldBytes, after: newBytes };
 */
export interface RepoWrite {
  path: string;
  before: Uint8Array | null;
  after: Uint8Array | null;
  modeBefore?: number;
  modeAfter?: number;
}

/**
 * Options for {@link writeChangesAtomically}.
 *
 * @example
 * await writeChangesAtomically(root, changes, { checkBefore: false });
 */
export interface WriteChangesOptions {
  /**
   * Before writing anything, check that every file still has its `before` bytes (`null`:
   * does not exist), so an edit made since the files were read is never overwritten
   * (`EDIT_CONFLICT`). Default `true`.
   */
  checkBefore?: boolean;
}

interface PlannedWrite {
  change: RepoWrite;
  target: string;
  mode: number | undefined;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function plannedMode(change: RepoWrite): number | undefined {
  if (change.modeAfter === undefined) return undefined;
  // A mode is applied when it is a deliberate change or the file is new; otherwise the file
  // keeps its own permission bits (git's 100644 view of a 0640 file must not widen it).
  if (change.before !== null && change.modeBefore !== undefined && change.modeBefore === change.modeAfter) return undefined;
  if (change.before !== null && change.modeBefore === undefined) return undefined;
  return change.modeAfter & 0o7777;
}

async function readCurrent(target: string): Promise<Buffer | null> {
  try {
    return await readFile(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError(target, 'read', err);
  }
}

/**
 * Validates every path of `changes` first (see {@link resolveInsideRepo}) and, by default,
 * that each file still holds its `before` bytes; if any check fails nothing is written. Then
 * writes each file with {@link writeFileAtomic} (symlinks inside the repository are written
 * through to their target) or deletes it (a deleted symlink is removed itself). Each file is
 * replaced atomically; the set as a whole is not a transaction (a disk error midway leaves the
 * earlier files written).
 *
 * @throws AnsimodError `UNSAFE_PATH` for a path that is not safe to write, `EDIT_CONFLICT`
 *   when a file changed since it was read, `INVALID_OPTION` for a path given twice or a
 *   symlink to create, `IO_ERROR` when the file system refuses.
 * @example
 * await writeChangesAtomically('/srv/ansible', [{ path: 'site.yml', before: oldBytes, after: newBytes }]);
 * // => [{ path: 'site.yml', absolutePath: '/srv/ansible/site.yml', action: 'written' }]
 */
export async function writeChangesAtomically(
  root: string,
  changes: readonly RepoWrite[],
  options: WriteChangesOptions = {},
): Promise<WrittenChange[]> {
  const seen = new Set<string>();
  const plan: PlannedWrite[] = [];
  for (const change of changes) {
    if (seen.has(change.path)) {
      throw new AnsimodError({ code: 'INVALID_OPTION', message: 'the same path is written twice', path: change.path });
    }
    seen.add(change.path);
    if (change.after !== null && change.modeAfter !== undefined && (change.modeAfter & S_IFMT) === S_IFLNK) {
      throw new AnsimodError({ code: 'INVALID_OPTION', message: 'creating symlinks is not supported', path: change.path });
    }
    // Deleting removes the entry itself (a symlink, not its target); writing follows links.
    const target = change.after === null ? resolveEntryInsideRepo(root, change.path) : resolveInsideRepo(root, change.path);
    plan.push({ change, target, mode: plannedMode(change) });
  }
  if (options.checkBefore ?? true) {
    for (const { change, target } of plan) {
      const current = await readCurrent(target);
      const expected = change.before;
      const same = current === null || expected === null ? current === expected : Buffer.compare(current, expected) === 0;
      if (!same) {
        throw new AnsimodError({
          code: 'EDIT_CONFLICT',
          message: expected === null ? 'file appeared since the repository was read' : 'file changed since it was read',
          path: change.path,
        });
      }
    }
  }
  const done: WrittenChange[] = [];
  for (const { change, target, mode } of plan) {
    if (change.after === null) {
      await unlink(target).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw ioError(target, 'delete', err);
      });
      done.push({ path: change.path, absolutePath: target, action: 'deleted' });
    } else {
      const written = await writeFileAtomic(target, change.after, mode === undefined ? {} : { mode });
      done.push({ path: change.path, absolutePath: written, action: 'written' });
    }
  }
  return done;
}
