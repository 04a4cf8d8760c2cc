import type { JinjaBlock, JinjaScan, JinjaToken } from './types.js';

/**
 * True for `expression`, `statement` and `comment` tokens.
 *
 * @example
 * scanJinja('a {{ b }}').tokens.map(isTag); // => [false, true]
 */
export function isTag(token: JinjaToken): boolean {
  return token.kind === 'expression' || token.kind === 'statement' || token.kind === 'comment';
}

/**
 * Index of the first token whose end is after `offset` (`tokens.length` when none), for any
 * list of tokens in text order that do not overlap (all tokens of a scan, or only its tags).
 * Binary search: O(log tokens).
 *
 * @example
 * firstEndingAfter(scanJinja('a {{ b }}').tokens, 4); // => 1
 */
export function firstEndingAfter(tokens: readonly JinjaToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tokens[mid] as JinjaToken).end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The token covering `offset` (`start <= offset < end`), or undefined past the end of the text.
 * Binary search: O(log tokens).
 *
 * @example
 * const scan = scanJinja('a {{ b }}');
 * tokenAt(scan, 4)?.kind; // => 'expression'
 */
export function tokenAt(scan: JinjaScan, offset: number): JinjaToken | undefined {
  const token = scan.tokens[firstEndingAfter(scan.tokens, offset)];
  return token && token.start <= offset ? token : undefined;
}

/**
 * All tag tokens (expressions, statements, comments) in text order; `raw` bodies are not tags.
 *
 * @example
 * jinjaRanges(scanJinja('a {{ b }} {# c #}')).map((t) => [t.start, t.end]); // => [[2, 9], [10, 17]]
 */
export function jinjaRanges(scan: JinjaScan): JinjaToken[] {
  return scan.tokens.filter(isTag);
}

/**
 * The tag tokens that overlap [start, end) (a tag touching the range only at an edge does not
 * overlap it). An empty range `start === end` returns the tag that strictly contains it, if any.
 *
 * @example
 * const scan = scanJinja('key: pre-{{ v }}-post');
 * jinjaInRange(scan, 5, 21).map((t) => t.inner); // => ['v']
 */
export function jinjaInRange(scan: JinjaScan, start: number, end: number): JinjaToken[] {
  const found: JinjaToken[] = [];
  const tokens = scan.tokens;
  for (let k = firstEndingAfter(tokens, start); k < tokens.length; k++) {
    const token = tokens[k] as JinjaToken;
    if (token.start >= end && !(start === end && token.start < start)) break;
    if (isTag(token)) found.push(token);
  }
  return found;
}

/**
 * True when [start, end) overlaps a Jinja tag — e.g. a YAML scalar whose masked source came from
 * `{{ … }}` and must not be edited as if it were plain data.
 *
 * @example
 * const text = 'a: {{ b }}\nc: d\n';
 * containsJinja(scanJinja(text), 3, 10); // => true
 * containsJinja(scanJinja(text), 14, 15); // => false
 */
export function containsJinja(scan: JinjaScan, start: number, end: number): boolean {
  if (!scan.hasJinja) return false;
  return jinjaInRange(scan, start, end).length > 0;
}

/** Siblings never overlap and come in text order: binary search for the last one opened at or before `offset`. */
function lastOpenedBefore(level: readonly JinjaBlock[], offset: number): JinjaBlock | undefined {
  let lo = 0;
  let hi = level.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((level[mid] as JinjaBlock).open.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? level[lo - 1] : undefined;
}

/**
 * A block around an offset, which of its branches the offset is in, and the tag opening that
 * branch: for `{% if env == 'staging' %}a{% else %}b{% endif %}`, `a` is in branch 0 under the
 * `if` tag and `b` in branch 1 under the `else` tag (`tag.inner` is the condition text).
 *
 * @example
 * const [{ block, branch, tag }] = enclosingBlocks(scanJinja('{% if a %}x{% endif %}'), 10);
 * [block.keyword, branch, tag.inner]; // => ['if', 0, 'if a']
 */
export interface EnclosingBlock {
  readonly block: JinjaBlock;
  /** 0 = the body after the open tag; k = the body after the k-th `elif`/`else`/`pluralize`. */
  readonly branch: number;
  /** The open tag (branch 0) or the `elif`/`else`/`pluralize` tag whose body holds the offset. */
  readonly tag: JinjaToken;
}

/**
 * The blocks whose bodies contain `offset`, outermost first. An offset inside a block's open or
 * close tag is not inside that block; an offset inside an `elif`/`else` tag counts toward the
 * branch before it. An unclosed block's body runs to {@link JinjaBlock.end}. Each level is a
 * binary search, so asking for every line or key of a large file stays cheap.
 *
 * @example
 * const text = '{% if a %}x{% else %}y{% endif %}';
 * enclosingBlocks(scanJinja(text), text.indexOf('y')).map((e) => [e.block.keyword, e.branch]);
 * // => [['if', 1]]
 */
export function enclosingBlocks(scan: JinjaScan, offset: number): EnclosingBlock[] {
  const found: EnclosingBlock[] = [];
  let level: readonly JinjaBlock[] = scan.blocks;
  for (;;) {
    const block = lastOpenedBefore(level, offset);
    if (!block || offset < block.open.end || offset >= (block.close ? block.close.start : block.end)) return found;
    let branch = 0;
    let tag = block.open;
    for (const next of block.branches) {
      if (next.end > offset) break;
      branch++;
      tag = next;
    }
    found.push({ block, branch, tag });
    level = block.children;
  }
}
