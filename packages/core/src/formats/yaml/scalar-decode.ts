import type { JinjaTagIndex } from './jinja-context.js';

/**
 * Decoding scalars from the ORIGINAL text. YAML rules (quotes, escapes, line folding) apply
 * outside Jinja tags; the tags themselves are copied verbatim, so the value reads the way the
 * source spells it and {@link encodeScalar} can write it back unchanged.
 */

/**
 * The flow scalar styles.
 *
 * @example
 * const style: FlowScalarStyle = 'single';
 */
export type FlowScalarStyle = 'plain' | 'single' | 'double';

const isBreak = (c: number): boolean => c === 10 || c === 13;
const isBlank = (c: number): boolean => c === 32 || c === 9;

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Decodes a plain, single- or double-quoted scalar whose source (quotes included) is
 * `text.slice(start, end)`.
 *
 * @example
 * decodeFlowScalar('"a\\tb {{ x }}"', 0, 14, 'double', tags); // => 'a\tb {{ x }}'
 */
export function decodeFlowScalar(
  text: string,
  start: number,
  end: number,
  style: FlowScalarStyle,
  tags: JinjaTagIndex,
): string {
  const from = style === 'plain' ? start : start + 1;
  const to = style === 'plain' ? end : Math.max(from, end - 1);
  // Fast path: the common one-line scalar without anything to decode.
  let simple = true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (isBreak(c) || (style === 'single' && c === 39) || (style === 'double' && c === 92)) {
      simple = false;
      break;
    }
  }
  if (simple) return text.slice(from, to);
  return new FlowDecoder(text, from, to, style, tags).run();
}

/**
 * One pass over a flow scalar; appends runs of source rather than single characters, and trims
 * the blanks before an unescaped line break within the run that ends there (escapes and tags end
 * runs, so their output is never trimmed), which keeps the pass linear.
 */
class FlowDecoder {
  private readonly out: string[] = [];
  private tagIdx: number;

  constructor(
    private readonly text: string,
    private readonly from: number,
    private readonly to: number,
    private readonly style: FlowScalarStyle,
    private readonly tags: JinjaTagIndex,
  ) {
    this.tagIdx = tags.firstEndingAfter(from);
  }

  run(): string {
    const { text, to, style, out } = this;
    let i = this.from;
    let run = i;
    while (i < to) {
      const tag = this.tags.tags[this.tagIdx];
      if (tag !== undefined && tag.start <= i) {
        // Inside a Jinja tag: copy it whole.
        const tagEnd = Math.min(tag.end, to);
        out.push(text.slice(run, tagEnd));
        i = run = tagEnd;
        this.tagIdx++;
        continue;
      }
      const c = text.charCodeAt(i);
      if (isBreak(c)) {
        let k = i;
        while (k > run && isBlank(text.charCodeAt(k - 1))) k--;
        out.push(text.slice(run, k));
        i = run = this.fold(i, false);
        continue;
      }
      if (style === 'single' && c === 39 && text.charCodeAt(i + 1) === 39) {
        out.push(text.slice(run, i + 1));
        i = run = i + 2;
        continue;
      }
      if (style === 'double' && c === 92) {
        out.push(text.slice(run, i));
        i = run = this.escape(i);
        continue;
      }
      i++;
    }
    out.push(text.slice(run, to));
    return out.join('');
  }

  /** Handles a line break at `i` (escaped when `escaped`); returns where content resumes. */
  private fold(i: number, escaped: boolean): number {
    const { text, to } = this;
    let breaks = 0;
    i = skipBreak(text, i);
    for (;;) {
      while (i < to && isBlank(text.charCodeAt(i))) i++;
      if (i < to && isBreak(text.charCodeAt(i))) {
        breaks++;
        i = skipBreak(text, i);
      } else break;
    }
    this.out.push(breaks > 0 ? '\n'.repeat(breaks) : escaped ? '' : ' ');
    return i;
  }

  /** Decodes the escape starting with the backslash at `i`; returns the offset after it. */
  private escape(i: number): number {
    const text = this.text;
    const next = text[i + 1];
    if (next === undefined || i + 1 >= this.to) {
      this.out.push('\\');
      return i + 1;
    }
    if (next === '\n' || next === '\r') return this.fold(i + 1, true);
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      this.out.push(simple);
      return i + 2;
    }
    const len = HEX_ESCAPE_LENGTH[next];
    if (len !== undefined) {
      const hex = text.slice(i + 2, i + 2 + len);
      if (hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
        this.out.push(String.fromCodePoint(parseInt(hex, 16)));
        return i + 2 + len;
      }
    }
    // Not a valid escape (the parser accepted the masked text, so this is rare): keep it as written.
    this.out.push(text.slice(i, i + 2));
    return i + 2;
  }
}

function skipBreak(text: string, i: number): number {
  return text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
}

/**
 * Block scalar chomping: `-` strip, none clip, `+` keep.
 *
 * @example
 * const c: Chomping = 'strip'; // `|-`
 */
export type Chomping = 'strip' | 'clip' | 'keep';

/**
 * Where the parts of a block scalar are, in the original text.
 *
 * @example
 * // `k: |-\n    a\n    b\n` → style 'literal', chomping 'strip', indent 4, contentStart 6
 */
export interface BlockScalarLayout {
  readonly style: 'literal' | 'folded';
  readonly chomping: Chomping;
  /** The indentation indicator digit, if written. */
  readonly explicitIndent?: number;
  readonly headerStart: number;
  readonly headerEnd: number;
  /** Start of the first content line (after the header line). */
  readonly contentStart: number;
  /** End of the last non-blank content line, before its line break (contentStart when empty). */
  readonly contentEnd: number;
  /** End of the block scalar token (trailing blank lines included). */
  readonly sourceEnd: number;
  /** Content indentation in spaces. */
  readonly indent: number;
}

