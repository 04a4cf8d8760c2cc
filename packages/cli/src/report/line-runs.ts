/** The runs of lines that differ between two texts, with where each run starts. */
import { diffLineRuns } from '@ansimod/core';

/** One run of changed lines. */
export interface LineRun {
  /** 1-based line of the run in the before text (for a pure addition: the line it is inserted before). */
  line: number;
  before: string[];
  after: string[];
}

/**
 * The runs of changed lines, in order.
 *
 * @example
 * lineRuns('a\nb\nc\n', 'a\nB\nc\n'); // => [{ line: 2, before: ['b'], after: ['B'] }]
 */
export function lineRuns(before: string, after: string): LineRun[] {
  const runs: LineRun[] = [];
  let open: LineRun | undefined;
  let line = 1;
  for (const part of diffLineRuns(before, after)) {
    const n = part.lines.length;
    if (part.kind === 'same') {
      open = undefined;
      line += n;
      continue;
    }
    if (!open) {
      open = { line, before: [], after: [] };
      runs.push(open);
    }
    const lines = part.lines.map((l) => l.replace(/\n$/, ''));
    if (part.kind === 'added') open.after.push(...lines);
    else {
      open.before.push(...lines);
      line += n;
    }
  }
  return runs;
}
