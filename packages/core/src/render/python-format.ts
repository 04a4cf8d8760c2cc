/**
 * Python's printf-style formatting, `'%s-%05d' % (a, b)` and Jinja2's `format` filter: flags
 * (`-+ 0#`), width, precision, and the conversions `s r a d i u f F e E g G x X o c %`, with a
 * tuple, a mapping (`%(name)s`) or a single value.
 */
import { isPlainObject, isTuple, pyRepr, pyStr } from './python-values.js';
import { isPyNumber, pyTrunc, toJsNumber } from './python-numbers.js';

const SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/** Python's `%g`/`%e` mantissa-exponent form: `1e+20`, `1.5e-07`. */
function expForm(n: number, precision: number, upper: boolean): string {
  const [m, e] = n.toExponential(precision).split('e') as [string, string];
  const exp = Number(e);
  const out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return upper ? out.toUpperCase() : out;
}

function general(n: number, precision: number, alt: boolean, upper: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  let out: string;
  if (exp < -4 || exp >= p) {
    out = expForm(n, p - 1, upper);
    if (!alt) out = out.replace(/\.?0+(e)/i, '$1');
  } else {
    out = n.toFixed(Math.max(0, p - 1 - exp));
    if (!alt && out.includes('.')) out = out.replace(/\.?0+$/, '');
  }
  return out;
}

function toNumber(v: unknown, conv: string): number {
  if (isPyNumber(v)) return toJsNumber(v);
  throw new Error(`TypeError: %${conv} format: a number is required, not ${v === null ? 'NoneType' : typeof v === 'string' ? 'str' : 'object'}`);
}

/** The integer `%d`/`%x`/`%o` print: a float truncated, a big int exact. */
function toInteger(v: unknown, conv: string): number | bigint {
  if (typeof v === 'bigint') return v;
  return pyTrunc(toNumber(v, conv));
}

/**
 * `format % values` as Python computes it.
 *
 * @example
 * percentFormat('%s-%03d', ['web', 7]); // 'web-007'
 */
export function percentFormat(format: string, values: unknown): string {
  const list = isTuple(values) ? (values as unknown[]) : [values];
  const mapping = isPlainObject(values) ? values : undefined;
  let i = 0;
  const next = () => {
    if (i >= list.length) throw new Error('TypeError: not enough arguments for format string');
    return list[i++];
  };
  const out = format.replace(SPEC, (_m, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const w = width === '*' ? Number(next()) : width !== undefined ? Number(width) : 0;
    const prec = precision === '*' ? Number(next()) : precision !== undefined ? Number(precision) : undefined;
    const v = key !== undefined ? mapping?.[key] : next();
    let body: string;
    let numeric = true;
    switch (conv) {
      case 's':
        body = pyStr(v);
        numeric = false;
        break;
      case 'r':
      case 'a':
        body = pyRepr(v);
        numeric = false;
        break;
      case 'c':
        body = typeof v === 'number' ? String.fromCodePoint(v) : pyStr(v);
        numeric = false;
        break;
      case 'd':
      case 'i':
      case 'u':
        body = String(toInteger(v, conv));
        break;
      case 'x':
      case 'X':
      case 'o': {
        const n = toInteger(v, conv);
        body = (n < 0 ? -n : n).toString(conv === 'o' ? 8 : 16);
        if (conv === 'X') body = body.toUpperCase();
        if (flags.includes('#')) body = (conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X') + body;
        if (n < 0) body = `-${body}`;
        break;
      }
      case 'f':
      case 'F':
        body = toNumber(v, conv).toFixed(prec ?? 6);
        break;
      case 'e':
      case 'E':
        body = expForm(toNumber(v, conv), prec ?? 6, conv === 'E');
        break;
      default:
        body = general(toNumber(v, conv), prec ?? 6, flags.includes('#'), conv === 'G');
    }
    // Python keeps the sign of -0.0 (`-0.00`); JavaScript drops it.
    if ('fFeEgG'.includes(conv) && Object.is(toNumber(v, conv), -0)) body = `-${body}`;
    if (!numeric && prec !== undefined) body = body.slice(0, prec);
    if (numeric && !body.startsWith('-')) {
      if (flags.includes('+')) body = `+${body}`;
      else if (flags.includes(' ')) body = ` ${body}`;
    }
    if (body.length >= w) return body;
    if (flags.includes('-')) return body.padEnd(w);
    if (numeric && flags.includes('0')) {
      const sign = /^[-+ ]/.test(body) ? body[0]! : '';
      return sign + body.slice(sign.length).padStart(w - sign.length, '0');
    }
    return body.padStart(w);
  });
  if (!mapping && i < list.length) throw new Error('TypeError: not all arguments converted during string formatting');
  return out;
}
