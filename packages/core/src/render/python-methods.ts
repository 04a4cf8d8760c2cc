import { isKeywordArgs, pyEquals, pyRepr, pyStr, pyTuple } from './python-values.js';
import { isPyNumber, pyTrunc, toJsNumber, type PyNumber } from './python-numbers.js';
import { percentFormat } from './python-format.js';

/** A Python `str` method as templates call it: `this` is the string. */
type StringMethod = (self: string, ...args: unknown[]) => unknown;

const WHITESPACE = ' \t\n\r\f\v';

function stripChars(chars: unknown): string {
  return typeof chars === 'string' ? chars : WHITESPACE;
}

function lstrip(s: string, chars: string): string {
  let i = 0;
  while (i < s.length && chars.includes(s[i]!)) i++;
  return s.slice(i);
}

function rstrip(s: string, chars: string): string {
  let j = s.length;
  while (j > 0 && chars.includes(s[j - 1]!)) j--;
  return s.slice(0, j);
}

/** `startswith`/`endswith` accept one affix or a tuple (a list for us) of them. */
function affixes(arg: unknown): string[] {
  return Array.isArray(arg) ? arg.map((a) => pyStr(a)) : [pyStr(arg)];
}

function splitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(s.slice(m.index).replace(/\s+$/, ''));
      break;
    }
    out.push(m[0]);
  }
  return out;
}

function split(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = typeof maxsplit === 'number' ? maxsplit : -1;
  if (sep === undefined || sep === null) return splitWhitespace(s, max);
  const separator = pyStr(sep);
  if (separator === '') throw new Error('ValueError: empty separator');
  const parts = s.split(separator);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(separator)];
}

function replaceCount(s: string, old: string, replacement: string, count: number): string {
  if (count < 0) return s.split(old).join(replacement);
  let out = '';
  let from = 0;
  for (let n = 0; n < count; n++) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + replacement;
    from = at + old.length;
    if (old === '') {
      // Python inserts between every character for an empty needle.
      if (from >= s.length) break;
      out += s[from];
      from++;
    }
  }
  return out + s.slice(from);
}

/**
 * Python's `str.format`: `{}`, `{0}`, `{name}`, `!r`/`!s`, and a format spec after `:`
 * (fill, alignment, sign, zero padding, width, thousands, precision, type).
 */
function format(s: string, args: unknown[]): string {
  const kwargs = args.length > 0 && isKeywordArgs(args[args.length - 1]) ? (args.pop() as Record<string, unknown>) : {};
  let auto = 0;
  return s.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const [head = '', spec] = splitSpec(field ?? '');
    const [name = '', conversion] = head.split('!');
    const value = name === '' ? args[auto++] : /^\d+$/.test(name) ? args[Number(name)] : kwargs[name];
    const converted = conversion === 'r' ? pyRepr(value) : conversion === 's' ? pyStr(value) : value;
    return spec === undefined ? pyStr(converted) : formatSpec(converted, spec);
  });
}

function splitSpec(field: string): [string, string | undefined] {
  const at = field.indexOf(':');
  return at < 0 ? [field, undefined] : [field.slice(0, at), field.slice(at + 1)];
}

