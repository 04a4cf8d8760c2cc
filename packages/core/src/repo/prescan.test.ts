import { rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRepo } from '../../../../test/support/transform-test.js';
import { planSteps } from '../transform/engine.js';
import { defineTransform } from '../transform/types.js';
import { startPrescan } from './prescan.js';
import { walkRepository } from './walk.js';

const roots: string[] = [];
function repo(files: Record<string, string | Uint8Array>): string {
  const root = writeRepo(files);
  roots.push(root);
  return root;
}
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const files = {
  'roles/a/templates/x.conf': 'ServerName registry.example.org\n',
  'roles/a/files/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]),
  'inventory/group_vars/all': 'env: production\n',
  'README.md': 'nothing to see\n',
};

describe('startPrescan', () => {
  it('walks and reads the repository in a worker thread: the same files as a walk, the bytes searchable', async () => {
    const root = repo(files);
    const pre = await startPrescan(root);
    expect(pre).toBeDefined();
    const walk = await walkRepository(root);
    expect(pre?.walk.root).toBe(walk.root);
    expect(pre?.walk.files.map((f) => [f.path, f.absolutePath, f.size])).toEqual(walk.files.map((f) => [f.path, f.absolutePath, f.size]));
    const hits = pre?.corpus.filesContaining([Buffer.from('registry.example.org')]) ?? [];
    expect(hits.map((i) => pre?.walk.files[i]?.path)).toEqual(['roles/a/templates/x.conf']);
    expect(pre?.corpus.isText(walk.files.findIndex((f) => f.path.endsWith('.png')))).toBe(false);
  });

  it('resolves to undefined (never rejects) for a directory that does not exist', async () => {
    await expect(startPrescan(join(tmpdir(), 'ansimod-no-such-dir-' + process.pid))).resolves.toBeUndefined();
  });

  it('a plan given a prescan of its repository plans exactly as one without; one of another directory is ignored', async () => {
    const root = repo({ ...files, 'roles/a/templates/y.conf': 'Include registry.example.org.conf\n' });
    const other = repo({ 'only.conf': 'registry.example.org\n' });
    symlinkSync(join(other, 'only.conf'), join(root, 'outside.conf'));
    const mark = defineTransform({
      name: 'mark',
      displayName: 'Mark',
      description: 'test transform',
      options: {},
      select: { contains: ['registry.example.org'] },
      visit: (file) => ({ outcome: 'nochange', matched: true, notes: [file.path] }),
    });
    const steps = [{ transform: mark, options: {}, stage: 's', target: 't' }];
    const environments = [{ name: 'production', vars: {}, source: [] }];
    const plain = await planSteps(root, steps, { environments });
    const withPrescan = await planSteps(root, steps, { environments, prescan: startPrescan(root) });
    const withOther = await planSteps(root, steps, { environments, prescan: startPrescan(other) });
    const seen = (p: typeof plain) => p.steps[0]?.outcomes.map((o) => o.path);
    // The file behind the symlink leaving the repository is never read: it is named as an error instead.
    expect(seen(plain)).toEqual(['roles/a/templates/x.conf', 'roles/a/templates/y.conf']);
    expect(plain.errors.map((e) => `${e.code} ${e.path}`)).toEqual(['SYMLINK_OUTSIDE outside.conf']);
    expect(withPrescan.errors).toEqual(plain.errors);
    expect(seen(withPrescan)).toEqual(seen(plain));
    expect(seen(withOther)).toEqual(seen(plain));
    expect(withPrescan.timings[0]?.phase).toBe('walk and scan (prescan)');
    expect(withOther.timings[0]?.phase).toBe('walk');
  });
});

describe('a plan waiting on a prescan', () => {
  it('keeps the process alive until the worker answers (its thread alone does not)', async () => {
    const root = repo(files);
    const dist = new URL('../../dist/', import.meta.url).href;
    // At top level, the plan awaits the prescan at once: the worker has not even started.
    const script = [
      `const { startPrescan } = await import('${dist}repo/prescan.js');`,
      `const { planSteps } = await import('${dist}transform/engine.js');`,
      `const plan = await planSteps(${JSON.stringify(root)}, [], { environments: [], prescan: startPrescan(${JSON.stringify(root)}) });`,
      `console.log(plan.filesScanned, plan.timings[0].phase);`,
    ].join('\n');
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('4 walk and scan (prescan)');
  });
});
