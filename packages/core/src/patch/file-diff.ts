/**
 * One file's section of a git patch: `diff --git` header, mode lines, the full-length `index`
 * line, then either text hunks (with git's hunk-header function names) or a binary patch.
 */
import { analyzeChange, type AnalyzedChange, type TextHunk } from './analyze-change.js';
import { binaryPatchBody } from './binary-patch.js';
import { gitBlobId, NULL_BLOB_ID } from './git-object.js';
import { quoteGitPath } from './quote-path.js';
import type { CrlfMode } from './types.js';

const EMPTY = new Uint8Array(0);
/** Git copies at most this many bytes of a line into a hunk header (`struct func_line`). */
const FUNC_LINE_BYTES = 80;

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Git's default "function line" rule (`def_ff` in xdiff): a line starting with a letter, `_` or
 * `$`, cut to 80 bytes, trailing whitespace dropped. `undefined` when the line does not qualify.
 */
function functionName(line: string): string | undefined {
  const c = line.charCodeAt(0);
  const qualifies = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
  if (!qualifies) return undefined;
  let text = line;
  if (Buffer.byteLength(text) + 1 > FUNC_LINE_BYTES) {
    // Cut at 80 bytes; a character cut in two is left out (git would print its first bytes).
    const bytes = Buffer.from(text).subarray(0, FUNC_LINE_BYTES);
    text = bytes.toString('utf8').replace(/\uFFFD$/, '');
  }
  let end = text.length;
  while (end > 0 && isCSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

/** `-3,4` / `-3` (git drops the count when it is 1, and starts an empty range one line up). */
function range(start: number, count: number): string {
  const from = count ? start : start - 1;
  return count === 1 ? String(from) : `${from},${count}`;
}

function formatHunks(hunks: readonly TextHunk[], oldText: string): string {
  const oldLines = oldText.split('\n');
  // An unterminated last line is a record too; a trailing '' after the final '\n' is not.
  const records = oldText.endsWith('\n') ? oldLines.length - 1 : oldLines.length;
  const out: string[] = [];
  let funcLine = '';
  let searchLimit = -1;
  for (const hunk of hunks) {
    // Like xdiff, look upwards from the line above the hunk, but not past where the previous
    // hunk's search started; when nothing is found the previous name stays.
    const start = hunk.oldStart - 2;
    for (let l = start; l !== searchLimit && l >= 0 && l < records; l--) {
      const name = functionName(oldLines[l] as string);
      if (name !== undefined) {
        funcLine = name;
        break;
      }
    }
    searchLimit = start;
    const header = `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`;
    out.push(funcLine ? `${header} ${funcLine}\n` : `${header}\n`);
    for (const line of hunk.lines) out.push(line, '\n');
  }
  return out.join('');
}

function fileLabel(path: string, prefix: string): string {
  const label = quoteGitPath(path, prefix);
  // git ends a ---/+++ label containing a space with a tab, so the name's end is unambiguous.
  return label.includes(' ') ? `${label}\t` : label;
}

function sectionBody(c: AnalyzedChange): string {
  if (!c.contentChanged) return '';
  if (c.patchBinary) return binaryPatchBody(c.before ?? EMPTY, c.after ?? EMPTY);
  if (c.hunks.length === 0) return '';
  const minus = c.before === null ? '/dev/null' : fileLabel(c.oldPath, 'a/');
  const plus = c.after === null ? '/dev/null' : fileLabel(c.path, 'b/');
  return `--- ${minus}\n+++ ${plus}\n${formatHunks(c.hunks, c.oldText)}`;
}

function singleSection(c: AnalyzedChange): string {
  const out: string[] = [`diff --git ${quoteGitPath(c.oldPath, 'a/')} ${quoteGitPath(c.path, 'b/')}\n`];
  const oldId = c.before === null ? NULL_BLOB_ID : gitBlobId(c.before);
  const newId = c.after === null ? NULL_BLOB_ID : gitBlobId(c.after);
  if (c.before === null) {
    out.push(`new file mode ${c.modeAfter}\n`, `index ${oldId}..${newId}\n`);
  } else if (c.after === null) {
    out.push(`deleted file mode ${c.modeBefore}\n`, `index ${oldId}..${newId}\n`);
  } else {
    if (c.modeBefore !== c.modeAfter) out.push(`old mode ${c.modeBefore}\n`, `new mode ${c.modeAfter}\n`);
    if (c.similarity !== undefined) {
      out.push(`similarity index ${c.similarity}%\n`, `rename from ${quoteGitPath(c.oldPath)}\n`, `rename to ${quoteGitPath(c.path)}\n`);
    }
    if (c.contentChanged) {
      out.push(c.modeBefore === c.modeAfter ? `index ${oldId}..${newId} ${c.modeAfter}\n` : `index ${oldId}..${newId}\n`);
    }
  }
  out.push(sectionBody(c));
  return out.join('');
}

/**
 * The diff section(s) of one analysed change, as `git format-patch --full-index` writes them.
 * A change between a file and a symlink is written as a deletion then a creation, as git does.
 *
 * @example
 * const c = analyzeChange({ path: 'a.txt', before: Buffer.from('x\n'), after: Buffer.from('y\n') }, 'binary')!;
 * fileDiff(c, 'binary');
 * // => 'diff --git a/a.txt b/a.txt\nindex 587be6b…..975fbec… 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-x\n+y\n'
 */
export function fileDiff(c: AnalyzedChange, crlf: CrlfMode): string {
  const typeChange =
    c.modeBefore !== null && c.modeAfter !== null && (c.modeBefore === '120000') !== (c.modeAfter === '120000');
  if (!typeChange) return singleSection(c);
  const deletion = analyzeChange({ path: c.oldPath, before: c.before, after: null, modeBefore: Number.parseInt(c.modeBefore as string, 8) }, crlf);
  const creation = analyzeChange({ path: c.path, before: null, after: c.after, modeAfter: Number.parseInt(c.modeAfter as string, 8) }, crlf);
  return (deletion ? singleSection(deletion) : '') + (creation ? singleSection(creation) : '');
}