/** Python's format mini-language for one field: `[[fill]align][sign][0][width][,][.precision][type]`. */
function formatSpec(value: unknown, spec: string): string {
  const m = /^(?:(.)?([<>^=]))?([-+ ])?(0)?(\d+)?(,)?(?:\.(\d+))?([sdfFeEgGxXob%])?$/.exec(spec);
  if (!m) throw new Error(`ValueError: Invalid format specifier '${spec}'`);
  const [, fillCh, alignCh, sign, zero, widthS, comma, precS, type] = m;
  const width = widthS !== undefined ? Number(widthS) : 0;
  const prec = precS !== undefined ? Number(precS) : undefined;
  const numeric = isPyNumber(value);
  let body: string;
  if (type === undefined || type === 's') {
    body = numeric && prec !== undefined ? toJsNumber(value).toFixed(prec) : pyStr(value);
    if (!numeric && prec !== undefined) body = body.slice(0, prec);
  } else {
    const pct = type === '%' ? '%' : '';
    const flags = `${sign ?? ''}${comma ? '' : ''}`;
    body = percentFormat(`%${flags}${prec !== undefined ? `.${prec}` : ''}${type === '%' ? 'f' : type === 'b' ? 'd' : type}`, type === '%' ? toJsNumber(value as PyNumber) * 100 : value) + pct;
    if (type === 'b') body = pyTrunc(value as PyNumber).toString(2);
  }
  if (comma) body = body.replace(/^(-?\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  const fill = fillCh ?? (zero && !alignCh ? '0' : ' ');
  const align = alignCh ?? (zero ? '=' : numeric ? '>' : '<');
  if (body.length >= width) return body;
  const pad = width - body.length;
  if (align === '<') return body + fill.repeat(pad);
  if (align === '>') return fill.repeat(pad) + body;
  if (align === '^') return fill.repeat(Math.floor(pad / 2)) + body + fill.repeat(pad - Math.floor(pad / 2));
  const signed = /^[-+ ]/.test(body) ? body[0]! : '';
  return signed + fill.repeat(pad) + body.slice(signed.length);
}

const STRING_METHODS: Record<string, StringMethod> = {
  startswith: (s, prefix) => affixes(prefix).some((p) => s.startsWith(p)),
  endswith: (s, suffix) => affixes(suffix).some((p) => s.endsWith(p)),
  split: (s, sep, maxsplit) => split(s, sep, maxsplit),
  rsplit: (s, sep, maxsplit) => {
    if (typeof maxsplit !== 'number' || maxsplit < 0) return split(s, sep, -1);
    const reversed = split([...s].reverse().join(''), typeof sep === 'string' ? [...sep].reverse().join('') : sep, maxsplit);
    return reversed.map((p) => [...p].reverse().join('')).reverse();
  },
  // Python's line boundaries: \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029.
  splitlines: (s) => s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  strip: (s, chars) => rstrip(lstrip(s, stripChars(chars)), stripChars(chars)),
  lstrip: (s, chars) => lstrip(s, stripChars(chars)),
  rstrip: (s, chars) => rstrip(s, stripChars(chars)),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  capitalize: (s) => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1).toLowerCase()),
  title: (s) => s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  replace: (s, old, replacement, count) =>
    replaceCount(s, pyStr(old), pyStr(replacement), typeof count === 'number' ? count : -1),
  find: (s, sub) => s.indexOf(pyStr(sub)),
  count: (s, sub) => (pyStr(sub) === '' ? s.length + 1 : s.split(pyStr(sub)).length - 1),
  join: (s, items) => (Array.isArray(items) ? items.map((i) => pyStr(i)).join(s) : [...pyStr(items)].join(s)),
  format: (s, ...args) => format(s, args),
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  index: (s, sub) => {
    const at = s.indexOf(pyStr(sub));
    if (at < 0) throw new Error('ValueError: substring not found');
    return at;
  },
  rfind: (s, sub) => s.lastIndexOf(pyStr(sub)),
  ljust: (s, width, fill) => s.padEnd(Number(width), typeof fill === 'string' ? fill : ' '),
  rjust: (s, width, fill) => s.padStart(Number(width), typeof fill === 'string' ? fill : ' '),
  center: (s, width, fill) => {
    const w = Number(width);
    const f = typeof fill === 'string' ? fill : ' ';
    if (w <= s.length) return s;
    const total = w - s.length;
    // CPython puts the odd extra pad on the left when the total pad and the width are both odd.
    const left = Math.floor(total / 2) + (total & w & 1);
    return f.repeat(left) + s + f.repeat(total - left);
  },
  partition: (s, sep) => {
    const at = s.indexOf(pyStr(sep));
    return pyTuple(at < 0 ? [s, '', ''] : [s.slice(0, at), pyStr(sep), s.slice(at + pyStr(sep).length)]);
  },
  rpartition: (s, sep) => {
    const at = s.lastIndexOf(pyStr(sep));
    return pyTuple(at < 0 ? ['', '', s] : [s.slice(0, at), pyStr(sep), s.slice(at + pyStr(sep).length)]);
  },
  zfill: (s, width) => {
    const w = typeof width === 'number' ? width : 0;
    const sign = s.startsWith('-') || s.startsWith('+') ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(w - sign.length, '0');
  },
};

