import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnsimodError } from '../diagnostics.js';
import { resolveEntryInsideRepo, resolveInsideRepo } from './safe-path.js';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ansimod-safe-')));
  root = join(base, 'repo');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'roles/web'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'roles/web/main.yml'), 'a: 1\n');
  writeFileSync(join(outside, 'secret'), 'x\n');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function refusal(fn: () => unknown): AnsimodError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AnsimodError);
    return err as AnsimodError;
  }
  throw new Error('expected a refusal');
}

describe('resolveInsideRepo', () => {
  it('resolves plain and not-yet-existing paths inside the repository', () => {
    expect(resolveInsideRepo(root, 'roles/web/main.yml')).toBe(join(root, 'roles/web/main.yml'));
    expect(resolveInsideRepo(root, './roles//web/new/dir/file.yml')).toBe(join(root, 'roles/web/new/dir/file.yml'));
  });

  it.each([
    ['../outside/secret', "'..' segment"],
    ['roles/../../outside/secret', "'..' segment"],
    ['/etc/passwd', 'absolute path'],
    ['', 'empty path'],
    ['.', 'repository root'],
    ['.git/config', '.git'],
    ['roles/.GIT/hooks/pre-commit', '.git'],
  ])('refuses %j (%s) with UNSAFE_PATH and the path', (rel, why) => {
    const err = refusal(() => resolveInsideRepo(root, rel));
    expect(err.code).toBe('UNSAFE_PATH');
    expect(err.diagnostic.path).toBe(rel);
    expect(err.message).toContain(why);
  });

  it('refuses a symlink to a file outside the repository', () => {
    symlinkSync(join(outside, 'secret'), join(root, 'roles/web/leak.yml'));
    const err = refusal(() => resolveInsideRepo(root, 'roles/web/leak.yml'));
    expect(err.code).toBe('UNSAFE_PATH');
    expect(err.diagnostic.path).toBe('roles/web/leak.yml');
  });

  it('refuses a path below a symlinked directory that points outside (relative link)', () => {
    symlinkSync('../../outside', join(root, 'roles/ext'));
    expect(refusal(() => resolveInsideRepo(root, 'roles/ext/secret')).code).toBe('UNSAFE_PATH');
    expect(refusal(() => resolveInsideRepo(root, 'roles/ext/new-file')).code).toBe('UNSAFE_PATH');
  });

  it('refuses a dangling symlink whose target would be created outside', () => {
    symlinkSync(join(outside, 'not-yet'), join(root, 'dangling'));
    expect(refusal(() => resolveInsideRepo(root, 'dangling')).code).toBe('UNSAFE_PATH');
  });

  it('refuses symlinks into .git and symlink loops', () => {
    mkdirSync(join(root, '.git'));
    symlinkSync('.git/config', join(root, 'cfg'));
    expect(refusal(() => resolveInsideRepo(root, 'cfg')).message).toContain('.git');
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    expect(refusal(() => resolveInsideRepo(root, 'loop-a')).message).toContain('symlinks');
  });

  it('follows symlinks that stay inside, including symlinked parents and a symlinked root', () => {
    symlinkSync('web', join(root, 'roles/web-alias'));
    symlinkSync('main.yml', join(root, 'roles/web/link.yml'));
    expect(resolveInsideRepo(root, 'roles/web-alias/main.yml')).toBe(join(root, 'roles/web/main.yml'));
    expect(resolveInsideRepo(root, 'roles/web/link.yml')).toBe(join(root, 'roles/web/main.yml'));
    symlinkSync(root, join(base, 'repo-link'));
    expect(resolveInsideRepo(join(base, 'repo-link'), 'roles/web/main.yml')).toBe(join(root, 'roles/web/main.yml'));
  });
});

describe('resolveEntryInsideRepo', () => {
  it('returns a symlink entry itself but still checks its parents', () => {
    symlinkSync(join(outside, 'secret'), join(root, 'roles/web/leak.yml'));
    expect(resolveEntryInsideRepo(root, 'roles/web/leak.yml')).toBe(join(root, 'roles/web/leak.yml'));
    symlinkSync(outside, join(root, 'ext'));
    expect(refusal(() => resolveEntryInsideRepo(root, 'ext/secret')).code).toBe('UNSAFE_PATH');
  });
});
