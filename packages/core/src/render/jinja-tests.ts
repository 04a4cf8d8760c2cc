import { isKeywordArgs, isPlainObject, pyEquals, pyStr, pyTruthy } from './python-values.js';
import { isPyFloat, isPyInt, isPyNumber, pyArithmetic, pyCompareOp } from './python-numbers.js';
import { pythonRegex } from './python-regex.js';
import { currentSession, isLazyUndefined } from './render-session.js';
import { TemplateRuntimeError } from './ansible-filters.js';

/** A template test (`x is defined`): the tested value first, then the test's arguments. */
export type TemplateTest = (value: unknown, ...args: unknown[]) => boolean;

function keywords(args: unknown[]): { positional: unknown[]; kw: Record<string, unknown> } {
  const last = args[args.length - 1];
  return isKeywordArgs(last) ? { positional: args.slice(0, -1), kw: last } : { positional: args, kw: {} };
}

/** Python `in`: substring for strings, membership for lists, key for dicts. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return container.includes(pyStr(item));
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isPlainObject(container)) return Object.prototype.hasOwnProperty.call(container, pyStr(item));
  return false;
}

/** LooseVersion components: numbers compare numerically, words lexically, numbers before words. */
function versionParts(v: string): Array<number | string> {
  return (v.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === typeof y) return x < y ? -1 : 1;
    return typeof x === 'number' ? -1 : 1;
  }
  return 0;
}

const VERSION_OPERATORS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
};

const version: TemplateTest = (value, ...args) => {
  const { positional, kw } = keywords(args);
  const op = pyStr(positional[1] ?? kw.operator ?? 'eq');
  const check = VERSION_OPERATORS[op];
  if (!check) throw new TemplateRuntimeError(`version: invalid operator ${op}`);
  return check(compareVersions(pyStr(value), pyStr(positional[0] ?? kw.version)));
};

const regexTest = (anchored: boolean): TemplateTest => (value, ...args) => {
  const { positional, kw } = keywords(args);
  const re = pythonRegex(pyStr(positional[0] ?? kw.pattern ?? ''), {
    ignorecase: Boolean(positional[1] ?? kw.ignorecase),
    multiline: Boolean(positional[2] ?? kw.multiline),
  });
  const m = re.exec(pyStr(value));
  return m !== null && (!anchored || m.index === 0);
};

/**
 * The Jinja2 and Ansible tests Ansible templates use. `defined`/`undefined` tell the undefined
 * tracker that the template guards the variable it just looked up.
 *
 * @example
 * jinjaTests().version('1.10', '1.9', '>'); // true
 */
export function jinjaTests(): Record<string, TemplateTest> {
  return {
    // A lazy undefined value (an item of `[nope]`) is undefined too, and testing it is no use.
    defined: (value) => {
      if (value === undefined) currentSession()?.guarded();
      return value !== undefined && !isLazyUndefined(value);
    },
    undefined: (value) => {
      if (value === undefined) currentSession()?.guarded();
      return value === undefined || isLazyUndefined(value);
    },
    none: (value) => value === null,
    string: (value) => typeof value === 'string',
    number: (value) => isPyNumber(value),
    integer: (value) => isPyInt(value),
    float: (value) => isPyFloat(value),
    true: (value) => value === true,
    false: (value) => value === false,
    subset: (value, other) => Array.isArray(value) && Array.isArray(other) && value.every((x) => other.some((y) => pyEquals(x, y))),
    superset: (value, other) => Array.isArray(value) && Array.isArray(other) && other.every((x) => value.some((y) => pyEquals(x, y))),
    '==': (value, other) => pyEquals(value, other),
    '!=': (value, other) => !pyEquals(value, other),
    ne: (value, other) => !pyEquals(value, other),
    sameas: (value, other) => value === other,
    gt: (value, other) => pyCompareOp('>', value, other),
    '>': (value, other) => pyCompareOp('>', value, other),
    greaterthan: (value, other) => pyCompareOp('>', value, other),
    ge: (value, other) => pyCompareOp('>=', value, other),
    '>=': (value, other) => pyCompareOp('>=', value, other),
    lt: (value, other) => pyCompareOp('<', value, other),
    '<': (value, other) => pyCompareOp('<', value, other),
    lessthan: (value, other) => pyCompareOp('<', value, other),
    le: (value, other) => pyCompareOp('<=', value, other),
    '<=': (value, other) => pyCompareOp('<=', value, other),
    divisibleby: (value, n) => pyEquals(pyArithmetic('%', value, n), 0),
    odd: (value) => isPyNumber(value) && pyEquals(pyArithmetic('%', value, 2), 1),
    even: (value) => isPyNumber(value) && pyEquals(pyArithmetic('%', value, 2), 0),
    lower: (value) => typeof value === 'string' && value === value.toLowerCase(),
    upper: (value) => typeof value === 'string' && value === value.toUpperCase(),
    boolean: (value) => typeof value === 'boolean',
    mapping: (value) => isPlainObject(value),
    sequence: (value) => Array.isArray(value) || typeof value === 'string' || isPlainObject(value),
    iterable: (value) => Array.isArray(value) || typeof value === 'string' || isPlainObject(value),
    match: regexTest(true),
    search: regexTest(false),
    regex: regexTest(false),
    in: (value, container) => contains(container, value),
    contains: (value, item) => contains(value, item),
    version,
    version_compare: version,
    equalto: (value, other) => pyEquals(value, other),
    eq: (value, other) => pyEquals(value, other),
    truthy: (value) => pyTruthy(value),
    falsy: (value) => !pyTruthy(value),
  };
}
