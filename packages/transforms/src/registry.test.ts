/**
 * Contract test (after Renovate's manager index test): every transform folder is registered and
 * complete, every shipped recipe is valid and refers only to registered transforms with valid options.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveStepOptions, validateOptions } from '@ansimod/core';
import { builtinRecipes, builtinRegistry, recipeSchemaPath } from './registry.js';
import { transforms } from './transforms.js';

const srcDir = fileURLToPath(new URL('./', import.meta.url));
const NOT_TRANSFORMS = new Set(['endpoints', 'audit', 'ledger']);
const folders = readdirSync(srcDir).filter((f) => statSync(srcDir + f).isDirectory() && !NOT_TRANSFORMS.has(f));

describe('transform registry contract', () => {
  it('registers exactly one transform per folder, named after it', () => {
    expect(transforms.map((t) => t.name).sort()).toEqual([...folders].sort());
  });

  it.each(folders)('%s is complete: index, README, tests, fixtures, documented options', async (folder) => {
    const dir = `${srcDir}${folder}/`;
    for (const f of ['index.ts', 'README.md']) expect(existsSync(dir + f), `${folder}/${f}`).toBe(true);
    expect(readdirSync(dir).some((f) => f.endsWith('.test.ts')), `${folder} has tests`).toBe(true);
    expect(existsSync(`${dir}__fixtures__`), `${folder}/__fixtures__`).toBe(true);
    const mod = (await import(/* @vite-ignore */ pathToFileURL(`${dir}index.ts`).href)) as { default?: { name: string } };
    const t = transforms.find((x) => x.name === folder);
    expect(mod.default).toBe(t);
    expect(t?.displayName && t.description).toBeTruthy();
    for (const [name, o] of Object.entries(t?.options ?? {})) {
      expect(o.description, `${folder}.${name} description`).toBeTruthy();
      expect(o.example, `${folder}.${name} example`).toBeTruthy();
    }
    expect(readFileSync(`${dir}README.md`, 'utf8')).toContain(`# ${folder}`);
  });
});

describe('shipped recipes', () => {
  const registry = builtinRegistry();
  const schema = JSON.parse(readFileSync(recipeSchemaPath, 'utf8')) as { required: string[]; properties: { steps: { items: { required: string[] } } } };

  it.each(builtinRecipes().map((r) => [r.name, r] as const))('%s is valid and uses registered transforms', (_name, recipe) => {
    for (const k of schema.required) expect(recipe).toHaveProperty(k);
    const recipeOptions = validateOptions(recipe.options ?? {}, {}, recipe.name);
    expect(recipeOptions.ok).toBe(true);
    const values = { ...(recipeOptions.ok ? recipeOptions.value : {}), reverse: false };
    for (const step of recipe.steps) {
      for (const k of schema.properties.steps.items.required) expect(step).toHaveProperty(k);
      const t = registry.transform(step.transform);
      const resolved = resolveStepOptions(step.options, values);
      expect(resolved.ok).toBe(true);
      if (resolved.ok) expect(validateOptions(t.options, resolved.value, t.name)).toMatchObject({ ok: true });
    }
  });

  it('flatpaks-to-quay covers the five pipeline stages of the seed', () => {
    const r = registry.recipe('flatpaks-to-quay');
    expect([...new Set(r?.steps.map((s) => s.stage))]).toEqual(['OSBS', 'Koji', 'Bodhi', 'Proxies', 'flatpak-indexer']);
  });
});
