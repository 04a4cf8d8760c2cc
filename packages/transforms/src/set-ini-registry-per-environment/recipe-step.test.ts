import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planRecipe, TransformRegistry, type Recipe } from '@ansimod/core';
import { builtinRecipes } from '../registry.js';
import { setIniRegistryPerEnvironment } from './index.js';

const fixtureRepo = new URL('../../../../fixtures/ansible/', import.meta.url);
const BODHI = 'roles/bodhi2/base/templates/production.ini.j2';

/** The shipped recipe cut down to its Bodhi step (the other steps' transforms live elsewhere). */
function bodhiOnly(): { recipe: Recipe; registry: TransformRegistry } {
  const full = builtinRecipes().find((r) => r.name === 'flatpaks-to-quay');
  if (!full) throw new Error('flatpaks-to-quay recipe missing');
  const recipe: Recipe = { ...full, steps: full.steps.filter((s) => s.transform === setIniRegistryPerEnvironment.name) };
  return { recipe, registry: new TransformRegistry().addTransform(setIniRegistryPerEnvironment).addRecipe(recipe) };
}

describe('flatpaks-to-quay, Bodhi step, on the fixture repository', () => {
  const root = mkdtempSync(join(tmpdir(), 'ansimod-bodhi-'));
  cpSync(fixtureRepo, root, { recursive: true });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('with the recipe defaults and discovered environments, changes only the registry lines of production.ini.j2', async () => {
    const { recipe, registry } = bodhiOnly();
    expect(recipe.steps).toHaveLength(1);
    const plan = await planRecipe(root, recipe, registry);
    expect(plan.errors).toEqual([]);
    expect(plan.environments.map((e) => e.name).sort()).toEqual(['production', 'staging']);
    expect(plan.changes.map((c) => c.path)).toEqual([BODHI]);
    const before = readFileSync(join(root, BODHI), 'utf8');
    const after = plan.changes[0]?.after ?? '';
    const stagingOnly =
      "{% if env == 'staging' %}\ncontainer.destination_registry = registry.stg.fedoraproject.org\ncontainer.source_registry = candidate-registry.stg.fedoraproject.org\n{% endif %}";
    const everyEnvironment =
      "{% if env == 'staging' %}\ncontainer.destination_registry = quay.io/fedora-testing\ncontainer.source_registry = quay.io/fedora-testing-candidates\n" +
      '{% else %}\ncontainer.destination_registry = quay.io/fedora\ncontainer.source_registry = quay.io/fedora-candidates\n{% endif %}';
    expect(before).toContain(stagingOnly);
    expect(after).toBe(before.replace(stagingOnly, everyEnvironment));
  });

  it('reverse with one-to-one maps restores the file byte for byte', async () => {
    const { recipe, registry } = bodhiOnly();
    const maps = {
      'registry.fedoraproject.org': 'quay.io/fedora',
      'candidate-registry.fedoraproject.org': 'quay.io/fedora-candidate',
      'registry.stg.fedoraproject.org': 'quay.io/fedora-testing',
      'candidate-registry.stg.fedoraproject.org': 'quay.io/fedora-testing-candidate',
    };
    const forward = await planRecipe(root, recipe, registry, { options: { maps } });
    expect(forward.errors).toEqual([]);
    const copy = mkdtempSync(join(tmpdir(), 'ansimod-bodhi-rev-'));
    try {
      cpSync(root, copy, { recursive: true });
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(copy, BODHI), forward.changes[0]?.after ?? '');
      const back = await planRecipe(copy, recipe, registry, { options: { maps }, reverse: true });
      expect(back.errors).toEqual([]);
      const reversed = back.changes[0]?.after ?? '';
      // Byte for byte: the {% else %} branch the forward change added for production goes again.
      expect(reversed).toBe(readFileSync(join(root, BODHI), 'utf8'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('reverse with many-to-one maps is refused, not guessed', async () => {
    const { recipe, registry } = bodhiOnly();
    const maps = { 'candidate-registry.fedoraproject.org': 'quay.io/c', 'candidate-registry.stg.fedoraproject.org': 'quay.io/c', 'registry.fedoraproject.org': 'quay.io/r' };
    await expect(planRecipe(root, recipe, registry, { options: { maps }, reverse: true })).rejects.toThrow(/cannot reverse/);
  });
});
