import { AnsimodError } from '../diagnostics.js';
import { LineIndex } from './line-index.js';

/**
 * A splice: replace `text.slice(start, end)` with `text`. Offsets are into the original
 * string; edits never re-serialise anything outside their range.
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
  /** Why this edit is made; shown in plans and patch bodies. */
  reason?: string;
}

/**
 * Applies non-overlapping edits to a string. Two inserts at the same offset keep their
 * given order. Overlapping edits are an `EDIT_CONFLICT` error naming both edits as
 * `path:line:column` (with `path`, the file the edits are for).
 *
 * @example
 * applyEdits('hello world', [{ start: 6, end: 11, text: 'there' }]); // => 'hello there'
 */
export function applyEdits(source: string, edits: readonly TextEdit[], path?: string): string {
  if (edits.length === 0) return source;
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
  let out = '';
  let pos = 0;
  let previous: TextEdit | undefined;
  for (const e of sorted) {
    if (e.end < e.start || e.end > source.length) {
      throw new AnsimodError({ code: 'EDIT_CONFLICT', message: `edit [${e.start},${e.end}) lies outside the text (${source.length} characters)` });
    }
    // Sorted by start, and no overlap so far: only the previous edit can reach past e.start.
    if (previous && e.start < pos) throw overlapError(source, previous, e, path);
    out += source.slice(pos, e.start) + e.text;
    pos = e.end;
    previous = e;
  }
  return out + source.slice(pos);
}

function overlapError(source: string, first: TextEdit, second: TextEdit, path: string | undefined): AnsimodError {
  const index = new LineIndex(source);
  const at = (offset: number): string => {
    const { line, column } = index.position(offset);
    return `${line}:${column}`;
  };
  const describe = (e: TextEdit): string => `${path ? `${path}:` : ''}${at(e.start)}${e.end > e.start ? `-${at(e.end)}` : ''}${e.reason ? ` (${e.reason})` : ''}`;
  const { line, column } = index.position(second.start);
  return new AnsimodError({
    code: 'EDIT_CONFLICT',
    ...(path ? { path } : {}),
    line,
    column,
    message: `two edits overlap: ${describe(first)} and ${describe(second)}`,
  });
}

/** Shifts an edit by `delta` (used to lift edits from a nested document to its parent). */
export function shiftEdit(e: TextEdit, delta: number): TextEdit {
  return { ...e, start: e.start + delta, end: e.end + delta };
}
