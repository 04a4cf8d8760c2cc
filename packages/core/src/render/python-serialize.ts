import { stringify } from 'yaml';
import { isPlainObject, PyFloat, pyFloatRepr } from './python-values.js';

/** Options of Python's `json.dumps` that Ansible's `to_json`/`to_nice_json` use. */
export interface JsonDumpOptions {
  indent?: number;
  sortKeys?: boolean;
  /** Separator after items; Python's default is `', '` without indent and `','` with it. */
  itemSeparator?: string;
  keySeparator?: string;
}

/**
 * Python's `json.dumps` (with its default `ensure_ascii=True`): `to_json` is
 * `pyJsonDumps(v)`, `to_nice_json` is `pyJsonDumps(v, { indent: 4, sortKeys: true, itemSeparator: ',' })`.
 *
 * @example
 * pyJsonDumps({ b: [1, true], a: 'é' }); // '{"b": [1, true], "a": "\\u00e9"}'
 */
export function pyJsonDumps(value: unknown, opts: JsonDumpOptions = {}): string {
  const itemSep = opts.itemSeparator ?? (opts.indent !== undefined ? ',' : ', ');
  const keySep = opts.keySeparator ?? ': ';
  const parts: string[] = [];
  const write = (v: unknown, depth: number): void => {
    if (v === null || v === undefined) parts.push('null');
    else if (v === true) parts.push('true');
    else if (v === false) parts.push('false');
    else if (typeof v === 'number') parts.push(Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
    else if (v instanceof PyFloat) parts.push(pyFloatRepr(v.value));
    else if (typeof v === 'bigint') parts.push(String(v));
    else if (typeof v === 'string') parts.push(jsonString(v));
    else if (Array.isArray(v)) writeItems(v.map((item) => () => write(item, depth + 1)), '[', ']', depth);
    else if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (opts.sortKeys) keys.sort();
      writeItems(
        keys.map((k) => () => {
          parts.push(jsonString(k), keySep);
          write(v[k], depth + 1);
        }),
        '{',
        '}',
        depth,
      );
    } else parts.push(jsonString(String(v)));
  };
  const writeItems = (items: Array<() => void>, open: string, close: string, depth: number): void => {
    if (items.length === 0) {
      parts.push(open + close);
      return;
    }
    const pad = opts.indent !== undefined ? `\n${' '.repeat(opts.indent * (depth + 1))}` : '';
    const end = opts.indent !== undefined ? `\n${' '.repeat(opts.indent * depth)}` : '';
    parts.push(open);
    items.forEach((item, i) => {
      if (i > 0) parts.push(itemSep);
      parts.push(pad);
      item();
    });
    parts.push(end, close);
  };
  write(value, 0);
  return parts.join('');
}

function jsonString(s: string): string {
  // JSON.stringify escapes like Python except that Python also escapes every non-ASCII character.
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * PyYAML's `yaml.dump` as Ansible calls it. `to_yaml` (`flowLeaves: true`) writes collections
 * that hold only scalars in flow style (`default_flow_style=None`); `to_nice_yaml` writes block
 * style with `indent: 4`. As PyYAML does: keys sorted, sequences in mappings not indented, items
 * of a sequence of collections padded to the indent (`-   key: value`), a top-level scalar
 * followed by the `...` document end marker.
 *
 * @example
 * pyYamlDump({ b: [1, 2], a: 'x' }, { flowLeaves: true }); // 'a: x\nb: [1, 2]\n'
 * pyYamlDump({ a: { b: [1] } }, { indent: 4 }); // 'a:\n    b:\n    - 1\n'
 */
export function pyYamlDump(value: unknown, opts: { indent?: number; flowLeaves?: boolean } = {}): string {
  const indent = opts.indent ?? 2;
  const flowLeaves = opts.flowLeaves ?? false;
  if (!isCollection(value)) return `${yamlScalar(value)}\n...\n`;
  if (isEmpty(value) || (flowLeaves && isLeaf(value))) return `${flow(value)}\n`;
  return `${block(value, indent, '', flowLeaves).join('\n')}\n`;
}

type Collection = unknown[] | Record<string, unknown>;

function isCollection(v: unknown): v is Collection {
  return Array.isArray(v) || isPlainObject(v);
}

function isEmpty(v: Collection): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

function isLeaf(v: Collection): boolean {
  return (Array.isArray(v) ? v : Object.values(v)).every((x) => !isCollection(x));
}

function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${yamlScalar(k)}: ${flow(v[k])}`)
      .join(', ')}}`;
  }
  return yamlScalar(v);
}

/** Lines of a block collection, each starting with `pad`. */
function block(v: Collection, indent: number, pad: string, flowLeaves: boolean): string[] {
  const lines: string[] = [];
  const inline = (x: unknown): string | undefined =>
    !isCollection(x) ? yamlScalar(x) : isEmpty(x) || (flowLeaves && isLeaf(x)) ? flow(x) : undefined;
  if (Array.isArray(v)) {
    for (const item of v) {
      const simple = inline(item);
      if (simple !== undefined) {
        lines.push(`${pad}- ${simple}`);
        continue;
      }
      const inner = block(item as Collection, indent, pad + ' '.repeat(indent), flowLeaves);
      lines.push(`${pad}-${' '.repeat(indent - 1)}${inner[0]!.slice(pad.length + indent)}`, ...inner.slice(1));
    }
    return lines;
  }
  for (const key of Object.keys(v).sort()) {
    const value = v[key];
    const simple = inline(value);
    if (simple !== undefined) {
      lines.push(`${pad}${yamlScalar(key)}: ${simple}`);
      continue;
    }
    lines.push(`${pad}${yamlScalar(key)}:`);
    // PyYAML does not indent a sequence under a mapping key.
    lines.push(...block(value as Collection, indent, Array.isArray(value) ? pad : pad + ' '.repeat(indent), flowLeaves));
  }
  return lines;
}

function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  // PyYAML's float: repr, with `.0` before an exponent (`1.0e+16`).
  if (v instanceof PyFloat) return pyFloatRepr(v.value).replace(/^(-?\d+)e/, '$1.0e');
  if (typeof v === 'bigint') return String(v);
  const s = String(v);
  if (s.includes('\n')) return JSON.stringify(s);
  // YAML 1.1 rules, as PyYAML: 'yes', 'on' and dates need quotes.
  const out = s === 'y' || s === 'n' ? s : stringify(s, { singleQuote: true, lineWidth: 0, version: '1.1' }).trimEnd();
  return out.includes('\n') ? JSON.stringify(s) : out;
}
