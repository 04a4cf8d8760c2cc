/**
 * Python's numbers in JavaScript values, and Python's arithmetic on them.
 *
 * - An `int` is a JavaScript number that is an integer, or a `bigint` beyond 2**53 (Python's
 *   ints do not round); {@link pyInt} keeps small ones plain numbers, so the common case stays fast.
 * - A `float` is a JavaScript number that is not an integer (`2.5`, `nan`, `inf`), or a
 *   {@link PyFloat} when its value is whole (`3.0`), which JavaScript could not tell from `3`.
 *
 * Booleans count as the ints 0 and 1, as in Python.
 */
import { TemplateRuntimeError } from './ansible-filters.js';
import { PyFloat, pyEquals } from './python-values.js';
import { UnsupportedConstructError } from './jinja-statements.js';

/** A Python int or float as the renderer holds it. */
export type PyNumber = number | bigint | PyFloat;

/**
 * A float result: whole values are boxed ({@link PyFloat}) so that they print `3.0`.
 *
 * @example
 * pyFloat(3); // PyFloat(3), printed '3.0'
 * pyFloat(2.5); // 2.5
 */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/**
 * An int result: a plain number when it is exact as one, a `bigint` beyond 2**53.
 *
 * @example
 * pyInt(5n); // 5
 * pyInt(2n ** 64n); // 18446744073709551616n
 */
export function pyInt(n: bigint): number | bigint {
  return n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Whether a value is a Python float (a non-integer number or a boxed whole float). */
export function isPyFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

/** Whether a value is a Python int (booleans excluded). */
export function isPyInt(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

/** Whether a value is a Python number: int, float or bool. */
export function isPyNumber(value: unknown): value is PyNumber | boolean {
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value instanceof PyFloat;
}

/**
 * The value of a number as a JavaScript number (rounded for a big int, as Python's `float()`).
 *
 * @example
 * toJsNumber(new PyFloat(2)); // 2
 * toJsNumber(true); // 1
 */
export function toJsNumber(value: PyNumber | boolean): number {
  if (value instanceof PyFloat) return value.value;
  return Number(value);
}

/** A value for JavaScript's ordering operators: exact for big ints, unboxed for floats. */
export function comparable(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'boolean') return Number(value);
  return value;
}

/** Python's name of a number's operand type, for TypeError messages. */
function operandName(value: unknown): string {
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'object') return 'dict';
  return typeof value;
}

/** Python's binary arithmetic operators. */
export type PyArithmeticOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';

/**
 * `left op right` for two Python numbers, as Python computes it: int with int stays an int
 * (exactly, past 2**53), anything with a float is a float, `/` is always a float, `//` and `%`
 * floor, and dividing by zero is Python's `ZeroDivisionError`.
 *
 * @example
 * pyArithmetic('+', new PyFloat(2), 1); // PyFloat(3), printed '3.0'
 * pyArithmetic('**', 2, 64); // 18446744073709551616n
 */
export function pyArithmetic(op: PyArithmeticOp, left: unknown, right: unknown): PyNumber {
  if (!isPyNumber(left) || !isPyNumber(right)) {
    throw new TemplateRuntimeError(`unsupported operand type(s) for ${op}: '${operandName(left)}' and '${operandName(right)}'`);
  }
  if (op === '/' && (typeof left === 'bigint' || typeof right === 'bigint') && !isPyFloat(left) && !isPyFloat(right)) {
    return pyFloat(exactQuotient(BigInt(left as number | bigint | boolean), BigInt(right as number | bigint | boolean)));
  }
  if (isPyFloat(left) || isPyFloat(right) || op === '/') return floatArithmetic(op, toJsNumber(left), toJsNumber(right));
  const a = typeof left === 'boolean' ? Number(left) : (left as number | bigint);
  const b = typeof right === 'boolean' ? Number(right) : (right as number | bigint);
  if (typeof a === 'number' && typeof b === 'number') {
    // The fast path: small ints whose result is exact as a JavaScript number.
    switch (op) {
      case '+':
      case '-':
      case '*': {
        const r = op === '+' ? a + b : op === '-' ? a - b : a * b;
        if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
        break;
      }
      case '//':
      case '%':
        if (b === 0) throw new TemplateRuntimeError(op === '%' ? 'integer modulo by zero' : 'integer division or modulo by zero');
        if (op === '%') return ((a % b) + b) % b || 0;
        if (Math.abs(a) < 2 ** 31 && Math.abs(b) < 2 ** 31) return Math.floor(a / b) || 0;
        break;
      case '**':
        if (b < 0) {
          if (a === 0) throw new TemplateRuntimeError('0.0 cannot be raised to a negative power');
          return pyFloat(a ** b);
        }
        if (Number.isSafeInteger(a ** b)) return a ** b;
        break;
    }
  }
  return bigArithmetic(op, BigInt(a), BigInt(b));
}

function bigArithmetic(op: PyArithmeticOp, a: bigint, b: bigint): PyNumber {
  switch (op) {
    case '+':
      return pyInt(a + b);
    case '-':
      return pyInt(a - b);
    case '*':
      return pyInt(a * b);
    case '//':
    case '%': {
      if (b === 0n) throw new TemplateRuntimeError(op === '%' ? 'integer modulo by zero' : 'integer division or modulo by zero');
      let q = a / b;
      if (a % b !== 0n && a < 0n !== b < 0n) q -= 1n;
      return pyInt(op === '//' ? q : a - q * b);
    }
    case '**': {
      if (b < 0n) return pyFloat(Number(a) ** Number(b));
      // Python computes any size; we stop where the digits would not be worth printing.
      if (b > 100_000n) throw new UnsupportedConstructError(`an integer power this large (\`** ${b}\`)`);
      return pyInt(a ** b);
    }
    default:
      return pyFloat(Number(a) / Number(b));
  }
}

