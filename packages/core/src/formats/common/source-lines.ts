import type { JinjaTag } from './jinja-tags.js';
import type { LineEnding } from './line-ending.js';

/**
 * One line of a document as the line-oriented parsers (INI, Apache conf) see it. A Jinja tag
 * that spans a line break (a multi-line `{# … #}`, say) keeps its lines together in one
 * `SourceLine`, because the template, not the file, decides what those lines become.
 *
 * @example
 * // 'a\r\n{# x\ny #}\n' has two lines: { start: 0, end: 1, next: 3, eol: '\r\n', line: 1 }
 * // and { start: 3, end: 12, next: 13, eol: '\n', line: 2 } (the comment spans physical lines 2–3)
 */
export interface SourceLine {
  /** Offset of the first char of the line. */
  start: number;
  /** Offset after the last char of the content, before the line break. */
  end: number;
  /** Offset after the line break (`=== end` on a last line without one). */
  next: number;
  eol: LineEnding | '';
  /** 1-based number of the (first) physical line. */
  line: number;
  /** Index into the tag list of the first tag overlapping the line. */
  tagFrom: number;
  /** Index after the last tag overlapping the line (`tagFrom === tagTo`: no tag). */
  tagTo: number;
}

/**
 * Splits `text` into lines, never inside a Jinja tag. One pass over the text; the lines tile
 * it exactly (`lines.map((l) => text.slice(l.start, l.next)).join('') === text`), and empty
 * text has no lines.
 *
 * @example
 * splitSourceLines('a\r\nb', []).map((l) => [l.start, l.end, l.next, l.eol]);
 * // => [[0, 1, 3, '\r\n'], [3, 4, 4, '']]
 */
export function splitSourceLines(text: string, tags: readonly JinjaTag[]): SourceLine[] {
  const lines: SourceLine[] = [];
  const n = text.length;
  let start = 0;
  let line = 1;
  let tag = 0;
  while (start < n) {
    while (tag < tags.length && (tags[tag] as JinjaTag).end <= start) tag++;
    const tagFrom = tag;
    let i = start;
    let breaksInTags = 0;
    let end = n;
    let next = n;
    let eol: LineEnding | '' = '';
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) {
        i++;
        continue;
      }
      const crlf = c === 13 && text.charCodeAt(i + 1) === 10;
      while (tag < tags.length && (tags[tag] as JinjaTag).end <= i) tag++;
      const t = tags[tag];
      if (t !== undefined && t.start < i) {
        // A line break inside a tag does not end the line.
        breaksInTags++;
        i += crlf ? 2 : 1;
        continue;
      }
      end = i;
      eol = crlf ? '\r\n' : c === 13 ? '\r' : '\n';
      next = i + eol.length;
      break;
    }
    let tagTo = tagFrom;
    while (tagTo < tags.length && (tags[tagTo] as JinjaTag).start < end) tagTo++;
    lines.push({ start, end, next, eol, line, tagFrom, tagTo });
    line += 1 + breaksInTags;
    start = next;
  }
  return lines;
}

/** True for a space or a tab. */
function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * Offset of the first char in `[from, to)` that is not a space or tab (`to` when none), skipping
 * a byte-order mark at offset 0 so a BOM never counts as content.
 *
 * @example
 * skipBlanks('\uFEFF  a', 0, 4); // => 3
 */
export function skipBlanks(text: string, from: number, to: number): number {
  let i = from;
  if (i === 0 && text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < to && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Offset after the last char in `[from, to)` that is not a space or tab (`from` when none).
 *
 * @example
 * trimBlanksEnd('a b  ', 0, 5); // => 3
 */
export function trimBlanksEnd(text: string, from: number, to: number): number {
  let i = to;
  while (i > from && isBlank(text.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * True when every char of `[start, end)` outside the given tags is a space or tab (or the BOM),
 * and at least one tag lies in the range: the line is Jinja and nothing else.
 *
 * @example
 * // '{% if x %}  ' with its one statement tag => true
 */
export function onlyTags(text: string, start: number, end: number, tags: readonly JinjaTag[], tagFrom: number, tagTo: number): boolean {
  if (tagFrom >= tagTo) return false;
  let pos = start;
  for (let k = tagFrom; k < tagTo; k++) {
    const t = tags[k] as JinjaTag;
    if (skipBlanks(text, pos, t.start) !== t.start) return false;
    pos = Math.max(pos, t.end);
  }
  return skipBlanks(text, pos, end) >= end;
}


/**
 * Offset after the statement and comment tags (and blanks) that open `[from, to)`: in
 * `{% if x %}key = v{% endif %}` the entry starts at `key`. Expressions are content, not skipped.
 *
 * @example
 * // '{% if x %} k = v' => offset of 'k'
 */
export function skipControlTags(text: string, from: number, to: number, tags: readonly JinjaTag[], tagFrom: number): number {
  let i = from;
  for (let k = tagFrom; k < tags.length; k++) {
    const t = tags[k] as JinjaTag;
    if (t.start >= to || t.start !== i || t.kind === 'expression') break;
    i = skipBlanks(text, t.end, to);
  }
  return i;
}

/**
 * Offset before the statement and comment tags (and blanks) that close `[from, to)`: in
 * `key = v{% endif %}` the value ends after `v`, so replacing it keeps the end tag.
 *
 * @example
 * // 'k = v {% endif %}' => offset after 'v'
 */
export function trimControlTags(text: string, from: number, to: number, tags: readonly JinjaTag[], tagFrom: number, tagTo: number): number {
  let end = to;
  for (let k = tagTo - 1; k >= tagFrom; k--) {
    const t = tags[k] as JinjaTag;
    if (t.end !== end || t.start < from || t.kind === 'expression') break;
    end = trimBlanksEnd(text, from, t.start);
  }
  return end;
}
