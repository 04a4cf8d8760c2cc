import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnsimodError } from '../diagnostics.js';
import { writeChangesAtomically, writeFileAtomic } from './write.js';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ansimod-write-')));
  root = join(base, 'repo');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'roles/web'), { recursive: true });
  mkdirSync(outside);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o7777;

async function rejection(p: Promise<unknown>): Promise<AnsimodError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AnsimodError);
    return err as AnsimodError;
  }
  throw new Error('expected a rejection');
}

describe('writeFileAtomic', () => {
  it('replaces content and keeps the original mode, leaving no temporary file', async () => {
    const file = join(root, 'secret.yml');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    const exec = join(root, 'run.sh');
    writeFileSync(exec, 'echo\n');
    chmodSync(exec, 0o755);
    await writeFileAtomic(file, Buffer.from('new\r\ncontent'));
    await writeFileAtomic(exec, Buffer.from('echo new\n'));
    expect(readFileSync(file, 'latin1')).toBe('new\r\ncontent');
    expect(mode(file)).toBe(0o640);
    expect(mode(exec)).toBe(0o755);
    expect(readdirSync(root).sort()).toEqual(['roles', 'run.sh', 'secret.yml']);
  });

  it('replaces the directory entry (a reader holding the old file keeps old bytes)', async () => {
    const file = join(root, 'a.yml');
    writeFileSync(file, 'old\n');
    const inodeBefore = statSync(file).ino;
    await writeFileAtomic(file, Buffer.from('new\n'));
    expect(statSync(file).ino).not.toBe(inodeBefore);
  });

  it('applies an explicit mode and creates missing directories for a new file', async () => {
    const file = join(root, 'new/dir/x.sh');
    await writeFileAtomic(file, Buffer.from('x'), { mode: 0o750 });
    expect(mode(file)).toBe(0o750);
  });

  it('writes through an inside symlink to its target when given the root, keeping the link', async () => {
    const target = join(root, 'roles/web/main.yml');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o600);
    const link = join(root, 'roles/web/alias.yml');
    symlinkSync('main.yml', link);
    expect(await writeFileAtomic(link, Buffer.from('new\n'), { root })).toBe(target);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('main.yml');
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(mode(target)).toBe(0o600);
  });

  it('refuses a symlink pointing outside, and any symlink without a root', async () => {
    writeFileSync(join(outside, 'secret'), 'keep\n');
    const link = join(root, 'leak.yml');
    symlinkSync(join(outside, 'secret'), link);
    expect((await rejection(writeFileAtomic(link, Buffer.from('pwned'), { root }))).code).toBe('UNSAFE_PATH');
    expect((await rejection(writeFileAtomic(link, Buffer.from('pwned')))).code).toBe('UNSAFE_PATH');
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('keep\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses to replace a directory and removes its temporary file on failure', async () => {
    mkdirSync(join(root, 'adir'));
    expect((await rejection(writeFileAtomic(join(root, 'adir'), Buffer.from('x')))).code).toBe('IO_ERROR');
    expect(readdirSync(root).filter((n) => n.includes('ansimod-tmp'))).toEqual([]);
  });
});

describe('writeChangesAtomically', () => {
  it('writes, creates and deletes files after validating every path', async () => {
    writeFileSync(join(root, 'a.yml'), 'a: 1\n');
    chmodSync(join(root, 'a.yml'), 0o640);
    writeFileSync(join(root, 'gone.yml'), 'x\n');
    writeFileSync(join(root, 'b.sh'), 'echo\n');
    const done = await writeChangesAtomically(root, [
      { path: 'a.yml', before: Buffer.from('a: 1\n'), after: Buffer.from('a: 2\n'), modeBefore: 0o100644, modeAfter: 0o100644 },
      { path: 'b.sh', before: Buffer.from('echo\n'), after: Buffer.from('echo\n'), modeBefore: 0o100644, modeAfter: 0o100755 },
      { path: 'new/c.yml', before: null, after: Buffer.from('c: 1\n') },
      { path: 'gone.yml', before: Buffer.from('x\n'), after: null },
    ]);
    expect(done.map((d) => `${d.action} ${d.path}`)).toEqual(['written a.yml', 'written b.sh', 'written new/c.yml', 'deleted gone.yml']);
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 2\n');
    expect(mode(join(root, 'a.yml'))).toBe(0o640); // git's 100644 view never widens a 0640 file
    expect(mode(join(root, 'b.sh'))).toBe(0o755);
    expect(readFileSync(join(root, 'new/c.yml'), 'utf8')).toBe('c: 1\n');
    expect(() => statSync(join(root, 'gone.yml'))).toThrow();
  });

  it.each([
    ['../escape.yml'],
    ['/abs.yml'],
    ['ext/secret'],
  ])('writes nothing at all when one path (%s) is unsafe', async (badPath) => {
    symlinkSync(outside, join(root, 'ext'));
    writeFileSync(join(outside, 'secret'), 'keep\n');
    writeFileSync(join(root, 'a.yml'), 'a: 1\n');
    const err = await rejection(
      writeChangesAtomically(root, [
        { path: 'a.yml', before: Buffer.from('a: 1\n'), after: Buffer.from('a: 2\n') },
        { path: badPath, before: Buffer.from('keep\n'), after: Buffer.from('pwned\n') },
      ]),
    );
    expect(err.code).toBe('UNSAFE_PATH');
    expect(err.diagnostic.path).toBe(badPath);
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 1\n');
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('keep\n');
  });

  it('writes nothing when a file changed since it was read (EDIT_CONFLICT)', async () => {
    writeFileSync(join(root, 'a.yml'), 'a: 1\n');
    writeFileSync(join(root, 'b.yml'), 'edited by someone\n');
    const err = await rejection(
      writeChangesAtomically(root, [
        { path: 'a.yml', before: Buffer.from('a: 1\n'), after: Buffer.from('a: 2\n') },
        { path: 'b.yml', before: Buffer.from('b: 1\n'), after: Buffer.from('b: 2\n') },
      ]),
    );
    expect(err.code).toBe('EDIT_CONFLICT');
    expect(err.diagnostic.path).toBe('b.yml');
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 1\n');
  });
});
