import jsYaml from 'js-yaml';
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

/** Ansible's own YAML tags (its loader's constructors); any other tag is an error there too. */
const ANSIBLE_TAGS = ['!unsafe', '!vault', '!vault-encrypted'];

/**
 * The schema the data are read with: YAML's core types (null, booleans, numbers, strings; no
 * timestamps, which would read as dates that compare equal), and Ansible's tags, each read as a
 * one-entry mapping (`{ "!vault": "$ANSIBLE_VAULT…" }`) so that adding or dropping a tag is a
 * change of the data.
 */
const DATA_SCHEMA = jsYaml.CORE_SCHEMA.extend(
  ANSIBLE_TAGS.flatMap((tag) =>
    (['scalar', 'sequence', 'mapping'] as const).map((kind) => new jsYaml.Type(tag, { kind, construct: (value: unknown) => ({ [tag]: value ?? (kind === 'scalar' ? '' : kind === 'sequence' ? [] : {}) }) })),
  ),
);

/** What js-yaml makes of a mapping key that is itself a mapping (`a: {{ b }}` unquoted): Ansible rejects it. */
const OBJECT_KEY = '[object Object]';

function hasObjectKey(v: unknown, seen = new Set<object>()): boolean {
  if (v === null || typeof v !== 'object' || seen.has(v)) return false;
  seen.add(v);
  if (Array.isArray(v)) return v.some((x) => hasObjectKey(x, seen));
  for (const [k, x] of Object.entries(v)) if (k === OBJECT_KEY || hasObjectKey(x, seen)) return true;
  return false;
}

/**
 * The data of every document of a YAML stream, read from the raw text as Ansible reads it
 * (duplicate keys: the last wins; Jinja is text), or the reason it does not parse. Read with
 * js-yaml, a reader independent of the `yaml` package that the lossless documents are parsed
 * with, and about ten times faster at producing plain data — the check reads every edited file
 * twice.
 *
 * @example
 * yamlData('a: 1\n'); // => { ok: true, docs: [{ a: 1 }] }
 */
export function yamlData(text: string): { ok: true; docs: unknown[] } | { ok: false; reason: string } {
  try {
    const docs = jsYaml.loadAll(text, undefined, { schema: DATA_SCHEMA, json: true });
    if (hasObjectKey(docs)) return { ok: false, reason: 'a mapping key is itself a mapping (an unquoted {{ }}?), which Ansible cannot read' };
    return { ok: true, docs };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split('\n')[0] as string };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A deep copy; objects an alias shares stay shared (an alias bomb is not unfolded). */
function clone(v: unknown, copies = new Map<object, unknown>()): unknown {
  if (v === null || typeof v !== 'object') return v;
  const known = copies.get(v);
  if (known !== undefined) return known;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    copies.set(v, out);
    for (const x of v) out.push(clone(x, copies));
    return out;
  }
  const out: Record<string, unknown> = {};
  copies.set(v, out);
  for (const [k, x] of Object.entries(v)) out[k] = clone(x, copies);
  return out;
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
  const copies = new Map<object, unknown>();
  const docs = before.map((d) => clone(d, copies));
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
      if (c.op === 'set') docs[d] = clone(c.value, copies);
      else docs[d] = null;
    } else if (Array.isArray(parent) && typeof last === 'number') {
      if (c.op === 'set') parent[last] = clone(c.value, copies);
      else parent.splice(last, 1);
    } else if (isRecord(parent) && last !== undefined) {
      if (c.op === 'set') parent[String(last)] = clone(c.value, copies);
      else delete parent[String(last)];
    } else return { ok: false, reason: `${c.op} at ${show(c.at)}: no such path in the data` };
  }
  return { ok: true, docs };
}

/**
 * A node of a YAML document that an edit without a declared {@link DataChange} touches: its data
 * may change, nothing around it may. `at` names it in the data before; `line` is the edit's.
 *
 * @example
 * const n: EditedNode = { doc: 0, at: ['tasks', 2, 'vars', 'registry'], line: 14 };
 */
export interface EditedNode {
  readonly doc: number;
  readonly at: YamlPath;
  readonly line?: number;
}

/** What an edited node's data is replaced with on both sides before they are compared. */
const EDITED = Symbol('edited node');

/** Replaces each node's data with {@link EDITED} in `docs` (in place), or says which is not there. */
function blankOut(docs: unknown[], nodes: readonly EditedNode[]): string | undefined {
  for (const n of nodes) {
    if (n.doc >= docs.length) return `the edit${n.line ? ` at line ${n.line}` : ''} is in YAML document ${n.doc}, which is not there`;
    if (n.at.length === 0) {
      docs[n.doc] = EDITED;
      continue;
    }
    let parent: unknown = docs[n.doc];
    for (const seg of n.at.slice(0, -1)) parent = Array.isArray(parent) && typeof seg === 'number' ? parent[seg] : isRecord(parent) ? parent[String(seg)] : undefined;
    const last = n.at.at(-1) as string | number;
    if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) parent[last] = EDITED;
    else if (isRecord(parent) && String(last) in parent) parent[String(last)] = EDITED;
    else return `the node the edit${n.line ? ` at line ${n.line}` : ''} changes (${show(n.at)}) is not at its place in the data`;
  }
  return undefined;
}

/**
 * Checks that an edited YAML file's data changed by exactly the declared changes, and beyond
 * them only inside the `edited` nodes (those of edits that declare nothing); with neither, the
 * data must not change at all — a comment or a quoting style may. Undefined when it did;
 * otherwise what differs.
 *
 * @example
 * checkDataChange('- copy: a\n', '- ansible.builtin.copy: a\n', [{ op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' }]); // => undefined
 * checkDataChange('a: 1\nb: 2\n', 'a: 5\nb: 2\n', [], [{ doc: 0, at: ['a'] }]); // => undefined
 */
export function checkDataChange(before: string, after: string, changes: readonly DataChange[], edited: readonly EditedNode[] = []): string | undefined {
  const b = yamlData(before);
  if (!b.ok) return `its YAML data cannot be read as Ansible reads it (${b.reason}), so the change cannot be verified`;
  const a = yamlData(after);
  if (!a.ok) return `the edited YAML does not parse as Ansible reads it: ${a.reason}`;
  const expected = applyDataChanges(b.docs, changes);
  if (!expected.ok) return `the declared change does not apply: ${expected.reason}`;
  if (edited.length) {
    // The after data are fresh objects, the expected a copy: both may be blanked in place.
    const missing = blankOut(expected.docs, edited) ?? blankOut(a.docs, edited);
    if (missing) return missing;
  }
  const diff = firstDifference(expected.docs, a.docs);
  if (diff === undefined) return undefined;
  const what = [changes.length ? `${changes.length} declared` : 'none declared', ...(edited.length ? [`${edited.length} edited node(s) free to change`] : [])].join(', ');
  return `the YAML data differ from the declared change (${what}): ${diff}`;
}
