/**
 * Classifies one file change the way git does before it writes a diffstat line or a diff
 * section: which modes each side has, whether git would call the content binary, the line
 * hunks (3 lines of context, computed once with the `diff` package) and the counts.
 */
import { lineHunks } from '../text/line-diff.js';
import { AnsimodError } from '../diagnostics.js';
import { gitFileMode, type GitFileMode } from './git-object.js';
import type { CrlfMode, FileChange } from './types.js';

/** One unified-diff hunk; `lines` carry their `' '`/`'+'`/`'-'`/`'\\'` marker and no `\n`. */
export interface TextHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/**
 * What is known about a change after analysis. `statBinary` is git's diffstat view (a NUL in
 * the first 8000 bytes of either side); `patchBinary` says the diff section must be a binary
 * patch because a text hunk could not carry the bytes through a mail exactly.
 */
export interface AnalyzedChange {
  readonly path: string;
  /** The path before: `path`, or the old name of a renamed file. */
  readonly oldPath: string;
  /** For a rename: how much of the content stays, in percent (git's `similarity index`). */
  readonly similarity?: number;
  readonly before: Uint8Array | null;
  readonly after: Uint8Array | null;
  readonly modeBefore: GitFileMode | null;
  readonly modeAfter: GitFileMode | null;
  readonly contentChanged: boolean;
  readonly statBinary: boolean;
  readonly patchBinary: boolean;
  /** Lines added (bytes of the new side for a binary diffstat). */
  readonly added: number;
  /** Lines deleted (bytes of the old side for a binary diffstat). */
  readonly deleted: number;
  /** Text hunks (empty for binary content or unchanged content). */
  readonly hunks: readonly TextHunk[];
  /** The old side decoded, for hunk-header function names. */
  readonly oldText: string;
}

const EMPTY = new Uint8Array(0);
/** Git looks this far into a file for a NUL byte to call it binary (`FIRST_FEW_BYTES`). */
const BINARY_PROBE = 8000;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hasNulWithin(bytes: Uint8Array, limit: number): boolean {
  const n = Math.min(bytes.length, limit);
  return bytes.subarray(0, n).indexOf(0) !== -1;
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Refuses paths a patch must never name: absolute, empty segments, `.`/`..` segments or NUL.
 * `git apply` refuses most of these too; failing early names the path. A backslash is a name
 * character on POSIX (git quotes it, `"a/we\\ird.yml"`); only on Windows is it a separator.
 */
export function assertPatchPath(path: string): void {
  const bad =
    path.length === 0 ||
    path.startsWith('/') ||
    (process.platform === 'win32' && path.includes('\\')) ||
    path.includes('\0') ||
    path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..');
  if (bad) {
    throw new AnsimodError({ code: 'UNSAFE_PATH', message: `not a repository-relative path: ${JSON.stringify(path)}`, path });
  }
}

function resolveModes(change: FileChange): { modeBefore: GitFileMode | null; modeAfter: GitFileMode | null } {
  const fallback = 0o100644;
  const before = change.modeBefore ?? change.modeAfter ?? fallback;
  const after = change.modeAfter ?? change.modeBefore ?? fallback;
  return {
    modeBefore: change.before === null ? null : gitFileMode(before),
    modeAfter: change.after === null ? null : gitFileMode(after),
  };
}

/**
 * Analyses one change. Returns `null` when nothing changes (same bytes and mode, or a file
 * absent on both sides).
 *
 * @example
 * const a = analyzeChange({ path: 'a.txt', before: Buffer.from('x\n'), after: Buffer.from('y\n') }, 'binary');
 * a?.added; // => 1
 */
export function analyzeChange(change: FileChange, crlf: CrlfMode): AnalyzedChange | null {
  assertPatchPath(change.path);
  const renamed = change.renamedFrom !== undefined && change.renamedFrom !== change.path && change.before !== null && change.after !== null;
  if (renamed) assertPatchPath(change.renamedFrom as string);
  const oldPath = renamed ? (change.renamedFrom as string) : change.path;
  if (change.before === null && change.after === null) return null;
  const { modeBefore, modeAfter } = resolveModes(change);
  const before = change.before ?? EMPTY;
  const after = change.after ?? EMPTY;
  const contentChanged = change.before === null || change.after === null || !bytesEqual(before, after);
  if (!contentChanged && modeBefore === modeAfter && !renamed) return null;
  const rename = renamed ? { oldPath, similarity: contentChanged ? similarityIndex(before, after) : 100 } : { oldPath };

  const statBinary = hasNulWithin(before, BINARY_PROBE) || hasNulWithin(after, BINARY_PROBE);
  const beforeUtf8 = decodeUtf8(before);
  const afterUtf8 = decodeUtf8(after);
  // A text hunk is only safe in a mail when both sides are UTF-8 (the mail is a UTF-8 string)
  // and hold no NUL at all; anything else goes as a binary patch, byte-exact by construction.
  let patchBinary =
    beforeUtf8 === null || afterUtf8 === null || before.indexOf(0) !== -1 || after.indexOf(0) !== -1;

  if (statBinary) {
    return {
      path: change.path, ...rename, before: change.before, after: change.after, modeBefore, modeAfter, contentChanged,
      statBinary, patchBinary: true,
      added: contentChanged ? after.length : 0,
      deleted: contentChanged ? before.length : 0,
      hunks: [], oldText: '',
    };
  }

  // Not UTF-8 but not binary to git either (a latin-1 byte): git counts its lines, so do we,
  // decoding byte for byte so each byte is one char.
  const oldText = beforeUtf8 ?? Buffer.from(before).toString('latin1');
  const newText = afterUtf8 ?? Buffer.from(after).toString('latin1');
  const hunks: TextHunk[] = contentChanged ? lineHunks(oldText, newText, 3) : [];
  let added = 0;
  let deleted = 0;
  let crlfLine = false;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      const marker = line.charCodeAt(0);
      if (marker === 0x2b) added++;
      else if (marker === 0x2d) deleted++;
      if (marker !== 0x5c && line.endsWith('\r')) crlfLine = true;
    }
  }
  if (crlfLine && crlf === 'binary') patchBinary = true;
  return {
    path: change.path, ...rename, before: change.before, after: change.after, modeBefore, modeAfter, contentChanged,
    statBinary, patchBinary, added, deleted, hunks, oldText,
  };
}

