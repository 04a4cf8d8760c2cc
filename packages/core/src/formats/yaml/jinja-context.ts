import type { JinjaScan, JinjaToken } from '../../jinja/types.js';
import { firstEndingAfter, jinjaRanges } from '../../jinja/query.js';

/**
 * The Jinja tags (`{{ }}`, `{% %}`, `{# #}`) of a text, sorted by offset, for "is this offset
 * inside a tag" questions asked while decoding scalars.
 *
 * @example
 * const tags = JinjaTagIndex.of(scanJinja('a: "{{ x }}"'));
 * tags.firstEndingAfter(4); // => index of the `{{ x }}` tag
 */
export class JinjaTagIndex {
  private static readonly EMPTY = new JinjaTagIndex([]);

  private constructor(readonly tags: readonly JinjaToken[]) {}

  static of(scan: JinjaScan): JinjaTagIndex {
    if (!scan.hasJinja) return JinjaTagIndex.EMPTY;
    return new JinjaTagIndex(jinjaRanges(scan));
  }

  get size(): number {
    return this.tags.length;
  }

  /** Index of the first tag whose end is after `offset` (tags.length when none). */
  firstEndingAfter(offset: number): number {
    return firstEndingAfter(this.tags, offset);
  }

  /** The tag that starts exactly at `offset`, if any. */
  startingAt(offset: number): JinjaToken | undefined {
    const t = this.tags[this.firstEndingAfter(offset)];
    return t !== undefined && t.start === offset ? t : undefined;
  }

  /** The tag that ends exactly at `offset`, if any. */
  endingAt(offset: number): JinjaToken | undefined {
    const i = this.firstEndingAfter(offset - 1);
    const t = this.tags[i];
    return t !== undefined && t.end === offset ? t : undefined;
  }

  /** True when some tag overlaps `[start, end)`. */
  overlaps(start: number, end: number): boolean {
    const t = this.tags[this.firstEndingAfter(start)];
    return t !== undefined && t.start < end;
  }
}
