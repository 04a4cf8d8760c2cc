import type { JinjaTag } from '../common/jinja-tags.js';
import type { ConfArg } from './model.js';

/**
 * Splits directive arguments in `[from, to)` the way httpd's `ap_getword_conf` does: words
 * separated by blanks (and `\` line continuations), `"…"` or `'…'` quoted words with `\` escaping
 * the quote. A Jinja tag is part of the word it is in, blanks inside it included.
 *
 * @example
 * splitArgs('RewriteCond "&%{QUERY_STRING}" &tag=testing', 12, 43, [], 0).map((a) => a.value);
 * // => ['&%{QUERY_STRING}', '&tag=testing']
 */
export function splitArgs(text: string, from: number, to: number, tags: readonly JinjaTag[], tagFrom: number): ConfArg[] {
  const args: ConfArg[] = [];
  let k = tagFrom;
  let i = from;
  /**
   * `offset`, or after the Jinja tags that start there before `to` (a tag is part of the word it
   * is in, blanks and quotes inside it included).
   */
  const pastTags = (offset: number): number => {
    for (;;) {
      if (offset >= to) return offset;
      while (k < tags.length && (tags[k] as JinjaTag).end <= offset) k++;
      const t = tags[k];
      if (t === undefined || t.start !== offset) return offset;
      offset = t.end;
    }
  };
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSeparator(text, i)) {
      i++;
      continue;
    }
    const start = i;
    if (c === 34 || c === 39) {
      const quote = c;
      const parts: string[] = [];
      let segment = i + 1;
      i++;
      while ((i = pastTags(i)) < to) {
        const d = text.charCodeAt(i);
        if (d === 92 && text.charCodeAt(i + 1) === quote) {
          parts.push(text.slice(segment, i));
          segment = i + 1;
          i += 2;
          continue;
        }
        if (d === quote) break;
        i++;
      }
      parts.push(text.slice(segment, Math.min(i, to)));
      i = Math.min(i + 1, to);
      args.push({ value: parts.join(''), raw: text.slice(start, i), span: { start, end: i }, quote: quote === 34 ? '"' : "'" });
      continue;
    }
    while ((i = pastTags(i)) < to && !isSeparator(text, i)) i++;
    const raw = text.slice(start, i);
    args.push({ value: raw, raw, span: { start, end: i }, quote: '' });
  }
  return args;
}

/** True at a blank, a line break, or a `\` continuing the line: what separates arguments. */
function isSeparator(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 92) {
    const d = text.charCodeAt(i + 1);
    return d === 10 || d === 13;
  }
  return c === 32 || c === 9 || c === 10 || c === 13;
}
