import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnsimodError } from '../diagnostics.js';
import { discoverEnvironments } from '../env/discover.js';
import { composeVarsFile } from '../env/group-vars.js';
import { firstDifference, toRenderedData } from '../transform/rendered.js';
import { parseMapPairs } from '../transform/options.js';
import { readRegularFile } from './read.js';

let base: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ansimod-bounded-')));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function withLimit<T>(bytes: number, f: () => T): T {
  const previous = process.env['ANSIMOD_MAX_FILE_SIZE'];
  process.env['ANSIMOD_MAX_FILE_SIZE'] = String(bytes);
  try {
    return f();
  } finally {
    if (previous === undefined) delete process.env['ANSIMOD_MAX_FILE_SIZE'];
    else process.env['ANSIMOD_MAX_FILE_SIZE'] = previous;
  }
}

function failure(f: () => unknown): AnsimodError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(AnsimodError);
    return err as AnsimodError;
  }
  throw new Error('expected an error');
}

const BOMB = ['a0: &a0 [x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(',')}]`)].join('\n');

describe('readRegularFile', () => {
  it('reads a regular file, refuses a symlink, a device and a file over the limit, naming it', () => {
    writeFileSync(join(base, 'a.yml'), 'a: 1\n');
    symlinkSync(join(base, 'a.yml'), join(base, 'link.yml'));
    expect(readRegularFile(join(base, 'a.yml'), 'a.yml').toString()).toBe('a: 1\n');
    expect(failure(() => readRegularFile(join(base, 'link.yml'), 'link.yml')).message).toBe('cannot read: it is a symlink');
    expect(failure(() => readRegularFile('/dev/zero', 'zero.yml')).message).toBe('cannot read: not a regular file');
    const big = failure(() => withLimit(4, () => readRegularFile(join(base, 'a.yml'), 'a.yml')));
    expect([big.code, big.diagnostic.path, big.message]).toEqual(['FILE_TOO_LARGE', 'a.yml', 'size 5 B is over the 4 B limit (--max-file-size): not read']);
  });

  it('cuts off a file whose size the kernel does not report (procfs) at the limit', () => {
    const err = failure(() => withLimit(64, () => readRegularFile('/proc/self/maps', 'maps')));
    expect(err.message).toMatch(/grew past the 64 B limit/);
  });
});

describe('environment discovery over hostile inventories', () => {
  it('visits each directory once: three "-> ." loops in group_vars/staging are linear', async () => {
    const staging = join(base, 'inventory/group_vars/staging');
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(base, 'inventory/group_vars/all'), 'env: production\n');
    writeFileSync(join(staging, 'main.yml'), 'env: staging\nenv_suffix: .stg\n');
    for (const n of ['a', 'b', 'c']) symlinkSync('.', join(staging, n));
    const started = Date.now();
    const envs = await discoverEnvironments(base);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(envs.map((e) => `${e.name}:${String(e.vars['env_suffix'])}`)).toEqual(['production:undefined', 'staging:.stg']);
  });

  it('does not follow a group_vars symlink out of the repository', async () => {
    const outside = join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'staging'), 'env: leaked\n');
    const repo = join(base, 'repo');
    mkdirSync(join(repo, 'inventory/group_vars'), { recursive: true });
    writeFileSync(join(repo, 'inventory/group_vars/all'), 'env: production\n');
    symlinkSync(join(outside, 'staging'), join(repo, 'inventory/group_vars/staging'));
    const envs = await discoverEnvironments(repo);
    expect(envs.map((e) => e.name)).toEqual(['production', 'staging']);
    expect(envs[1]?.defaulted).toBe(true);
  });

  it('an alias bomb in a vars file is a PARSE_ERROR naming the file', () => {
    const err = failure(() => composeVarsFile(BOMB, 'inventory/group_vars/all'));
    expect([err.code, err.diagnostic.path]).toEqual(['PARSE_ERROR', 'inventory/group_vars/all']);
    expect(err.message).toMatch(/too many YAML aliases/);
  });
});

describe('verification data with aliases', () => {
  it('an alias bomb in rendered YAML does not parse, quickly', () => {
    const started = Date.now();
    const r = toRenderedData('yaml', BOMB);
    expect(r.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('firstDifference compares shared sub-objects once (9^10 paths, 100 objects)', () => {
    const build = (leaf: string): unknown => {
      let level: unknown = Array(9).fill(leaf);
      for (let i = 0; i < 10; i++) level = Array(9).fill(level);
      return level;
    };
    const started = Date.now();
    expect(firstDifference(build('x'), build('x'))).toBeUndefined();
    expect(firstDifference(build('x'), build('y'))).toBe('[0][0][0][0][0][0][0][0][0][0][0]: expected "x", got "y"');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('--map values', () => {
  it.each(['quay.io/"x', 'b=c', 'https://quay.io/x', '[::1]', 'x y', 'quay.io//x', 'quay.io/x/', 'quay.io:99999999/x'])('refuses TO %s', (to) => {
    const r = parseMapPairs([`registry.fedoraproject.org=${to}`]);
    expect(r.ok).toBe(false);
  });

  it.each(['quay.io', 'quay.io/fedora', 'quay.io:5000/fedora/flatpak', 'registry-1.example.org/a_b/c-d.e'])('accepts TO %s', (to) => {
    expect(parseMapPairs([`registry.fedoraproject.org=${to}`])).toEqual({ ok: true, value: { 'registry.fedoraproject.org': to } });
  });
});

describe('differences in aliased data', () => {
  it('names a missing key whose value is an alias bomb without unfolding it', () => {
    let bomb: unknown = ['x'];
    for (let i = 0; i < 30; i++) bomb = [bomb, bomb];
    const started = Date.now();
    expect(firstDifference({ a: 1, b: bomb }, { a: 1 })).toMatch(/^b: missing \(expected \[\[\[/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