/** Git's chunks for estimating similarity: a line with its `\n`, or 64 bytes of a longer one. */
function chunks(bytes: Uint8Array): Map<string, number> {
  const out = new Map<string, number>();
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a || i - start + 1 === 64 || i === bytes.length - 1) {
      const key = Buffer.from(bytes.subarray(start, i + 1)).toString('latin1');
      out.set(key, (out.get(key) ?? 0) + key.length);
      start = i + 1;
    }
  }
  return out;
}

/**
 * How much of a renamed file's content stays, in percent, estimated as git's rename detection
 * does (`diffcore-rename`): the bytes of the line chunks both sides share over the larger size,
 * rounded down. Git's own figure can differ by a few points; `git am` does not read it.
 *
 * @example
 * similarityIndex(Buffer.from('a\nb\n'), Buffer.from('a\nc\n')); // => 50
 */
export function similarityIndex(before: Uint8Array, after: Uint8Array): number {
  const max = Math.max(before.length, after.length);
  if (max === 0) return 100;
  const a = chunks(before);
  let common = 0;
  for (const [k, n] of chunks(after)) common += Math.min(n, a.get(k) ?? 0);
  return Math.floor((common * 100) / max);
}

/** Below this similarity git writes a rename as a deletion and a creation (`-M50%`). */
const RENAME_THRESHOLD = 50;

/**
 * Analyses every change, drops the no-ops and sorts by path in git's order (bytewise).
 *
 * @throws AnsimodError `INVALID_OPTION` when a path appears twice.
 * @example
 * analyzeChanges([{ path: 'b', before: null, after: Buffer.from('') }, { path: 'a', before: null, after: Buffer.from('x\n') }], 'binary').map((c) => c.path);
 * // => ['a', 'b']
 */
export function analyzeChanges(changes: readonly FileChange[], crlf: CrlfMode): AnalyzedChange[] {
  const seen = new Set<string>();
  const out: AnalyzedChange[] = [];
  for (const change of changes) {
    for (const p of new Set([change.path, change.renamedFrom ?? change.path])) {
      if (seen.has(p)) throw new AnsimodError({ code: 'INVALID_OPTION', message: `the same path is changed twice in one commit`, path: p });
      seen.add(p);
    }
    const analyzed = analyzeChange(change, crlf);
    if (analyzed && analyzed.similarity !== undefined && analyzed.similarity < RENAME_THRESHOLD) {
      // Too little stays for git to call it a rename: the old file goes, the new one comes.
      const { renamedFrom, ...rest } = change;
      const gone = analyzeChange({ ...rest, path: renamedFrom as string, after: null }, crlf);
      const created = analyzeChange({ ...rest, before: null }, crlf);
      if (gone) out.push(gone);
      if (created) out.push(created);
    } else if (analyzed) out.push(analyzed);
  }
  const keys = new Map(out.map((c) => [c, Buffer.from(c.path)]));
  return out.sort((a, b) => Buffer.compare(keys.get(a) as Buffer, keys.get(b) as Buffer));
}
