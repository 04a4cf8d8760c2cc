import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodeSource } from '../text/source.js';
import { readRepoFile, repoEntryForPath } from './read.js';
import { walkRepository, type RepoEntry } from './walk.js';

let root: string;
let outside: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ansimod-read-'));
  outside = await mkdtemp(path.join(tmpdir(), 'ansimod-outside-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function put(rel: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

async function readAll(): Promise<Map<string, Awaited<ReturnType<typeof readRepoFile>>>> {
  const { files } = await walkRepository(root);
  const out = new Map<string, Awaited<ReturnType<typeof readRepoFile>>>();
  for (const f of files) out.set(f.path, await readRepoFile(f));
  return out;
}

describe('readRepoFile', () => {
  it('decodes UTF-8 with BOM and CRLF and encodes back to the same bytes', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: é\r\nb: 2\r\n')]);
    await put('bom.yml', bom);
    const file = (await readAll()).get('bom.yml');
    expect(file?.decoded).toMatchObject({ kind: 'text', encoding: 'utf8' });
    if (file?.decoded.kind !== 'text') throw new Error('expected text');
    expect(file.decoded.text.startsWith('\uFEFFa: é\r\n')).toBe(true);
    expect(encodeSource(file.decoded.text, file.decoded.encoding).equals(bom)).toBe(true);
    expect(file.bytes.equals(bom)).toBe(true);
  });

  it('reads a stray latin-1 byte as latin-1, byte for byte', async () => {
    const latin = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nkey = value\n')]);
    await put('app.ini', latin);
    const file = (await readAll()).get('app.ini');
    if (file?.decoded.kind !== 'text') throw new Error('expected text');
    expect(file.decoded.encoding).toBe('latin1');
    expect(file.decoded.text).toBe('# café\nkey = value\n');
    expect(encodeSource(file.decoded.text, 'latin1').equals(latin)).toBe(true);
  });

  it('marks binary content', async () => {
    await put('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    const file = (await readAll()).get('logo.png');
    expect(file?.decoded.kind).toBe('binary');
  });

  it('reports an unreadable file as an IO error on its path', async () => {
    await put('gone.yml', 'a: 1\n');
    const { files } = await walkRepository(root);
    await rm(path.join(root, 'gone.yml'));
    await expect(readRepoFile(files[0]!)).rejects.toMatchObject({ code: 'IO_ERROR', diagnostic: { path: 'gone.yml' } });
  });
});

describe('repoEntryForPath', () => {
  it('resolves a relative path to the same entry the walk gives', async () => {
    await put('roles/a/tasks/main.yml', '- x\n');
    const { files } = await walkRepository(root);
    const fields = (e: RepoEntry | undefined) => e && { path: e.path, absolutePath: e.absolutePath, size: e.size, mode: e.mode };
    expect(fields(await repoEntryForPath(root, 'roles/a/tasks/main.yml'))).toEqual(fields(files[0]));
    expect(fields(await repoEntryForPath(root, './roles/a/../a/tasks/main.yml'))).toEqual(fields(files[0]));
  });

  it('refuses paths that leave the repository or go through symlinks', async () => {
    await put('real/a.yml', 'a\n');
    await writeFile(path.join(outside, 'secret'), 's\n');
    await symlink(outside, path.join(root, 'out'));
    await symlink('real', path.join(root, 'alias'));
    await symlink('missing', path.join(root, 'dangling'));
    await expect(repoEntryForPath(root, '../x')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(repoEntryForPath(root, 'real/../../x')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(repoEntryForPath(root, '/etc/passwd')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(repoEntryForPath(root, '.git/config')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(repoEntryForPath(root, 'out/secret')).rejects.toMatchObject({ code: 'SYMLINK_OUTSIDE' });
    await expect(repoEntryForPath(root, 'dangling')).rejects.toMatchObject({ code: 'DANGLING_SYMLINK' });
    await expect(repoEntryForPath(root, 'alias/a.yml')).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
      message: 'alias is a symlink; use the path of its target, real',
    });
    await expect(repoEntryForPath(root, 'real')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(repoEntryForPath(root, 'real/b.yml')).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
    await expect(repoEntryForPath(root, 'real/a.yml/x')).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
  });
});
