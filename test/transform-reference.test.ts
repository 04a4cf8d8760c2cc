/**
 * The transform reference (docs/transforms.md) is generated from the source by
 * scripts/gen-transform-reference.mjs; this test regenerates it and fails when the committed file
 * is stale, and checks that the reference, the registry `ansimod list` prints and the transforms
 * that run are the same data.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtinRegistry } from '@ansimod/transforms';
import { moveImageRegistry } from '../examples/transforms/move-image-registry.js';
import { setIniKeyPerEnvironment } from '../examples/transforms/set-ini-key-per-environment.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const referencePath = path.join(repoRoot, 'docs/transforms.md');

interface OptionDoc {
  name: string;
  type: string;
  valueType: string;
  required: boolean;
  default?: unknown;
  description: string;
  example: string;
  choices?: string[];
}
interface TransformDoc {
  name: string;
  displayName: string;
  description: string;
  options: OptionDoc[];
  docs: string;
  examples: string[];
  source: string;
}
interface Generator {
  generateTransformReference(root?: string): string;
  readTransformDocs(files: string[], root?: string): TransformDoc[];
  transformSources(root?: string): { builtin: string[]; examples: string[] };
}

const generator = (await import(pathToFileURL(path.join(repoRoot, 'scripts/gen-transform-reference.mjs')).href)) as Generator;

/** What `ansimod list` and the engine see of a transform, in the reference's shape. */
function runtimeShape(t: { name: string; displayName: string; description: string; options: Record<string, { type: string; required?: boolean; default?: unknown; description: string; example: string; choices?: readonly string[] }> }) {
  return {
    name: t.name,
    displayName: t.displayName,
    description: t.description,
    options: Object.entries(t.options).map(([name, o]) => ({
      name,
      type: o.type,
      required: o.required === true,
      ...(o.default !== undefined ? { default: o.default } : {}),
      description: o.description,
      example: o.example,
      ...(o.choices ? { choices: [...o.choices] } : {}),
    })),
  };
}

function withoutSourceOnly(d: TransformDoc) {
  return { name: d.name, displayName: d.displayName, description: d.description, options: d.options.map(({ valueType: _v, ...o }) => o) };
}

describe('docs/transforms.md', () => {
  it('is up to date with the transforms (run `node scripts/gen-transform-reference.mjs`)', () => {
    expect(existsSync(referencePath)).toBe(true);
    expect(readFileSync(referencePath, 'utf8')).toBe(generator.generateTransformReference());
  });

  it('documents exactly the registered built-in transforms, with the data `ansimod list` prints', () => {
    const docs = generator.readTransformDocs(generator.transformSources().builtin);
    const registered = builtinRegistry().listTransforms().map(runtimeShape);
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(docs.map(withoutSourceOnly).sort(byName)).toEqual(registered.sort(byName));
  });

  it('documents the example transforms as they run, with TSDoc, examples and the option types from the checker', () => {
    const docs = generator.readTransformDocs(generator.transformSources().examples);
    expect(docs.map(withoutSourceOnly)).toEqual([moveImageRegistry, setIniKeyPerEnvironment].map(runtimeShape));
    for (const d of docs) {
      expect(d.docs).toMatch(new RegExp(`^\`${d.name}\`: `));
      expect(d.examples.length).toBeGreaterThan(0);
    }
    expect(docs[0]?.options.map((o) => [o.name, o.valueType])).toEqual([
      ['hosts', 'Record<string, string>'],
      ['keys', 'string[]'],
    ]);
  });

  it('shows an optional option without a default as possibly undefined', () => {
    const docs = generator.readTransformDocs(generator.transformSources().builtin);
    const optional = docs.flatMap((d) => d.options).filter((o) => !o.required && !('default' in o));
    expect(optional.length).toBeGreaterThan(0);
    for (const o of optional) expect(o.valueType).toMatch(/\| undefined$/);
  });

  it('is what `ansimod list` points to, and list names every documented transform', () => {
    const bin = path.join(repoRoot, 'packages/cli/dist/bin.js');
    expect(existsSync(bin), `${bin} missing: run \`npm run build\` first`).toBe(true);
    const r = spawnSync(process.execPath, [bin, 'list'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('docs/transforms.md');
    for (const d of generator.readTransformDocs(generator.transformSources().builtin)) {
      expect(r.stdout).toContain(`${d.name} — ${d.displayName}`);
      expect(r.stdout).toContain(d.description);
    }
  });
});
