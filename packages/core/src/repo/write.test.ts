import { createHash } from 'node:crypto';
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnsimodError } from '../diagnostics.js';
import { recoverInterruptedWrite, writeChangesAtomically, writeFileAtomic } from './write.js';

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

describe('writeChangesAtomically, all or nothing', () => {
  const leftovers = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((n) => n.includes('.ansimod-') || n.includes('ansimod-journal'));
  const two = () => {
    writeFileSync(join(root, 'a.yml'), 'a: 1\n');
    writeFileSync(join(root, 'roles/web/b.yml'), 'b: 1\n');
    return [
      { path: 'a.yml', before: Buffer.from('a: 1\n'), after: Buffer.from('a: 2\n') },
      { path: 'roles/web/b.yml', before: Buffer.from('b: 1\n'), after: Buffer.from('b: 2\n') },
    ];
  };

  it('rolls back the files already renamed when a later target was edited during the write', async () => {
    const changes = two();
    let renamedFirst = false;
    const err = await rejection(
      writeChangesAtomically(root, changes, {
        beforeCommit: () => {
          // An edit in place: the same inode, other bytes, after the final check of the plan.
          writeFileSync(join(root, 'roles/web/b.yml'), 'b: edited\n');
          renamedFirst = true;
        },
      }),
    );
    expect(renamedFirst).toBe(true);
    expect(err.code).toBe('EDIT_CONFLICT');
    expect(err.diagnostic.path).toBe('roles/web/b.yml');
    expect(err.message).toMatch(/nothing was written/);
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 1\n');
    expect(readFileSync(join(root, 'roles/web/b.yml'), 'utf8')).toBe('b: edited\n');
    expect(leftovers(base)).toEqual([]);
  });

  it('refuses a target replaced by another file (a rename over it) during the write', async () => {
    const changes = two();
    const err = await rejection(
      writeChangesAtomically(root, changes, {
        beforeCommit: () => {
          writeFileSync(join(root, 'roles/web/other'), 'b: 1\n');
          renameSync(join(root, 'roles/web/other'), join(root, 'roles/web/b.yml'));
        },
      }),
    );
    expect(err.code).toBe('EDIT_CONFLICT');
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 1\n');
    expect(leftovers(base)).toEqual([]);
  });

  it('never follows a directory swapped for a symlink to outside during the write', async () => {
    const changes = two();
    writeFileSync(join(outside, 'b.yml'), 'b: 1\n');
    const err = await rejection(
      writeChangesAtomically(root, changes, {
        beforeCommit: () => {
          renameSync(join(root, 'roles/web'), join(root, 'roles/web-moved'));
          symlinkSync(outside, join(root, 'roles/web'));
        },
      }),
    );
    expect(err.code).toBe('UNSAFE_PATH');
    expect(readFileSync(join(outside, 'b.yml'), 'utf8')).toBe('b: 1\n');
    expect(readdirSync(outside)).toEqual(['b.yml']);
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 1\n');
    expect(readFileSync(join(root, 'roles/web-moved/b.yml'), 'utf8')).toBe('b: 1\n');
    expect(leftovers(base)).toEqual([]);
  });

  it('stages under a short name, so a target name of 250 bytes can be written', async () => {
    const name = `${'n'.repeat(246)}.yml`;
    writeFileSync(join(root, name), 'x: 1\n');
    await writeChangesAtomically(root, [{ path: name, before: Buffer.from('x: 1\n'), after: Buffer.from('x: 2\n') }]);
    expect(readFileSync(join(root, name), 'utf8')).toBe('x: 2\n');
    expect(leftovers(base)).toEqual([]);
  });

  it('keeps the journal in .git when there is one, and removes it', async () => {
    mkdirSync(join(root, '.git'));
    const changes = two();
    let journal: string[] = [];
    await writeChangesAtomically(root, changes, { beforeCommit: () => void (journal = readdirSync(join(root, '.git'))) });
    expect(journal).toEqual(['ansimod-journal.json']);
    expect(readdirSync(join(root, '.git'))).toEqual([]);
    expect(readFileSync(join(root, 'roles/web/b.yml'), 'utf8')).toBe('b: 2\n');
  });

  it('removes a directory it created when the write is rolled back', async () => {
    writeFileSync(join(root, 'a.yml'), 'a: 1\n');
    await rejection(
      writeChangesAtomically(root, [
        { path: 'new/deep/c.yml', before: null, after: Buffer.from('c\n') },
        { path: 'a.yml', before: Buffer.from('a: 1\n'), after: Buffer.from('a: 2\n') },
      ], { beforeCommit: () => writeFileSync(join(root, 'a.yml'), 'a: edited\n') }),
    );
    expect(() => statSync(join(root, 'new'))).toThrow();
    expect(leftovers(base)).toEqual([]);
  });

  it('refuses to start while another write of the same repository is in progress', async () => {
    const changes = two();
    let inner: AnsimodError | undefined;
    await writeChangesAtomically(root, changes.slice(0, 1), {
      beforeCommit: async () => {
        inner = await rejection(writeChangesAtomically(root, changes.slice(1)));
      },
    });
    expect(inner?.message).toMatch(/another ansimod write is in progress/);
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 2\n');
    expect(readFileSync(join(root, 'roles/web/b.yml'), 'utf8')).toBe('b: 1\n');
  });
});

