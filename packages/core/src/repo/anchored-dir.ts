/**
 * Directory handles anchored at the repository root: every directory on the way to a file is
 * opened from its parent's file descriptor with `O_NOFOLLOW | O_DIRECTORY`, and files are then
 * named through `/proc/self/fd/<dir>/<name>`, which the kernel resolves like `openat(dir, name)`.
 * A directory renamed, or swapped for a symlink, after it was opened cannot redirect an open,
 * a rename or a link made through its handle: the handle keeps naming the directory that was
 * checked, and a component that has become a symlink fails to open (`ELOOP`/`ENOTDIR`).
 *
 * Node has no `openat`; `/proc/self/fd` is the Linux way to the same thing. Where it is missing
 * (other systems, a chroot without /proc), the handle falls back to the physical path and checks
 * with `realpath` before each use that it still names the directory it opened.
 */
import { closeSync, constants, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { AnsimodError } from '../diagnostics.js';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

let procFd: boolean | undefined;

/** Whether `/proc/self/fd` names this process's descriptors (Linux with /proc mounted). */
function haveProcFd(): boolean {
  procFd ??= existsSync('/proc/self/fd');
  return procFd;
}

/**
 * An open directory of the repository.
 *
 * @example
 * const root = AnchoredDir.openRoot('/srv/ansible');
 * const dir = root.openBelow(['roles', 'web', 'tasks']);
 * fs.renameSync(dir.name('.ansimod-1a2b-0.new'), dir.name('main.yml'));
 * dir.close(); root.close();
 */
export class AnchoredDir {
  private closed = false;

  private constructor(
    /** The descriptor of the open directory. */
    readonly fd: number,
    /** Its physical absolute path when it was opened (for messages, and the fallback). */
    readonly absolutePath: string,
    /** Its path relative to the root (`''` for the root), POSIX separators. */
    readonly relPath: string,
    private readonly dev: number,
    private readonly ino: number,
  ) {}

  /**
   * Opens the repository root itself (its real path).
   *
   * @throws AnsimodError `IO_ERROR` when it cannot be opened.
   * @example
   * const root = AnchoredDir.openRoot('/srv/ansible');
   */
  static openRoot(root: string): AnchoredDir {
    let real: string;
    let fd: number;
    try {
      real = realpathSync(root);
      fd = openSync(real, DIR_FLAGS);
    } catch (err) {
      throw ioFailure(root, 'open the repository root', err);
    }
    const st = fstatSync(fd);
    return new AnchoredDir(fd, real, '', st.dev, st.ino);
  }

  /**
   * The path through which the kernel finds `name` inside this directory (one component, no
   * separator), without following any symlink on the way to the directory.
   *
   * @example
   * dir.name('main.yml'); // => '/proc/self/fd/23/main.yml'
   */
  name(name: string): string {
    if (name.includes('/') || name === '' || name === '.' || name === '..') {
      throw new AnsimodError({ code: 'UNSAFE_PATH', message: `not a single path component: ${JSON.stringify(name)}`, path: this.relPath });
    }
    if (this.closed) throw new Error(`directory handle used after close: ${this.absolutePath}`);
    if (haveProcFd()) return `/proc/self/fd/${this.fd}/${name}`;
    this.checkStillHere();
    return path.join(this.absolutePath, name);
  }

  /**
   * Opens the directories `segments` one by one below this one, none of them through a symlink.
   * With `create`, missing ones are made (and reported to `onCreate` before, so that a journal
   * can name them).
   *
   * @throws AnsimodError `UNSAFE_PATH` when a component is a symlink or not a directory;
   *   `IO_ERROR` when one cannot be opened or made.
   * @example
   * const dir = root.openBelow(['roles', 'web']);
   */
  openBelow(segments: readonly string[], options: { create?: boolean; onCreate?: (relPath: string) => void } = {}): AnchoredDir {
    let current: AnchoredDir = this;
    for (const segment of segments) {
      const next = current.openChild(segment, options);
      if (current !== this) current.close();
      current = next;
    }
    // The caller closes what it gets; the same directory as this one is a second handle.
    return current === this ? this.openChild('.', {}) : current;
  }

  private openChild(segment: string, options: { create?: boolean; onCreate?: (relPath: string) => void }): AnchoredDir {
    const rel = segment === '.' ? this.relPath : this.relPath === '' ? segment : `${this.relPath}/${segment}`;
    const where = segment === '.' ? (haveProcFd() ? `/proc/self/fd/${this.fd}/.` : this.absolutePath) : this.name(segment);
    let fd: number;
    try {
      fd = openSync(where, DIR_FLAGS);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && options.create) {
        options.onCreate?.(rel);
        try {
          mkdirSync(where, 0o777);
          fd = openSync(where, DIR_FLAGS);
        } catch (err2) {
          throw ioFailure(rel, 'create the directory', err2);
        }
      } else if (code === 'ELOOP' || code === 'ENOTDIR') {
        throw new AnsimodError({ code: 'UNSAFE_PATH', message: `refusing to go through ${rel}: it is a symlink or not a directory (changed while ansimod ran?)`, path: rel });
      } else {
        throw ioFailure(rel, 'open the directory', err);
      }
    }
    const st = fstatSync(fd);
    return new AnchoredDir(fd, segment === '.' ? this.absolutePath : path.join(this.absolutePath, segment), rel, st.dev, st.ino);
  }

  /**
   * Checks that the directory is still where it was opened (not moved, and its path not now
   * leading elsewhere through a symlink), so that a write made through the handle stays where
   * the plan checked it.
   *
   * @throws AnsimodError `UNSAFE_PATH` when it moved.
   * @example
   * dir.checkPlace();
   */
  checkPlace(): void {
    if (!haveProcFd()) return this.checkStillHere();
    let now: string | undefined;
    try {
      now = readlinkSync(`/proc/self/fd/${this.fd}`);
    } catch {
      now = undefined;
    }
    if (now !== this.absolutePath) {
      throw new AnsimodError({ code: 'UNSAFE_PATH', message: `refusing to write: ${this.relPath || 'the repository root'} was moved or replaced while ansimod ran`, path: this.relPath });
    }
  }

  /** The fallback's check that the physical path still leads to the directory opened. */
  private checkStillHere(): void {
    let same = false;
    try {
      const fd = openSync(this.absolutePath, DIR_FLAGS);
      const st = fstatSync(fd);
      closeSync(fd);
      same = st.dev === this.dev && st.ino === this.ino && realpathSync(this.absolutePath) === this.absolutePath;
    } catch {
      same = false;
    }
    if (!same) throw new AnsimodError({ code: 'UNSAFE_PATH', message: `${this.relPath || '.'} was moved or replaced while ansimod ran`, path: this.relPath });
  }

  /**
   * Flushes the directory's entries (renames, links, unlinks made in it) to disk.
   *
   * @throws the file system's error (`EIO`); `EINVAL` (a file system that cannot) is ignored.
   * @example
   * dir.sync();
   */
  sync(): void {
    try {
      fsyncSync(this.fd);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'ENOTSUP') throw err;
    }
  }

  /** Closes the handle (twice is harmless). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed by the system; nothing to release.
    }
  }
}

function ioFailure(where: string, action: string, err: unknown): AnsimodError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new AnsimodError({ code: 'IO_ERROR', message: `cannot ${action} ${where}: ${code}`, path: where });
}
