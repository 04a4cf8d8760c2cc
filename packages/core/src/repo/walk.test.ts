import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AnsimodError } from '../diagnostics.js';
import { isInside, SkipReason, sortByPath, walkRepository } from './walk.js';

let root: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ansimod-walk-'));
  outside = await mkdtemp(path.join(tmpdir(), 'ansimod-outside-'));
});
afterEach(async () => {
  // rm(1) removes trees deeper than PATH_MAX; fs.rm cannot.
  spawnSync('rm', ['-rf', root]);
  await rm(outside, { recursive: true, force: true });
});

async function put(rel: string, content: string | Buffer = 'x\n'): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

describe('walkRepository', () => {
  it('lists every file with POSIX relative paths, sizes and modes, skipping .git', async () => {
    await put('site.yml', 'hello\n');
    await put('roles/web/tasks/main.yml');
    await put('.git/HEAD', 'ref: refs/heads/main\n');
    await put('sub/.git', 'gitdir: ../.git/modules/sub\n');
    await put('.gitignore');
    await put('bin/run.sh', '#!/bin/sh\n');
    await chmod(path.join(root, 'bin/run.sh'), 0o755);

    const { files, skipped } = await walkRepository(root);
    expect(files.map((f) => f.path)).toEqual(['.gitignore', 'bin/run.sh', 'roles/web/tasks/main.yml', 'site.yml']);
    expect(skipped).toEqual([]);
    const site = files.find((f) => f.path === 'site.yml');
    expect(site?.size).toBe(6);
    expect(site?.absolutePath).toBe(path.join(await import('node:fs/promises').then((m) => m.realpath(root)), 'site.yml'));
    expect((files.find((f) => f.path === 'bin/run.sh')?.mode ?? 0) & 0o777).toBe(0o755);
  });

  it('orders by the bytes of the full path, not per directory', async () => {
    for (const p of ['a/b', 'a-b', 'a.b/c', 'B', 'a/a', 'é', 'z', '\u{1F600}', '\uFF01']) await put(p);
    const { files } = await walkRepository(root);
    // '-' (0x2d) < '.' (0x2e) < '/' (0x2f); uppercase before lowercase; U+FF01 (EF BC 81) before U+1F600 (F0 …)
    expect(files.map((f) => f.path)).toEqual(['B', 'a-b', 'a.b/c', 'a/a', 'a/b', 'z', 'é', '\uFF01', '\u{1F600}']);
  });

  it('gives the same result on every run', async () => {
    for (let i = 0; i < 50; i++) await put(`d${i % 7}/f${(i * 37) % 50}.yml`);
    const first = await walkRepository(root);
    const second = await walkRepository(root);
    expect(second).toEqual(first);
  });

  it('never follows symlinks and says why each was skipped', async () => {
    await put('real/file.yml');
    await writeFile(path.join(outside, 'secret'), 'secret\n');
    await symlink(path.join(outside, 'secret'), path.join(root, 'out-file'));
    await symlink(outside, path.join(root, 'out-dir'));
    await symlink(path.join(root, 'nowhere'), path.join(root, 'dangling'));
    await symlink('real/file.yml', path.join(root, 'in-file'));
    await symlink('real', path.join(root, 'in-dir'));
    await symlink('.', path.join(root, 'real/self-loop'));
    await symlink('loop-b', path.join(root, 'loop-a'));
    await symlink('loop-a', path.join(root, 'loop-b'));

    const { files, skipped } = await walkRepository(root);
    expect(files.map((f) => f.path)).toEqual(['real/file.yml']);
    expect(skipped).toEqual([
      { path: 'dangling', reason: SkipReason.symlinkDangling },
      { path: 'in-dir', reason: SkipReason.symlinkInside },
      { path: 'in-file', reason: SkipReason.symlinkInside },
      { path: 'loop-a', reason: SkipReason.symlinkLoop },
      { path: 'loop-b', reason: SkipReason.symlinkLoop },
      { path: 'out-dir', reason: SkipReason.symlinkOutside, notRead: 'directory', linkTarget: outside },
      { path: 'out-file', reason: SkipReason.symlinkOutside, notRead: 'file', linkTarget: path.join(outside, 'secret') },
      { path: 'real/self-loop', reason: SkipReason.symlinkInside },
    ]);
  });

  it('names, escaped, a file and a directory whose names are not UTF-8, and never reads them', async () => {
    await put('a.yml');
    const bytes = (name: string, tail: number[]): Buffer => Buffer.concat([Buffer.from(path.join(root, name)), Buffer.from(tail)]);
    writeFileSync(bytes('caf', [0xe9, 0x2e, 0x79, 0x6d, 0x6c]), 'x: 1\n');
    mkdirSync(bytes('dir', [0xff]));
    writeFileSync(Buffer.concat([bytes('dir', [0xff]), Buffer.from('/inner.yml')]), 'y: 2\n');
    const { files, skipped } = await walkRepository(root);
    expect(files.map((f) => f.path)).toEqual(['a.yml']);
    expect(skipped).toEqual([
      { path: 'caf\\xe9.yml', reason: SkipReason.notUtf8, notRead: 'file' },
      { path: 'dir\\xff', reason: SkipReason.notUtf8, notRead: 'directory' },
    ]);
  });

  it('names a directory whose path is beyond PATH_MAX instead of silently not listing it', async () => {
    await put('a.yml');
    // 21 levels of 200-byte names, made one relative step at a time (an absolute path that long
    // cannot be given to mkdir): the deepest directories' paths are over 4,096 bytes.
    const name = 'd'.repeat(200);
    const script = `process.chdir(process.argv[1]); for (let i = 0; i < 21; i++) { fs.mkdirSync('${name}'); process.chdir('${name}'); } fs.writeFileSync('main.yml', 'x: 1\\n');`;
    const made = spawnSync(process.execPath, ['-e', script, root], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const { skipped } = await walkRepository(root);
    const long = skipped.filter((s) => s.reason === SkipReason.pathMax);
    expect(long).toHaveLength(1);
    expect(long[0]?.notRead).toBe('directory');
    expect(Buffer.byteLength(path.join(root, long[0]?.path ?? ''))).toBeGreaterThanOrEqual(4096);
  });

  it('names FIFOs and sockets as not read (never opened)', async () => {
    await put('a.yml');
    expect(spawnSync('mkfifo', [path.join(root, 'pipe.yml')]).status).toBe(0);
    const { skipped } = await walkRepository(root);
    expect(skipped).toEqual([{ path: 'pipe.yml', reason: SkipReason.notRegular, notRead: 'file' }]);
  });

  it('works when the root itself is reached through a symlink', async () => {
    await put('a.yml');
    const link = path.join(outside, 'repo-link');
    await symlink(root, link);
    await symlink(path.join(root, 'a.yml'), path.join(root, 'b'));
    const { files, skipped } = await walkRepository(link);
    expect(files.map((f) => f.path)).toEqual(['a.yml']);
    expect(skipped).toEqual([{ path: 'b', reason: SkipReason.symlinkInside }]);
  });

  it('reports progress and rejects a missing root with an input error', async () => {
    for (let i = 0; i < 10; i++) await put(`d/f${i}`);
    const seen: number[] = [];
    await walkRepository(root, { onProgress: (n) => seen.push(n) });
    expect(seen.at(-1)).toBe(10);
    await expect(walkRepository(path.join(root, 'missing'))).rejects.toBeInstanceOf(AnsimodError);
    await expect(walkRepository(path.join(root, 'd/f1'))).rejects.toMatchObject({ code: 'IO_ERROR' });
  });

  it('walks 5,000 files quickly', async () => {
    for (let d = 0; d < 50; d++) {
      await mkdir(path.join(root, `roles/r${d}/tasks`), { recursive: true });
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => writeFile(path.join(root, `roles/r${d}/tasks/t${i}.yml`), '- x\n')),
      );
    }
    const started = performance.now();
    const { files } = await walkRepository(root);
    const ms = performance.now() - started;
    expect(files).toHaveLength(5000);
    expect(ms).toBeLessThan(3000);
  });
});

