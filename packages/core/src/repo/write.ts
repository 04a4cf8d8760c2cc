/**
 * Writing a set of repository files all or nothing, also across a crash.
 *
 * 1. Every path is resolved inside the repository and every directory on the way opened from
 *    the root without following a symlink ({@link AnchoredDir}); all later opens, links and
 *    renames go through those handles, so a directory swapped mid-run cannot redirect them.
 * 2. A journal is created (`.git/ansimod-journal.json`, or `.ansimod-journal.json` in the root
 *    when there is no `.git` directory); it names every file the write will make.
 * 3. Each target is read again (regular file, no symlink, the bytes the plan read), and its new
 *    bytes are staged beside it under a short name (`.ansimod-XXXXXX-N.new`, never longer than
 *    a few dozen bytes whatever the target's name), with the target's mode, owner (where
 *    permitted) and extended attributes, and fsynced.
 * 4. The renames: each original is first renamed aside to `.ansimod-XXXXXX-N.old` (taking
 *    whatever is at the name at that instant) and checked to be the inode and content hash read
 *    in 3; then the staged file is hard-linked into the now empty name, which fails if another
 *    program put a file there meanwhile. So no rename ever replaces a file ansimod did not
 *    check: a concurrent save by rename is caught, before or after, and kept. The `.old` is
 *    checked once more afterwards, which catches an edit in place through an open descriptor.
 *    A rollback puts each `.old` back by link too (never over another program's file).
 * 5. The directories are fsynced, the journal marked committed, the `.old` links removed, the
 *    journal removed.
 *
 * Any failure, or SIGINT/SIGTERM/SIGHUP, before the journal is marked committed renames every
 * `.old` back: the tree is all old. A SIGKILL or power loss leaves the journal, and
 * {@link recoverInterruptedWrite} (run by the next `ansimod` command) rolls back from it, or
 * finishes the clean-up when the journal was marked committed. No `.new`/`.old` file is left.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  existsSync,
  type Stats,
} from 'node:fs';
import * as path from 'node:path';
import { AnsimodError } from '../diagnostics.js';
import { AnchoredDir } from './anchored-dir.js';
import { resolveEntryInsideRepo, resolveInsideRepo } from './safe-path.js';
import { copyXattrs } from './xattr.js';

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
   * Check that every file still has its `before` bytes (`null`: does not exist), so an edit
   * made since the files were read is never overwritten (`EDIT_CONFLICT`). Default `true`.
   * Either way each target is checked at its rename to be the file (inode and content) read
   * while staging.
   */
  checkBefore?: boolean;
  /**
   * Called once everything is staged and checked, before the first rename; when it throws,
   * nothing is written and the error is passed on. The CLI prints its report here, so that
   * a stdout it cannot write to stops the command before the repository changes.
   */
  beforeCommit?: () => void | Promise<void>;
  /** Non-fatal problems (extended attributes that could not be copied), one line each. */
  onWarning?: (message: string) => void;
}

/**
 * Thrown when SIGINT, SIGTERM or SIGHUP arrived during a write; everything was rolled back.
 *
 * @example
 * if (err instanceof WriteInterrupted) process.exitCode = 128 + os.constants.signals[err.signal];
 */
export class WriteInterrupted extends AnsimodError {
  constructor(readonly signal: NodeJS.Signals) {
    super({ code: 'INTERRUPTED', message: `interrupted by ${signal}: nothing was written (every file is as it was)` });
  }
}

type Kind = 'write' | 'create' | 'delete';

interface Entry {
  change: RepoWrite;
  /** Physical path relative to the real root, POSIX separators. */
  rel: string;
  dirRel: string;
  name: string;
  kind: Kind;
  mode: number | undefined;
  tmp: string;
  bak: string;
  dir?: AnchoredDir;
  oldHash?: string;
  newHash?: string;
  ino?: number;
  dev?: number;
  tmpIno?: number;
  /** The entry deleted is a symlink (checked by inode, not content). */
  link?: boolean;
  /** 'linked': `.old` made; 'moved': the original renamed to `.old`; 'replaced': target is new. */
  step: 'none' | 'staged' | 'linked' | 'moved' | 'replaced';
}

/** The journal's shape on disk (version 1). */
interface Journal {
  version: 1;
  pid: number;
  started: string;
  state: 'staging' | 'renaming' | 'committed';
  createdDirs: string[];
  entries: Array<{ dir: string; name: string; kind: Kind; tmp: string; bak: string; oldHash?: string; newHash?: string }>;
}

