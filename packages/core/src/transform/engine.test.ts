import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRepo } from '../../../../test/support/transform-test.js';
import type { Environment } from '../env/index.js';
import { setValueEdit } from '../formats/ini/index.js';
import { planEvaluator, planSteps } from './engine.js';
import { setRenderBackend } from '../render/index.js';
import { defineTransform, type RenderedData } from './types.js';

const envs: Environment[] = [
  { name: 'production', vars: { env: 'production', env_suffix: '' }, source: [] },
  { name: 'staging', vars: { env: 'staging', env_suffix: '.stg' }, source: [] },
];
const roots: string[] = [];
function repo(files: Record<string, string | Uint8Array>): string {
  const root = writeRepo(files);
  roots.push(root);
  return root;
}
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

/** Sets `[push] registry` to a value; `expectValue` is what the render check expects. */
function setRegistry(value: string, expectValue = value) {
  return defineTransform({
    name: 'set-registry',
    displayName: 'Set registry',
    description: 'test transform',
    options: {},
    select: { formats: ['ini'], contains: ['registry'] },
    claims: (text) => text.includes('registry='),
    visit(file) {
      const doc = file.document;
      if (doc.format !== 'ini') return { outcome: 'skip', reason: 'not ini' };
      const entry = doc.entries.find((e) => e.key === 'registry');
      if (!entry) return { outcome: 'skip', reason: 'no key' };
      if (entry.value === value) return { outcome: 'nochange', matched: true };
      return {
        outcome: 'changed',
        edits: [setValueEdit(entry, value, 'set registry')],
        checks: [
          {
            path: file.path,
            describe: `registry = ${expectValue}`,
            expect: (before: RenderedData): RenderedData =>
              before.format === 'ini' ? { format: 'ini', value: { ...(before.value as object), push: { registry: expectValue } } } : before,
          },
        ],
      };
    },
  });
}
const step = (transform: ReturnType<typeof setRegistry>) => [{ transform, options: {}, stage: 'Koji', target: 'flatpak.conf' }];

