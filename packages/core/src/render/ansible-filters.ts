import { createHash } from 'node:crypto';
import { isKeywordArgs, isPlainObject, isTuple, pyEquals, pyRepr, pyStr, pyTruthy, pyTuple, PyFloat, type KeywordArgs } from './python-values.js';
import { percentFormat } from './python-format.js';
import { isPyFloat, isPyInt, isPyNumber, parsePyInt, pyAbs, pyArithmetic, pyCompareOp, pyFloat, pyInt, pyTrunc, toJsNumber } from './python-numbers.js';
import { PyRandom } from './python-random.js';
import { PYYAML_OPTIONS } from '../env/group-vars.js';
import { pyExpanduser, pyRealpath } from './python-paths.js';
import { pythonStringMethod } from './python-methods.js';
import { parse as parseYaml } from 'yaml';
import { pythonRegex, pythonReplacement } from './python-regex.js';
import { pyJsonDumps, pyYamlDump } from './python-serialize.js';
import { currentSession } from './render-session.js';
import { UnsupportedConstructError } from './jinja-statements.js';

/** A template filter: the filtered value first, then the filter's arguments (keywords last). */
export type TemplateFilter = (value: unknown, ...args: unknown[]) => unknown;

/** Splits nunjucks' trailing keyword-argument object from the positional arguments. */
function splitArgs(args: unknown[]): { positional: unknown[]; keywords: Partial<KeywordArgs> } {
  const last = args[args.length - 1];
  if (isKeywordArgs(last)) return { positional: args.slice(0, -1), keywords: last };
  return { positional: args, keywords: {} };
}

/**
 * Python's `round(x, ndigits)`: correctly rounded from the float's exact decimal value, ties to
 * even (`round(2.5)` is 2, `round(0.125, 2)` is 0.12), where JavaScript's Math.round rounds ties up.
 *
 * @example
 * pyRound(2.5, 0); // 2
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || !Number.isInteger(ndigits) || ndigits < 0 || ndigits > 30) {
    const factor = 10 ** ndigits;
    return Math.round(x * factor) / factor;
  }
  // toFixed gives the exact decimal expansion of a double (up to 100 digits).
  const exact = Math.abs(x).toFixed(Math.min(100, ndigits + 70));
  const point = exact.indexOf('.');
  const kept = exact.slice(0, point + 1 + ndigits).replace(/\.$/, '');
  const rest = exact.slice(point + 1 + ndigits);
  const digits = kept.replace('.', '');
  let up = rest[0] !== undefined && rest[0] > '5';
  if (rest[0] === '5') up = /[1-9]/.test(rest.slice(1)) || Number(digits[digits.length - 1]) % 2 === 1;
  let n = BigInt(digits);
  if (up) n += 1n;
  const result = Number(n) / 10 ** ndigits;
  return x < 0 || Object.is(x, -0) ? -result : result;
}

/** textwrap's `wordsep_re` (Python 3.11): whitespace, em-dashes, and words split after their hyphens. */
const WORDSEP = (() => {
  const wp = `[\\p{L}\\p{N}_!"'&.,?]`;
  const lt = '[\\p{L}\\p{Nl}\\p{No}_]';
  const ws = '[\\t\\n\\v\\f\\r ]';
  const nws = '[^\\t\\n\\v\\f\\r ]';
  return new RegExp(
    `(${ws}+|(?<=${wp})-{2,}(?=[\\p{L}\\p{N}_])|${nws}+?(?:-(?:(?<=${lt}{2}-)|(?<=${lt}-${lt}-))(?=${lt}-?${lt})|(?=${ws}|$)|(?<=${wp})(?=-{2,}[\\p{L}\\p{N}_])))`,
    'u',
  );
})();

/**
 * Python's `textwrap.wrap(line, width, expand_tabs=False, replace_whitespace=False,
 * break_on_hyphens)`: chunks are runs of whitespace and of anything else (and, breaking on
 * hyphens, the parts of hyphenated words); whitespace is dropped at the ends of lines; a word
 * longer than a line is cut when `breakLongWords` (after its last hyphen that fits, breaking on hyphens).
 */