describe('isInside / sortByPath', () => {
  it('tells inside from outside, including look-alike prefixes', () => {
    expect(isInside('/repo', '/repo')).toBe(true);
    expect(isInside('/repo', '/repo/a')).toBe(true);
    expect(isInside('/repo', '/repo/..a')).toBe(true);
    expect(isInside('/repo', '/repository')).toBe(false);
    expect(isInside('/repo', '/')).toBe(false);
  });
  it('sorts by UTF-8 bytes', () => {
    expect(sortByPath([{ path: '\u{1F600}' }, { path: '\uFF01' }]).map((x) => x.path)).toEqual(['\uFF01', '\u{1F600}']);
  });
  it('sorts any paths (ASCII fast path or not) as their UTF-8 bytes compare, without touching the input', () => {
    const byBytes = (paths: string[]): string[] => [...paths].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    const path = fc.oneof(fc.string({ unit: fc.constantFrom('a', 'B', '-', '.', '/', '_', '0', 'é', '\u00ff') }), fc.string({ unit: 'grapheme' }));
    fc.assert(
      fc.property(fc.array(path, { maxLength: 30 }), (paths) => {
        const items = paths.map((p) => ({ path: p }));
        const before = [...items];
        expect(sortByPath(items).map((x) => x.path)).toEqual(byBytes(paths));
        expect(items).toEqual(before);
      }),
    );
  });
});