/**
 * The Python string method `name` bound to `s`, or `undefined` when Python strings have no
 * such method. Templates call these (`inventory_hostname.startswith('bodhi')`); JavaScript
 * strings lack most of them, and the ones they share (`split`, `replace`) behave differently.
 *
 * @example
 * pythonStringMethod('a b  c', 'split')?.(); // ['a', 'b', 'c']
 */
export function pythonStringMethod(s: string, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (!Object.prototype.hasOwnProperty.call(STRING_METHODS, name)) return undefined;
  const method = STRING_METHODS[name]!;
  return (...args: unknown[]) => method(s, ...args);
}

/** Names of the Python string methods templates may call. */
export const PYTHON_STRING_METHODS: readonly string[] = Object.keys(STRING_METHODS);

/** Python `list` methods templates call; mutating ones return `None` as in Python. */
const LIST_METHODS: Record<string, (self: unknown[], ...args: unknown[]) => unknown> = {
  append: (l, x) => {
    l.push(x);
    return null;
  },
  extend: (l, xs) => {
    l.push(...(Array.isArray(xs) ? xs : typeof xs === 'string' ? [...xs] : []));
    return null;
  },
  insert: (l, i, x) => {
    const n = Number(i);
    l.splice(n < 0 ? Math.max(0, l.length + n) : n, 0, x);
    return null;
  },
  pop: (l, i) => {
    if (l.length === 0) throw new Error('IndexError: pop from empty list');
    const n = i === undefined ? l.length - 1 : Number(i) < 0 ? l.length + Number(i) : Number(i);
    return l.splice(n, 1)[0];
  },
  remove: (l, x) => {
    const at = l.findIndex((y) => pyEquals(x, y));
    if (at < 0) throw new Error('ValueError: list.remove(x): x not in list');
    l.splice(at, 1);
    return null;
  },
  index: (l, x) => {
    const at = l.findIndex((y) => pyEquals(x, y));
    if (at < 0) throw new Error(`ValueError: ${pyStr(x)} is not in list`);
    return at;
  },
  count: (l, x) => l.filter((y) => pyEquals(x, y)).length,
  copy: (l) => [...l],
};

/** Python `dict` methods templates call (`items()` gives tuples). */
const DICT_METHODS: Record<string, (self: Record<string, unknown>, ...args: unknown[]) => unknown> = {
  items: (d) => Object.entries(d).map((e) => pyTuple(e)),
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  get: (d, k, dflt) => (Object.prototype.hasOwnProperty.call(d, pyStr(k)) ? d[pyStr(k)] : dflt === undefined ? null : dflt),
  copy: (d) => ({ ...d }),
  update: (d, other) => {
    if (other !== null && typeof other === 'object' && !Array.isArray(other)) {
      for (const [k, v] of Object.entries(other)) if (k !== '__keywords') d[k] = v;
    }
    return null;
  },
  setdefault: (d, k, dflt) => {
    const key = pyStr(k);
    if (!Object.prototype.hasOwnProperty.call(d, key)) d[key] = dflt === undefined ? null : dflt;
    return d[key];
  },
  pop: (d, k, dflt) => {
    const key = pyStr(k);
    if (!Object.prototype.hasOwnProperty.call(d, key)) return dflt;
    const v = d[key];
    delete d[key];
    return v;
  },
};

/**
 * The Python list method `name` bound to `list`, or `undefined`.
 *
 * @example
 * pythonListMethod([1, 2], 'index')?.(2); // 1
 */
export function pythonListMethod(list: unknown[], name: string): ((...args: unknown[]) => unknown) | undefined {
  if (!Object.prototype.hasOwnProperty.call(LIST_METHODS, name)) return undefined;
  const method = LIST_METHODS[name]!;
  return (...args: unknown[]) => method(list, ...args);
}

/**
 * The Python dict method `name` bound to `dict`, or `undefined` (a key of the dict wins).
 *
 * @example
 * pythonDictMethod({ a: 1 }, 'items')?.(); // [('a', 1)]
 */
export function pythonDictMethod(dict: Record<string, unknown>, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (!Object.prototype.hasOwnProperty.call(DICT_METHODS, name)) return undefined;
  const method = DICT_METHODS[name]!;
  return (...args: unknown[]) => method(dict, ...args);
}