/**
 * `a / b` of two ints correctly rounded, as Python computes it (not `Number(a) / Number(b)`,
 * which rounds twice): at least 64 bits of quotient, a sticky bit for a remainder, one rounding.
 */
function exactQuotient(a: bigint, b: bigint): number {
  if (b === 0n) throw new TemplateRuntimeError('division by zero');
  const negative = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  const shift = Math.max(0, 64 + y.toString(2).length - x.toString(2).length);
  let q = (x << BigInt(shift)) / y;
  if ((x << BigInt(shift)) % y !== 0n) q |= 1n;
  const result = Number(q) * 2 ** -shift;
  return negative ? -result : result;
}

/** CPython's float_divmod: the floor quotient and the remainder with the divisor's sign. */
function floatDivmod(x: number, y: number): [number, number] {
  let mod = x % y;
  let div = (x - mod) / y;
  if (mod) {
    if (y < 0 !== mod < 0) {
      mod += y;
      div -= 1;
    }
  } else {
    mod = y < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = x / y < 0 || Object.is(x / y, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

function floatArithmetic(op: PyArithmeticOp, a: number, b: number): number | PyFloat {
  switch (op) {
    case '+':
      return pyFloat(a + b);
    case '-':
      return pyFloat(a - b);
    case '*':
      return pyFloat(a * b);
    case '/':
      if (b === 0) throw new TemplateRuntimeError('division by zero');
      return pyFloat(a / b);
    case '//':
    case '%':
      if (b === 0) throw new TemplateRuntimeError(op === '%' ? 'float modulo' : 'float floor division by zero');
      return pyFloat(floatDivmod(a, b)[op === '//' ? 0 : 1]);
    case '**':
      if (a === 0 && b < 0) throw new TemplateRuntimeError('0.0 cannot be raised to a negative power');
      if (a < 0 && !Number.isInteger(b)) throw new UnsupportedConstructError('a complex number (a negative number raised to a fractional power)');
      return pyFloat(a ** b);
  }
}

/**
 * Python's unary minus of a number.
 *
 * @example
 * pyNegate(new PyFloat(0)); // PyFloat(-0), printed '-0.0'
 */
export function pyNegate(value: unknown): PyNumber {
  if (value instanceof PyFloat) return new PyFloat(-value.value);
  if (typeof value === 'bigint') return pyInt(-value);
  if (typeof value === 'boolean') return -Number(value) || 0;
  if (typeof value === 'number') return Number.isInteger(value) ? -value || 0 : -value;
  throw new TemplateRuntimeError(`bad operand type for unary -: '${operandName(value)}'`);
}

/**
 * Python's unary plus of a number (a bool becomes an int).
 *
 * @example
 * pyPositive(true); // 1
 */
export function pyPositive(value: unknown): PyNumber {
  if (typeof value === 'boolean') return Number(value);
  if (isPyNumber(value)) return value as PyNumber;
  throw new TemplateRuntimeError(`bad operand type for unary +: '${operandName(value)}'`);
}

/**
 * Python's `abs()` of a number.
 *
 * @example
 * pyAbs(-2n ** 64n); // 18446744073709551616n
 */
export function pyAbs(value: unknown): PyNumber {
  if (value instanceof PyFloat) return new PyFloat(Math.abs(value.value));
  if (typeof value === 'bigint') return value < 0n ? -value : value;
  if (typeof value === 'number' || typeof value === 'boolean') return Math.abs(Number(value));
  throw new TemplateRuntimeError(`bad operand type for abs(): '${operandName(value)}'`);
}

/**
 * Python's `int()` of a number: floats truncate toward zero (exactly, beyond 2**53).
 *
 * @example
 * pyTrunc(new PyFloat(1e20)); // 100000000000000000000n
 */
export function pyTrunc(value: PyNumber | boolean): number | bigint {
  if (typeof value === 'bigint') return value;
  const n = toJsNumber(value);
  if (!Number.isFinite(n)) throw new TemplateRuntimeError(Number.isNaN(n) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
  const t = Math.trunc(n) || 0;
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/**
 * Python's `int(text, base)` for text that is all digits of the base (with a sign): exact at any size.
 *
 * @example
 * parsePyInt('12345678901234567890', 10); // 12345678901234567890n
 */
export function parsePyInt(text: string, base: number): number | bigint {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[+-]/, '');
  if (digits.length <= 15 && base === 10) return Number(text) || 0;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const n = BigInt(prefix + digits);
  return pyInt(negative ? -n : n);
}

/**
 * One Python comparison `left op right` (`==`, `!=`, `<`, `>`, `<=`, `>=`): equality by
 * {@link pyEquals}, order with floats unboxed and big ints exact.
 *
 * @example
 * pyCompareOp('<', new PyFloat(2), 3); // true
 */
export function pyCompareOp(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEquals(left, right);
    case '!=':
    case '!==':
      return !pyEquals(left, right);
    case '<':
      return (comparable(left) as number) < (comparable(right) as number);
    case '>':
      return (comparable(left) as number) > (comparable(right) as number);
    case '<=':
      return (comparable(left) as number) <= (comparable(right) as number);
    case '>=':
      return (comparable(left) as number) >= (comparable(right) as number);
    default:
      throw new Error(`unknown comparison operator ${op}`);
  }
}
