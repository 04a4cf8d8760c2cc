/**
 * A half-open range of UTF-16 offsets into a document's text: `text.slice(start, end)`.
 *
 * @example
 * const key: Span = { start: 0, end: 3 }; // 'foo' in 'foo = 1'
 */
export interface Span {
  start: number;
  end: number;
}