function textWrap(text: string, width: number, breakLongWords: boolean, breakOnHyphens: boolean): string[] {
  if (width <= 0) throw new TemplateRuntimeError(`invalid width ${width} (must be > 0)`);
  const chunks = text.split(breakOnHyphens ? WORDSEP : /([\t\n\v\f\r ]+)/).filter((c) => c !== '').reverse();
  const blank = (c: string) => c.replace(/[\t\n\v\f\r ]/g, '') === '';
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let len = 0;
    if (blank(chunks[chunks.length - 1]!) && lines.length > 0) chunks.pop();
    while (chunks.length > 0 && len + chunks[chunks.length - 1]!.length <= width) {
      const c = chunks.pop()!;
      line.push(c);
      len += c.length;
    }
    if (chunks.length > 0 && chunks[chunks.length - 1]!.length > width) {
      const chunk = chunks[chunks.length - 1]!;
      if (breakLongWords) {
        let end = width - len;
        const hyphen = breakOnHyphens && chunk.length > end ? chunk.lastIndexOf('-', end - 1) : -1;
        if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
        line.push(chunk.slice(0, end));
        chunks[chunks.length - 1] = chunk.slice(end);
      } else if (line.length === 0) {
        line.push(chunks.pop()!);
      }
    }
    if (line.length > 0 && blank(line[line.length - 1]!)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Python's `time.strftime` in the C locale, of local time (the TZ Python and Node share) or UTC.
 * Directives whose text depends on more than the date (`%Z`, ISO weeks) are refused by name.
 */
function pyStrftime(format: string, date: Date, utc: boolean): string {
  if (Number.isNaN(date.getTime())) throw new TemplateRuntimeError('strftime: invalid value for second');
  const f = utc
    ? { y: date.getUTCFullYear(), m: date.getUTCMonth(), d: date.getUTCDate(), H: date.getUTCHours(), M: date.getUTCMinutes(), S: date.getUTCSeconds(), w: date.getUTCDay(), off: 0 }
    : { y: date.getFullYear(), m: date.getMonth(), d: date.getDate(), H: date.getHours(), M: date.getMinutes(), S: date.getSeconds(), w: date.getDay(), off: -date.getTimezoneOffset() };
  const pad = (n: number, w = 2, c = '0') => String(n).padStart(w, c);
  const yday = Math.round((Date.UTC(f.y, f.m, f.d) - Date.UTC(f.y, 0, 1)) / 86_400_000) + 1;
  const directive = (c: string): string => {
    switch (c) {
      case 'Y': return String(f.y);
      case 'y': return pad(f.y % 100);
      case 'm': return pad(f.m + 1);
      case 'd': return pad(f.d);
      case 'e': return pad(f.d, 2, ' ');
      case 'H': return pad(f.H);
      case 'I': return pad(f.H % 12 === 0 ? 12 : f.H % 12);
      case 'M': return pad(f.M);
      case 'S': return pad(f.S);
      case 'p': return f.H < 12 ? 'AM' : 'PM';
      case 'j': return pad(yday, 3);
      case 'a': return DAYS[f.w]!.slice(0, 3);
      case 'A': return DAYS[f.w]!;
      case 'b': case 'h': return MONTHS[f.m]!.slice(0, 3);
      case 'B': return MONTHS[f.m]!;
      case 'w': return String(f.w);
      case 'u': return String(f.w === 0 ? 7 : f.w);
      case 's': return String(Math.floor(date.getTime() / 1000));
      case 'z': return `${f.off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(f.off) / 60))}${pad(Math.abs(f.off) % 60)}`;
      case 'F': return `${f.y}-${pad(f.m + 1)}-${pad(f.d)}`;
      case 'T': return `${pad(f.H)}:${pad(f.M)}:${pad(f.S)}`;
      case 'R': return `${pad(f.H)}:${pad(f.M)}`;
      case 'D': case 'x': return `${pad(f.m + 1)}/${pad(f.d)}/${pad(f.y % 100)}`;
      case 'X': return `${pad(f.H)}:${pad(f.M)}:${pad(f.S)}`;
      case 'c': return `${DAYS[f.w]!.slice(0, 3)} ${MONTHS[f.m]!.slice(0, 3)} ${pad(f.d, 2, ' ')} ${pad(f.H)}:${pad(f.M)}:${pad(f.S)} ${f.y}`;
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: throw new UnsupportedConstructError(`the \`%${c}\` directive of \`strftime\``);
    }
  };
  return format.replace(/%(.)/gs, (_, c: string) => directive(c));
}

/** Ansible's `comment` filter: the styles, and the keyword parameters that override them. */
const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

function commentFilter(text: string, style: string, keywords: Record<string, unknown>): string {
  const styleParams = COMMENT_STYLES[style];
  if (!styleParams) throw new TemplateRuntimeError(`comment: unknown style '${style}'`);
  const prepostfix = 'decoration' in keywords ? pyStr(keywords.decoration) : (styleParams.decoration ?? '');
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: prepostfix.trimEnd(), prefix_count: 1, decoration: '', postfix: prepostfix.trimEnd(), postfix_count: 1, end: '' };
  Object.assign(p, styleParams);
  for (const [k, v] of Object.entries(keywords)) if (k !== '__keywords') p[k] = v;
  const nl = pyStr(p.newline);
  const decoration = pyStr(p.decoration);
  const beginning = pyTruthy(p.beginning) ? `${pyStr(p.beginning)}${nl}` : '';
  const prefix = !pyTruthy(p.prefix) ? '' : (pyStr(p.prefix) !== nl ? `${pyStr(p.prefix)}${nl}` : nl).repeat(Number(p.prefix_count));
  const body = `${decoration}${text.split(nl).join(`${nl}${decoration}`)}`.split(`${decoration}${nl}`).join(`${decoration.trimEnd()}${nl}`);
  const postfix = ['', ...Array.from({ length: Number(p.postfix_count) }, () => pyStr(p.postfix))].join(nl);
  const end = pyTruthy(p.end) ? `${nl}${pyStr(p.end)}` : '';
  return beginning + prefix + body + postfix + end;
}

/** The namespace Ansible's `to_uuid` uses by default. */
const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E';

/** Python's `uuid.uuid5(UUID(namespace), name)`. */
function uuid5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/[{}-]/g, ''), 'hex');
  if (ns.length !== 16) throw new TemplateRuntimeError(`to_uuid: badly formed namespace '${namespace}'`);
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Jinja2's `filesizeformat`. */
function fileSizeFormat(bytes: number, binary: boolean): string {
  const base = binary ? 1024 : 1000;
  const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let i = 0;
  while (i < prefixes.length - 1 && bytes >= base ** (i + 2)) i++;
  return `${percentFormat('%.1f', (base * bytes) / base ** (i + 2))} ${prefixes[i]}`;
}

/** Ansible's `human_readable` (`bytes_to_human`). */
function bytesToHuman(size: number, isbits: boolean, unit: string | undefined): string {
  const ranges: Array<[string, number]> = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];
  const base = isbits ? 'bits' : 'Bytes';
  let [suffix, limit] = ranges[ranges.length - 1]!;
  for (const [s, l] of ranges) {
    [suffix, limit] = [s, l];
    if ((unit === undefined && size >= l) || (unit !== undefined && unit.toUpperCase() === s[0])) break;
  }
  return `${percentFormat('%.2f', size / limit)} ${limit !== 1 ? suffix + base[0]! : base}`;
}

