import { diffLines, formatPatch, type StructuredPatchHunk } from 'diff';

/**
 * How many line edits the Myers search (the `diff` package) may try on one stretch of a file
 * before the stretch is split at lines that occur once on each side (patience diff). Myers costs
 * O(lines × edits): a 12,000-line inventory in which a host move changes a third of the lines
 * took minutes; split at its unique lines it takes milliseconds. Below the limit the result is
 * the `diff` package's own, hunk for hunk.
 */
const MYERS_EDIT_LIMIT = 100;

/** A run of lines (each with its line end, as in the text) the same on both sides, removed or added. */
export interface LineDiffRun {
  kind: 'same' | 'removed' | 'added';
  lines: string[];
}

/** The lines of a text, each with its `\n` (or `\r\n`); the last may have none. Split as the `diff` package splits them. */
function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

function push(runs: LineDiffRun[], kind: LineDiffRun['kind'], lines: readonly string[]): void {
  if (lines.length === 0) return;
  const last = runs[runs.length - 1];
  if (last?.kind === kind) last.lines.push(...lines);
  else runs.push({ kind, lines: [...lines] });
}

/** The Myers diff of two stretches of lines, or undefined past {@link MYERS_EDIT_LIMIT}. */
function myers(a: readonly string[], b: readonly string[]): LineDiffRun[] | undefined {
  const changes = diffLines(a.join(''), b.join(''), { maxEditLength: MYERS_EDIT_LIMIT });
  if (changes === undefined) return undefined;
  const runs: LineDiffRun[] = [];
  for (const c of changes) push(runs, c.added ? 'added' : c.removed ? 'removed' : 'same', splitLines(c.value));
  return runs;
}

/**
 * Pairs `[i, j]` of lines that occur exactly once in `a` and once in `b`, equal, kept in an
 * order increasing on both sides (the longest such chain): the anchors of a patience diff.
 */
function uniqueAnchors(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const seen = new Map<string, { a: number; ai: number; b: number; bi: number }>();
  a.forEach((line, i) => {
    const s = seen.get(line);
    if (s) s.a++;
    else seen.set(line, { a: 1, ai: i, b: 0, bi: -1 });
  });
  b.forEach((line, j) => {
    const s = seen.get(line);
    if (s) {
      s.b++;
      s.bi = j;
    }
  });
  const pairs: Array<[number, number]> = [];
  for (const s of seen.values()) if (s.a === 1 && s.b === 1) pairs.push([s.ai, s.bi]);
  pairs.sort((x, y) => x[0] - y[0]);
  // Longest increasing subsequence on the `b` side (patience sorting, O(n log n)).
  const tails: number[] = [];
  const prev: number[] = new Array<number>(pairs.length).fill(-1);
  pairs.forEach(([, j], k) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((pairs[tails[mid] as number] as [number, number])[1] < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1] as number;
    tails[lo] = k;
  });
  const chain: Array<[number, number]> = [];
  for (let k = tails.length ? (tails[tails.length - 1] as number) : -1; k >= 0; k = prev[k] as number) chain.push(pairs[k] as [number, number]);
  return chain.reverse();
}

function diffStretch(a: readonly string[], b: readonly string[], runs: LineDiffRun[]): void {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  push(runs, 'same', a.slice(0, start));
  const ma = a.slice(start, a.length - end);
  const mb = b.slice(start, b.length - end);
  const direct = ma.length === 0 || mb.length === 0 ? undefined : myers(ma, mb);
  if (direct) for (const r of direct) push(runs, r.kind, r.lines);
  else {
    const anchors = ma.length === 0 || mb.length === 0 ? [] : uniqueAnchors(ma, mb);
    if (anchors.length === 0) {
      push(runs, 'removed', ma);
      push(runs, 'added', mb);
    } else {
      let i = 0;
      let j = 0;
      for (const [ai, bj] of anchors) {
        diffStretch(ma.slice(i, ai), mb.slice(j, bj), runs);
        push(runs, 'same', [ma[ai] as string]);
        i = ai + 1;
        j = bj + 1;
      }
      diffStretch(ma.slice(i), mb.slice(j), runs);
    }
  }
  push(runs, 'same', a.slice(a.length - end));
}

