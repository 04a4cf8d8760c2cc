/**
 * Reading one repository file as bytes and as text, and resolving a user-given path to a file
 * of the repository without ever leaving it.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { AnsimodError } from '../diagnostics.js';
import { decodeSource, type DecodedSource } from '../text/source.js';
import { isInside, SkipReason, type RepoEntry } from './walk.js';

/**
 * A file's bytes and their decoding. `decoded.kind === 'binary'` files are never parsed or
 * edited; `decoded.encoding === 'latin1'` marks text that is not valid UTF-8, decoded byte for
 * byte so that it still encodes back exactly.
 *
 * @example
 * const file = await readRepoFile(entry);
 * if (file.decoded.kind === 'text') console.log(file.decoded.encoding, file.decoded.text.length);
 */
export interface RepoFile {
  /** Path relative to the repository root, POSIX separators. */
  readonly path: string;
  readonly bytes: Buffer;
  /** Full `st_mode` from the walk. */
  readonly mode: number;
  readonly decoded: DecodedSource;
}

/**
 * Reads a walked file and decodes it with {@link decodeSource}.
 *
 * @example
 * const { files } = await walkRepository(root);
 * const file = await readRepoFile(files[0]!);
 * file.decoded; // => { kind: 'text', text: '---\n…', encoding: 'utf8' }
 */
export async function readRepoFile(entry: RepoEntry): Promise<RepoFile> {
  return readRepoFileSync(entry);
}

/**
 * {@link readRepoFile} without the promise. A repository's files are small and usually in the
 * page cache, where one synchronous read costs a fraction of the four thread-pool round trips
 * (open, fstat, read, close) of `fs.promises.readFile`; the worker threads and the prefilter read
 * thousands of them in a row.
 *
 * @example
 * const file = readRepoFileSync(entry);
 * file.decoded.kind; // => 'text'
 */
export function readRepoFileSync(entry: RepoEntry): RepoFile {
  const bytes = readEntryBytes(entry);
  return { path: entry.path, bytes, mode: entry.mode, decoded: decodeSource(bytes) };
}

/**
 * The bytes of a walked file, without its mode: a walk may stat files lazily, and a caller that
 * only compares contents (the round-trip check) should not pay for a stat per file.
 *
 * @throws AnsimodError `IO_ERROR` when the file cannot be read.
 * @example
 * readEntryBytes({ path: 'site.yml', absolutePath: '/srv/ansible/site.yml' }); // => <Buffer 2d 2d 2d …>
 */
export function readEntryBytes(entry: Pick<RepoEntry, 'path' | 'absolutePath'>): Buffer {
  return readRegularFile(entry.absolutePath, entry.path);
}

/** The default of {@link maxFileSize}: 16 MiB, far above any hand-written Ansible file. */
export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

/**
 * The largest file ansimod reads, in bytes: `ANSIMOD_MAX_FILE_SIZE` (which the CLI's
 * `--max-file-size` sets, so that worker threads see it too), else {@link DEFAULT_MAX_FILE_SIZE}.
 *
 * @example
 * maxFileSize(); // => 16777216
 */
export function maxFileSize(): number {
  const v = Number(process.env['ANSIMOD_MAX_FILE_SIZE']);
  return Number.isSafeInteger(v) && v > 0 ? v : DEFAULT_MAX_FILE_SIZE;
}

/**
 * A size as people read it: `512 B`, `3.2 KiB`, `50.0 GiB`.
 *
 * @example
 * formatSize(16 * 1024 * 1024); // => '16.0 MiB'
 */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/**
 * The error for a file over {@link maxFileSize}, naming it and its size.
 *
 * @example
 * tooLarge('big.yml', 50 * 2 ** 30).message; // => 'size 50.0 GiB is over the 16.0 MiB limit (--max-file-size): not read'
 */
export function tooLarge(shown: string, size: number | undefined): AnsimodError {
  const limit = maxFileSize();
  const what = size === undefined ? `grew past` : `size ${formatSize(size)} is over`;
  return new AnsimodError({ code: 'FILE_TOO_LARGE', message: `${what} the ${formatSize(limit)} limit (--max-file-size): not read`, path: shown });
}

/** open(2) flags of every read: no symlink at the last component, never block on a FIFO. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens a file for reading only if it is a regular file (checked with `fstat` on the opened
 * descriptor, so nothing can be swapped in between) of at most {@link maxFileSize} bytes.
 * The caller closes the descriptor.
 *
 * @throws AnsimodError `IO_ERROR` (cannot open; a symlink; not a regular file — a device, a
 *   FIFO, a directory), `FILE_TOO_LARGE`.
 * @example
 * const { fd, size } = openRegularFile('/srv/ansible/site.yml', 'site.yml');
 */