/** markupsafe's escape, as `xmlattr` applies it. */
function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}

/** Ansible's `subelements`: (item, subitem) pairs for the list at `path` (dotted) of each item. */
function subelements(value: unknown, path: string, skipMissing: boolean): unknown[] {
  const items = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : undefined;
  if (items === undefined) throw new TemplateRuntimeError('subelements: the first argument must be a list or a dict');
  const out: unknown[] = [];
  for (const item of items) {
    let values: unknown = item;
    let missing = false;
    for (const key of path.split('.')) {
      if (!isPlainObject(values) || !(key in values)) {
        if (!skipMissing) throw new TemplateRuntimeError(`could not find '${key}' key in iterated item '${pyRepr(values)}'`);
        missing = true;
        break;
      }
      values = values[key];
    }
    if (missing) continue;
    if (!Array.isArray(values)) throw new TemplateRuntimeError(`the key ${path} should point to a list, got '${pyRepr(values)}'`);
    for (const v of values) out.push(pyTuple([item, v]));
  }
  return out;
}

/** Positional argument `i`, else keyword `name`, else `fallback` — Python's calling convention. */
function arg(args: unknown[], i: number, name: string, fallback: unknown): unknown {
  const { positional, keywords } = splitArgs(args);
  if (i < positional.length) return positional[i];
  return name in keywords ? keywords[name] : fallback;
}

/** Raised for template-level failures that Jinja2/Ansible would raise (e.g. `mandatory`). */
export class TemplateRuntimeError extends Error {}

function toBool(value: unknown): boolean | null {
  if (value === null || value === undefined) return value === null ? null : false;
  if (typeof value === 'boolean') return value;
  const s = pyStr(value).toLowerCase();
  return s === 'yes' || s === 'on' || s === '1' || s === 'true' || (typeof value !== 'boolean' && pyEquals(value, 1));
}

function toInt(value: unknown, fallback: unknown, base: number): unknown {
  // int(nan) is a ValueError, which falls back to the default; int(inf) an OverflowError, which is raised.
  if (isPyNumber(value)) return Number.isNaN(toJsNumber(value)) ? fallback : pyTrunc(value);
  const s = pyStr(value).trim().replace(/_/g, '');
  const prefixed = base === 10 ? s : s.replace(/^([+-]?)0[xob]/i, '$1');
  const digits = base === 10 ? /^[+-]?\d+$/ : base === 16 ? /^[+-]?[0-9a-f]+$/i : base === 8 ? /^[+-]?[0-7]+$/ : /^[+-]?[01]+$/;
  if (digits.test(prefixed)) return parsePyInt(prefixed, base);
  // Jinja2 falls back to float() and truncates: int('3.7') is 3.
  const float = base === 10 ? parsePyFloat(s) : undefined;
  return float !== undefined && !Number.isNaN(float) ? pyTrunc(float) : fallback;
}

/** Python's `float(text)`, or undefined where Python raises ValueError. */
function parsePyFloat(text: string): number | undefined {
  const s = text.trim();
  if (/^[+-]?(?:inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (!/^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d(?:_?\d)*)?$/i.test(s)) return undefined;
  return Number(s.replace(/_/g, ''));
}

/** Jinja2's `float` filter: Python's `float()`, or the default where that fails. */
function toFloat(value: unknown, fallback: unknown): unknown {
  if (isPyNumber(value)) return pyFloat(toJsNumber(value));
  const n = typeof value === 'string' ? parsePyFloat(value) : undefined;
  return n === undefined ? fallback : pyFloat(n);
}

const SHELL_SAFE = /^[\w@%+=:,./-]+$/;

/** `shlex.quote`. */
function shellQuote(s: string): string {
  if (s === '') return "''";
  if (SHELL_SAFE.test(s) && /^[\x00-\x7f]*$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** `os.path.basename` / `os.path.dirname` (POSIX). */
function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
function dirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head !== '' && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function cryptEncode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += CRYPT_ALPHABET[bytes[i % bytes.length]! % 64];
  return out;
}

/**
 * A deterministic stand-in for `password_hash`: the real filter salts randomly (so its output is
 * never reproducible) and uses crypt(3); we only need a stable, well-shaped value to compare
 * renders of the same template.
 */
function passwordHash(password: string, hashtype: string, salt: string | undefined): string {
  const ids: Record<string, string> = { sha512: '6', sha256: '5', md5: '1', blowfish: '2b' };
  const id = ids[hashtype] ?? '6';
  const usedSalt = salt ?? cryptEncode(createHash('sha256').update(password).digest(), 16);
  const digest = createHash(hashtype === 'sha256' ? 'sha256' : 'sha512').update(`${usedSalt}$${password}`).digest();
  return `$${id}$${usedSalt}$${cryptEncode(digest, id === '5' ? 43 : 86)}`;
}

interface UrlParts {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
  fragment: string;
  username: string | null;
  password: string | null;
  hostname: string | null;
  port: number | null;
}

/** `urllib.parse.urlsplit`, with the derived attributes Ansible's `urlsplit` exposes. */
function urlsplit(url: string): UrlParts {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(url);
  const netloc = m?.[2] ?? '';
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : null;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const portMatch = /^(.*?)(?::(\d*))?$/.exec(hostport.startsWith('[') ? hostport.replace(/^\[([^\]]*)\]/, '[$1]') : hostport);
  let host = portMatch?.[1] ?? '';
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const colon = userinfo?.indexOf(':') ?? -1;
  return {
    scheme: (m?.[1] ?? '').toLowerCase(),
    netloc,
    path: m?.[3] ?? '',
    query: m?.[4] ?? '',
    fragment: m?.[5] ?? '',
    username: userinfo === null ? null : colon >= 0 ? userinfo.slice(0, colon) : userinfo,
    password: userinfo !== null && colon >= 0 ? userinfo.slice(colon + 1) : null,
    hostname: host === '' ? null : host.toLowerCase(),
    port: portMatch?.[2] ? Number(portMatch[2]) : null,
  };
}

function combine(dicts: unknown[], recursive: boolean): Record<string, unknown> {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] = recursive && isPlainObject(prev) && isPlainObject(v) ? merge(prev, v) : v;
    }
    return out;
  };
  let result: Record<string, unknown> = {};
  for (const d of dicts.flatMap((x) => (Array.isArray(x) ? x : [x]))) {
    if (!isPlainObject(d)) throw new TemplateRuntimeError(`combine: expected dictionaries, got ${d === undefined ? 'an undefined value' : pyStr(d)}`);
    result = merge(result, d);
  }
  return result;
}

