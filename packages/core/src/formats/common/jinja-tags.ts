import type { JinjaScan, JinjaToken } from '../../jinja/types.js';

/**
 * A Jinja tag (`{{ }}`, `{% %}` or `{# #}`) as the format parsers see it: an opaque span.
 *
 * @example
 * // in 'a={{ b }}': { kind: 'expression', start: 2, end: 9, token }
 */
export interface JinjaTag {
  kind: 'expression' | 'statement' | 'comment';
  start: number;
  end: number;
  token: JinjaToken;
}

/**
 * The tags of a scan, in text order. The format parsers walk these spans with a cursor instead
 * of reading a masked copy of the text: they need to know *which* characters are Jinja (to
 * recognise Jinja-only lines and Jinja values), and a cursor costs no second string.
 *
 * @example
 * jinjaTags(scanJinja('a={{ b }}')); // => [{ kind: 'expression', start: 2, end: 9, token }]
 */
export function jinjaTags(scan: JinjaScan): JinjaTag[] {
  const tags: JinjaTag[] = [];
  for (const token of scan.tokens) {
    if (token.kind === 'expression' || token.kind === 'statement' || token.kind === 'comment') {
      tags.push({ kind: token.kind, start: token.start, end: token.end, token });
    }
  }
  return tags;
}