describe('planSteps', () => {
  it('plans with a vars file that repeats a key: the last value renders, one warning names the key and line', async () => {
    const root = repo({
      'inventory/group_vars/all': 'env: production\nregistry: old.example.org\nregistry: quay.io/x\n',
      'roles/k/templates/flatpak.conf': '[push]\nregistry={{ registry }}\n',
    });
    const plan = await planSteps(root, step(setRegistry('quay.io/x')));
    expect(plan.errors).toEqual([]);
    // Both environments read group_vars/all; the warning is given once.
    expect(plan.warnings.filter((w) => w.code === 'DUPLICATE_KEY')).toEqual([
      expect.objectContaining({ path: 'inventory/group_vars/all', line: 3, message: expect.stringContaining("key 'registry' given again") }),
    ]);
  });
  it('plans a verified change and reports the step as found', async () => {
    const root = repo({ 'roles/k/templates/flatpak.conf': '[push]\nregistry=old.example.org\n' });
    const plan = await planSteps(root, step(setRegistry('quay.io/x')), { environments: envs });
    expect(plan.errors).toEqual([]);
    expect(plan.changes.map((c) => [c.path, c.after, c.stages])).toEqual([
      ['roles/k/templates/flatpak.conf', '[push]\nregistry=quay.io/x\n', ['Koji']],
    ]);
    expect(plan.notFound).toEqual([]);
  });

  it('rejects an edit whose render differs from the intended change', async () => {
    const root = repo({ 'roles/k/templates/flatpak.conf': '[push]\nregistry=old.example.org\n' });
    const plan = await planSteps(root, step(setRegistry('quay.io/x', 'quay.io/y')), { environments: envs });
    expect(plan.errors.map((e) => e.message)).toEqual([
      'in production, the rendered result is not exactly the intended change (registry = quay.io/y): push.registry: expected "quay.io/y", got "quay.io/x"',
      'in staging, the rendered result is not exactly the intended change (registry = quay.io/y): push.registry: expected "quay.io/y", got "quay.io/x"',
    ]);
  });

  it('names a target that does not parse instead of reporting it not found', async () => {
    const root = repo({ 'roles/k/templates/flatpak.ini': 'registry=old\n[push\n' });
    const plan = await planSteps(root, step(setRegistry('quay.io/x')), { environments: envs });
    expect(plan.errors).toHaveLength(1);
    expect(plan.errors[0]).toMatchObject({ code: 'PARSE_ERROR', path: 'roles/k/templates/flatpak.ini', line: 2 });
    expect(plan.notFound).toEqual([]);
  });

  it('refuses to edit a template whose Jinja is unbalanced, naming the line', async () => {
    const root = repo({ 'roles/k/templates/flatpak.conf': '[push]\n{% if env == "staging" %}\nregistry=old\n' });
    const plan = await planSteps(root, step(setRegistry('quay.io/x')), { environments: envs });
    expect(plan.changes).toEqual([]);
    expect(plan.errors).toHaveLength(1);
    expect(plan.errors[0]).toMatchObject({ path: 'roles/k/templates/flatpak.conf', line: 2 });
    expect(plan.errors[0]?.message).toMatch(/never closed/);
  });

  it('reports a target it cannot find by its stage and name', async () => {
    const root = repo({ 'README.md': 'nothing here\n' });
    const plan = await planSteps(root, step(setRegistry('quay.io/x')), { environments: envs });
    expect(plan.notFound).toEqual([{ stage: 'Koji', target: 'flatpak.conf' }]);
    expect(plan.changes).toEqual([]);
  });

  it('validates options before anything runs', async () => {
    const root = repo({});
    const t = defineTransform({
      name: 'needs-key',
      displayName: 'x',
      description: 'x',
      options: { key: { type: 'string', required: true, description: 'the key', example: 'a.b' } },
      select: {},
      visit: () => ({ outcome: 'nochange' }),
    });
    await expect(planSteps(root, [{ transform: t, options: {}, stage: 's', target: 't' }])).rejects.toThrow(/option "key" is required/);
  });

  it('turns an unmatched no-change with notes into a warning, and a plain skip into nothing', async () => {
    const root = repo({ 'a.ini': '[push]\nregistry={{ somewhere }}\n', 'b.ini': '[x]\nregistry=y\n' });
    const t = defineTransform({
      name: 'unresolved',
      displayName: 'x',
      description: 'x',
      options: {},
      select: { formats: ['ini'] },
      visit: (file) => (file.path === 'a.ini' ? { outcome: 'nochange', notes: ['host variable somewhere is not defined anywhere'] } : { outcome: 'skip', reason: 'no' }),
    });
    const plan = await planSteps(root, [{ transform: t, options: {}, stage: 'S', target: 'the target' }], { environments: envs });
    expect(plan.warnings).toEqual([
      { code: 'TARGET_NOT_FOUND', severity: 'warning', path: 'a.ini', message: 'the target: host variable somewhere is not defined anywhere' },
    ]);
    expect(plan.notFound).toEqual([{ stage: 'S', target: 'the target' }]);
  });
});

describe('planSteps: render checks share renders, merged variables and parsed outputs', () => {
  /** Sets `registry` to `{{ reg }}`; the check gives `reg` for the after state (one object for every environment). */
  function templatedRegistry(expectFor: (env: string) => string) {
    const after = { reg: 'quay.io/x' };
    return defineTransform({
      name: 'templated-registry',
      displayName: 'x',
      description: 'test transform',
      options: {},
      select: { formats: ['ini'], contains: ['registry'] },
      visit(file) {
        const doc = file.document;
        if (doc.format !== 'ini') return { outcome: 'skip', reason: 'not ini' };
        const entry = doc.entries.find((e) => e.key === 'registry');
        if (!entry) return { outcome: 'skip', reason: 'no key' };
        return {
          outcome: 'changed',
          edits: [setValueEdit(entry, '{{ reg }}', 'templated registry')],
          checks: [
            {
              path: file.path,
              describe: 'registry from reg, env kept',
              vars: (_env, phase) => (phase === 'after' ? after : {}),
              expect: (before: RenderedData, env): RenderedData =>
                before.format === 'ini' ? { format: 'ini', value: { push: { registry: expectFor(env.name), env: env.name } } } : before,
            },
          ],
        };
      },
    });
  }
  const file = { 'roles/k/templates/flatpak.conf': '[push]\nregistry=old.example.org\nenv={{ env }}\n' };

  it("one extra object over each environment's own variables (the merge is per environment)", async () => {
    const plan = await planSteps(repo(file), [{ transform: templatedRegistry(() => 'quay.io/x'), options: {}, stage: 'S', target: 't' }], { environments: envs });
    expect(plan.errors).toEqual([]);
    expect(plan.changes.map((c) => c.after)).toEqual(['[push]\nregistry={{ reg }}\nenv={{ env }}\n']);
  });

  it('a wrong result in one environment only is caught there (environments and phases share parsed outputs)', async () => {
    const plan = await planSteps(repo(file), [{ transform: templatedRegistry((env) => (env === 'staging' ? 'quay.io/y' : 'quay.io/x')), options: {}, stage: 'S', target: 't' }], {
      environments: envs,
    });
    expect(plan.errors.map((e) => e.message)).toEqual([
      'in staging, the rendered result is not exactly the intended change (registry from reg, env kept): push.registry: expected "quay.io/y", got "quay.io/x"',
    ]);
  });
});

