/**
 * Classifies one file change the way git does before it writes a diffstat line or a diff
 * section: which modes each side has, whether git would call the content binary, the line
 * hunks (3 lines of context, computed once with the `diff` package) and the counts.
 */
import { structuredPatch } from 'diff';
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
  if (change.before === null && change.after === null) return null;
  const { modeBefore, modeAfter } = resolveModes(change);
  const before = change.before ?? EMPTY;
  const after = change.after ?? EMPTY;
  const contentChanged = change.before === null || change.after === null || !bytesEqual(before, after);
  if (!contentChanged && modeBefore === modeAfter) return null;

  const statBinary = hasNulWithin(before, BINARY_PROBE) || hasNulWithin(after, BINARY_PROBE);
  const beforeUtf8 = decodeUtf8(before);
  const afterUtf8 = decodeUtf8(after);
  // A text hunk is only safe in a mail when both sides are UTF-8 (the mail is a UTF-8 string)
  // and hold no NUL at all; anything else goes as a binary patch, byte-exact by construction.
  let patchBinary =
    beforeUtf8 === null || afterUtf8 === null || before.indexOf(0) !== -1 || after.indexOf(0) !== -1;

  if (statBinary) {
    return {
      path: change.path, before: change.before, after: change.after, modeBefore, modeAfter, contentChanged,
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
  const hunks: TextHunk[] = contentChanged ? structuredPatch('', '', oldText, newText, undefined, undefined, { context: 3 }).hunks : [];
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
    path: change.path, before: change.before, after: change.after, modeBefore, modeAfter, contentChanged,
    statBinary, patchBinary, added, deleted, hunks, oldText,
  };
}

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
    if (seen.has(change.path)) {
      throw new AnsimodError({ code: 'INVALID_OPTION', message: `the same path is changed twice in one commit`, path: change.path });
    }
    seen.add(change.path);
    const analyzed = analyzeChange(change, crlf);
    if (analyzed) out.push(analyzed);
  }
  const keys = new Map(out.map((c) => [c, Buffer.from(c.path)]));
  return out.sort((a, b) => Buffer.compare(keys.get(a) as Buffer, keys.get(b) as Buffer));
}
