import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, symlink, writeFile, chmod } from 'node:fs/promises';
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
  await rm(root, { recursive: true, force: true });
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
      { path: 'out-dir', reason: SkipReason.symlinkOutside },
      { path: 'out-file', reason: SkipReason.symlinkOutside },
      { path: 'real/self-loop', reason: SkipReason.symlinkInside },
    ]);
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