export function openRegularFile(absolutePath: string, shown: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(absolutePath, READ_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const why = code === 'ELOOP' ? 'it is a symlink' : code;
    throw new AnsimodError({ code: 'IO_ERROR', message: `cannot read: ${why}`, path: shown });
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new AnsimodError({ code: 'IO_ERROR', message: `cannot read: ${SkipReason.notRegular}`, path: shown });
  }
  if (st.size > maxFileSize()) {
    closeSync(fd);
    throw tooLarge(shown, st.size);
  }
  return { fd, size: st.size };
}

/**
 * Reads a whole regular file, bounded: see {@link openRegularFile}. A file whose size the
 * kernel does not know (procfs reports 0) or that grows while read is cut off at the limit
 * and refused, so no file can make ansimod read without end.
 *
 * @throws AnsimodError as {@link openRegularFile}, `IO_ERROR` when a read fails.
 * @example
 * readRegularFile('/srv/ansible/site.yml', 'site.yml'); // => <Buffer 2d 2d 2d …>
 */
export function readRegularFile(absolutePath: string, shown: string): Buffer {
  const { fd, size } = openRegularFile(absolutePath, shown);
  try {
    const limit = maxFileSize();
    let buf = Buffer.allocUnsafe(Math.min(Math.max(size, 1), limit) + 1);
    let end = 0;
    for (;;) {
      if (end === buf.length) {
        if (end > limit) throw tooLarge(shown, undefined);
        const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, limit + 1));
        buf.copy(grown, 0, 0, end);
        buf = grown;
      }
      let n: number;
      try {
        n = readSync(fd, buf, end, buf.length - end, null);
      } catch (err) {
        throw new AnsimodError({ code: 'IO_ERROR', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, path: shown });
      }
      if (n === 0) break;
      end += n;
    }
    if (end > limit) throw tooLarge(shown, undefined);
    return end === buf.length ? buf : buf.subarray(0, end);
  } finally {
    closeSync(fd);
  }
}

/**
 * Turns a path given by a user or a recipe (relative to the repository, POSIX or native
 * separators) into a {@link RepoEntry}, refusing anything that would read outside the
 * repository or through a symlink.
 *
 * @throws AnsimodError `UNSAFE_PATH` for absolute paths, `..` escapes, `.git` and symlinks
 *   (`SYMLINK_OUTSIDE` when the link leaves the repository, `DANGLING_SYMLINK` when it points
 *   nowhere); `TARGET_NOT_FOUND` when there is no such file.
 * @example
 * const entry = await repoEntryForPath('/srv/ansible', 'roles/koji_builder/templates/flatpak.conf');
 * await repoEntryForPath('/srv/ansible', '../etc/passwd'); // throws UNSAFE_PATH
 */
export async function repoEntryForPath(root: string, relPath: string): Promise<RepoEntry> {
  const realRoot = await realpath(path.resolve(root));
  const posix = relPath.split(path.sep).join('/');
  const unsafe = (message: string): AnsimodError => new AnsimodError({ code: 'UNSAFE_PATH', message, path: posix });
  if (posix === '' || path.posix.isAbsolute(posix) || path.isAbsolute(relPath)) {
    throw unsafe('path must be relative to the repository');
  }
  const normal = path.posix.normalize(posix);
  if (normal === '..' || normal.startsWith('../')) throw unsafe('path leaves the repository');
  if (normal.split('/').includes('.git')) throw unsafe('path is inside .git');

  // Every component is checked with lstat so a symlinked directory cannot smuggle the read
  // elsewhere (realpath alone would follow it silently).
  let abs = realRoot;
  const parts = normal.split('/');
  for (let i = 0; i < parts.length; i++) {
    abs = path.join(abs, parts[i] as string);
    const shown = parts.slice(0, i + 1).join('/');
    const st = await lstat(abs).catch(() => undefined);
    if (st === undefined) {
      throw new AnsimodError({ code: 'TARGET_NOT_FOUND', message: 'no such file in the repository', path: normal });
    }
    if (st.isSymbolicLink()) {
      const target = await realpath(abs).catch(() => undefined);
      if (target === undefined) {
        throw new AnsimodError({ code: 'DANGLING_SYMLINK', message: `${shown} is a ${SkipReason.symlinkDangling}`, path: normal });
      }
      if (!isInside(realRoot, target)) {
        throw new AnsimodError({ code: 'SYMLINK_OUTSIDE', message: `${shown} is a ${SkipReason.symlinkOutside}`, path: normal });
      }
      throw unsafe(`${shown} is a symlink; use the path of its target, ${path.relative(realRoot, target).split(path.sep).join('/')}`);
    }
    if (i === parts.length - 1) {
      if (!st.isFile()) throw unsafe('not a regular file');
      return { path: normal, absolutePath: abs, size: st.size, mode: st.mode };
    }
    if (!st.isDirectory()) {
      throw new AnsimodError({ code: 'TARGET_NOT_FOUND', message: `${shown} is not a directory`, path: normal });
    }
  }
  /* c8 ignore next */
  throw unsafe('empty path');
}
