import { UnsupportedConstructError } from './jinja-statements.js';
import { currentSession } from './render-session.js';

/**
 * Python's view of template values. Ansible templates are Jinja2, evaluated by Python, so
 * `{{ true }}` prints `True`, an empty list is false in `{% if %}`, and `{{ [1] }}` prints `[1]`.
 * Nunjucks evaluates the same expressions with JavaScript rules; these functions put Python's
 * rules back where the output can differ.
 */

/** Keyword arguments as nunjucks passes them: a trailing object tagged `__keywords`. */
export interface KeywordArgs {
  __keywords: true;
  [name: string]: unknown;
}

/**
 * Whether a value is the trailing keyword-argument object nunjucks appends to a call.
 *
 * @example
 * isKeywordArgs({ __keywords: true, ignorecase: true }); // true
 */
export function isKeywordArgs(value: unknown): value is KeywordArgs {
  return typeof value === 'object' && value !== null && (value as { __keywords?: unknown }).__keywords === true;
}

/**
 * Python truthiness: empty strings, lists, dicts, 0, None and undefined are false.
 *
 * @example
 * pyTruthy([]); // false
 * pyTruthy('0'); // true
 */
export function pyTruthy(value: unknown): boolean {
  if (value instanceof PyFloat) return value.value !== 0;
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * Python's `str()` of a template value, with Ansible's finalisation of `None` to `''`
 * left to the caller (see {@link outputString}).
 *
 * @example
 * pyStr(true); // 'True'
 * pyStr(['a', 1]); // "['a', 1]"
 */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return pyRepr(value);
}

/**
 * The text a `{{ expression }}` writes into an Ansible template: like Python's `str()`,
 * except that `None` and undefined values print nothing (Ansible's `finalize`).
 *
 * @example
 * outputString(null); // ''
 * outputString(false); // 'False'
 */
export function outputString(value: unknown): string {
  if (value === null || value === undefined) return '';
  return pyStr(value);
}

/**
 * Python's `repr()` of a template value (strings in single quotes, `True`, `None`, dicts as
 * `{'k': v}`).
 *
 * @example
 * pyRepr({ a: "it's" }); // `{'a': "it's"}`
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'bigint') return String(value);
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (typeof value === 'string') return pyStringRepr(value);
  if (Array.isArray(value)) {
    if (isTuple(value)) return value.length === 1 ? `(${pyRepr(value[0])},)` : `(${value.map(pyRepr).join(', ')})`;
    return `[${value.map(pyRepr).join(', ')}]`;
  }
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

const TUPLE = Symbol('python tuple');

/**
 * Marks a list as a Python tuple (it prints as `(a, b)`); returns it.
 *
 * @example
 * pyRepr(pyTuple(['a', 1])); // "('a', 1)"
 */
export function pyTuple<T extends unknown[]>(items: T): T {
  Object.defineProperty(items, TUPLE, { value: true, enumerable: false });
  return items;
}

/**
 * Whether a list is a Python tuple ({@link pyTuple}).
 *
 * @example
 * isTuple(pyTuple([1])); // true
 */
export function isTuple(value: unknown): boolean {
  return Array.isArray(value) && (value as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

/**
 * Python slicing `seq[start:stop:step]` of a list or string (`null` for an omitted bound).
 *
 * @example
 * pySlice('abcdef', null, 3, null); // 'abc'
 */
export function pySlice(seq: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const items: unknown[] = typeof seq === 'string' ? [...seq] : Array.isArray(seq) ? seq : [];
  const n = items.length;
  const st = typeof step === 'number' ? step : 1;
  if (st === 0) throw new Error('slice step cannot be zero');
  const norm = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (typeof v !== 'number') return dflt;
    const x = v < 0 ? v + n : v;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: unknown[] = [];
  if (st > 0) {
    for (let i = norm(start, 0, 0, n), e = norm(stop, n, 0, n); i < e; i += st) out.push(items[i]);
  } else {
    for (let i = norm(start, n - 1, -1, n - 1), e = norm(stop, -1, -1, n - 1); i > e; i += st) out.push(items[i]);
  }
  if (typeof seq === 'string') return out.join('');
  return isTuple(seq) ? pyTuple(out) : out;
}

/**
 * Python's repr of a number known to be a float: `3.0` where JavaScript prints `3`, `1e+16` from
 * 10**16 on.
 *
 * @example
 * pyFloatRepr(3); // '3.0'
 * pyFloatRepr(-0); // '-0.0'
 */
export function pyFloatRepr(n: number): string {
  if (!Number.isFinite(n) || !Number.isInteger(n)) return pyNumber(n);
  if (Math.abs(n) < 1e16) return `${Object.is(n, -0) ? '-0' : String(n)}.0`;
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  const e = Number(exponent);
  return `${mantissa}e+${String(e).padStart(2, '0')}`;
}

/**
 * A Python float whose value is whole (`3.0`, `2 / 1`, `ratio: 2.0` in group_vars), which a
 * JavaScript number would print `3`; a float that is not whole is a plain number (see
 * python-numbers.ts). The renderer's operators, comparisons and numeric filters take it as a
 * float; JavaScript arithmetic on it inside a render (some filter that does not know it) would
 * lose the float, so there it is refused by name (`RENDER_UNSUPPORTED`). Outside a render it is
 * the number.
 *
 * @example
 * pyStr(new PyFloat(2)); // '2.0'
 * Number(new PyFloat(2)); // 2 (outside a render)
 */
export class PyFloat {
  constructor(readonly value: number) {}

  valueOf(): number {
    if (currentSession()) throw new UnsupportedConstructError(`JavaScript arithmetic on the float ${pyFloatRepr(this.value)} (in a filter that does not handle floats)`);
    return this.value;
  }

  toString(): string {
    return pyFloatRepr(this.value);
  }

  toJSON(): number {
    return this.value;
  }
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isInteger(n)) {
    // Beyond 2**53 a JavaScript number has lost the digits Python's int keeps.
    if (Math.abs(n) > 2 ** 53) throw new UnsupportedConstructError(`an integer beyond 2**53 (JavaScript has ${String(n)})`);
    return String(n);
  }
  // Python's float repr: the same shortest digits, in exponent form below 1e-4 with two exponent digits.
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  const e = Number(exponent);
  if (e < -4) return `${mantissa}e-${String(-e).padStart(2, '0')}`;
  return String(n);
}

function pyStringRepr(s: string): string {
  // Python prefers single quotes and switches to double quotes only to avoid escaping.
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + quote;
}

/**
 * Whether a value is a mapping (a plain object, not an array, `null` or a class instance).
 *
 * @example
 * isPlainObject({}); // true
 * isPlainObject([]); // false
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Python `==`: structural for lists and dicts, `1 == 1.0 == True`, and an undefined value
 * equal only to another undefined value (Jinja2's `Undefined`), never to `None`.
 *
 * @example
 * pyEquals([1, { a: 'x' }], [1, { a: 'x' }]); // true
 * pyEquals(null, undefined); // false
 */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof PyFloat || b instanceof PyFloat) return pyEquals(a instanceof PyFloat ? a.value : a, b instanceof PyFloat ? b.value : b);
  if (a === undefined || b === undefined || a === null || b === null) return false;
  const numeric = (x: unknown) => typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint';
  // `==` compares a bigint with a number exactly.
  // eslint-disable-next-line eqeqeq
  if (numeric(a) && numeric(b)) return (typeof a === 'boolean' ? Number(a) : a) == (typeof b === 'boolean' ? Number(b) : b);
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}