describe('planSteps: documents are parsed when a visit reads them', () => {
  /** A transform deciding on the text first; counts the documents it was given. */
  function textFirst(opts: { editFromText?: boolean } = {}) {
    const seen: string[] = [];
    const transform = defineTransform({
      name: 'text-first',
      displayName: 'Text first',
      description: 'test transform',
      options: {},
      select: { formats: ['ini'], contains: ['registry'] },
      claims: (text) => text.includes('registry='),
      visit(file) {
        if (!file.text.includes('[push]')) return { outcome: 'skip', reason: 'no push section' };
        if (opts.editFromText) {
          const at = file.text.indexOf('old');
          return { outcome: 'changed', edits: [{ start: at, end: at + 3, text: 'new' }] };
        }
        seen.push(file.document.format);
        return { outcome: 'nochange', matched: true };
      },
    });
    return { transform, seen };
  }

  it('a visit that skips on the text never sees a document, and a broken file it skips is no error', async () => {
    const root = repo({ 'a.ini': 'registry=old\n[pull\n', 'b.ini': '[push]\nregistry=old\n' });
    const { transform, seen } = textFirst();
    const plan = await planSteps(root, step(transform as never), { environments: envs });
    expect(plan.errors).toEqual([]);
    expect(seen).toEqual(['ini']);
  });

  it('reading the document of a file that does not parse ends the visit; the claim makes it an error at its line', async () => {
    const root = repo({ 'a.ini': '[push]\nregistry=old\n[pull\n' });
    const { transform, seen } = textFirst();
    const plan = await planSteps(root, step(transform as never), { environments: envs });
    expect(seen).toEqual([]);
    expect(plan.errors.map((e) => [e.code, e.path, e.line])).toEqual([['PARSE_ERROR', 'a.ini', 3]]);
  });

  it('an edit decided on the text alone still needs a document of a selected format', async () => {
    const root = repo({ 'a.ini': '[push]\nregistry=old\n[pull\n', 'b.ini': '[push]\nregistry=old\n' });
    const { transform } = textFirst({ editFromText: true });
    const plan = await planSteps(root, step(transform as never), { environments: envs });
    expect(plan.changes.map((c) => c.path)).toEqual(['b.ini']);
    expect(plan.errors.map((e) => [e.code, e.path])).toEqual([['PARSE_ERROR', 'a.ini']]);
  });

  it('reports how long each phase took', async () => {
    const root = repo({ 'b.ini': '[push]\nregistry=old\n' });
    const plan = await planSteps(root, step(setRegistry('quay.io/x')), { environments: envs });
    expect(plan.timings.map((t) => t.phase)).toEqual(['walk', 'scan', 'step Koji', 'verify']);
    expect(plan.timings.every((t) => t.ms >= 0)).toBe(true);
  });
});

describe('RepoIndex searches', () => {
  it('restricted to formats, skips files whose name rules the format out, keeps those whose content decides', async () => {
    const { RepoIndex } = await import('./repo-index.js');
    const { walkRepository } = await import('../repo/walk.js');
    const root = repo({
      'a.conf': 'Rewrite x\n',
      'b.yml': 'Rewrite: x\n',
      'c.txt': 'Rewrite x\n',
      'files/noext': 'Rewrite x\n',
      'd.conf.j2': 'Rewrite\n',
      'inventory/group_vars/all': 'Rewrite: 1\n',
    });
    const walk = await walkRepository(root);
    const index = new RepoIndex(walk.root, walk.files);
    expect(await index.pathsContaining(['Rewrite'])).toEqual(['a.conf', 'b.yml', 'c.txt', 'd.conf.j2', 'files/noext', 'inventory/group_vars/all']);
    expect(await index.pathsContaining(['Rewrite'], { formats: ['conf'] })).toEqual(['a.conf', 'd.conf.j2', 'files/noext']);
    expect(await index.pathsContaining(['Rewrite'], { formats: ['ini'] })).toEqual(['a.conf', 'd.conf.j2', 'files/noext']);
    expect(await index.pathsContaining(['Rewrite'], { formats: ['yaml'] })).toEqual(['b.yml', 'files/noext', 'inventory/group_vars/all']);
    expect(await index.pathsContaining(['Rewrite'], { formats: ['text'] })).toHaveLength(6);
    expect(await index.grep('Rewrite', { formats: ['yaml'] })).toEqual(['b.yml', 'files/noext', 'inventory/group_vars/all']);
    expect(await index.grep('Rewrite', { readByAnsible: true })).toEqual(['a.conf', 'b.yml', 'd.conf.j2', 'files/noext', 'inventory/group_vars/all']);
    expect(await index.grep('Rewrite')).toHaveLength(6);
  });
});

