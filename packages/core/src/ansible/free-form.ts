import type { FreeFormParam } from './types.js';

/**
 * Splits a free-form argument string as ansible-core's `split_args` does, in the cases that
 * matter for reading it: on white space outside quotes and outside Jinja `{{ }}`, `{% %}`,
 * `{# #}`. Quotes are kept in the tokens.
 *
 * @example
 * splitTaskArgs('src="a b" dest={{ d }}'); // => ['src="a b"', 'dest={{ d }}']
 */
export function splitTaskArgs(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const two = text.slice(i, i + 2);
    if (quote === undefined && (two === '{{' || two === '{%' || two === '{#')) {
      depth++;
      current += two;
      i++;
      continue;
    }
    if (depth > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      depth--;
      current += two;
      i++;
      continue;
    }
    if (depth === 0 && quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (quote !== undefined && c === quote && text[i - 1] !== '\\') quote = undefined;
    if (depth === 0 && quote === undefined && /\s/.test(c)) {
      if (current !== '') out.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (current !== '') out.push(current);
  return out;
}

const PARAM = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}

/**
 * Reads a free-form argument string as ansible-core's `parse_kv` does: `key=value` tokens
 * are parameters (quotes around the value removed), everything else is free text (a command
 * line for `command`/`shell`).
 *
 * @example
 * parseFreeForm('src=a dest="/etc/b c"'); // => { params: [{ key: 'src', value: 'a' }, { key: 'dest', value: '/etc/b c' }], freeText: '' }
 */
export function parseFreeForm(text: string): { params: FreeFormParam[]; freeText: string } {
  const params: FreeFormParam[] = [];
  const free: string[] = [];
  for (const token of splitTaskArgs(text)) {
    const m = PARAM.exec(token);
    if (m) params.push({ key: m[1] as string, value: unquote(m[2] as string) });
    else free.push(token);
  }
  return { params, freeText: free.join(' ') };
}
