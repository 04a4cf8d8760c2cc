import type { JinjaBlock, JinjaScan, JinjaToken } from '../../jinja/types.js';
import { jinjaRanges } from '../../jinja/query.js';
import type { JinjaBranchRef } from './types.js';

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
    const tags = this.tags;
    let lo = 0;
    let hi = tags.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tags[mid] as JinjaToken).end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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

/** Where the body of a block ends: its close tag, or where an unclosed block was abandoned. */
function bodyEnd(block: JinjaBlock): number {
  return block.close ? block.close.start : block.end;
}

/**
 * The Jinja block branches enclosing `offset`, outermost first — the same answer as the scanner's
 * `enclosingBlocks` (an offset inside an `elif`/`else` tag counts toward the branch before it),
 * plus the tag opening the branch, found by binary search so asking for every pair of a large file
 * stays cheap.
 *
 * @example
 * const scan = scanJinja('{% if a %}\nx: 1\n{% else %}\nx: 2\n{% endif %}\n');
 * enclosingJinja(scan.blocks, 27); // => [{ block, branch: 1, tag: <else tag> }]
 */
export function enclosingJinja(blocks: readonly JinjaBlock[], offset: number): JinjaBranchRef[] {
  const out: JinjaBranchRef[] = [];
  let level: readonly JinjaBlock[] = blocks;
  for (;;) {
    // Blocks of one level do not overlap and are in source order: binary search the last one
    // opening at or before the offset.
    let lo = 0;
    let hi = level.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((level[mid] as JinjaBlock).open.start <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const block = found >= 0 ? level[found] : undefined;
    if (block === undefined || offset < block.open.end || offset >= bodyEnd(block)) return out;
    let branch = 0;
    let tag = block.open;
    for (let i = 0; i < block.branches.length; i++) {
      const b = block.branches[i] as JinjaToken;
      if (b.end > offset) break;
      branch = i + 1;
      tag = b;
    }
    out.push({ block, branch, tag });
    level = block.children;
  }
}
