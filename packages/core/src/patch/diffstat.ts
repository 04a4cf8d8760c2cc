/**
 * Diffstats byte for byte like git's (`show_stats` and `print_stat_summary` in git's diff.c):
 * ` path | 12 +++++---` lines with names and graphs scaled to the width, `Bin 3 -> 5 bytes`
 * for binary files, then ` N files changed, X insertions(+), Y deletions(-)`.
 */
import { analyzeChanges, type AnalyzedChange } from './analyze-change.js';
import { quoteGitPath } from './quote-path.js';
import type { CrlfMode, FileChange } from './types.js';

/**
 * Options for {@link diffstat}.
 *
 * @example
 * diffstat(changes, { width: 80 }); // like `git diff --stat` writing to a pipe
 */
export interface DiffstatOptions {
  /** Total columns (default 72, what `git format-patch` uses; `git diff --stat` uses 80 for a pipe). */
  width?: number;
}

/** Digits of a non-negative integer; git's `decimal_width` (0 has one). */
function decimalWidth(n: number): number {
  return String(n).length;
}

/** Git's `scale_linear`: at least one column for any change, the rest proportional. */
function scaleLinear(it: number, width: number, maxChange: number): number {
  if (!it) return 0;
  return 1 + Math.floor((it * (width - 1)) / maxChange);
}

/**
 * The summary line (with its newline), with git's singular/plural words and its omission of
 * a zero part (both parts stay when both are zero).
 *
 * @example
 * diffstatSummary(1, 1, 0); // => ' 1 file changed, 1 insertion(+)\n'
 * diffstatSummary(3, 0, 7); // => ' 3 files changed, 7 deletions(-)\n'
 */
export function diffstatSummary(files: number, insertions: number, deletions: number): string {
  if (files === 0) return ' 0 files changed\n';
  let out = files === 1 ? ` ${files} file changed` : ` ${files} files changed`;
  if (insertions || deletions === 0) out += insertions === 1 ? `, ${insertions} insertion(+)` : `, ${insertions} insertions(+)`;
  if (deletions || insertions === 0) out += deletions === 1 ? `, ${deletions} deletion(-)` : `, ${deletions} deletions(-)`;
  return `${out}\n`;
}

/**
 * A renamed file's name in a diffstat, as git's `pprint_rename` writes it: the common leading
 * directories and trailing part once, the rest as `{old => new}`.
 *
 * @example
 * renameLabel('roles/a/templates/x.yml', 'roles/a/templates/x.yml.j2'); // => 'roles/a/templates/{x.yml => x.yml.j2}'
 */
export function renameLabel(a: string, b: string): string {
  if (quoteGitPath(a) !== a || quoteGitPath(b) !== b) return `${quoteGitPath(a)} => ${quoteGitPath(b)}`;
  let pfx = 0;
  for (let i = 0; i < a.length && i < b.length && a[i] === b[i]; i++) if (a[i] === '/') pfx = i + 1;
  // The common suffix starts at a slash; with a common prefix it may reach back to the prefix's slash.
  let sfx = 0;
  const adjust = pfx ? 1 : 0;
  for (let i = a.length, j = b.length; i >= pfx - adjust && j >= pfx - adjust && (i === a.length ? j === b.length : a[i] === b[j]); i--, j--) {
    if (i < a.length && a[i] === '/') sfx = a.length - i;
  }
  const aMid = Math.max(a.length - pfx - sfx, 0);
  const bMid = Math.max(b.length - pfx - sfx, 0);
  const mid = `${a.slice(pfx, pfx + aMid)} => ${b.slice(pfx, pfx + bMid)}`;
  return pfx + sfx ? `${a.slice(0, pfx)}{${mid}}${a.slice(a.length - sfx)}` : mid;
}

function statName(f: AnalyzedChange): string {
  return f.oldPath !== f.path ? renameLabel(f.oldPath, f.path) : quoteGitPath(f.path);
}

