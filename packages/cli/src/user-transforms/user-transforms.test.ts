import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnsimodError, defineTransform, type AnyTransform } from '@ansimod/core';
import { installedCore } from './installed-core.js';
import { isTypeScriptFile, resolveSpecifier } from './module-specifiers.js';
import { transformsOfModule } from './transform-export.js';
import { guarded, missingRequiredOptions, userTransformJob } from './transform-steps.js';

const noop = defineTransform({
  name: 'noop',
  displayName: 'No-op',
  description: 'Changes nothing.',
  options: { level: { type: 'number', default: 1, description: 'How much.', example: '2' } },
  select: { formats: ['yaml'] },
  visit: () => ({ outcome: 'nochange' }),
});
const needsHosts = defineTransform({
  name: 'needs-hosts',
  displayName: 'Needs hosts',
  description: 'Needs a host map.',
  select: { formats: ['yaml'] },
  options: { hosts: { type: 'map', required: true, description: 'Hosts to move.', example: 'a=b' } },
  visit: () => ({ outcome: 'nochange' }),
});

function thrown(f: () => unknown): AnsimodError {
  try {
    f();
  } catch (e) {
    if (e instanceof AnsimodError) return e;
    throw e;
  }
  throw new Error('expected an AnsimodError');
}

describe('transformsOfModule', () => {
  it('takes a default export or an array of them', () => {
    expect(transformsOfModule({ default: noop }, 't.ts')).toEqual([noop]);
    expect(transformsOfModule({ default: [noop, needsHosts] }, 't.ts')).toEqual([noop, needsHosts]);
  });

  it('names the file and every problem', () => {
    expect(thrown(() => transformsOfModule({ named: noop }, 't.mjs')).diagnostic).toMatchObject({ path: 't.mjs', message: expect.stringContaining('has no default export') });
    const e = thrown(() => transformsOfModule({ default: [noop, { ...noop, options: { x: { type: 'date' } }, select: 3 }] }, 't.mjs'));
    expect(e.message).toBe('default[1].select must be a file selector or a function of the options; default[1].options.x needs a type (string, boolean, number, string[], map), a description and an example');
    expect(thrown(() => transformsOfModule({ default: [] }, 't.mjs')).message).toBe('the default export is an empty array');
  });
});

describe('userTransformJob', () => {
  it('makes one step per transform, at its option defaults, described as a recipe', () => {
    const { recipe, steps } = userTransformJob([noop]);
    expect(steps.map(({ transform, ...s }) => ({ ...s, name: transform.name }))).toEqual([{ options: {}, stage: 'No-op', target: 'noop', name: 'noop' }]);
    expect(recipe).toEqual({ name: 'noop', displayName: 'No-op', description: 'Changes nothing.', steps: [{ transform: 'noop', stage: 'No-op', target: 'noop' }] });
  });

  it('names required options without a default, and refuses a transform given twice', () => {
    expect(missingRequiredOptions(needsHosts)).toEqual(['hosts']);
    expect(missingRequiredOptions(noop)).toEqual([]);
    expect(thrown(() => userTransformJob([needsHosts])).message).toBe(
      'transform needs-hosts has required option without a default: "hosts" (Hosts to move. e.g. a=b); a --transform file runs with its option defaults, so give it a default',
    );
    expect(thrown(() => userTransformJob([noop, noop])).message).toBe('transform "noop" is given twice');
  });

  it('turns a crash in visit into an error of the visited file, and lets AnsimodErrors through', async () => {
    const crash: AnyTransform = { ...noop, visit: () => { throw new RangeError('bad index'); } };
    const file = { path: 'a.yml', text: '', document: undefined as never };
    const ctx = { options: {}, environments: [], repo: undefined as never, evaluate: async (s: string) => s, ansible: async () => undefined as never };
    expect(await guarded(crash).visit(file, ctx)).toEqual({
      outcome: 'error',
      diagnostic: { code: 'INTERNAL', severity: 'error', path: 'a.yml', message: 'transform noop failed on this file: bad index' },
    });
    const refusing: AnyTransform = { ...noop, visit: () => { throw new AnsimodError({ code: 'PARSE_ERROR', message: 'x' }); } };
    await expect(guarded(refusing).visit(file, ctx)).rejects.toBeInstanceOf(AnsimodError);
  });
});

describe('resolveSpecifier', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ansimod-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const importer = path.join(dir, 't.ts');
  writeFileSync(path.join(dir, 'helper.ts'), '');
  writeFileSync(path.join(dir, 'plain.js'), '');
  const core = installedCore();

  it('sends @ansimod/core to the installed build, whatever the importer directory', () => {
    expect(resolveSpecifier('@ansimod/core', importer, core)).toEqual({ kind: 'url', url: core.entryUrl });
    expect(core.entryUrl).toMatch(/\/packages\/core\/dist\/index\.js$/);
    expect(core.typesPath).toMatch(/\/packages\/core\/dist\/index\.d\.ts$/);
  });

  it('follows the NodeNext convention for TypeScript helpers and keeps built-ins', () => {
    expect(resolveSpecifier('./helper.js', importer, core)).toEqual({ kind: 'typescript', file: path.join(dir, 'helper.ts') });
    expect(resolveSpecifier('./helper.ts', importer, core)).toEqual({ kind: 'typescript', file: path.join(dir, 'helper.ts') });
    expect(resolveSpecifier('./plain.js', importer, core)).toEqual({ kind: 'url', url: pathToFileURL(path.join(dir, 'plain.js')).href });
    expect(resolveSpecifier('node:fs', importer, core)).toEqual({ kind: 'keep' });
    expect(resolveSpecifier('path', importer, core)).toEqual({ kind: 'keep' });
    expect(resolveSpecifier('no-such-package-anywhere', importer, core)).toEqual({ kind: 'keep' });
  });

  it('knows which files are TypeScript', () => {
    expect(['a.ts', 'a.mts', 'a.cts', 'a.d.ts', 'a.mjs', 'a.js'].map(isTypeScriptFile)).toEqual([true, true, true, false, false, false]);
  });
});
