import { AnsimodError } from '../diagnostics.js';
import type { JinjaScan, JinjaToken } from './types.js';

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

/** Options of {@link maskJinja}. */
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
  const tokens = scan.tokens;
  const alone = aloneOnLines(text, tokens);
  const parts: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k] as JinjaToken;
    switch (token.kind) {
      case 'text':
      case 'raw':
        parts.push(text.slice(token.start, token.end));
        break;
      case 'expression':
        if (alone[k]) fill(parts, text, token.start, token.end, ' ');
        else maskInlineExpression(parts, text, token.start, token.end, placeholder);
        break;
      default:
        fill(parts, text, token.start, token.end, ' ');
    }
  }
  return parts.join('');
}

/** Pushes `char` repeated over [start, end), keeping line breaks. */
function fill(parts: string[], text: string, start: number, end: number, char: string): void {
  let runStart = start;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c === LF || c === CR) {
      if (p > runStart) parts.push(char.repeat(p - runStart));
      parts.push(c === LF ? '\n' : '\r');
      runStart = p + 1;
    }
  }
  if (end > runStart) parts.push(char.repeat(end - runStart));
}

function maskInlineExpression(parts: string[], text: string, start: number, end: number, placeholder: string): void {
  let lineEnd = start;
  while (lineEnd < end && !isBreak(text.charCodeAt(lineEnd))) lineEnd++;
  parts.push(placeholder.repeat(lineEnd - start));
  if (lineEnd === end) return;
  const baseIndent = indentOfLineAt(text, start);
  let p = lineEnd;
  while (p < end) {
    // p is at a line break inside the expression.
    const c = text.charCodeAt(p);
    parts.push(c === LF ? '\n' : '\r');
    p++;
    const lineStart = p;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
    const indent = p - lineStart;
    if (indent > 0) parts.push(' '.repeat(indent));
    const contentStart = p;
    while (p < end && !isBreak(text.charCodeAt(p))) p++;
    if (p > contentStart) parts.push((indent > baseIndent ? placeholder : ' ').repeat(p - contentStart));
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
 * For each token, whether it is a tag on lines that hold only tags and blanks. Two linear passes:
 * "only tags/blanks since the last line break" forward, "until the next line break" backward.
 * Line breaks inside tags do not count, so a multi-line tag joins its lines into one.
 */
function aloneOnLines(text: string, tokens: readonly JinjaToken[]): boolean[] {
  const count = tokens.length;
  const before: boolean[] = new Array<boolean>(count);
  let blankSoFar = true;
  for (let k = 0; k < count; k++) {
    const token = tokens[k] as JinjaToken;
    before[k] = blankSoFar;
    if (token.kind === 'text' || token.kind === 'raw') blankSoFar = tailIsBlank(text, token.start, token.end, blankSoFar);
  }
  const alone: boolean[] = new Array<boolean>(count).fill(false);
  let blankAfter = true;
  for (let k = count - 1; k >= 0; k--) {
    const token = tokens[k] as JinjaToken;
    if (token.kind === 'text' || token.kind === 'raw') {
      blankAfter = headIsBlank(text, token.start, token.end, blankAfter);
    } else {
      alone[k] = blankAfter && (before[k] as boolean);
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
