import { parse as parseIni } from 'ini';
import jsYaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import type { FormatName } from '../formats/types.js';
import type { RenderedData } from './types.js';

/**
 * Parses a rendered template in its format, for comparing renders semantically. YAML keeps
 * duplicate keys' last value (as Ansible does); INI uses the `ini` package, which reads a
 * rendered file fine (it only cannot write one back with its comments).
 *
 * @example
 * toRenderedData('json', '{"a": 1}'); // => { ok: true, data: { format: 'json', value: { a: 1 } } }
 */
export function toRenderedData(
  format: FormatName,
  text: string,
): { ok: true; data: RenderedData } | { ok: false; reason: string } {
  try {
    switch (format) {
      case 'json':
        return { ok: true, data: { format, value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown } };
      case 'yaml': {
        const quick = quickYamlData(text);
        if (quick) return { ok: true, data: { format, value: quick } };
        const docs = parseAllDocuments(text, { uniqueKeys: false });
        const list = Array.isArray(docs) ? docs : [docs];
        for (const d of list) {
          const err = d.errors[0];
          if (err) return { ok: false, reason: `rendered YAML does not parse: ${err.message.split('\n')[0]}` };
        }
        return { ok: true, data: { format, value: list.map((d) => d.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown) } };
      }
      case 'ini':
        return { ok: true, data: { format, value: parseIni(text) as unknown } };
      case 'conf':
      case 'text':
        return { ok: true, data: { format, lines: significantLines(text) } };
    }
  } catch (err) {
    return { ok: false, reason: `rendered ${format.toUpperCase()} does not parse: ${(err as Error).message.split('\n')[0]}` };
  }
}

/**
 * A rendered YAML's data read with js-yaml (about ten times faster than the `yaml` documents,
 * which keep what a lossless edit needs and a rendered output never is), or undefined wherever
 * the two readers could disagree, for the `yaml` documents to decide as before. Both read YAML
 * 1.2's core schema with the last of duplicate keys; they differ, and js-yaml is not trusted,
 * where the text has:
 *
 * - a directive (`%YAML 1.1` switches `yaml` to the 1.1 schema) or an explicit key (`? `);
 * - a tag, an anchor or an alias (tags: `yaml` keeps unknown ones' values, js-yaml refuses
 *   them; aliases: `yaml` stops an alias bomb at {@link MAX_ALIAS_COUNT}, js-yaml shares);
 * - a quoted or plain scalar or a flow collection over several lines: `yaml` refuses one whose
 *   continuation is not indented past its parent ("Missing closing quote", "must be
 *   sufficiently indented"), which PyYAML and js-yaml read;
 * - a collection or null as a mapping key (stringified differently), an empty document;
 * - anything js-yaml refuses (the diagnostic stays the one `yaml` gives, with its line and column).
 */
function quickYamlData(text: string): unknown[] | undefined {
  if (/^%|(?:^|[\s[{,])\?(?:[ \t]|$)|[\]}][ \t]*:(?:[ \t]|$)/m.test(text)) return undefined;
  const opened: number[] = [];
  let doubtful = false;
  const listener = (event: jsYaml.EventType, state: jsYaml.State): void => {
    if (event === 'open') {
      opened.push(state.position);
      return;
    }
    const node = state.input.slice(opened.pop(), state.position).replace(SEPARATION, '').trimEnd();
    const first = node.charAt(0);
    if (first === '!' || first === '&' || first === '*') doubtful = true;
    else if (node.includes('\n') && (state.kind === 'scalar' ? first !== '|' && first !== '>' : first === '[' || first === '{')) doubtful = true;
  };
  let docs: unknown[];
  try {
    docs = jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA, json: true, listener });
  } catch {
    return undefined;
  }
  return doubtful || docs.some(oddKeysOrEmpty) ? undefined : docs;
}

/** White space, line breaks and comment lines before a node's first character. */
const SEPARATION = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*/;

/** An empty document, or a mapping key that js-yaml and `yaml` stringify differently (null, a collection). */
function oddKeysOrEmpty(doc: unknown): boolean {
  if (doc === null || doc === undefined) return true;
  const stack: unknown[] = [doc];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x); // not push(...v): a long sequence would overflow the arguments
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'null' || k === '' || k.includes('[object Object]')) return true;
      stack.push(x);
    }
  }
  return false;
}

/**
 * Aliases expanded at most when a rendered YAML becomes data: an alias bomb in a template
 * ("does not parse: Excessive alias count") fails verification instead of running for minutes.
 */
const MAX_ALIAS_COUNT = 10_000;

/** Lines with trailing white space removed and blank lines dropped: what a line-oriented config means. */
export function significantLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const t = line.trimEnd();
    if (t.length) out.push(t);
  }
  return out;
}

/**
 * The first place where two values differ, as a readable path (`auths.quay.io`), or undefined
 * when they are deeply equal.
 *
 * @example
 * firstDifference({ a: { b: 1 } }, { a: { b: 2 } }); // => 'a.b: expected 1, got 2'
 */
export function firstDifference(expected: unknown, actual: unknown, path = '', compared = new Map<object, Set<object>>()): string | undefined {
  const here = path || '(root)';
  if (Object.is(expected, actual)) return undefined;
  // YAML aliases make shared sub-objects: each pair is compared once (linear in the data, not
  // in the tree the aliases unfold to).
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    let against = compared.get(expected);
    if (against?.has(actual)) return undefined;
    if (!against) compared.set(expected, (against = new Set()));
    against.add(actual);
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      if (i >= expected.length) return `${path}[${i}]: unexpected ${show(actual[i])}`;
      if (i >= actual.length) return `${path}[${i}]: missing ${show(expected[i])}`;
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`, compared);
      if (d) return d;
    }
    return undefined;
  }
  if (isRecord(expected) && isRecord(actual)) {
    for (const k of Object.keys(expected)) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in actual)) return `${p}: missing (expected ${show(expected[k])})`;
      const d = firstDifference(expected[k], actual[k], p, compared);
      if (d) return d;
    }
    for (const k of Object.keys(actual)) {
      if (!(k in expected)) return `${path ? `${path}.${k}` : k}: unexpected ${show(actual[k])}`;
    }
    return undefined;
  }
  return `${here}: expected ${show(expected)}, got ${show(actual)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Shown values are cut at 80 characters; serialising stops descending after a few hundred objects (aliases). */
const SHOW_OBJECTS = 200;

function show(v: unknown): string {
  let objects = 0;
  // An int past 2**53 from the inventory is a bigint, which JSON.stringify refuses: shown with its digits.
  const s = JSON.stringify(v, (_key, value: unknown) =>
    typeof value === 'bigint' ? `\u0000${value}` : typeof value === 'object' && value !== null && ++objects > SHOW_OBJECTS ? '…' : value,
  )?.replace(/"\\u0000(-?\d+)"/g, '$1');
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export { isTemplatePath } from '../repo/ansible-files.js';
