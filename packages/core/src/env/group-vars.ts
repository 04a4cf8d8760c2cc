import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type ScalarTag, type Tags } from 'yaml';
import { AnsimodError, type Diagnostic } from '../diagnostics.js';
import { PyFloat } from '../render/python-values.js';
import { pyInt } from '../render/python-numbers.js';
import type { InventoryReader } from './types.js';

/** The variables one inventory group defines, and the files they came from. */
export interface GroupVars {
  vars: Record<string, unknown>;
  files: string[];
  /** What Ansible reads without a word but a reader should know (a key given twice: `DUPLICATE_KEY`). */
  warnings: Diagnostic[];
}

/** File name endings Ansible accepts for vars files (`''` is a name without extension). */
const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * Ansible-specific tags compose to their string content: we only need values, and a vaulted
 * secret's ciphertext is as good a stand-in as any (templates never print it in our checks).
 */
const STRING_TAGS: ScalarTag[] = ['!vault', '!unsafe'].map((tag) => ({
  tag,
  identify: () => false,
  resolve: (text: string) => text,
}));

/** PyYAML's booleans: YAML 1.1 without the single letters `y`/`n`, which PyYAML keeps as strings. */
const PYYAML_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PYYAML_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

/** PyYAML's plain float (its resolver's regex): a dot is required, an exponent has a sign. */
const PYYAML_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** PyYAML's decimal int: `09` is no int (nor an octal) but a string. */
const PYYAML_DECIMAL = /^[-+]?(?:0|[1-9][0-9_]*)$/;

/** A PyYAML float's value: sexagesimal (`1:30.5`), `.inf`, `.nan`, underscores dropped. */
function pyYamlFloat(text: string): number | PyFloat {
  const s = text.replace(/_/g, '').toLowerCase();
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.replace(/^[-+]/, '');
  let n: number;
  if (body === '.inf') n = sign * Infinity;
  else if (body === '.nan') n = NaN;
  else if (body.includes(':')) n = sign * body.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  else n = sign * Number(body);
  // A whole float keeps its type (Ansible prints `2.0`); other floats print alike in JavaScript.
  return Number.isInteger(n) || Object.is(n, -0) ? new PyFloat(n) : n;
}

/** The one float tag, as PyYAML resolves plain scalars (`1e3` is a string there). */
const PYYAML_FLOAT_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  test: PYYAML_FLOAT,
  identify: (value) => typeof value === 'number' || value instanceof PyFloat,
  resolve: (text: string) => pyYamlFloat(text),
};

/** An int tag whose ints past 2**53 stay exact (a `bigint`), as PyYAML's do; small ints stay numbers. */
function exactInt(tag: ScalarTag): ScalarTag {
  const resolve = tag.resolve;
  return {
    ...tag,
    resolve: (text, onError, options) => {
      const value = resolve(text, onError, { ...options, intAsBigInt: true });
      return typeof value === 'bigint' ? pyInt(value) : value;
    },
  };
}

/**
 * The YAML 1.1 schema as Ansible's PyYAML applies it: PyYAML's booleans, ints and floats (a
 * whole float stays a float: {@link PyFloat}), Ansible's string tags, and timestamps left as
 * strings (templates print them as written).
 */
function ansibleTags(tags: Tags): Tags {
  const out: Tags = [PYYAML_FLOAT_TAG];
  for (const original of tags) {
    const tag = typeof original === 'object' && original.tag === 'tag:yaml.org,2002:int' && !('collection' in original && original.collection) ? exactInt(original as ScalarTag) : original;
    if (typeof tag === 'object' && tag.tag === 'tag:yaml.org,2002:timestamp') continue;
    if (typeof tag === 'object' && tag.tag === 'tag:yaml.org,2002:float') continue;
    if (typeof tag === 'object' && tag.tag === 'tag:yaml.org,2002:int' && 'test' in tag && tag.test && tag.test.source === '^[-+]?[0-9][0-9_]*$') {
      out.push({ ...tag, test: PYYAML_DECIMAL });
      continue;
    }
    if (typeof tag === 'object' && tag.tag === 'tag:yaml.org,2002:bool' && 'test' in tag && tag.test) {
      const isTrue = tag.test.test('true');
      out.push({ ...tag, test: isTrue ? PYYAML_TRUE : PYYAML_FALSE });
      continue;
    }
    out.push(tag);
  }
  return [...out, ...STRING_TAGS];
}

/**
 * The options that make the `yaml` library read as Ansible's PyYAML loader does (YAML 1.1 merge
 * keys, PyYAML's scalars, a key given twice keeping its last value): inventory files and `from_yaml`.
 */
export const PYYAML_OPTIONS = { version: '1.1', merge: true, customTags: ansibleTags, uniqueKeys: false } as const;

