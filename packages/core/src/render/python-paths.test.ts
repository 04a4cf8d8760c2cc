import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pyExpanduser, pyRealpath } from './python-paths.js';
import { UnsupportedConstructError } from './jinja-statements.js';

describe("os.path.realpath and expanduser on the controller", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ansimod-realpath-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves symbolic links that exist and keeps what does not exist as written', () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    symlinkSync('real/../real', join(dir, 'rel'));
    symlinkSync('loop2', join(dir, 'loop1'));
    symlinkSync('loop1', join(dir, 'loop2'));
    const base = pyRealpath(dir);
    expect(pyRealpath(`${dir}/link/x/../y`)).toBe(`${base}/real/y`);
    expect(pyRealpath(`${dir}/rel/z`)).toBe(`${base}/real/z`);
    // A loop of links is left as Python leaves it (not strict): the link and the rest, unresolved.
    expect(pyRealpath(`${dir}/loop1/a`)).toBe(`${base}/loop1/a`);
    expect(pyRealpath('/nonexistent-ansimod/a/../b')).toBe('/nonexistent-ansimod/b');
    expect(pyRealpath('/..')).toBe('/');
  });

  it('refuses a relative path by name (it depends on where Ansible runs)', () => {
    expect(() => pyRealpath('a/b')).toThrow(UnsupportedConstructError);
  });

  it('expands ~ to $HOME, without its trailing slash, and refuses ~name', () => {
    const home = process.env.HOME;
    try {
      process.env.HOME = '/home/ops/';
      expect(pyExpanduser('~/.ssh/id')).toBe('/home/ops/.ssh/id');
      expect(pyExpanduser('~')).toBe('/home/ops');
      process.env.HOME = '/';
      expect(pyExpanduser('~')).toBe('/');
      expect(pyExpanduser('/etc/~x')).toBe('/etc/~x');
      expect(() => pyExpanduser('~root/x')).toThrow(UnsupportedConstructError);
    } finally {
      process.env.HOME = home;
    }
  });
});
