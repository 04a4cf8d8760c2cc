import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRepo } from '../../../../test/support/transform-test.js';
import type { Environment } from '../env/index.js';
import { planSteps } from './engine.js';
import { repoWritesOf, fileChangeOf } from './planned-writes.js';
import { defineTransform } from './types.js';

const envs: Environment[] = [{ name: 'production', vars: { env: 'production', who: 'world' }, source: [] }];
const roots: string[] = [];
function repo(files: Record<string, string>): string {
  const root = writeRepo(files);
  roots.push(root);
  return root;
}
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

/** Renames part.conf to part.conf.j2 and edits the include that names it. */
const renamePart = defineTransform({
  name: 'rename-part',
  displayName: 'Rename part',
  description: 'test transform',
  options: { to: { type: 'string', default: 'roles/a/templates/part.conf.j2', description: 'new name', example: 'x' } },
  select: { contains: ['part.conf'] },
  visit(file, ctx) {
    if (!file.path.endsWith('main.conf')) return { outcome: 'skip', reason: 'not the includer' };
    const at = file.text.indexOf("'part.conf'");
    if (at < 0) return { outcome: 'nochange', matched: true };
    const to = ctx.options.to;
    return {
      outcome: 'changed',
      edits: [{ start: at + 1, end: at + 10, text: to.slice(to.lastIndexOf('/') + 1), reason: 'include follows the rename' }],
      renames: [{ from: 'roles/a/templates/part.conf', to, reason: 'templates get .j2' }],
      checks: [{ path: file.path, describe: 'renders the same', expect: (before) => before }],
    };
  },
});

const files = {
  'roles/a/templates/main.conf': "A\n{% include 'part.conf' %}\n",
  'roles/a/templates/part.conf': 'hello {{ who }}\n',
};

describe('planSteps with renames', () => {
  it('moves a file with the edits of its references, and renders the includer after the rename', async () => {
    const plan = await planSteps(repo(files), [{ transform: renamePart, options: {}, stage: 's', target: 't' }], { environments: envs });
    expect(plan.errors).toEqual([]);
    expect(plan.changes.map((c) => [c.path, c.renamedFrom])).toEqual([
      ['roles/a/templates/main.conf', undefined],
      ['roles/a/templates/part.conf.j2', 'roles/a/templates/part.conf'],
    ]);
    const moved = plan.changes[1];
    expect(moved?.after).toBe(moved?.before);
    expect(moved && repoWritesOf(moved).map((w) => [w.path, w.after === null])).toEqual([
      ['roles/a/templates/part.conf', true],
      ['roles/a/templates/part.conf.j2', false],
    ]);
    expect(moved && fileChangeOf(moved).renamedFrom).toBe('roles/a/templates/part.conf');
  });

  it('fails the render check when the include is not changed to the new name', async () => {
    const broken = defineTransform({ ...renamePart, name: 'broken', visit: async (f, c) => {
      const r = await renamePart.visit(f, c);
      return r.outcome === 'changed' ? { ...r, edits: [] } : r;
    } });
    const plan = await planSteps(repo(files), [{ transform: broken, options: {}, stage: 's', target: 't' }], { environments: envs });
    expect(plan.errors.map((e) => e.message).join('\n')).toMatch(/cannot render the after state/);
  });

  it('refuses a rename onto a file that exists', async () => {
    const plan = await planSteps(repo({ ...files, 'roles/a/templates/x.conf': 'x\n' }), [{ transform: renamePart, options: { to: 'roles/a/templates/x.conf' }, stage: 's', target: 't' }], { environments: envs });
    expect(plan.errors.map((e) => e.code)).toContain('RENAME_CONFLICT');
  });
});