/**
 * The line diff of two texts as runs of same, removed and added lines: the `diff` package's
 * Myers diff where it is cheap, split at unique lines (patience) where it would not be, so a
 * big file with thousands of changed lines is diffed in linear-logarithmic time.
 *
 * @example
 * diffLineRuns('a\nb\n', 'a\nc\n'); // => [{ kind: 'same', lines: ['a\n'] }, { kind: 'removed', lines: ['b\n'] }, { kind: 'added', lines: ['c\n'] }]
 */
export function diffLineRuns(before: string, after: string): LineDiffRun[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const direct = myers(a, b);
  if (direct) return direct;
  const runs: LineDiffRun[] = [];
  diffStretch(a, b, runs);
  return runs;
}

/**
 * The hunks of a unified diff of two texts, with `context` lines around each change: the same
 * hunks as the `diff` package's `structuredPatch` (whose hunk builder this follows), from
 * {@link diffLineRuns}.
 *
 * @example
 * lineHunks('a\nb\n', 'a\nc\n', 3); // => [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, lines: [' a', '-b', '+c'] }]
 */
export function lineHunks(before: string, after: string, context: number): StructuredPatchHunk[] {
  const runs = diffLineRuns(before, after);
  runs.push({ kind: 'same', lines: [] });
  const hunks: StructuredPatchHunk[] = [];
  let oldRangeStart = 0;
  let newRangeStart = 0;
  let current: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  runs.forEach((run, i) => {
    const { lines } = run;
    if (run.kind !== 'same') {
      if (!oldRangeStart) {
        const prev = runs[i - 1];
        oldRangeStart = oldLine;
        newRangeStart = newLine;
        if (prev) {
          current = context > 0 ? prev.lines.slice(-context).map((l) => ` ${l}`) : [];
          oldRangeStart -= current.length;
          newRangeStart -= current.length;
        }
      }
      for (const l of lines) current.push((run.kind === 'added' ? '+' : '-') + l);
      if (run.kind === 'added') newLine += lines.length;
      else oldLine += lines.length;
      return;
    }
    if (oldRangeStart) {
      if (lines.length <= context * 2 && i < runs.length - 2) {
        for (const l of lines) current.push(` ${l}`);
      } else {
        const size = Math.min(lines.length, context);
        for (const l of lines.slice(0, size)) current.push(` ${l}`);
        hunks.push({ oldStart: oldRangeStart, oldLines: oldLine - oldRangeStart + size, newStart: newRangeStart, newLines: newLine - newRangeStart + size, lines: current });
        oldRangeStart = 0;
        newRangeStart = 0;
        current = [];
      }
    }
    oldLine += lines.length;
    newLine += lines.length;
  });
  // Line ends off; a last line without one is followed by "\ No newline at end of file".
  for (const hunk of hunks) {
    const out: string[] = [];
    for (const l of hunk.lines) {
      if (l.endsWith('\n')) out.push(l.slice(0, -1));
      else out.push(l, '\\ No newline at end of file');
    }
    hunk.lines = out;
  }
  return hunks;
}

/**
 * A unified diff of two texts with the given file names, as the `diff` package's
 * `createTwoFilesPatch(oldName, newName, before, after, '', '', { context })` writes it
 * (its `====` separator line first), in linear-logarithmic time on big changes.
 *
 * @example
 * twoFilesPatch('a/x', 'b/x', 'a\n', 'b\n', 3); // => '===…\n--- a/x\n+++ b/x\n@@ -1,1 +1,1 @@\n-a\n+b\n'
 */
export function twoFilesPatch(oldName: string, newName: string, before: string, after: string, context: number): string {
  return formatPatch({ oldFileName: oldName, newFileName: newName, oldHeader: '', newHeader: '', hunks: lineHunks(before, after, context) });
}