const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const JSON_NUMBER_MARK = '\u0000pynumber:';

/**
 * Python's `json.loads`: as `JSON.parse`, except that a number written with a point or an
 * exponent stays a float when it is whole (`2.0`) and an int past 2**53 stays exact.
 *
 * @example
 * pyJsonLoads('[2.0, 18446744073709551616]'); // [PyFloat(2), 18446744073709551616n]
 */
function pyJsonLoads(text: string): unknown {
  const marked = text.replace(JSON_TOKEN, (t) => {
    if (t.startsWith('"')) return t;
    const float = /[.eE]/.test(t);
    return (float && Number.isInteger(Number(t))) || (!float && !Number.isSafeInteger(Number(t))) ? `"\\u0000pynumber:${t}"` : t;
  });
  return JSON.parse(marked, (_key, v: unknown) => {
    if (typeof v !== 'string' || !v.startsWith(JSON_NUMBER_MARK)) return v;
    const t = v.slice(JSON_NUMBER_MARK.length);
    return /[.eE]/.test(t) ? pyFloat(Number(t)) : pyInt(BigInt(t));
  }) as unknown;
}

/** A seed for Python's `random.Random`: an int or a str (a float's hash is not reproduced). */
function randomSeed(seed: unknown): bigint | string {
  if (typeof seed === 'string') return seed;
  if (isPyInt(seed) || typeof seed === 'boolean') return BigInt(seed);
  throw new UnsupportedConstructError(`a random seed of type ${pyTypeName(seed)}`);
}

/** A number argument as a JavaScript number (floats unboxed); text as JavaScript reads it. */
function numberOf(value: unknown): number {
  return isPyNumber(value) ? toJsNumber(value) : Number(value);
}

/** Python's ordering of two template values (numbers, strings, lists). */
function pyCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pyCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isPyNumber(a) && isPyNumber(b)) return pyCompareOp('<', a, b) ? -1 : pyCompareOp('>', a, b) ? 1 : 0;
  const x = a;
  const y = b;
  if (typeof x !== typeof y) throw new TemplateRuntimeError(`'<' not supported between ${pyTypeName(a)} and ${pyTypeName(b)}`);
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

/** Python's type name of a template value. */
function pyTypeName(v: unknown): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (isPyNumber(v)) return isPyFloat(v) ? 'float' : 'int';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (isPlainObject(v)) return 'dict';
  return 'object';
}

/** A copy with every dict's keys sorted (`pprint`). */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys(v[k])]));
  return v;
}

/** `len()`: a TypeError for what has no length. */
function lengthOf(value: unknown): number {
  // Python counts code points; a JavaScript string's length counts UTF-16 units (2 for an emoji).
  if (typeof value === 'string') return /[\ud800-\udfff]/.test(value) ? [...value].length : value.length;
  if (Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  if (value === undefined) return 0;
  throw new TemplateRuntimeError(`object of type '${pyTypeName(value)}' has no len()`);
}

/** `min`/`max` (Jinja2: case-insensitive for strings), by attribute when given. */
function extreme(items: unknown[], attribute: unknown, sign: 1 | -1): unknown {
  if (items.length === 0) return undefined;
  const key = (x: unknown) => {
    const v = attribute === undefined ? x : attributeOf(x, pyStr(attribute));
    return typeof v === 'string' ? v.toLowerCase() : v;
  };
  return items.reduce((best, x) => (pyCompare(key(x), key(best)) * sign > 0 ? x : best));
}

/** Ansible's `unique`: first occurrences, by Python equality. */
function uniqueOf(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of items) if (!out.some((y) => pyEquals(x, y))) out.push(x);
  return out;
}

function jinjaList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isPlainObject(value)) return Object.keys(value);
  if (value === undefined) return [];
  throw new TemplateRuntimeError(`'${pyTypeName(value)}' object is not iterable`);
}