describe('planSteps: the YAML data check', () => {
  /** Sets `image:` of a YAML file to `value`, declaring `declared` (or nothing). */
  const setImage = (value: string, declared?: string) =>
    defineTransform({
      name: 'set-image',
      displayName: 'Set image',
      description: 'test transform',
      options: {},
      select: { formats: ['yaml'] },
      visit(file) {
        const doc = file.document;
        if (doc.format !== 'yaml') return { outcome: 'skip', reason: 'not yaml' };
        const pair = doc.pairsAt(['image'])[0];
        if (!pair || pair.value.value === value) return { outcome: 'nochange', matched: !!pair };
        return {
          outcome: 'changed',
          edits: [doc.scalarEdit(pair.value, value)],
          ...(declared !== undefined ? { data: [{ op: 'set' as const, at: ['image'], value: declared }] } : {}),
        };
      },
    });

  it('accepts an edit of untemplated YAML whose data change is declared', async () => {
    const plan = await planSteps(repo({ 'vars/main.yml': 'image: a\n' }), [{ transform: setImage('b', 'b'), options: {}, stage: 's', target: 't' }], { environments: envs });
    expect(plan.errors).toEqual([]);
    expect(plan.changes[0]?.after).toBe('image: b\n');
  });

  it('rejects a data change that is not declared, or not the declared one', async () => {
    const none = await planSteps(repo({ 'vars/main.yml': 'image: a\n' }), [{ transform: setImage('b', 'b'), options: {}, stage: 's', target: 't' }], { environments: envs });
    expect(none.errors).toEqual([]);
    const wrong = await planSteps(repo({ 'vars/main.yml': 'image: a\n' }), [{ transform: setImage('b', 'c'), options: {}, stage: 's', target: 't' }], { environments: envs });
    expect(wrong.errors.map((e) => e.code)).toEqual(['VERIFY_FAILED']);
  });

  it('leaves templates to the render checks', async () => {
    const plan = await planSteps(repo({ 'roles/a/templates/pod.yml': 'image: a\n' }), [{ transform: setImage('b'), options: {}, stage: 's', target: 't' }], { environments: envs });
    expect(plan.errors).toEqual([]);
  });
});

describe('planEvaluator', () => {
  it('evaluates a template once per environment and plan, extra variables each time', async () => {
    const rendered: string[] = [];
    const previous = setRenderBackend({
      name: 'counting',
      render: (text, vars) => {
        rendered.push(`${String(vars['env'])}:${text}`);
        return Promise.resolve(text.includes('bad') ? { ok: false, diagnostic: { code: 'RENDER_FAILED', severity: 'error', message: 'bad' }, undefinedVars: [], failure: { kind: 'error' } } : { ok: true, output: `${String(vars['env'])}/${String(vars['x'] ?? '')}`, undefinedVars: [] });
      },
    });
    try {
      const evaluate = planEvaluator();
      const [production, staging] = envs as [Environment, Environment];
      const t = "{{ env | upper }}{{ x | default('') }}";
      expect(await evaluate(t, production)).toBe('production/');
      expect(await evaluate(t, production)).toBe('production/');
      expect(await evaluate(t, staging)).toBe('staging/');
      expect(await evaluate(t, production, { x: 1 })).toBe('production/1');
      expect(await evaluate(t, production, { x: 1 })).toBe('production/1');
      await expect(evaluate('{{ bad | upper }}', production)).rejects.toThrow('bad');
      await expect(evaluate('{{ bad | upper }}', production)).rejects.toThrow('bad');
      expect(rendered).toEqual([`production:${t}`, `staging:${t}`, `production:${t}`, `production:${t}`, 'production:{{ bad | upper }}']);
      // Another plan evaluates again.
      expect(await planEvaluator()(t, production)).toBe('production/');
      expect(rendered).toHaveLength(6);
    } finally {
      setRenderBackend(previous);
    }
  });
});