/**
 * Lays out a block scalar. `masked` is the Jinja-masked text, where statement lines are blank,
 * so the YAML indentation is detected from the first line YAML sees as content.
 *
 * @example
 * blockScalarLayout(text, masked, 3, 5, 6, 20, 0);
 */
export function blockScalarLayout(
  text: string,
  masked: string,
  headerStart: number,
  headerEnd: number,
  contentStart: number,
  sourceEnd: number,
  parentIndent: number,
): BlockScalarLayout {
  const header = text.slice(headerStart, headerEnd);
  const style = header.startsWith('>') ? 'folded' : 'literal';
  const chomping: Chomping = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
  const digit = /[1-9]/.exec(header);
  const explicitIndent = digit ? Number(digit[0]) : undefined;
  let indent: number;
  if (explicitIndent !== undefined) indent = parentIndent + explicitIndent;
  else {
    indent = 0;
    let i = contentStart;
    while (i < sourceEnd) {
      let k = i;
      while (k < sourceEnd && masked.charCodeAt(k) === 32) k++;
      if (k < sourceEnd && !isBreak(masked.charCodeAt(k))) {
        indent = k - i;
        break;
      }
      indent = Math.max(indent, k - i);
      i = k < sourceEnd ? skipBreak(masked, k) : k;
    }
  }
  let p = sourceEnd;
  while (p > contentStart) {
    const c = text.charCodeAt(p - 1);
    if (isBlank(c) || isBreak(c)) p--;
    else break;
  }
  let contentEnd = contentStart;
  if (p > contentStart) {
    contentEnd = p;
    while (contentEnd < sourceEnd && !isBreak(text.charCodeAt(contentEnd))) contentEnd++;
  }
  const layout: BlockScalarLayout = { style, chomping, headerStart, headerEnd, contentStart, contentEnd, sourceEnd, indent };
  return explicitIndent === undefined ? layout : { ...layout, explicitIndent };
}

/**
 * A line of block scalar content: its offsets and indentation.
 *
 * @example
 * splitBlockLines('  a\n', 0, 4, 2)[0]; // => { start: 0, end: 3, next: 4, spaces: 2, empty: false }
 */
export interface BlockLine {
  /** Offset of the line start. */
  readonly start: number;
  /** Offset of the line end, before its line break. */
  readonly end: number;
  /** Offset after the line break (=== end at the end of the text). */
  readonly next: number;
  /** Leading spaces. */
  readonly spaces: number;
  /** Only spaces, no more than the indentation: an empty line in YAML terms. */
  readonly empty: boolean;
}

/**
 * Splits `[from, to)` into lines.
 *
 * @example
 * splitBlockLines('  a\n\n  b', 0, 8, 2).length; // => 3
 */
export function splitBlockLines(text: string, from: number, to: number, indent: number): BlockLine[] {
  const lines: BlockLine[] = [];
  let i = from;
  while (i < to) {
    let end = i;
    while (end < to && !isBreak(text.charCodeAt(end))) end++;
    let spaces = 0;
    while (i + spaces < end && text.charCodeAt(i + spaces) === 32) spaces++;
    const next = end < to ? skipBreak(text, end) : end;
    lines.push({ start: i, end, next, spaces, empty: i + spaces === end && spaces <= indent });
    i = next;
  }
  return lines;
}

/**
 * Decodes a block scalar. Lines less indented than the block (Jinja statement lines) are kept as
 * they are; others lose the block's indentation.
 *
 * @example
 * decodeBlockScalar('k: |-\n  a\n  b\n', layout); // => 'a\nb'
 */
export function decodeBlockScalar(text: string, layout: BlockScalarLayout): string {
  const { indent } = layout;
  const lines = splitBlockLines(text, layout.contentStart, layout.sourceEnd, indent);
  let last = -1;
  for (let k = lines.length - 1; k >= 0; k--) {
    if (!(lines[k] as BlockLine).empty) {
      last = k;
      break;
    }
  }
  const parts: string[] = [];
  let prevKind: 'none' | 'text' | 'spaced' = 'none';
  let pendingEmpty = 0;
  for (let k = 0; k <= last; k++) {
    const line = lines[k] as BlockLine;
    if (line.empty) {
      pendingEmpty++;
      continue;
    }
    const body = text.slice(line.start + Math.min(line.spaces, indent), line.end);
    const c = body.charCodeAt(0);
    const kind = isBlank(c) ? 'spaced' : 'text';
    if (prevKind === 'none') parts.push('\n'.repeat(pendingEmpty));
    else if (layout.style === 'literal') parts.push('\n'.repeat(pendingEmpty + 1));
    else if (prevKind === 'text' && kind === 'text') parts.push(pendingEmpty > 0 ? '\n'.repeat(pendingEmpty) : ' ');
    else parts.push('\n'.repeat(pendingEmpty + 1));
    parts.push(body);
    prevKind = kind;
    pendingEmpty = 0;
  }
  if (last < 0) {
    // No content: only `keep` preserves the empty lines.
    return layout.chomping === 'keep' ? '\n'.repeat(lines.filter((l) => l.next > l.end).length) : '';
  }
  const lastLine = lines[last] as BlockLine;
  if (layout.chomping === 'strip') return parts.join('');
  if (layout.chomping === 'clip') return parts.join('') + (lastLine.next > lastLine.end ? '\n' : '');
  let trailing = lastLine.next > lastLine.end ? 1 : 0;
  for (let k = last + 1; k < lines.length; k++) if ((lines[k] as BlockLine).next > (lines[k] as BlockLine).end) trailing++;
  return parts.join('') + '\n'.repeat(trailing);
}
