/**
 * The one test helper every transform test uses (after OpenRewrite's `rewriteRun`): given a
 * small repository (path → content), a transform and its options, it checks
 *  1. before/after: the planned edits give exactly the expected files (unlisted files unchanged);
 *  2. no change: with `after` omitted, the transform must change nothing;
 *  3. a second cycle on the result changes nothing (idempotence);
 *  4. round trip: every file, before and after, parses and prints back byte for byte;
 *  5. no verification errors, unless `expectErrors` says which.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { parseDocument, planSteps, type AnyTransform, type Environment, type Plan } from '@ansimod/core';

export const testEnvironments: Environment[] = [
  { name: 'production', vars: { env: 'production', env_suffix: '' }, source: ['inventory/group_vars/all'] },
  { name: 'staging', vars: { env: 'staging', env_suffix: '.stg' }, source: ['inventory/group_vars/staging'] },
];

export type Files = Record<string, string>;

/** Writes the files (text, or bytes for binaries) into a new temporary directory and returns it. */
export function writeRepo(files: Readonly<Record<string, string | Uint8Array>>): string {
  const root = mkdtempSync(join(tmpdir(), 'ansimod-t-'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

export async function planOn(files: Files, transform: AnyTransform, options: Record<string, unknown>, environments = testEnvironments): Promise<Plan> {
  const root = writeRepo(files);
  try {
    return await planSteps(root, [{ transform, options, stage: 'test', target: transform.name }], { environments });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function applied(files: Files, plan: Plan): Files {
  const out = { ...files };
  for (const c of plan.changes) out[c.path] = c.after;
  return out;
}

function expectRoundTrip(files: Files): void {
  for (const [p, text] of Object.entries(files)) {
    expect(parseDocument(p, text).print(), `round trip of ${p}`).toBe(text);
  }
}

export interface TransformCase {
  transform: AnyTransform;
  options: Record<string, unknown>;
  before: Files;
  /** Expected content of the files that change; omit for a no-change case. */
  after?: Files;
  environments?: Environment[];
  /** Substrings expected in the plan's error messages (verification must reject). */
  expectErrors?: string[];
}

/** Runs the five checks above and returns the first plan for further assertions. */
export async function runTransformCase(c: TransformCase): Promise<Plan> {
  expectRoundTrip(c.before);
  const plan = await planOn(c.before, c.transform, c.options, c.environments);
  if (c.expectErrors) {
    const messages = plan.errors.map((e) => e.message).join('\n');
    for (const m of c.expectErrors) expect(messages).toContain(m);
    expect(plan.errors.length).toBeGreaterThan(0);
    return plan;
  }
  expect(plan.errors, 'verification errors').toEqual([]);
  const expected = { ...c.before, ...(c.after ?? {}) };
  const result = applied(c.before, plan);
  expect(result).toEqual(expected);
  if (!c.after) expect(plan.changes).toEqual([]);
  else expect(plan.changes.map((x) => x.path).sort()).toEqual(Object.keys(c.after).filter((p) => c.after?.[p] !== c.before[p]).sort());
  expectRoundTrip(result);
  const second = await planOn(result, c.transform, c.options, c.environments);
  expect(second.errors, 'second cycle errors').toEqual([]);
  expect(second.changes.map((x) => x.path), 'second cycle must change nothing').toEqual([]);
  return plan;
}

/** The shipped flatpaks-to-quay recipe's default maps: one source of truth for the tests that use them. */
export const recipeMaps: Record<string, string> = (() => {
  const text = readFileSync(new URL('../../packages/transforms/recipes/flatpaks-to-quay.yml', import.meta.url), 'utf8');
  const recipe = parseYaml(text) as { options: { maps: { default: Record<string, string> } } };
  return recipe.options.maps.default;
})();
