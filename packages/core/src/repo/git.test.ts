import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnsimodError } from '../diagnostics.js';
import { gitEnv, makeTempRepo, type TempRepo } from '../patch/__fixtures__/git-repo.js';
import { gitDirtyPaths, gitUserIdentity, isGitRepo } from './git.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  vi.unstubAllEnvs();
});
function repo(): TempRepo {
  const r = makeTempRepo();
  cleanups.push(r.dispose);
  return r;
}
function plainDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ansimod-nogit-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
/** Runs git isolated from this machine's global config, as the temp repos are. */
function isolateGit(): void {
  for (const [k, v] of Object.entries(gitEnv)) if (k !== 'PATH' && v !== undefined) vi.stubEnv(k, v);
  vi.stubEnv('GIT_AUTHOR_NAME', '');
  vi.stubEnv('GIT_AUTHOR_EMAIL', '');
}

describe('isGitRepo', () => {
  it('tells a work tree (and its subdirectories) from a plain directory', async () => {
    isolateGit();
    const r = repo();
    mkdirSync(join(r.root, 'sub'));
    expect(await isGitRepo(r.root)).toBe(true);
    expect(await isGitRepo(join(r.root, 'sub'))).toBe(true);
    expect(await isGitRepo(plainDir())).toBe(false);
  });
});

describe('gitUserIdentity', () => {
  it('reads user.name and user.email, and is undefined when one is unset', async () => {
    isolateGit();
    const r = repo();
    expect(await gitUserIdentity(r.root)).toEqual({ name: 'Test Author', email: 'author@example.org' });
    r.git(['config', '--unset', 'user.email']);
    expect(await gitUserIdentity(r.root)).toBeUndefined();
    expect(await gitUserIdentity(plainDir())).toBeUndefined();
  });

  it('prefers GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL like git commit does', async () => {
    isolateGit();
    const r = repo();
    vi.stubEnv('GIT_AUTHOR_NAME', 'Env Name');
    vi.stubEnv('GIT_AUTHOR_EMAIL', 'env@example.org');
    expect(await gitUserIdentity(r.root)).toEqual({ name: 'Env Name', email: 'env@example.org' });
  });
});

describe('gitDirtyPaths', () => {
  it('reports modified, staged, untracked and deleted paths among those asked, relative to a subdirectory root', async () => {
    isolateGit();
    const r = repo();
    r.write('ansible/clean.yml', 'a\n');
    r.write('ansible/modified.yml', 'a\n');
    r.write('ansible/staged.yml', 'a\n');
    r.write('ansible/deleted.yml', 'a\n');
    r.write('ansible/roles/web/main.yml', 'a\n');
    r.write('ansible/odd [name]*.yml', 'a\n');
    r.write('outside.yml', 'a\n');
    r.commitAll('base');
    r.write('ansible/modified.yml', 'b\n');
    r.write('ansible/staged.yml', 'b\n');
    r.git(['add', 'ansible/staged.yml']);
    r.remove('ansible/deleted.yml');
    r.write('ansible/untracked.yml', 'new\n');
    r.write('ansible/roles/web/main.yml', 'b\n');
    r.write('outside.yml', 'b\n');
    const root = join(r.root, 'ansible');
    const asked = ['clean.yml', 'modified.yml', 'staged.yml', 'deleted.yml', 'untracked.yml', 'roles/web', 'roles', 'odd [name]*.yml', 'missing.yml'];
    expect(await gitDirtyPaths(root, asked)).toEqual(['modified.yml', 'staged.yml', 'deleted.yml', 'untracked.yml', 'roles/web', 'roles']);
  });

  it('takes paths literally (a glob-looking name is not a pattern)', async () => {
    isolateGit();
    const r = repo();
    r.write('a1.yml', 'a\n');
    r.commitAll('base');
    r.write('a1.yml', 'b\n');
    expect(await gitDirtyPaths(r.root, ['a?.yml', 'a1.yml'])).toEqual(['a1.yml']);
    expect(await gitDirtyPaths(r.root, [])).toEqual([]);
  });

  it('reports nothing outside a git work tree, and fails with IO_ERROR when git fails inside one', async () => {
    isolateGit();
    const dir = plainDir();
    writeFileSync(join(dir, 'a'), 'x');
    expect(await gitDirtyPaths(dir, ['a'])).toEqual([]);
    const r = repo();
    r.write('a', 'x');
    writeFileSync(join(r.root, '.git/index'), 'not an index');
    const err = await gitDirtyPaths(r.root, ['a']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnsimodError);
    expect((err as AnsimodError).code).toBe('IO_ERROR');
  });
});