const JOURNAL = 'ansimod-journal.json';
const HANDLED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;
/** What link(2) says on a file system (or for a file) that cannot take another hard link. */
const NO_HARD_LINKS = ['EPERM', 'EXDEV', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP'];

function errno(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

function ioError(where: string, action: string, err: unknown): AnsimodError {
  if (err instanceof AnsimodError) return err;
  return new AnsimodError({ code: 'IO_ERROR', message: `cannot ${action}: ${errno(err)}`, path: where });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function plannedMode(change: RepoWrite): number | undefined {
  if (change.modeAfter === undefined) return undefined;
  // A mode is applied when it is a deliberate change or the file is new; otherwise the file
  // keeps its own permission bits (git's 100644 view of a 0640 file must not widen it).
  if (change.before !== null && change.modeBefore !== undefined && change.modeBefore === change.modeAfter) return undefined;
  if (change.before !== null && change.modeBefore === undefined) return undefined;
  return change.modeAfter & 0o7777;
}

/** Reads a regular file through a directory handle, never through a symlink. */
function readRegular(dir: AnchoredDir, name: string, shown: string): { bytes: Buffer; st: Stats } | null {
  let fd: number;
  try {
    fd = openSync(dir.name(name), READ_FLAGS);
  } catch (err) {
    const code = errno(err);
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new AnsimodError({ code: 'UNSAFE_PATH', message: 'refusing to write: it is a symlink now (changed while ansimod ran?)', path: shown });
    throw ioError(shown, 'read', err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new AnsimodError({ code: 'IO_ERROR', message: 'not a regular file', path: shown });
    return { bytes: readFileSync(fd), st };
  } finally {
    closeSync(fd);
  }
}

function exists(dir: AnchoredDir, name: string): boolean {
  try {
    lstatSync(dir.name(name));
    return true;
  } catch (err) {
    if (errno(err) === 'ENOENT') return false;
    throw err;
  }
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Puts the `.old` of an entry back at its name without replacing anything: by link (which fails
 * when the name is taken), then the `.old` removed. When another program wrote the name
 * meanwhile, its file is kept (it replaced the very original) and that is said.
 */
function restoreOriginal(dir: AnchoredDir, e: Entry, onWarning?: (message: string) => void): void {
  try {
    linkSync(dir.name(e.bak), dir.name(e.name));
  } catch (err) {
    if (errno(err) === 'EEXIST') {
      onWarning?.(`${e.change.path}: another program wrote it while ansimod was writing; its file is kept`);
      unlinkSync(dir.name(e.bak));
      return;
    }
    if (!NO_HARD_LINKS.includes(errno(err))) throw err;
    renameSync(dir.name(e.bak), dir.name(e.name));
    return;
  }
  unlinkSync(dir.name(e.bak));
}

function unlinkQuietly(dir: AnchoredDir, name: string): void {
  try {
    unlinkSync(dir.name(name));
  } catch {
    // Already gone (or never made).
  }
}

/** Where the journal lives: the `.git` directory when the root has one, else the root. */
function openJournalDir(root: AnchoredDir): { dir: AnchoredDir; name: string } {
  try {
    const st = lstatSync(root.name('.git'));
    if (st.isDirectory()) return { dir: root.openBelow(['.git']), name: JOURNAL };
  } catch {
    // No .git directory (a plain tree, or a worktree's .git file): the root it is.
  }
  return { dir: root.openBelow([]), name: `.${JOURNAL}` };
}

class JournalFile {
  private written = false;
  constructor(
    readonly dir: AnchoredDir,
    readonly name: string,
  ) {}

  private tmpName(): string {
    return `${this.name}.tmp`;
  }

  /** Writes the journal durably; the first write fails if a journal is already there. */
  save(journal: Journal): void {
    try {
      this.saveOnce(journal);
    } catch (err) {
      unlinkQuietly(this.dir, this.tmpName());
      throw err instanceof AnsimodError ? err : ioError(path.join(this.dir.absolutePath, this.name), 'write the journal', err);
    }
  }

  private saveOnce(journal: Journal): void {
    const tmp = this.dir.name(this.tmpName());
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, JSON.stringify(journal));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!this.written) {
      try {
        linkSync(tmp, this.dir.name(this.name));
      } catch (err) {
        unlinkQuietly(this.dir, this.tmpName());
        if (errno(err) === 'EEXIST') {
          throw new AnsimodError({ code: 'IO_ERROR', message: `another ansimod write is in progress (journal ${path.join(this.dir.absolutePath, this.name)})` });
        }
        throw err;
      }
      unlinkSync(tmp);
      this.written = true;
    } else {
      renameSync(tmp, this.dir.name(this.name));
    }
    this.dir.sync();
  }

  read(): Journal | undefined {
    let text: string;
    try {
      text = readFileSync(this.dir.name(this.name), 'utf8');
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      throw ioError(path.join(this.dir.absolutePath, this.name), 'read the write journal', err);
    }
    this.written = true;
    try {
      const parsed = JSON.parse(text) as Journal;
      if (parsed.version === 1 && Array.isArray(parsed.entries)) return parsed;
    } catch {
      // Torn or foreign: reported below.
    }
    throw new AnsimodError({ code: 'IO_ERROR', message: `the write journal ${path.join(this.dir.absolutePath, this.name)} is unreadable; check the files it names by hand, then remove it` });
  }

  /** Removes the journal; false when that failed (the next command then finds and clears it). */
  remove(): boolean {
    unlinkQuietly(this.dir, this.tmpName());
    try {
      if (this.written) unlinkSync(this.dir.name(this.name));
      this.written = false;
      this.dir.sync();
      return true;
    } catch {
      return false;
    }
  }
}

/** Removes a directory the write made, when it is empty again (through its parent's handle). */
function removeDirIfEmpty(root: AnchoredDir, rel: string): void {
  const segments = rel.split('/');
  let parent: AnchoredDir | undefined;
  try {
    parent = root.openBelow(segments.slice(0, -1));
    rmdirSync(parent.name(segments[segments.length - 1] as string));
  } catch {
    // Not empty (something else was put there) or already gone: it stays.
  } finally {
    parent?.close();
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === 'EPERM';
  }
}

/**
 * The outcome of {@link recoverInterruptedWrite}: what happened to an interrupted write found
 * in the journal, as one line for the user.
 *
 * @example
 * // { action: 'rolled back', files: 3, message: 'an interrupted write (pid 4242, …) was rolled back: 3 files restored' }
 */
export interface Recovery {
  action: 'rolled back' | 'finished';
  files: number;
  message: string;
}

/**
 * Finishes or rolls back a write that a SIGKILL, a crash or a power loss interrupted (see the
 * module comment), from its journal. Returns `undefined` when there was none.
 *
 * A journal of a process still running is left alone. A target found with bytes that are
 * neither the old nor the new ones (edited since) is not touched; its original is kept as
 * the `.old` file the message names.
 *
 * @throws AnsimodError `IO_ERROR` when another ansimod is writing, or the journal is unreadable.
 * @example
 * const r = recoverInterruptedWrite('/srv/ansible');
 * if (r) console.error(`ansimod: ${r.message}`);
 */
export function recoverInterruptedWrite(root: string): Recovery | undefined {
  // The usual case, no journal, costs two lstat calls and opens nothing.
  if (![path.join(root, '.git', JOURNAL), path.join(root, `.${JOURNAL}`)].some((p) => existsSync(p))) return undefined;
  const rootDir = AnchoredDir.openRoot(root);
  const { dir, name } = openJournalDir(rootDir);
  try {
    const journalFile = new JournalFile(dir, name);
    const journal = journalFile.read();
    if (journal === undefined) return undefined;
    if (pidAlive(journal.pid)) {
      throw new AnsimodError({ code: 'IO_ERROR', message: `another ansimod (pid ${journal.pid}) is writing this repository; try again when it has finished` });
    }
    const kept: string[] = [];
    let restored = 0;
    const dirs = new Map<string, AnchoredDir | null>();
    const dirOf = (rel: string): AnchoredDir | null => {
      if (!dirs.has(rel)) {
        let d: AnchoredDir | null = null;
        try {
          d = rootDir.openBelow(rel === '' ? [] : rel.split('/'));
        } catch {
          d = null;
        }
        dirs.set(rel, d);
      }
      return dirs.get(rel) as AnchoredDir | null;
    };
    const hashOf = (d: AnchoredDir, n: string): string | null => {
      const r = readRegular(d, n, n);
      return r === null ? null : sha256(r.bytes);
    };
    for (const e of [...journal.entries].reverse()) {
      const d = dirOf(e.dir);
      if (d === null) continue;
      const shown = e.dir === '' ? e.name : `${e.dir}/${e.name}`;
      if (journal.state === 'renaming') {
        if (e.kind === 'create') {
          if (exists(d, e.name) && hashOf(d, e.name) === e.newHash) {
            unlinkSync(d.name(e.name));
            restored++;
          }
        } else if (exists(d, e.bak)) {
          const current = exists(d, e.name) ? hashOf(d, e.name) : null;
          if (current === null || (e.kind === 'write' && current === e.newHash)) {
            renameSync(d.name(e.bak), d.name(e.name));
            restored++;
          } else if (current === e.oldHash) {
            unlinkSync(d.name(e.bak)); // never replaced: the .old was only a second link
          } else {
            kept.push(`${shown} (changed since; its original is ${e.dir === '' ? '' : `${e.dir}/`}${e.bak})`);
            continue;
          }
        }
      } else if (journal.state === 'committed') {
        unlinkQuietly(d, e.bak);
      } else {
        unlinkQuietly(d, e.bak);
      }
      unlinkQuietly(d, e.tmp);
    }
    if (journal.state !== 'committed') {
      for (const rel of [...journal.createdDirs].reverse()) removeDirIfEmpty(rootDir, rel);
    }
    for (const d of dirs.values()) d?.sync();
    for (const d of dirs.values()) d?.close();
    journalFile.remove();
    const action: Recovery['action'] = journal.state === 'committed' ? 'finished' : 'rolled back';
    const files = journal.state === 'committed' ? journal.entries.length : restored;
    let message =
      action === 'finished'
        ? `an interrupted write (pid ${journal.pid}, started ${journal.started}) had completed; its leftover files were removed (${files} files written)`
        : `an interrupted write (pid ${journal.pid}, started ${journal.started}) was rolled back: ${restored} file${restored === 1 ? '' : 's'} restored`;
    if (kept.length) message += `; not touched: ${kept.join(', ')}`;
    return { action, files, message };
  } finally {
    dir.close();
    rootDir.close();
  }
}

function resolveEntries(root: string, realRoot: string, changes: readonly RepoWrite[], txid: string): Entry[] {
  const seen = new Set<string>();
  const entries: Entry[] = [];
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
    const rel = path.relative(realRoot, target).split(path.sep).join('/');
    const slash = rel.lastIndexOf('/');
    const i = entries.length;
    entries.push({
      change,
      rel,
      dirRel: slash < 0 ? '' : rel.slice(0, slash),
      name: slash < 0 ? rel : rel.slice(slash + 1),
      kind: change.after === null ? 'delete' : change.before === null ? 'create' : 'write',
      mode: plannedMode(change),
      tmp: `.ansimod-${txid}-${i}.new`,
      bak: `.ansimod-${txid}-${i}.old`,
      step: 'none',
    });
  }
  const targets = new Set<string>();
  for (const e of entries) {
    if (targets.has(e.rel)) throw new AnsimodError({ code: 'INVALID_OPTION', message: `the same file is written twice (through a symlink): ${e.rel}`, path: e.change.path });
    targets.add(e.rel);
  }
  return entries;
}

/** Waits for a signal handler to have run, so that a pending SIGINT is seen now. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The documented test seam: with `ANSIMOD_TEST_PAUSE_BEFORE_RENAME=FILE`, a write creates
 * `FILE.staged` once everything is staged and waits (up to 60 s) for `FILE.go` to exist before
 * the first rename, so that a test can swap a directory or edit a target at that moment.
 */
async function testPause(): Promise<void> {
  const seam = process.env['ANSIMOD_TEST_PAUSE_BEFORE_RENAME'];
  if (!seam) return;
  writeFileSync(`${seam}.staged`, String(process.pid));
  const until = Date.now() + 60_000;
  while (!existsSync(`${seam}.go`) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}

class Transaction {
  readonly dirs = new Map<string, AnchoredDir>();
  readonly createdDirs: string[] = [];
  interrupted: NodeJS.Signals | undefined;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.interrupted ??= signal;
  };

  constructor(
    readonly root: AnchoredDir,
    readonly journal: JournalFile,
    readonly entries: Entry[],
    readonly options: WriteChangesOptions,
  ) {}

  listen(): void {
    for (const s of HANDLED_SIGNALS) process.on(s, this.onSignal);
  }

  unlisten(): void {
    for (const s of HANDLED_SIGNALS) process.off(s, this.onSignal);
  }

  async checkpoint(): Promise<void> {
    await tick();
    if (this.interrupted) throw new WriteInterrupted(this.interrupted);
  }

  journalData(state: Journal['state']): Journal {
    return {
      version: 1,
      pid: process.pid,
      started: this.started,
      state,
      createdDirs: this.createdDirs,
      entries: this.entries.map((e) => ({
        dir: e.dirRel,
        name: e.name,
        kind: e.kind,
        tmp: e.tmp,
        bak: e.bak,
        ...(e.oldHash ? { oldHash: e.oldHash } : {}),
        ...(e.newHash ? { newHash: e.newHash } : {}),
      })),
    };
  }

  readonly started = new Date().toISOString();

  dirFor(e: Entry): AnchoredDir {
    let dir = this.dirs.get(e.dirRel);
    if (!dir) {
      dir = this.root.openBelow(e.dirRel === '' ? [] : e.dirRel.split('/'), {
        create: e.kind === 'create',
        onCreate: (rel) => {
          this.createdDirs.push(rel);
          this.journal.save(this.journalData('staging'));
        },
      });
      this.dirs.set(e.dirRel, dir);
    }
    e.dir = dir;
    return dir;
  }

  /** Reads the target as it is now, checks it against the plan, stages the new bytes. */
  stage(e: Entry, checkBefore: boolean): void {
    const dir = this.dirFor(e);
    const shown = e.change.path;
    if (e.kind === 'delete' && this.stageLinkDeletion(e, dir)) return;
    const current = readRegular(dir, e.name, shown);
    if (checkBefore) {
      const expected = e.change.before;
      const same = current === null || expected === null ? (current === null) === (expected === null) : Buffer.compare(current.bytes, expected) === 0;
      if (!same) {
        throw new AnsimodError({
          code: 'EDIT_CONFLICT',
          message: expected === null ? 'file appeared since the repository was read' : current === null ? 'file disappeared since the repository was read' : 'file changed since it was read',
          path: shown,
        });
      }
    }
    if (current === null && e.kind !== 'create') {
      if (e.kind === 'delete') {
        e.step = 'none';
        return;
      }
      e.kind = 'create';
    } else if (current !== null && e.kind === 'create') {
      e.kind = 'write';
    }
    if (current !== null) {
      e.oldHash = sha256(current.bytes);
      e.ino = current.st.ino;
      e.dev = current.st.dev;
    }
    if (e.kind === 'delete') return;
    const after = e.change.after as Uint8Array;
    e.newHash = sha256(after);
    const mode = e.mode ?? (current ? current.st.mode & 0o7777 : undefined);
    let fd: number;
    try {
      fd = openSync(dir.name(e.tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode === undefined ? 0o666 : 0o600);
    } catch (err) {
      throw ioError(shown, 'stage the new file', err);
    }
    e.step = 'staged';
    try {
      let off = 0;
      while (off < after.length) off += writeSync(fd, after, off, after.length - off);
      if (mode !== undefined) fchmodSync(fd, mode);
      if (current && (current.st.uid !== process.getuid?.() || current.st.gid !== process.getgid?.())) {
        try {
          // Only root may give a file away; for anyone else the original owner is already theirs.
          fchownSync(fd, current.st.uid, current.st.gid);
        } catch {
          // Not permitted: the file becomes the writer's, as any editor would leave it.
        }
      }
      fsyncSync(fd);
      e.tmpIno = fstatSync(fd).ino;
    } catch (err) {
      throw ioError(shown, 'stage the new file', err);
    } finally {
      closeSync(fd);
    }
  }

  /** A symlink to delete: remembered by inode; returns false when the entry is no symlink. */
  private stageLinkDeletion(e: Entry, dir: AnchoredDir): boolean {
    let st: Stats;
    try {
      st = lstatSync(dir.name(e.name));
    } catch {
      return false;
    }
    if (!st.isSymbolicLink()) return false;
    e.link = true;
    e.ino = st.ino;
    e.dev = st.dev;
    e.oldHash = 'symlink';
    return true;
  }

  copyAttributes(): void {
    const pairs: Array<{ from: number; to: number }> = [];
    const fds: number[] = [];
    try {
      for (const e of this.entries) {
        if (e.kind !== 'write' || e.step !== 'staged' || !e.dir) continue;
        const from = openSync(e.dir.name(e.name), READ_FLAGS);
        fds.push(from);
        const to = openSync(e.dir.name(e.tmp), READ_FLAGS);
        fds.push(to);
        pairs.push({ from, to });
      }
      const copy = copyXattrs(pairs);
      for (const p of copy.problems) this.options.onWarning?.(p);
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  }

  /** Checks that `.old` (the original, linked or moved aside) is the file staged against. */
  private checkOriginal(e: Entry, dir: AnchoredDir): void {
    if (e.link) {
      const st = lstatSync(dir.name(e.bak));
      if (st.ino === e.ino && st.dev === e.dev) return;
      throw new AnsimodError({ code: 'EDIT_CONFLICT', message: 'symlink replaced while ansimod was writing', path: e.change.path });
    }
    const original = readRegular(dir, e.bak, e.change.path);
    if (original === null || original.st.ino !== e.ino || original.st.dev !== e.dev || sha256(original.bytes) !== e.oldHash) {
      throw new AnsimodError({ code: 'EDIT_CONFLICT', message: 'file changed while ansimod was writing (another process edited or replaced it)', path: e.change.path });
    }
  }

  /** One target's rename (or link, or removal). */
  commit(e: Entry): void {
    const dir = e.dir as AnchoredDir;
    const shown = e.change.path;
    dir.checkPlace();
    if (e.kind === 'create') {
      try {
        linkSync(dir.name(e.tmp), dir.name(e.name));
      } catch (err) {
        if (errno(err) === 'EEXIST') throw new AnsimodError({ code: 'EDIT_CONFLICT', message: 'file appeared while ansimod was writing', path: shown });
        if (!NO_HARD_LINKS.includes(errno(err))) throw ioError(shown, 'create', err);
        // A file system without hard links: rename, after one more look.
        if (exists(dir, e.name)) throw new AnsimodError({ code: 'EDIT_CONFLICT', message: 'file appeared while ansimod was writing', path: shown });
        renameSync(dir.name(e.tmp), dir.name(e.name));
      }
      e.step = 'replaced';
      unlinkQuietly(dir, e.tmp);
      return;
    }
    if (e.kind === 'delete') {
      if (e.oldHash === undefined) return; // already gone when staged (checkBefore off)
      try {
        renameSync(dir.name(e.name), dir.name(e.bak));
      } catch (err) {
        throw ioError(shown, 'delete', err);
      }
      e.step = 'moved';
      this.checkOriginal(e, dir);
      return;
    }
    // The original is moved aside first: whatever is at the target's name at that instant is
    // taken (a file another program renamed there is caught by the check below, never
    // overwritten), and the new file is then linked into the empty name, which fails if a file
    // appeared there meanwhile. No rename ever lands on a name that holds a file ansimod did not
    // check. (Readers see no file by that name for the microseconds between the two calls.)
    try {
      renameSync(dir.name(e.name), dir.name(e.bak));
    } catch (err) {
      if (errno(err) === 'ENOENT') throw new AnsimodError({ code: 'EDIT_CONFLICT', message: 'file disappeared while ansimod was writing', path: shown });
      throw ioError(shown, 'keep the original of', err);
    }
    e.step = 'moved';
    this.checkOriginal(e, dir);
    try {
      linkSync(dir.name(e.tmp), dir.name(e.name));
    } catch (err) {
      if (errno(err) === 'EEXIST') throw new AnsimodError({ code: 'EDIT_CONFLICT', message: 'file replaced while ansimod was writing (another process wrote it)', path: shown });
      if (!NO_HARD_LINKS.includes(errno(err))) throw ioError(shown, 'write', err);
      // A file system without hard links: rename, after one more look.
      if (exists(dir, e.name)) throw new AnsimodError({ code: 'EDIT_CONFLICT', message: 'file replaced while ansimod was writing (another process wrote it)', path: shown });
      try {
        renameSync(dir.name(e.tmp), dir.name(e.name));
      } catch (err2) {
        throw ioError(shown, 'write', err2);
      }
    }
    e.step = 'replaced';
    unlinkQuietly(dir, e.tmp);
    // An edit in place (through a descriptor opened earlier) went into the original's inode.
    this.checkOriginal(e, dir);
  }

  /** Puts every original back and removes every staged file; returns the problems. */
  rollback(): string[] {
    const problems: string[] = [];
    for (const e of [...this.entries].reverse()) {
      const dir = e.dir;
      if (!dir) continue;
      try {
        if (e.kind === 'create' && e.step === 'replaced') {
          const st = lstatSync(dir.name(e.name));
          if (st.ino === e.tmpIno) unlinkSync(dir.name(e.name));
        } else if (e.step === 'replaced' || e.step === 'moved') {
          // Never over a file another program put there since: the original goes back by link,
          // which fails if the name is taken; a new file of ours there is first moved off it.
          if (e.step === 'replaced' && e.kind === 'write' && lstatOrUndefined(dir.name(e.name))?.ino === e.tmpIno) {
            renameSync(dir.name(e.name), dir.name(e.tmp));
            // What was taken off the name is checked too: a file saved there in between goes back.
            if (lstatOrUndefined(dir.name(e.tmp))?.ino !== e.tmpIno) linkSync(dir.name(e.tmp), dir.name(e.name));
          }
          restoreOriginal(dir, e, this.options.onWarning);
        } else if (e.step === 'linked') {
          unlinkSync(dir.name(e.bak));
        }
        e.step = 'none';
      } catch (err) {
        problems.push(`${e.change.path}: ${errno(err)}`);
      }
      unlinkQuietly(dir, e.tmp);
    }
    for (const rel of [...this.createdDirs].reverse()) removeDirIfEmpty(this.root, rel);
    for (const dir of this.dirs.values()) {
      try {
        dir.sync();
      } catch (err) {
        problems.push(`${dir.relPath || '.'}: ${errno(err)}`);
      }
    }
    return problems;
  }

  close(): void {
    for (const dir of this.dirs.values()) dir.close();
  }
}

/**
 * Writes `changes` below `root` all or nothing (see the module comment for how): every path is
 * validated first (see {@link resolveInsideRepo}; symlinks inside the repository are written
 * through to their target, a deleted symlink is removed itself), and by default each file must
 * still hold its `before` bytes. If anything fails — a check, the disk, a permission, a signal
 * — every file is as it was and the error says so. Returns what was done, in order.
 *
 * @throws AnsimodError `UNSAFE_PATH` for a path that is not safe to write (or a directory that
 *   became a symlink while ansimod ran), `EDIT_CONFLICT` when a file changed since it was read
 *   (also during the write), `INVALID_OPTION` for a path given twice or a symlink to create,
 *   `IO_ERROR` when the file system refuses, {@link WriteInterrupted} on a signal.
 * @example
 * await writeChangesAtomically('/srv/ansible', [{ path: 'site.yml', before: oldBytes, after: newBytes }]);
 * // => [{ path: 'site.yml', absolutePath: '/srv/ansible/site.yml', action: 'written' }]
 */
export async function writeChangesAtomically(root: string, changes: readonly RepoWrite[], options: WriteChangesOptions = {}): Promise<WrittenChange[]> {
  const rootDir = AnchoredDir.openRoot(root);
  const realRoot = rootDir.absolutePath;
  const txid = randomBytes(3).toString('hex');
  let entries: Entry[];
  let journalDir: { dir: AnchoredDir; name: string } | undefined;
  try {
    entries = resolveEntries(root, realRoot, changes, txid);
    if (entries.length === 0) {
      await options.beforeCommit?.();
      rootDir.close();
      return [];
    }
    journalDir = openJournalDir(rootDir);
  } catch (err) {
    journalDir?.dir.close();
    rootDir.close();
    throw err;
  }
  const journal = new JournalFile(journalDir.dir, journalDir.name);
  const tx = new Transaction(rootDir, journal, entries, options);
  let committed = false;
  tx.listen();
  try {
    try {
      journal.save(tx.journalData('staging'));
    } catch (err) {
      journal.remove();
      throw err;
    }
    try {
      for (const e of entries) {
        await tx.checkpoint();
        tx.stage(e, options.checkBefore ?? true);
      }
      tx.copyAttributes();
      await testPause();
      await tx.checkpoint();
      await options.beforeCommit?.();
      journal.save(tx.journalData('renaming'));
      for (const e of entries) {
        await tx.checkpoint();
        tx.commit(e);
      }
      for (const dir of tx.dirs.values()) {
        try {
          dir.sync();
        } catch (err) {
          throw ioError(dir.relPath || '.', 'flush the directory', err);
        }
      }
      await tx.checkpoint();
      journal.save(tx.journalData('committed'));
      committed = true;
    } catch (err) {
      const problems = tx.rollback();
      if (problems.length) {
        // The journal stays: the next ansimod command finishes the rollback.
        throw new AnsimodError({
          code: 'IO_ERROR',
          message: `${describe(err)}; the rollback failed too (${problems.join(', ')}): the next ansimod command will retry it from ${path.join(journal.dir.absolutePath, journal.name)}`,
          ...(err instanceof AnsimodError && err.diagnostic.path ? { path: err.diagnostic.path } : {}),
        });
      }
      // A journal that cannot be removed names a rolled-back write: the next command clears it.
      journal.remove();
      if (err instanceof WriteInterrupted) throw err;
      if (err instanceof AnsimodError) {
        throw new AnsimodError({ ...err.diagnostic, message: `${err.diagnostic.message}; nothing was written (every file is as it was)` });
      }
      throw err;
    }
    // Committed: the originals and the journal go; a failure here leaves only clean-up, which
    // the next command finishes.
    for (const e of entries) if (e.dir && (e.step === 'linked' || e.step === 'moved' || e.step === 'replaced')) unlinkQuietly(e.dir, e.bak);
    for (const dir of tx.dirs.values()) {
      try {
        dir.sync();
      } catch {
        // The new files are in place and synced; a leftover .old goes with the journal's next reading.
      }
    }
    if (!journal.remove()) {
      options.onWarning?.(`every file was written, but the journal ${path.join(journal.dir.absolutePath, journal.name)} could not be removed; the next ansimod command clears it`);
    }
  } finally {
    tx.unlisten();
    tx.close();
    journal.dir.close();
    rootDir.close();
    if (committed && tx.interrupted) options.onWarning?.(`${tx.interrupted} arrived after the write had completed; every file was written`);
  }
  return entries
    .filter((e) => !(e.kind === 'delete' && e.oldHash === undefined))
    .map((e) => ({ path: e.change.path, absolutePath: path.join(realRoot, e.rel), action: e.kind === 'delete' ? 'deleted' : 'written' }));
}

function describe(err: unknown): string {
  return err instanceof AnsimodError ? `${err.diagnostic.path ? `${err.diagnostic.path}: ` : ''}${err.diagnostic.message}` : errno(err);
}

/**
 * Writes `bytes` to `absPath` atomically with {@link writeChangesAtomically} (one file, no
 * check of its current bytes): staged beside it with its mode, owner and extended attributes,
 * fsynced, renamed over it. Missing parent directories are created.
 *
 * Never writes through a symlink: with `options.root`, a symlink is resolved and the bytes go
 * to its target file (the link itself stays) provided the target is inside the repository,
 * else `UNSAFE_PATH`; without `root`, a symlink is refused. Returns the path written.
 *
 * @throws AnsimodError `UNSAFE_PATH` as above; `IO_ERROR` when the target is not a regular
 *   file or the file system refuses (nothing is left behind).
 * @example
 * await writeFileAtomic('/srv/ansible/inventory/hosts', Buffer.from('[web]\nweb01\n'));
 * // => '/srv/ansible/inventory/hosts'
 */
export async function writeFileAtomic(absPath: string, bytes: Uint8Array, options: WriteFileAtomicOptions = {}): Promise<string> {
  let root = options.root;
  if (root === undefined) {
    let st: Stats | undefined;
    try {
      st = lstatSync(absPath);
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw ioError(absPath, 'inspect', err);
    }
    if (st?.isSymbolicLink()) {
      throw new AnsimodError({ code: 'UNSAFE_PATH', message: `refusing to write through the symlink ${absPath}`, path: absPath });
    }
    // The nearest existing ancestor directory is the root of this one-file write.
    root = path.dirname(absPath);
    while (!existsSync(root) && path.dirname(root) !== root) root = path.dirname(root);
  }
  const rel = path.relative(root, absPath);
  const mode = options.mode === undefined ? {} : { modeAfter: options.mode & 0o7777 };
  const [done] = await writeChangesAtomically(root, [{ path: rel === '' ? '.' : rel, before: null, after: bytes, ...mode }], { checkBefore: false });
  return (done as WrittenChange).absolutePath;
}
