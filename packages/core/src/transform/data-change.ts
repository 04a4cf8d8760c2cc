import { parseAllDocuments } from 'yaml';
import type { YamlPath } from '../formats/yaml/index.js';
import { firstDifference } from './rendered.js';

/**
 * A change a transform intends to make to a YAML file's data, declared beside its edits. The
 * engine parses the file before and after (as Ansible would: the raw YAML, Jinja as strings),
 * applies the declared changes to the before data and requires the result to be exactly the
 * after data. Any other difference rejects the edit — so an edit that also touched a value, or
 * missed one, never passes. Paths name the data as it was BEFORE the change.
 *
 * - `rename-key`: the mapping at `at` has key `from` renamed to `to` (its value unchanged);
 * - `set`: the value at `at` becomes `value` (or `value(before)`);
 * - `delete`: the entry at `at` (a mapping key or a sequence index) is gone;
 * - `replace`: in the string at `at`, the first `search` becomes `replacement`.
 *
 * @example
 * const c: DataChange = { op: 'rename-key', at: [0, 'tasks', 2], from: 'copy', to: 'ansible.builtin.copy' };
 */
export type DataChange = DataChangeTarget &
  (
    | { readonly op: 'rename-key'; readonly from: string; readonly to: string }
    | { readonly op: 'set'; readonly value: unknown }
    | { readonly op: 'delete' }
    | { readonly op: 'replace'; readonly search: string; readonly replacement: string }
  );

/** Where a {@link DataChange} applies: the file (default: the visited one), the document and the path. */
export interface DataChangeTarget {
  /** Repository-relative file; defaults to the visited file. */
  readonly path?: string;
  /** YAML document of the stream (default 0). */
  readonly doc?: number;
  readonly at: YamlPath;
}

/**
 * The data of every document of a YAML stream, read from the raw text as Ansible reads it
 * (duplicate keys: the last wins), or the reason it does not parse.
 *
 * @example
 * yamlData('a: 1\n'); // => { ok: true, docs: [{ a: 1 }] }
 */
export function yamlData(text: string): { ok: true; docs: unknown[] } | { ok: false; reason: string } {
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: false });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const d of list) {
      const err = d.errors[0];
      if (err) return { ok: false, reason: err.message.split('\n')[0] as string };
    }
    return { ok: true, docs: list.map((d) => d.toJS({ maxAliasCount: -1 }) as unknown) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split('\n')[0] as string };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

function show(at: YamlPath): string {
  return at.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '(root)';
}

/**
 * Applies declared changes to a copy of `before` (one entry per YAML document): values and
 * deletions first, then renames, deepest first, so every path still names the before data.
 * Returns the expected after data, or why a change does not apply (its path is not there).
 *
 * @example
 * applyDataChanges([{ tasks: [{ copy: 'src=a' }] }], [{ op: 'rename-key', at: ['tasks', 0], from: 'copy', to: 'ansible.builtin.copy' }]);
 * // => { ok: true, docs: [{ tasks: [{ 'ansible.builtin.copy': 'src=a' }] }] }
 */
export function applyDataChanges(before: readonly unknown[], changes: readonly DataChange[]): { ok: true; docs: unknown[] } | { ok: false; reason: string } {
  const docs = before.map(clone);
  const ordered = [...changes.filter((c) => c.op !== 'rename-key'), ...changes.filter((c) => c.op === 'rename-key').sort((a, b) => b.at.length - a.at.length)];
  for (const c of ordered) {
    const d = c.doc ?? 0;
    if (d >= docs.length) return { ok: false, reason: `${c.op} at ${show(c.at)}: the file has no YAML document ${d}` };
    const parentPath = c.op === 'rename-key' ? c.at : c.at.slice(0, -1);
    let parent: unknown = docs[d];
    for (const seg of parentPath) {
      parent = Array.isArray(parent) && typeof seg === 'number' ? parent[seg] : isRecord(parent) ? parent[String(seg)] : undefined;
      if (parent === undefined) return { ok: false, reason: `${c.op} at ${show(c.at)}: no such path in the data` };
    }
    if (c.op === 'rename-key') {
      if (!isRecord(parent) || !(c.from in parent)) return { ok: false, reason: `rename-key at ${show(c.at)}: no key ${c.from}` };
      const renamed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(parent)) renamed[k === c.from ? c.to : k] = v;
      for (const k of Object.keys(parent)) delete parent[k];
      Object.assign(parent, renamed);
      continue;
    }
    const last = c.at.at(-1);
    if (c.op === 'replace') {
      const current = c.at.length === 0 ? docs[d] : Array.isArray(parent) && typeof last === 'number' ? parent[last] : isRecord(parent) ? parent[String(last)] : undefined;
      if (typeof current !== 'string' || !current.includes(c.search)) return { ok: false, reason: `replace at ${show(c.at)}: no string containing ${c.search}` };
      const next = current.replace(c.search, () => c.replacement);
      if (c.at.length === 0) docs[d] = next;
      else if (Array.isArray(parent)) parent[last as number] = next;
      else (parent as Record<string, unknown>)[String(last)] = next;
      continue;
    }
    if (c.at.length === 0) {
      if (c.op === 'set') docs[d] = clone(c.value);
      else docs[d] = null;
    } else if (Array.isArray(parent) && typeof last === 'number') {
      if (c.op === 'set') parent[last] = clone(c.value);
      else parent.splice(last, 1);
    } else if (isRecord(parent) && last !== undefined) {
      if (c.op === 'set') parent[String(last)] = clone(c.value);
      else delete parent[String(last)];
    } else return { ok: false, reason: `${c.op} at ${show(c.at)}: no such path in the data` };
  }
  return { ok: true, docs };
}

/**
 * Checks that an edited YAML file's data changed by exactly the declared changes (none
 * declared: the data must not change at all — a comment or a quoting style may). Undefined
 * when it did; otherwise what differs.
 *
 * @example
 * checkDataChange('- copy: a\n', '- ansible.builtin.copy: a\n', [{ op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' }]); // => undefined
 */
export function checkDataChange(before: string, after: string, changes: readonly DataChange[]): string | undefined {
  const b = yamlData(before);
  if (!b.ok) return `its YAML data cannot be read as Ansible reads it (${b.reason}), so the change cannot be verified`;
  const a = yamlData(after);
  if (!a.ok) return `the edited YAML does not parse as Ansible reads it: ${a.reason}`;
  const expected = applyDataChanges(b.docs, changes);
  if (!expected.ok) return `the declared change does not apply: ${expected.reason}`;
  const diff = firstDifference(expected.docs, a.docs);
  return diff === undefined ? undefined : `the YAML data differ from the declared change (${changes.length ? `${changes.length} declared` : 'none declared'}): ${diff}`;
}
