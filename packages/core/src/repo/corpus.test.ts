import { mkdtempSync, writeFileSync, rmSync, chmodSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteCorpus } from './corpus.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ansimod-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function files(contents: ReadonlyArray<string | Buffer>): string[] {
  const sub = path.join(dir, String(counter++));
  rmSync(sub, { recursive: true, force: true });
  return contents.map((c, i) => {
    const p = `${sub}-${i}`;
    writeFileSync(p, c);
    return p;
  });
}

const b = (s: string): Buffer => Buffer.from(s);

describe('ByteCorpus', () => {
  it('finds the files holding a pattern and keeps their bytes exactly', () => {
    const paths = files(['image: registry.example.org/app\n', 'nothing here\n', 'a\r\nregistry.example.org\r\n', '']);
    const corpus = ByteCorpus.scan(paths);
    expect(corpus.filesContaining([b('registry.example.org')])).toEqual([0, 2]);
    expect(corpus.filesContaining([b('nothing'), b('a\r\n')])).toEqual([1, 2]);
    expect(corpus.bytes(2)?.toString()).toBe('a\r\nregistry.example.org\r\n');
    expect(corpus.bytes(3)?.length).toBe(0);
    expect(corpus.filesContaining([b('')])).toEqual([0, 1, 2, 3]);
  });

  it('never reports a match that spans two files', () => {
    const paths = files(['ends with regis', 'try.example.org starts']);
    const corpus = ByteCorpus.scan(paths);
    expect(corpus.filesContaining([b('registry.example.org')])).toEqual([]);
    expect(corpus.filesContaining([b('regis')])).toEqual([0]);
  });

  it('skips binary files (a NUL in the first 8,000 bytes) but not a late NUL', () => {
    const late = Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0]), b('needle')]);
    const early = Buffer.concat([b('needle'), Buffer.from([0])]);
    const paths = files([early, late, 'needle']);
    const corpus = ByteCorpus.scan(paths);
    expect(corpus.isText(0)).toBe(false);
    expect(corpus.bytes(0)).toBeUndefined();
    expect(corpus.filesContaining([b('needle')])).toEqual([1, 2]);
    expect(corpus.bytes(1)?.equals(late)).toBe(true);
  });

  it('reads files larger than a chunk and files around chunk borders', () => {
    const big = Buffer.alloc(12 << 20, 0x62);
    big.write('needle', big.length - 6);
    const mid = Buffer.alloc((8 << 20) - 100, 0x63);
    const paths = files([mid, 'x needle', big, 'tail needle']);
    const corpus = ByteCorpus.scan(paths);
    expect(corpus.filesContaining([b('needle')])).toEqual([1, 2, 3]);
    expect(corpus.bytes(2)?.equals(big)).toBe(true);
    expect(corpus.bytes(1)?.toString()).toBe('x needle');
    expect(corpus.bytes(0)?.equals(mid)).toBe(true);
  });

  it('refuses, naming why, files over the size limit, special files and symlinks, reading none of them', () => {
    const paths = files(['a needle', Buffer.alloc(2048, 0x61), 'b needle']);
    const link = `${paths[0]}.link`;
    symlinkSync(paths[0] as string, link);
    const previous = process.env['ANSIMOD_MAX_FILE_SIZE'];
    process.env['ANSIMOD_MAX_FILE_SIZE'] = '1024';
    try {
      const corpus = ByteCorpus.scan([...paths, link, '/dev/zero']);
      expect(corpus.filesContaining([b('needle')])).toEqual([0, 2]);
      expect([...corpus.refused].map(([i, e]) => [i, e.code, e.message])).toEqual([
        [1, 'FILE_TOO_LARGE', 'size 2.0 KiB is over the 1.0 KiB limit (--max-file-size): not read'],
        [3, 'IO_ERROR', 'cannot read: it is a symlink'],
        [4, 'IO_ERROR', 'cannot read: not a regular file'],
      ]);
    } finally {
      if (previous === undefined) delete process.env['ANSIMOD_MAX_FILE_SIZE'];
      else process.env['ANSIMOD_MAX_FILE_SIZE'] = previous;
    }
  });

  it('past the memory bound drops files but still finds them, for scan-time and later patterns', () => {
    const paths = files(['needle one', 'needle two', 'other three']);
    const corpus = ByteCorpus.scan(paths, { retainBytes: 12, patterns: [b('needle')] });
    expect(corpus.retainedBytes).toBeLessThanOrEqual(12);
    expect(corpus.filesContaining([b('needle')])).toEqual([0, 1]);
    expect(corpus.filesContaining([b('three')])).toEqual([2]);
    expect(corpus.filesContaining([b('needle')], (i) => i !== 1)).toEqual([0]);
    expect(corpus.filesContaining([b('three')], (i) => i !== 2)).toEqual([]);
    expect(corpus.bytes(2)?.toString()).toBe('other three');
  });

  it('reads a deferred file only when a search covers it, and finds it then', () => {
    const paths = files(['needle a', 'needle b', 'other']);
    const corpus = ByteCorpus.scan(paths, { defer: (i) => i === 1 });
    const before = corpus.retainedBytes;
    expect(corpus.filesContaining([b('needle')], (i) => i !== 1)).toEqual([0]);
    expect(corpus.retainedBytes).toBe(before);
    expect(corpus.filesContaining([b('needle')])).toEqual([0, 1]);
    expect(corpus.retainedBytes).toBe(before + 'needle b'.length);
    expect(corpus.bytes(1)?.toString()).toBe('needle b');
    expect(corpus.filesContaining([b('')])).toEqual([0, 1, 2]);
  });

  it('reads deferred files after a transfer, and past the memory bound still finds them', () => {
    const paths = files(['needle a', 'needle b']);
    const moved = ByteCorpus.fromTransfer(ByteCorpus.scan(paths, { defer: (i) => i === 1 }).toTransfer().state);
    expect(moved.filesContaining([b('needle')])).toEqual([0, 1]);
    expect(moved.bytes(1)?.toString()).toBe('needle b');
    const bounded = ByteCorpus.scan(paths, { retainBytes: 9, defer: (i) => i === 1, patterns: [b('needle')] });
    expect(bounded.filesContaining([b('needle')])).toEqual([0, 1]);
    expect(bounded.bytes(1)?.toString()).toBe('needle b');
  });

  it('treats an unreadable or vanished file as never found', () => {
    const [a, gone] = files(['needle', 'needle']) as [string, string];
    rmSync(gone);
    const locked = files(['needle'])[0] as string;
    chmodSync(locked, 0o000);
    const corpus = ByteCorpus.scan([a, gone, locked, path.join(dir, 'missing')]);
    const found = corpus.filesContaining([b('needle')]);
    expect(found[0]).toBe(0);
    expect(found).not.toContain(1);
    expect(found).not.toContain(3);
    expect(corpus.bytes(1)).toBeUndefined();
  });

  it('agrees with a per-file Buffer.includes for any files and pattern', () => {
    const alphabet = fc.constantFrom('a', 'b', 'ab', 'ba', '\n', 'é');
    fc.assert(
      fc.property(fc.array(fc.array(alphabet, { maxLength: 12 }).map((a) => a.join('')), { minLength: 1, maxLength: 6 }), fc.array(alphabet, { minLength: 1, maxLength: 3 }).map((a) => a.join('')), (contents, needle) => {
        const paths = files(contents);
        const corpus = ByteCorpus.scan(paths);
        const expected = contents.flatMap((c, i) => (Buffer.from(c).includes(b(needle)) ? [i] : []));
        expect(corpus.filesContaining([b(needle)])).toEqual(expected);
        // Restricted to some files, the answer is the same answer restricted.
        const odd = (i: number) => i % 2 === 1;
        expect(corpus.filesContaining([b(needle)], odd)).toEqual(expected.filter(odd));
        contents.forEach((c, i) => expect(corpus.bytes(i)?.toString()).toBe(c));
      }),
      { numRuns: 150 },
    );
  });
});