/**
 * Reads the variables of one group from a `group_vars` folder the way Ansible does: a file
 * named after the group (with or without `.yml`/`.yaml`/`.json`), or a directory of such files
 * read recursively in name order, later files overriding earlier ones key by key.
 * Returns `undefined` when the group has no vars there.
 *
 * @example
 * const all = await readGroupVars(reader, 'inventory/group_vars', 'all');
 * all?.vars.env; // 'production'
 */
export async function readGroupVars(
  reader: InventoryReader,
  groupVarsDir: string,
  group: string,
): Promise<GroupVars | undefined> {
  const base = `${groupVarsDir}/${group}`;
  const entries = await reader.listDir(base);
  const files = entries !== undefined ? await varsFilesIn(reader, base, entries) : await firstVarsFile(reader, base);
  if (files.length === 0) return undefined;
  const vars: Record<string, unknown> = {};
  const used: string[] = [];
  const warnings: Diagnostic[] = [];
  for (const { path, text } of files) {
    const fileVars = composeVarsFile(text, path, warnings);
    if (fileVars === undefined) continue;
    Object.assign(vars, fileVars);
    used.push(path);
  }
  return used.length > 0 ? { vars, files: used, warnings } : undefined;
}

interface VarsFile {
  path: string;
  text: string;
}

async function firstVarsFile(reader: InventoryReader, base: string): Promise<VarsFile[]> {
  for (const ext of VARS_EXTENSIONS) {
    const path = base + ext;
    const text = await reader.readFile(path);
    if (text !== undefined) return [{ path, text }];
  }
  return [];
}

async function varsFilesIn(reader: InventoryReader, dir: string, entries: string[]): Promise<VarsFile[]> {
  const out: VarsFile[] = [];
  // Ansible sorts directory entries by name and skips hidden files.
  for (const name of [...entries].sort()) {
    if (name.startsWith('.')) continue;
    const path = `${dir}/${name}`;
    const sub = await reader.listDir(path);
    if (sub !== undefined) {
      out.push(...(await varsFilesIn(reader, path, sub)));
      continue;
    }
    if (!hasVarsExtension(name)) continue;
    const text = await reader.readFile(path);
    if (text !== undefined) out.push({ path, text });
  }
  return out;
}

/** Aliases expanded at most when a vars file becomes data (an alias bomb stops here). */
const MAX_ALIAS_COUNT = 10_000;

function aliasMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return /alias/i.test(m) ? `too many YAML aliases (more than ${MAX_ALIAS_COUNT} expanded; an alias bomb?)` : m.split('\n')[0] ?? m;
}

function hasVarsExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return true;
  return VARS_EXTENSIONS.includes(name.slice(dot));
}

/**
 * A `DUPLICATE_KEY` warning for each key given again in one mapping (PyYAML keeps the last
 * value, and so does `toJS` with `uniqueKeys: false`).
 */
function duplicateKeys(doc: Document, lines: LineCounter, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const k = pair.key;
        if (!isScalar(k) || k.value === '<<') continue;
        const id = `${typeof k.value}:${String(k.value)}`;
        const at = lines.linePos(k.range?.[0] ?? 0);
        const first = seen.get(id);
        if (first === undefined) {
          seen.set(id, at.line);
          continue;
        }
        out.push({
          code: 'DUPLICATE_KEY',
          severity: 'warning',
          message: `key '${String(k.value)}' given again (first on line ${first}); read as Ansible does: the last value wins`,
          path,
          line: at.line,
          column: at.col,
        });
      }
    },
  });
  return out;
}

/**
 * Composes a vars file to a plain mapping with YAML 1.1 rules (Ansible uses PyYAML: `yes`/`no`
 * are booleans, `<<` merges, a key given twice keeps its last value — pushed to `warnings` as
 * `DUPLICATE_KEY`). Vault-encrypted files yield `undefined`; they hold secrets, not the
 * environment-shaping variables we look for.
 *
 * @example
 * composeVarsFile('env: staging\nfreezes: no\n', 'group_vars/staging'); // { env: 'staging', freezes: false }
 */
export function composeVarsFile(text: string, path: string, warnings?: Diagnostic[]): Record<string, unknown> | undefined {
  if (text.startsWith('$ANSIBLE_VAULT;')) return undefined;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...PYYAML_OPTIONS, lineCounter });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new AnsimodError({
      code: 'PARSE_ERROR',
      message: `cannot read inventory variables: ${error.message.split('\n')[0] ?? error.code}`,
      path,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml library's resource-exhaustion guard (an alias bomb) is bad input, not a crash.
    throw new AnsimodError({ code: 'PARSE_ERROR', message: `cannot read inventory variables: ${aliasMessage(err)}`, path, line: 1 });
  }
  warnings?.push(...duplicateKeys(doc, lineCounter, path));
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new AnsimodError({ code: 'PARSE_ERROR', message: 'inventory variables must be a mapping', path, line: 1 });
  }
  return value as Record<string, unknown>;
}