/** The diffstat of already analysed changes; see {@link diffstat}. */
export function diffstatOfAnalyzed(files: readonly AnalyzedChange[], width = 72): string {
  if (files.length === 0) return '';
  const names = files.map(statName);
  let maxLen = 0;
  let maxChange = 0;
  let numberWidth = 0;
  let binWidth = 0;
  files.forEach((file, i) => {
    maxLen = Math.max(maxLen, (names[i] as string).length);
    if (file.statBinary) {
      binWidth = Math.max(binWidth, 14 + decimalWidth(file.added) + decimalWidth(file.deleted));
      numberWidth = 3; // change counts line up with "Bin"
      return;
    }
    maxChange = Math.max(maxChange, file.added + file.deleted);
  });

  numberWidth = Math.max(decimalWidth(maxChange), numberWidth);
  // git guarantees 6 columns of graph and 10 of name whatever width is asked for.
  width = Math.max(width, 16 + 6 + numberWidth);
  let graphWidth = maxChange + 4 > binWidth ? maxChange : binWidth - 4;
  let nameWidth = maxLen;
  if (nameWidth + numberWidth + 6 + graphWidth > width) {
    const graphCap = Math.floor((width * 3) / 8) - numberWidth - 6;
    if (graphWidth > graphCap) graphWidth = Math.max(graphCap, 6);
    if (nameWidth > width - numberWidth - 6 - graphWidth) nameWidth = width - numberWidth - 6 - graphWidth;
    else graphWidth = width - numberWidth - 6 - nameWidth;
  }

  const lines: string[] = [];
  let insertions = 0;
  let deletions = 0;
  files.forEach((file, i) => {
    let name = names[i] as string;
    let prefix = '';
    let len = nameWidth;
    if (nameWidth < name.length) {
      // Too long: keep the tail, cut back to a directory boundary, mark the cut with "...".
      prefix = '...';
      len = Math.max(len - 3, 0);
      name = name.slice(name.length - len);
      const slash = name.indexOf('/');
      if (slash >= 0) name = name.slice(slash);
    }
    const padding = ' '.repeat(Math.max(len - name.length, 0));
    if (file.statBinary) {
      const sizes = file.added || file.deleted ? ` ${file.deleted} -> ${file.added} bytes` : '';
      lines.push(` ${prefix}${name}${padding} | ${'Bin'.padStart(numberWidth)}${sizes}\n`);
      return;
    }
    insertions += file.added;
    deletions += file.deleted;
    let add = file.added;
    let del = file.deleted;
    if (graphWidth <= maxChange) {
      let total = scaleLinear(add + del, graphWidth, maxChange);
      if (total < 2 && add && del) total = 2;
      if (add < del) {
        add = scaleLinear(add, graphWidth, maxChange);
        del = total - add;
      } else {
        del = scaleLinear(del, graphWidth, maxChange);
        add = total - del;
      }
    }
    const count = file.added + file.deleted;
    lines.push(
      ` ${prefix}${name}${padding} | ${String(count).padStart(numberWidth)}${count ? ' ' : ''}${'+'.repeat(add)}${'-'.repeat(del)}\n`,
    );
  });
  lines.push(diffstatSummary(files.length, insertions, deletions));
  return lines.join('');
}

/**
 * The `--summary` lines git prints under a mail's diffstat for analysed changes:
 * ` create mode 100644 path`, ` delete mode 100755 path`, ` mode change 100644 => 100755 path`.
 *
 * @example
 * // for a new file a.txt: ' create mode 100644 a.txt\n'
 */
export function modeSummaryOfAnalyzed(files: readonly AnalyzedChange[]): string {
  const lines: string[] = [];
  for (const file of files) {
    const name = quoteGitPath(file.path);
    if (file.similarity !== undefined) {
      lines.push(` rename ${statName(file)} (${file.similarity}%)\n`);
      if (file.modeBefore !== file.modeAfter) lines.push(` mode change ${file.modeBefore} => ${file.modeAfter}\n`);
    } else if (file.modeBefore === null) lines.push(` create mode ${file.modeAfter} ${name}\n`);
    else if (file.modeAfter === null) lines.push(` delete mode ${file.modeBefore} ${name}\n`);
    else if (file.modeBefore !== file.modeAfter) lines.push(` mode change ${file.modeBefore} => ${file.modeAfter} ${name}\n`);
  }
  return lines.join('');
}

/**
 * The summary of file creations, deletions and mode changes, as `git diff --summary` prints it.
 *
 * @example
 * modeSummary([{ path: 'a.txt', before: null, after: Buffer.from('x\n') }]); // => ' create mode 100644 a.txt\n'
 */
export function modeSummary(changes: readonly FileChange[]): string {
  return modeSummaryOfAnalyzed(analyzeChanges(changes, 'text'));
}

/**
 * The diffstat git prints for these changes (`git diff --stat=<width>`), ending with the
 * summary line and a newline; `''` when nothing changes. Files git calls text (no NUL in
 * their first 8000 bytes) count lines, even when the mail carries them as a binary patch.
 *
 * @example
 * diffstat([{ path: 'a.yml', before: Buffer.from('a: 1\n'), after: Buffer.from('a: 2\n') }]);
 * // => ' a.yml | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n'
 */
export function diffstat(changes: readonly FileChange[], options: DiffstatOptions = {}): string {
  // The CRLF mode changes only how a diff section is written, never the counts.
  const crlf: CrlfMode = 'text';
  return diffstatOfAnalyzed(analyzeChanges(changes, crlf), options.width ?? 72);
}
