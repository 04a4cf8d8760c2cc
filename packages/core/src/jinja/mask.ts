import { AnsimodError } from '../diagnostics.js';
import type { JinjaScan, JinjaToken } from './types.js';

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

/**
 * Options of {@link maskJinja}.
 *
 * @example
 * maskJinja('n: {{ n }}', scanJinja('n: {{ n }}'), { placeholder: '1' }); // => 'n: 1111111'
 */
export interface MaskOptions {
  /**
   * The single character (one UTF-16 code unit, not a line break) that replaces inline
   * expressions. Default `x`: a run of letters is a plain scalar in YAML and fits inside quotes.
   */
  placeholder?: string;
}

/**
 * Replaces Jinja tags by same-length filler so a format parser (YAML, JSON, …) can parse a template
 * and its offsets map 1:1 to the source. Line breaks (`\n`, `\r`) stay where they are.
 *
 * - statements and comments → spaces;
 * - an expression whose line(s) hold nothing but tags and blanks → spaces (it stands for whole
 *   lines of output, which a parser must not mistake for a value);
 * - any other expression → a run of the placeholder, so `latest-{{ arch }}:` stays a key,
 *   `"{{ a }}"` a string and `arch: {{ arch }}` a plain scalar. On the continuation lines of a
 *   multi-line expression, the indentation stays spaces and the rest is placeholder only when it is
 *   indented deeper than the line the expression starts on (so YAML reads one multi-line scalar);
 *   otherwise it is spaces;
 * - text and `raw` bodies are kept.
 *
 * @throws AnsimodError `INVALID_OPTION` when `placeholder` is not one non-line-break character.
 * @example
 * const text = 'image: "{{ registry }}/app"\n{% if x %}\nk: v\n{% endif %}\n';
 * maskJinja(text, scanJinja(text));
 * // => 'image: "xxxxxxxxxxxxxx/app"\n          \nk: v\n           \n'
 */
export function maskJinja(text: string, scan: JinjaScan, opts: MaskOptions = {}): string {
  const placeholder = opts.placeholder ?? 'x';
  if (placeholder.length !== 1 || placeholder === '\n' || placeholder === '\r') {
    throw new AnsimodError({
      code: 'INVALID_OPTION',
      message: `maskJinja placeholder must be one character other than a line break, got ${JSON.stringify(placeholder)}`,
    });
  }
  if (!scan.hasJinja) return text;
  const fillCode = placeholder.charCodeAt(0);
  const tokens = scan.tokens;
  const alone = aloneOnLines(text, tokens);
  // Overwrite tag ranges in a UTF-16 copy of the text: native fills instead of string building.
  const n = text.length;
  const bytes = Buffer.allocUnsafeSlow(n * 2);
  bytes.write(text, 0, 'utf16le');
  const units = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  const breaks = new BreakFinder(text);
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k] as JinjaToken;
    const kind = token.kind;
    if (kind === 'text' || kind === 'raw') continue;
    const { start, end } = token;
    const firstBreak = breaks.next(start);
    if (kind === 'expression' && alone[k] === 0) {
      if (firstBreak >= end) units.fill(fillCode, start, end);
      else maskMultilineExpression(units, text, start, end, firstBreak, fillCode);
    } else {
      units.fill(SPACE, start, end);
      for (let p = firstBreak; p < end; p = breaks.next(p + 1)) units[p] = text.charCodeAt(p);
    }
  }
  return bytes.toString('utf16le');
}

/**
 * The next `\n` or `\r` at or after an offset. Remembers the last answer for each char, so that
 * asking with increasing offsets costs O(text) in total even when a char never occurs.
 */
class BreakFinder {
  private lf = -1;
  private cr = -1;
  constructor(private readonly text: string) {}

  /** Offset of the next line-break char at or after `from`, or the text length. */
  next(from: number): number {
    if (this.lf < from) this.lf = this.find('\n', from);
    if (this.cr < from) this.cr = this.find('\r', from);
    return Math.min(this.lf, this.cr);
  }

  private find(char: string, from: number): number {
    const at = this.text.indexOf(char, from);
    return at < 0 ? this.text.length : at;
  }
}

/**
 * An inline expression spanning lines: placeholder on its first line; on each continuation line,
 * the indentation stays blank and the rest is placeholder only when indented deeper than the line
 * the expression starts on (so YAML reads one multi-line plain scalar), else blank.
 */
function maskMultilineExpression(
  units: Uint16Array,
  text: string,
  start: number,
  end: number,
  firstBreak: number,
  fillCode: number,
): void {
  units.fill(fillCode, start, firstBreak);
  const baseIndent = indentOfLineAt(text, start);
  let p = firstBreak;
  while (p < end) {
    p++; // past the line break, which stays as it is
    const lineStart = p;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
    const indent = p - lineStart;
    units.fill(SPACE, lineStart, p);
    const contentStart = p;
    while (p < end && !isBreak(text.charCodeAt(p))) p++;
    units.fill(indent > baseIndent ? fillCode : SPACE, contentStart, p);
  }
}

function indentOfLineAt(text: string, offset: number): number {
  let lineStart = offset;
  while (lineStart > 0 && !isBreak(text.charCodeAt(lineStart - 1))) lineStart--;
  let p = lineStart;
  while (p < offset && isBlank(text.charCodeAt(p))) p++;
  return p - lineStart;
}

/**
 * For each token, 1 when it is a tag on lines that hold only tags and blanks. Two linear passes:
 * "only tags/blanks since the last line break" forward, "until the next line break" backward.
 * Line breaks inside tags do not count, so a multi-line tag joins its lines into one.
 */
function aloneOnLines(text: string, tokens: readonly JinjaToken[]): Uint8Array {
  const count = tokens.length;
  const before = new Uint8Array(count);
  let blankSoFar = true;
  for (let k = 0; k < count; k++) {
    const token = tokens[k] as JinjaToken;
    before[k] = blankSoFar ? 1 : 0;
    if (token.kind === 'text' || token.kind === 'raw') blankSoFar = tailIsBlank(text, token.start, token.end, blankSoFar);
  }
  const alone = new Uint8Array(count);
  let blankAfter = true;
  for (let k = count - 1; k >= 0; k--) {
    const token = tokens[k] as JinjaToken;
    if (token.kind === 'text' || token.kind === 'raw') {
      blankAfter = headIsBlank(text, token.start, token.end, blankAfter);
    } else {
      alone[k] = blankAfter && before[k] === 1 ? 1 : 0;
    }
  }
  return alone;
}

/** Whether, after [start, end), the current line holds only blanks so far. */
function tailIsBlank(text: string, start: number, end: number, blankBefore: boolean): boolean {
  for (let p = end - 1; p >= start; p--) {
    const c = text.charCodeAt(p);
    if (isBreak(c)) return true;
    if (!isBlank(c)) return false;
  }
  return blankBefore;
}

/** Whether, before [start, end), the rest of the line holds only blanks. */
function headIsBlank(text: string, start: number, end: number, blankAfter: boolean): boolean {
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (isBreak(c)) return true;
    if (!isBlank(c)) return false;
  }
  return blankAfter;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isBreak(c: number): boolean {
  return c === LF || c === CR;
}
