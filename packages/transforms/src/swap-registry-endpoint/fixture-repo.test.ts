/**
 * The recipe's two swap-registry-endpoint steps (Koji, flatpak-indexer) on our fixture
 * repository: exactly two lines change, in the files that hold them, and a second run on the
 * result changes nothing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { planSteps, type PlanStep } from '@ansimod/core';
import { swapRegistryEndpoint as transform } from './index.js';

const fixture = fileURLToPath(new URL('../../../../fixtures/ansible', import.meta.url));
const maps = {
  'registry.fedoraproject.org': 'quay.io/fedora',
  'candidate-registry.fedoraproject.org': 'quay.io/fedora',
  'registry.stg.fedoraproject.org': 'quay.io/fedora-testing',
  'candidate-registry.stg.fedoraproject.org': 'quay.io/fedora-testing',
};
const stepsFor = (m: Record<string, string>): PlanStep[] => [
  { transform, options: { maps: m, keys: ['registry'], sections: ['push'], formats: ['ini'] }, stage: 'Koji', target: 'flatpak.conf' },
  { transform, options: { maps: m, keys: ['public_url'], formats: ['yaml'] }, stage: 'flatpak-indexer', target: 'public_url' },
];
const steps = stepsFor(maps);

/** Lines removed and added, per file. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const b = before.split('\n');
  const a = after.split('\n');
  expect(a.length).toBe(b.length);
  return { removed: b.filter((l, i) => a[i] !== l), added: a.filter((l, i) => b[i] !== l) };
}

describe('swap-registry-endpoint on fixtures/ansible', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ansimod-sre-'));
  cpSync(fixture, dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('changes the task variable and the nested public_url, nothing else', async () => {
    const plan = await planSteps(dir, steps);
    expect(plan.errors).toEqual([]);
    expect(plan.notFound).toEqual([]);
    expect(Object.fromEntries(plan.changes.map((c) => [c.path, changedLines(c.before, c.after)]))).toEqual({
      'roles/koji_builder/tasks/main.yml': {
        removed: ['    candidate_registry: "candidate-registry{{ env_suffix }}.fedoraproject.org"'],
        added: [`    candidate_registry: "{{ 'quay.io/fedora-testing' if env == 'staging' else 'quay.io/fedora' }}"`],
      },
      'roles/openshift-apps/flatpak-indexer/templates/configmap.yml': {
        removed: ['            public_url: https://registry.fedoraproject.org/'],
        added: ['            public_url: https://quay.io/fedora/'],
      },
    });
    expect(plan.steps.map((s) => s.outcomes.map((o) => [o.path, o.outcome]))).toEqual([
      [['roles/koji_builder/templates/flatpak.conf', 'changed']],
      [['roles/openshift-apps/flatpak-indexer/templates/configmap.yml', 'changed']],
    ]);
    for (const c of plan.changes) writeFileSync(join(dir, c.path), c.afterBytes);

    const again = await planSteps(dir, steps);
    expect(again.errors).toEqual([]);
    expect(again.changes).toEqual([]);
    expect(again.notFound).toEqual([]);
    expect(again.steps.flatMap((s) => s.outcomes.map((o) => o.outcome))).toEqual(['nochange', 'nochange']);
  });

  it('with one-to-one maps, the inverse maps give back every byte', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'ansimod-sre-'));
    try {
      cpSync(fixture, dir2, { recursive: true });
      const four = {
        'candidate-registry.fedoraproject.org': 'quay.io/fedora-candidates',
        'candidate-registry.stg.fedoraproject.org': 'quay.io/fedora-candidates-stg',
        'registry.fedoraproject.org': 'quay.io/fedora',
        'registry.stg.fedoraproject.org': 'quay.io/fedora-stg',
      };
      const forward = await planSteps(dir2, stepsFor(four));
      expect(forward.errors).toEqual([]);
      expect(forward.changes).toHaveLength(2);
      for (const c of forward.changes) writeFileSync(join(dir2, c.path), c.afterBytes);
      const back = await planSteps(dir2, stepsFor(Object.fromEntries(Object.entries(four).map(([a, b]) => [b, a]))));
      expect(back.errors).toEqual([]);
      for (const c of back.changes) writeFileSync(join(dir2, c.path), c.afterBytes);
      for (const c of forward.changes) expect(readFileSync(join(dir2, c.path), 'utf8'), c.path).toBe(readFileSync(join(fixture, c.path), 'utf8'));
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