describe('recoverInterruptedWrite', () => {
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  function crashedJournal(state: string, pid = 999_999_999) {
    // What a SIGKILL after the first of two renames leaves.
    writeFileSync(join(root, 'a.yml'), 'a: 2\n');
    writeFileSync(join(root, '.ansimod-abc123-0.old'), 'a: 1\n');
    writeFileSync(join(root, 'roles/web/b.yml'), 'b: 1\n');
    linkSync(join(root, 'roles/web/b.yml'), join(root, 'roles/web/.ansimod-abc123-1.old'));
    writeFileSync(join(root, 'roles/web/.ansimod-abc123-1.new'), 'b: 2\n');
    const entries = [
      { dir: '', name: 'a.yml', kind: 'write', tmp: '.ansimod-abc123-0.new', bak: '.ansimod-abc123-0.old', oldHash: hash('a: 1\n'), newHash: hash('a: 2\n') },
      { dir: 'roles/web', name: 'b.yml', kind: 'write', tmp: '.ansimod-abc123-1.new', bak: '.ansimod-abc123-1.old', oldHash: hash('b: 1\n'), newHash: hash('b: 2\n') },
    ];
    writeFileSync(join(root, '.ansimod-journal.json'), JSON.stringify({ version: 1, pid, started: '2026-01-01T00:00:00Z', state, createdDirs: [], entries }));
  }
  const leftovers = () => readdirSync(root, { recursive: true }).map(String).filter((n) => n.includes('ansimod'));

  it('rolls back a write a SIGKILL interrupted during the renames, and says so', () => {
    crashedJournal('renaming');
    const r = recoverInterruptedWrite(root);
    expect(r?.action).toBe('rolled back');
    expect(r?.message).toMatch(/rolled back: 1 file restored/);
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 1\n');
    expect(readFileSync(join(root, 'roles/web/b.yml'), 'utf8')).toBe('b: 1\n');
    expect(leftovers()).toEqual([]);
    expect(recoverInterruptedWrite(root)).toBeUndefined();
  });

  it('finishes the clean-up of a write that had committed', () => {
    crashedJournal('committed');
    expect(recoverInterruptedWrite(root)?.action).toBe('finished');
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 2\n');
    expect(leftovers()).toEqual([]);
  });

  it('leaves the journal of a process still running alone', () => {
    crashedJournal('renaming', process.ppid);
    expect(() => recoverInterruptedWrite(root)).toThrow(/is writing this repository/);
    expect(readFileSync(join(root, 'a.yml'), 'utf8')).toBe('a: 2\n');
  });
});