function attributeOf(item: unknown, path: string): unknown {
  let v: unknown = item;
  for (const part of path.split('.')) v = isPlainObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/**
 * The Ansible and Jinja2 filters Ansible templates use, with Python semantics. Filters that
 * need other filters or tests (`map`, `select`) receive them through `lookup`.
 *
 * @example
 * ansibleFilters({ filter: () => undefined, test: () => undefined }).b64encode('user:pw'); // 'dXNlcjpwdw=='
 */
export function ansibleFilters(lookup: {
  filter(name: string): TemplateFilter | undefined;
  test(name: string): ((value: unknown, ...args: unknown[]) => boolean) | undefined;
}): Record<string, TemplateFilter> {
  const defaultFilter: TemplateFilter = (value, ...args) => {
    const fallback = arg(args, 0, 'default_value', '');
    const boolean = pyTruthy(arg(args, 1, 'boolean', false));
    if (value === undefined) {
      // The value's miss comes before those of the arguments (`x | default(omit)`, `omit` undefined too).
      currentSession()?.guarded(splitArgs(args).positional.filter((a) => a === undefined).length);
      return fallback;
    }
    return boolean && !pyTruthy(value) ? fallback : value;
  };
  const selectBy = (keep: boolean, byAttribute: boolean): TemplateFilter => (value, ...args) => {
    const { positional } = splitArgs(args);
    const [first, testName, ...testArgs] = byAttribute ? positional : [undefined, ...positional];
    const test = typeof testName === 'string' ? lookup.test(testName) : undefined;
    if (testName !== undefined && !test) throw new TemplateRuntimeError(`no test named '${pyStr(testName)}'`);
    return jinjaList(value).filter((item) => {
      const subject = byAttribute ? attributeOf(item, pyStr(first)) : item;
      return (test ? test(subject, ...testArgs) : pyTruthy(subject)) === keep;
    });
  };

  return {
    b64encode: (value) => Buffer.from(pyStr(value), 'utf8').toString('base64'),
    b64decode: (value) => Buffer.from(pyStr(value), 'base64').toString('utf8'),
    ternary: (value, ...args) => {
      const { positional } = splitArgs(args);
      if (value === null && positional.length > 2) return positional[2];
      return pyTruthy(value) ? positional[0] : positional[1];
    },
    bool: (value) => toBool(value),
    to_json: (value, ...args) =>
      pyJsonDumps(value, {
        ...(typeof arg(args, 0, 'indent', undefined) === 'number' ? { indent: arg(args, 0, 'indent', 0) as number } : {}),
        sortKeys: pyTruthy(arg(args, 99, 'sort_keys', false)),
      }),
    to_nice_json: (value, ...args) =>
      pyJsonDumps(value, { indent: Number(arg(args, 0, 'indent', 4)), sortKeys: pyTruthy(arg(args, 99, 'sort_keys', true)), itemSeparator: ',' }),
    to_yaml: (value) => pyYamlDump(value, { flowLeaves: true }).replace(/\n\.\.\.\n$/, '\n'),
    to_nice_yaml: (value, ...args) => pyYamlDump(value, { indent: Number(arg(args, 0, 'indent', 4)) }).replace(/\n\.\.\.\n$/, '\n'),
    regex_replace: (value, ...args) => {
      const re = pythonRegex(pyStr(arg(args, 0, 'pattern', '')), {
        global: true,
        ignorecase: pyTruthy(arg(args, 2, 'ignorecase', false)),
        multiline: pyTruthy(arg(args, 3, 'multiline', false)),
      });
      return pyStr(value).replace(re, pythonReplacement(pyStr(arg(args, 1, 'replacement', ''))));
    },
    regex_search: (value, ...args) => {
      const { positional, keywords } = splitArgs(args);
      const re = pythonRegex(pyStr(positional[0] ?? ''), {
        ignorecase: pyTruthy(keywords.ignorecase),
        multiline: pyTruthy(keywords.multiline),
      });
      const m = re.exec(pyStr(value));
      if (!m) return null;
      const groups = positional.slice(1).map(pyStr);
      if (groups.length === 0) return m[0];
      return groups.map((g) => {
        const ref = /^\\(?:g<(\w+)>|(\d+))$/.exec(g);
        if (!ref) throw new TemplateRuntimeError(`regex_search: unknown group argument ${g}`);
        return ref[2] !== undefined ? m[Number(ref[2])] ?? null : m.groups?.[ref[1]!] ?? m[Number(ref[1])] ?? null;
      });
    },
    regex_findall: (value, ...args) => {
      const re = pythonRegex(pyStr(arg(args, 0, 'regex', '')), { global: true, ignorecase: pyTruthy(arg(args, 99, 'ignorecase', false)) });
      return [...pyStr(value).matchAll(re)].map((m) => (m.length > 2 ? m.slice(1) : m.length === 2 ? m[1] : m[0]));
    },
    default: defaultFilter,
    d: defaultFilter,
    mandatory: (value, ...args) => {
      if (value !== undefined) return value;
      const name = currentSession()?.lastName();
      currentSession()?.guarded();
      const msg = arg(args, 0, 'msg', undefined);
      throw new TemplateRuntimeError(msg !== undefined ? pyStr(msg) : `Mandatory variable ${name ? `'${name}' ` : ''}not defined.`);
    },
    quote: (value) => shellQuote(pyStr(value)),
    lower: (value) => pyStr(value).toLowerCase(),
    upper: (value) => pyStr(value).toUpperCase(),
    join: (value, ...args) => {
      const sep = pyStr(arg(args, 0, 'd', ''));
      const attribute = arg(args, 1, 'attribute', undefined);
      const items = jinjaList(value);
      return (attribute === undefined ? items : items.map((i) => attributeOf(i, pyStr(attribute)))).map(pyStr).join(sep);
    },
    replace: (value, ...args) => {
      const old = pyStr(arg(args, 0, 'old', ''));
      const replacement = pyStr(arg(args, 1, 'new', ''));
      const count = arg(args, 2, 'count', undefined);
      const s = pyStr(value);
      if (typeof count !== 'number') return s.split(old).join(replacement);
      const parts = s.split(old);
      return parts.slice(0, count + 1).join(replacement) + (parts.length > count + 1 ? old + parts.slice(count + 1).join(old) : '');
    },
    trim: (value, ...args) => {
      const chars = arg(args, 0, 'chars', undefined);
      const s = pyStr(value);
      if (typeof chars !== 'string') return s.trim();
      let i = 0;
      let j = s.length;
      while (i < j && chars.includes(s[i]!)) i++;
      while (j > i && chars.includes(s[j - 1]!)) j--;
      return s.slice(i, j);
    },
    int: (value, ...args) => toInt(value, arg(args, 0, 'default', 0), Number(arg(args, 1, 'base', 10))),
    float: (value, ...args) => toFloat(value, arg(args, 0, 'default', new PyFloat(0))),
    abs: (value) => pyAbs(value),
    string: (value) => pyStr(value),
    list: (value) => [...jinjaList(value)],
    split: (value, ...args) => {
      const sep = arg(args, 0, 'sep', undefined);
      const s = pyStr(value);
      return sep === undefined || sep === null ? s.split(/\s+/).filter((x) => x !== '') : s.split(pyStr(sep));
    },
    dict2items: (value, ...args) => {
      if (!isPlainObject(value)) throw new TemplateRuntimeError('dict2items requires a dictionary');
      const keyName = pyStr(arg(args, 0, 'key_name', 'key'));
      const valueName = pyStr(arg(args, 1, 'value_name', 'value'));
      return Object.entries(value).map(([k, v]) => ({ [keyName]: k, [valueName]: v }));
    },
    items2dict: (value, ...args) => {
      const keyName = pyStr(arg(args, 0, 'key_name', 'key'));
      const valueName = pyStr(arg(args, 1, 'value_name', 'value'));
      const out: Record<string, unknown> = {};
      for (const item of jinjaList(value)) {
        if (!isPlainObject(item)) throw new TemplateRuntimeError('items2dict requires a list of dictionaries');
        out[pyStr(item[keyName])] = item[valueName];
      }
      return out;
    },
    combine: (value, ...args) => {
      const { positional, keywords } = splitArgs(args);
      return combine([value, ...positional], pyTruthy(keywords.recursive));
    },
    basename: (value) => basename(pyStr(value)),
    realpath: (value) => pyRealpath(pyStr(value)),
    expanduser: (value) => pyExpanduser(pyStr(value)),
    shuffle: (value, ...args) => {
      const items = [...jinjaList(value)];
      const seed = arg(args, 0, 'seed', null);
      if (!pyTruthy(seed)) {
        if (items.length <= 1) return items;
        throw new UnsupportedConstructError('`shuffle` without a seed (its order changes on every run)');
      }
      return new PyRandom(randomSeed(seed)).shuffle(items);
    },
    random: (value, ...args) => {
      const start = arg(args, 0, 'start', null);
      const step = arg(args, 1, 'step', null);
      const seed = arg(args, 2, 'seed', null);
      const rng = seed === null || seed === undefined ? undefined : new PyRandom(randomSeed(seed));
      if (isPyInt(value) || typeof value === 'boolean') {
        const bound = (x: unknown, dflt: bigint) => (!pyTruthy(x) ? dflt : isPyInt(x) || typeof x === 'boolean' ? BigInt(x) : undefined);
        const [a, b, st] = [bound(start, 0n), BigInt(value), bound(step, 1n)];
        if (a === undefined || st === undefined) throw new UnsupportedConstructError('`random` with a start or step that is not an int');
        const n = st === 0n ? 0n : (b - a + st - (st > 0n ? 1n : -1n)) / st;
        if (n <= 0n) throw new TemplateRuntimeError(`empty range for randrange(${a}, ${b}, ${st})`);
        if (!rng) {
          if (n === 1n) return pyInt(a);
          throw new UnsupportedConstructError('`random` without a seed (it changes on every run)');
        }
        return pyInt(rng.randrange(a, b, st)!);
      }
      if (Array.isArray(value) || typeof value === 'string') {
        if (pyTruthy(start) || pyTruthy(step)) throw new TemplateRuntimeError('start and step can only be used with integer values');
        const items = [...value];
        if (items.length === 0) throw new TemplateRuntimeError('Cannot choose from an empty sequence');
        if (!rng) {
          if (items.length === 1) return items[0];
          throw new UnsupportedConstructError('`random` without a seed (it changes on every run)');
        }
        return items[Number(rng.randbelow(BigInt(items.length)))];
      }
      throw new UnsupportedConstructError(`\`random\` of a ${pyTypeName(value)}`);
    },
    dirname: (value) => dirname(pyStr(value)),
    password_hash: (value, ...args) => {
      const salt = arg(args, 1, 'salt', undefined);
      return passwordHash(pyStr(value), pyStr(arg(args, 0, 'hashtype', 'sha512')), salt === undefined || salt === null ? undefined : pyStr(salt));
    },
    round: (value, ...args) => {
      const precision = Number(arg(args, 0, 'precision', 0));
      const method = pyStr(arg(args, 1, 'method', 'common'));
      if (method !== 'common' && method !== 'ceil' && method !== 'floor') throw new TemplateRuntimeError('method must be common, ceil or floor');
      if (!isPyNumber(value)) throw new TemplateRuntimeError(`type ${pyTypeName(value)} doesn't define __round__ method`);
      // Python's round() keeps an int an int; ceil and floor divide, which gives a float.
      if (method === 'common' && !isPyFloat(value) && precision >= 0) return typeof value === 'boolean' ? Number(value) : value;
      const x = toJsNumber(value);
      if (method === 'common') return pyFloat(pyRound(x, precision));
      const factor = 10 ** precision;
      return pyFloat((method === 'ceil' ? Math.ceil(x * factor) : Math.floor(x * factor)) / factor);
    },
    comment: (value, ...args) => commentFilter(pyStr(value), pyStr(arg(args, 0, 'style', 'plain')), splitArgs(args).keywords),
    to_uuid: (value, ...args) => uuid5(pyStr(arg(args, 0, 'namespace', ANSIBLE_UUID_NAMESPACE)), pyStr(value)),
    filesizeformat: (value, ...args) => fileSizeFormat(numberOf(value), pyTruthy(arg(args, 0, 'binary', false))),
    human_readable: (value, ...args) => {
      const unit = arg(args, 1, 'unit', null);
      return bytesToHuman(numberOf(value), pyTruthy(arg(args, 0, 'isbits', false)), unit === null || unit === undefined ? undefined : pyStr(unit));
    },
    xmlattr: (value, ...args) => {
      if (!isPlainObject(value)) throw new TemplateRuntimeError('xmlattr: a dict is needed');
      const attrs = Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `${xmlEscape(k)}="${xmlEscape(pyStr(v))}"`)
        .join(' ');
      return attrs !== '' && pyTruthy(arg(args, 0, 'autospace', true)) ? ` ${attrs}` : attrs;
    },
    subelements: (value, ...args) => subelements(value, pyStr(arg(args, 0, 'subelements', '')), pyTruthy(arg(args, 1, 'skip_missing', false))),
    // Jinja2's `attr` is Python's getattr: a dict's keys are not attributes.
    attr: (value, ...args) => {
      currentSession()?.attribute(pyStr(arg(args, 0, 'name', '')));
      return undefined;
    },
    wordwrap: (value, ...args) => {
      const text = pyStr(value);
      const breakOnHyphens = pyTruthy(arg(args, 3, 'break_on_hyphens', true));
      const width = Number(arg(args, 0, 'width', 79));
      const wrapstring = arg(args, 2, 'wrapstring', null);
      const joiner = wrapstring === null || wrapstring === undefined ? '\n' : pyStr(wrapstring);
      const lines = pythonStringMethod(text, 'splitlines')!() as string[];
      return lines.map((line) => textWrap(line, width, pyTruthy(arg(args, 1, 'break_long_words', true)), breakOnHyphens).join(joiner)).join(joiner);
    },
    strftime: (value, ...args) => {
      const second = arg(args, 0, 'second', null);
      // Without `second` the output is the time of the render: no two renders agree.
      if (second === null || second === undefined) throw new UnsupportedConstructError('`strftime` of the current time');
      return pyStrftime(pyStr(value), new Date(Number(second) * 1000), pyTruthy(arg(args, 1, 'utc', false)));
    },
    hash: (value, ...args) => createHash(pyStr(arg(args, 0, 'hashtype', 'sha1'))).update(pyStr(value), 'utf8').digest('hex'),
    urlsplit: (value, ...args) => {
      const parts = urlsplit(pyStr(value));
      const query = arg(args, 0, 'query', '');
      if (query === '' || query === undefined) return parts;
      if (!(pyStr(query) in parts)) throw new TemplateRuntimeError(`urlsplit: unknown URL component: ${pyStr(query)}`);
      return parts[pyStr(query) as keyof UrlParts];
    },
    map: (value, ...args) => {
      const { positional, keywords } = splitArgs(args);
      const items = jinjaList(value);
      if (keywords.attribute !== undefined) {
        return items.map((i) => attributeOf(i, pyStr(keywords.attribute)) ?? keywords.default);
      }
      const [name, ...rest] = positional;
      const filter = typeof name === 'string' ? lookup.filter(name) : undefined;
      if (!filter) throw new TemplateRuntimeError(`no filter named '${pyStr(name)}'`);
      return items.map((i) => filter(i, ...rest));
    },
    select: selectBy(true, false),
    reject: selectBy(false, false),
    selectattr: selectBy(true, true),
    rejectattr: selectBy(false, true),
    min: (value, ...args) => extreme(jinjaList(value), arg(args, 1, 'attribute', undefined), -1),
    max: (value, ...args) => extreme(jinjaList(value), arg(args, 1, 'attribute', undefined), 1),
    sum: (value, ...args) => {
      const attribute = arg(args, 0, 'attribute', undefined);
      let total = arg(args, 1, 'start', 0);
      for (const item of jinjaList(value)) {
        const x = attribute === undefined ? item : attributeOf(item, pyStr(attribute));
        total = Array.isArray(total) && Array.isArray(x) ? [...total, ...x] : pyArithmetic('+', total, x);
      }
      return total;
    },
    count: (value) => lengthOf(value),
    length: (value) => lengthOf(value),
    format: (value, ...args) => percentFormat(pyStr(value), pyTuple(splitArgs(args).positional)),
    sort: (value, ...args) => {
      const reverse = pyTruthy(arg(args, 0, 'reverse', false));
      const caseSensitive = pyTruthy(arg(args, 1, 'case_sensitive', false));
      const attribute = arg(args, 2, 'attribute', null);
      const paths = attribute === null || attribute === undefined ? [] : pyStr(attribute).split(',');
      const fold = (v: unknown) => (typeof v === 'string' && !caseSensitive ? v.toLowerCase() : v);
      const keyOf = (x: unknown) => (paths.length === 0 ? fold(x) : paths.length === 1 ? fold(attributeOf(x, paths[0]!)) : paths.map((p) => fold(attributeOf(x, p))));
      // Python's sort is stable, also with reverse=True (equal items keep their order).
      const keyed = jinjaList(value).map((x) => [keyOf(x), x] as const);
      return keyed.sort((a, b) => pyCompare(a[0], b[0]) * (reverse ? -1 : 1)).map(([, x]) => x);
    },
    dictsort: (value, ...args) => {
      if (!isPlainObject(value)) throw new TemplateRuntimeError('dictsort: can only sort a dictionary');
      const caseSensitive = pyTruthy(arg(args, 0, 'case_sensitive', false));
      const byValue = pyStr(arg(args, 1, 'by', 'key')) === 'value';
      const reverse = pyTruthy(arg(args, 2, 'reverse', false));
      const keyOf = (e: [string, unknown]) => {
        const k = byValue ? e[1] : e[0];
        return typeof k === 'string' && !caseSensitive ? k.toLowerCase() : k;
      };
      const entries = Object.entries(value).sort((a, b) => pyCompare(keyOf(a), keyOf(b)));
      if (reverse) entries.reverse();
      return entries.map((e) => pyTuple(e));
    },
    zip: (value, ...args) => {
      const lists = [jinjaList(value), ...splitArgs(args).positional.map(jinjaList)];
      const n = Math.min(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => pyTuple(lists.map((l) => l[i])));
    },
    product: (value, ...args) => {
      let out: unknown[][] = [[]];
      for (const l of [jinjaList(value), ...splitArgs(args).positional.map(jinjaList)]) out = out.flatMap((p) => l.map((x) => [...p, x]));
      return out.map((t) => pyTuple(t));
    },
    unique: (value) => uniqueOf(jinjaList(value)),
    union: (value, other) => uniqueOf([...jinjaList(value), ...jinjaList(other)]),
    intersect: (value, other) => uniqueOf(jinjaList(value).filter((x) => jinjaList(other).some((y) => pyEquals(x, y)))),
    difference: (value, other) => uniqueOf(jinjaList(value).filter((x) => !jinjaList(other).some((y) => pyEquals(x, y)))),
    symmetric_difference: (value, other) => {
      const a = jinjaList(value);
      const b = jinjaList(other);
      return uniqueOf([...a.filter((x) => !b.some((y) => pyEquals(x, y))), ...b.filter((x) => !a.some((y) => pyEquals(x, y)))]);
    },
    regex_escape: (value) => pyStr(value).replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`),
    splitext: (value) => {
      const p = pyStr(value);
      const slash = p.lastIndexOf('/');
      const dot = p.lastIndexOf('.');
      const base = p.slice(slash + 1);
      if (dot <= slash + 1 || /^\.+$/.test(base.slice(0, dot - slash))) return pyTuple([p, '']);
      return pyTuple([p.slice(0, dot), p.slice(dot)]);
    },
    md5: (value) => createHash('md5').update(pyStr(value), 'utf8').digest('hex'),
    sha1: (value) => createHash('sha1').update(pyStr(value), 'utf8').digest('hex'),
    checksum: (value) => createHash('sha1').update(pyStr(value), 'utf8').digest('hex'),
    from_json: (value) => {
      try {
        return pyJsonLoads(pyStr(value));
      } catch (e) {
        throw new TemplateRuntimeError(`from_json: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    from_yaml: (value) => (typeof value === 'string' ? (parseYaml(value, PYYAML_OPTIONS) as unknown) : value),
    pprint: (value) => pyRepr(sortedKeys(value)),
    groupby: (value, ...args) => {
      const attribute = pyStr(arg(args, 0, 'attribute', ''));
      const dflt = arg(args, 1, 'default', undefined);
      const groups: Array<{ key: unknown; list: unknown[] }> = [];
      const items = [...jinjaList(value)].map((x) => ({ x, key: attributeOf(x, attribute) ?? dflt }));
      items.sort((a, b) => pyCompare(a.key, b.key));
      for (const { x, key } of items) {
        const last = groups[groups.length - 1];
        if (last && pyEquals(last.key, key)) last.list.push(x);
        else groups.push({ key, list: [x] });
      }
      // A (grouper, list) named tuple: indexable and with both names.
      return groups.map((g) => Object.assign(pyTuple([g.key, g.list]), { grouper: g.key, list: g.list }));
    },
    type_debug: (value) => pyTypeName(value),
    tojson: (value, ...args) => {
      const indent = arg(args, 0, 'indent', undefined);
      return pyJsonDumps(value, { sortKeys: true, ...(typeof indent === 'number' ? { indent } : {}) }).replace(/[<>&']/g, (c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    },
    path_join: (value) => {
      let out = '';
      for (const part of jinjaList(value).map(pyStr)) out = part.startsWith('/') || out === '' ? part : out.endsWith('/') ? out + part : `${out}/${part}`;
      return out;
    },
    extract: (value, container, morekeys) => {
      let v = (container as Record<string, unknown> | undefined)?.[pyStr(value)];
      for (const k of morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys]) v = (v as Record<string, unknown> | undefined)?.[pyStr(k)];
      return v;
    },
    indent: (value, ...args) => {
      const width = arg(args, 0, 'width', 4);
      const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
      const first = pyTruthy(arg(args, 1, 'first', false));
      const blank = pyTruthy(arg(args, 2, 'blank', false));
      let s = pyStr(value);
      // Jinja2 3.1: a trailing newline is kept as it is, blank lines stay empty unless `blank`.
      const newline = s.endsWith('\n') ? '\n' : '';
      if (newline) s = s.slice(0, -1);
      const lines = s.split('\n');
      const out = lines.map((l, i) => (i === 0 ? (first ? pad + l : l) : blank || l !== '' ? pad + l : l));
      if (first && !blank && lines[0] === '') out[0] = '';
      return out.join('\n') + newline;
    },
    truncate: (value, ...args) => {
      const s = pyStr(value);
      const length = Number(arg(args, 0, 'length', 255));
      const killwords = pyTruthy(arg(args, 1, 'killwords', false));
      const end = pyStr(arg(args, 2, 'end', '...'));
      const leeway = Number(arg(args, 3, 'leeway', 5));
      if (s.length <= length + leeway) return s;
      if (killwords) return s.slice(0, length - end.length) + end;
      const cut = s.slice(0, length - end.length);
      const space = cut.lastIndexOf(' ');
      return (space >= 0 ? cut.slice(0, space) : cut) + end;
    },
    flatten: (value, ...args) => {
      const levels = arg(args, 0, 'levels', undefined);
      const flat = (xs: unknown[], depth: number): unknown[] =>
        xs.flatMap((x) => (Array.isArray(x) && (typeof levels !== 'number' || depth < levels) ? flat(x, depth + 1) : [x]));
      return flat(jinjaList(value), 0);
    },
  };
}
