import { AnsimodError } from '../diagnostics.js';

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
 * given order. Overlapping edits are an `EDIT_CONFLICT` error.
 *
 * @example
 * applyEdits('hello world', [{ start: 6, end: 11, text: 'there' }]); // => 'hello there'
 */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return source;
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > source.length) {
      throw new AnsimodError({
        code: 'EDIT_CONFLICT',
        message: `edit [${e.start},${e.end}) overlaps another edit or lies outside the text`,
      });
    }
    out += source.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + source.slice(pos);
}

/** Shifts an edit by `delta` (used to lift edits from a nested document to its parent). */
export function shiftEdit(e: TextEdit, delta: number): TextEdit {
  return { ...e, start: e.start + delta, end: e.end + delta };
}
