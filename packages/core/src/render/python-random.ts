/**
 * Python's `random.Random(seed)`, bit for bit: the Mersenne Twister (MT19937) of CPython's
 * `_randommodule.c`, seeded as `random.seed(a, version=2)` seeds it (an int's absolute value in
 * 32-bit words; a str's UTF-8 bytes followed by their SHA-512, read as a big-endian int), with
 * `getrandbits`, `_randbelow`, `shuffle`, `choice` and `randrange` as Python 3.11 has them.
 * Ansible's `shuffle(seed=…)` and `random(seed=…)` filters give the same result on every run
 * (a cron minute from `inventory_hostname`), so the renderer can give the same result as well.
 */
import { createHash } from 'node:crypto';

const N = 624;
const M = 397;

/**
 * A seeded Python `random.Random`.
 *
 * @example
 * new PyRandom('web01').randrange(0, 60, 1); // the minute Python's Random('web01').randrange(60) gives
 */
export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: bigint | string) {
    this.initByArray(seedKey(typeof seed === 'string' ? stringSeed(seed) : seed < 0n ? -seed : seed));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: Uint32Array): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** The next 32 random bits (CPython's genrand_uint32). */
  private next32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      const mix = (a: number, b: number, c: number) => {
        const y = (mt[a]! & 0x80000000) | (mt[b]! & 0x7fffffff);
        return (mt[c]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
      };
      for (; kk < N - M; kk++) mt[kk] = mix(kk, kk + 1, kk + M);
      for (; kk < N - 1; kk++) mt[kk] = mix(kk, kk + 1, kk + M - N);
      mt[N - 1] = mix(N - 1, 0, M - 1);
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `getrandbits(k)`: 32-bit words from the least significant, the last one cut to size. */
  getrandbits(k: number): bigint {
    if (k === 0) return 0n;
    if (k <= 32) return BigInt(this.next32() >>> (32 - k));
    let out = 0n;
    for (let i = 0, left = k; left > 0; i++, left -= 32) {
      let r = this.next32();
      if (left < 32) r >>>= 32 - left;
      out |= BigInt(r) << BigInt(32 * i);
    }
    return out;
  }

  /** `_randbelow(n)` for n > 0: `getrandbits(n.bit_length())` until it is below n. */
  randbelow(n: bigint): bigint {
    const k = n.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `shuffle(x)` in place (Fisher–Yates from the end). */
  shuffle<T>(x: T[]): T[] {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = Number(this.randbelow(BigInt(i + 1)));
      [x[i], x[j]] = [x[j]!, x[i]!];
    }
    return x;
  }

  /** `randrange(start, stop, step)`; undefined for an empty range (Python's ValueError). */
  randrange(start: bigint, stop: bigint, step: bigint): bigint | undefined {
    const width = stop - start;
    if (step === 1n) return width > 0n ? start + this.randbelow(width) : undefined;
    if (step === 0n) return undefined;
    const n = step > 0n ? floorDiv(width + step - 1n, step) : floorDiv(width + step + 1n, step);
    return n > 0n ? start + step * this.randbelow(n) : undefined;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** `random.seed(str)`, version 2: the UTF-8 bytes and their SHA-512, as a big-endian int. */
function stringSeed(s: string): bigint {
  const bytes = Buffer.from(s, 'utf8');
  const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
  return BigInt(`0x${all.toString('hex')}`);
}

/** An int seed as CPython's key: 32-bit words, least significant first, at least one. */
function seedKey(n: bigint): Uint32Array {
  const words: number[] = [];
  for (let x = n; x > 0n; x >>= 32n) words.push(Number(x & 0xffffffffn));
  return Uint32Array.from(words.length > 0 ? words : [0]);
}
