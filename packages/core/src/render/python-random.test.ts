import { describe, expect, it } from 'vitest';
import { PyRandom } from './python-random.js';

/** Values printed by CPython 3.11 (`random.Random(seed)`), fixed here so the test needs no Python. */
describe("Python's random.Random(seed)", () => {
  it('gives the Mersenne Twister words CPython gives for an int seed', () => {
    // python3 -c "import random; r = random.Random(42); print([r.getrandbits(32) for _ in range(3)])"
    const r = new PyRandom(42n);
    expect([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)]).toEqual([2746317213n, 478163327n, 107420369n]);
  });

  it('seeds from a str as version 2 does (UTF-8 bytes and their SHA-512), and from |n| for a negative int', () => {
    // python3 -c "import random; print(random.Random('web01').randrange(60), random.Random(-7).getrandbits(64) == random.Random(7).getrandbits(64))"
    expect(new PyRandom('web01').randrange(0n, 60n, 1n)).toBe(22n);
    expect(new PyRandom(-7n).getrandbits(64)).toBe(new PyRandom(7n).getrandbits(64));
  });

  it('shuffles as Random.shuffle does, and an empty range is undefined (ValueError)', () => {
    // python3 -c "import random; x = list(range(1, 11)); random.Random('web01').shuffle(x); print(x)"
    expect(new PyRandom('web01').shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([4, 3, 9, 5, 8, 10, 2, 1, 7, 6]);
    expect(new PyRandom(1n).randrange(5n, 5n, 1n)).toBeUndefined();
    expect(new PyRandom(1n).randrange(0n, 10n, 0n)).toBeUndefined();
  });
});
