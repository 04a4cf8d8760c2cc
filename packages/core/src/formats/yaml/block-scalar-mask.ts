import type { CST } from 'yaml';

/** A block scalar's content range and the indentation of the collection holding it. */
interface BlockRange {
  readonly start: number;
  readonly end: number;
  readonly parentIndent: number;
}

/**
 * Re-masks the starts of Jinja lines inside block scalars as content (runs of `x`) instead of
 * blanks, so YAML sees every line the source writes inside the block at the block's indentation.
 * Lines no more indented than the collection holding the scalar (a `{% if %}` at column 0) stay
 * blank, as does everything outside block scalars.
 *
 * Why: `maskJinja` blanks statements and lines of only tags, but YAML rejects blank lines more
 * indented than the first content line at the start of a block scalar, and reads
 * `  {% if a %}text` as `text` indented 12 columns. Inside a block scalar every such line is
 * content anyway, and values are decoded from the original text. Returns `masked` itself when
 * nothing changes.
 *
 * @example
 * // text:   'k: |\n  {% if a %}x\n  y\n'
 * // masked: 'k: |\n            x\n  y\n'   (YAML: bad indentation)
 * fillJinjaLinesInBlockScalars(text, masked, tokens);
 * // =>      'k: |\n  xxxxxxxxxxx\n  y\n'
 */
export function fillJinjaLinesInBlockScalars(text: string, masked: string, tokens: readonly CST.Token[]): string {
  // A block scalar's header holds `|` or `>` outside Jinja: without either there is none, and
  // walking the CST to find none is most of this function's cost.
  if (!masked.includes('|') && !masked.includes('>')) return masked;
  const ranges = blockScalarRanges(masked, tokens);
  if (ranges.length === 0) return masked;
  const parts: string[] = [];
  let pos = 0;
  for (const range of ranges) {
    const lines = linesOf(text, masked, range);
    if (!lines.some((l) => l.maskedCol > l.col && l.col < l.end - l.start)) continue;
    let target = Number.POSITIVE_INFINITY;
    for (const l of lines) if (l.col < l.end - l.start && l.col > range.parentIndent) target = Math.min(target, l.col);
    let leading = true;
    for (const l of lines) {
      const length = l.end - l.start;
      const maskedBlank = l.maskedCol >= length;
      if (!maskedBlank) leading = false;
      // A Jinja line at the holding collection's column (`{% if %}` at column 0) before the first
      // content line: blanked, YAML takes it for a leading empty line more indented than the
      // content and rejects the block. As content at the block's indentation it is harmless.
      if (leading && maskedBlank && l.col < length && l.col <= range.parentIndent && target !== Number.POSITIVE_INFINITY && length > target) {
        parts.push(masked.slice(pos, l.start + target), 'x'.repeat(length - target));
        pos = l.end;
        continue;
      }
      if (l.col >= length || l.col <= range.parentIndent || l.maskedCol <= target) continue;
      parts.push(masked.slice(pos, l.start + target), 'x'.repeat(l.maskedCol - target));
      pos = l.start + l.maskedCol;
    }
  }
  if (parts.length === 0) return masked;
  parts.push(masked.slice(pos));
  return parts.join('');
}

/**
 * The content ranges of the block scalars the parser found. The parser's own extent may be cut
 * short by a mis-masked line, so the extent is re-read from the masked text: every line that is
 * blank or indented deeper than the holding collection, up to a document marker.
 */
function blockScalarRanges(masked: string, tokens: readonly CST.Token[]): BlockRange[] {
  const ranges: BlockRange[] = [];
  const add = (t: CST.Token | null | undefined): void => {
    if (t && t.type === 'block-scalar') {
      const last = t.props[t.props.length - 1];
      const start = last ? last.offset + ('source' in last ? last.source.length : 0) : t.offset;
      ranges.push({ start, end: extentEnd(masked, start, t.indent), parentIndent: t.indent });
    }
  };
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    add(token.value);
    // The items CST.visit(token, …) would visit (the document as an item first), in its order.
    forEachItem({ start: token.start, value: token.value }, (item) => {
      add(item.key);
      add(item.value);
    });
  }
  return ranges.sort((a, b) => a.start - b.start);
}

/**
 * Calls `fn` on `item`, then on every item of its key's and its value's collections, depth
 * first: the traversal of `CST.visit` without the frozen path array it builds for every item
 * (which made it most of this module's cost on a large repository).
 */
function forEachItem(item: CST.CollectionItem, fn: (item: CST.CollectionItem) => void): void {
  fn(item);
  for (const token of [item.key, item.value]) {
    if (token && 'items' in token) for (const child of token.items) forEachItem(child, fn);
  }
}

function extentEnd(masked: string, start: number, parentIndent: number): number {
  let i = start;
  while (i < masked.length) {
    let col = 0;
    while (isBlank(masked.charCodeAt(i + col))) col++;
    const c = masked.charCodeAt(i + col);
    const blankLine = i + col >= masked.length || isBreak(c);
    if (!blankLine && col <= parentIndent) return i;
    if (col === 0 && /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/.test(masked.slice(i, i + 4))) return i;
    let lineEnd = i + col;
    while (lineEnd < masked.length && !isBreak(masked.charCodeAt(lineEnd))) lineEnd++;
    i = lineEnd;
    if (masked.charCodeAt(i) === 13 && masked.charCodeAt(i + 1) === 10) i += 2;
    else if (i < masked.length) i++;
  }
  return masked.length;
}

interface MaskLine {
  readonly start: number;
  readonly end: number;
  /** Leading spaces in the original text. */
  readonly col: number;
  /** Leading blanks in the masked text. */
  readonly maskedCol: number;
}

function linesOf(text: string, masked: string, { start, end }: BlockRange): MaskLine[] {
  const lines: MaskLine[] = [];
  let i = start;
  while (i < end) {
    let lineEnd = i;
    while (lineEnd < end && !isBreak(masked.charCodeAt(lineEnd))) lineEnd++;
    let col = 0;
    while (i + col < lineEnd && text.charCodeAt(i + col) === 32) col++;
    let maskedCol = 0;
    while (i + maskedCol < lineEnd && isBlank(masked.charCodeAt(i + maskedCol))) maskedCol++;
    lines.push({ start: i, end: lineEnd, col, maskedCol });
    i = lineEnd;
    if (i < end && masked.charCodeAt(i) === 13 && masked.charCodeAt(i + 1) === 10) i += 2;
    else if (i < end) i++;
  }
  return lines;
}

const isBreak = (c: number): boolean => c === 10 || c === 13;
const isBlank = (c: number): boolean => c === 32 || c === 9;
