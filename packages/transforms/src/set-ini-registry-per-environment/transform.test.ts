import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTemplate, validateRenderedIni, type AnyTransform, type Environment, type VisitResult } from '@ansimod/core';
import { recipeMaps, runTransformCase, testEnvironments } from '../../../../test/support/transform-test.js';
import { setIniRegistryPerEnvironment as transform } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

const bodhiDefaults = {
  'container.destination_registry': 'registry.fedoraproject.org',
  'container.source_registry': 'candidate-registry.fedoraproject.org',
};
const options = { maps: recipeMaps, defaults: bodhiDefaults };
const T = 'roles/bodhi2/base/templates/production.ini.j2';

/** What Bodhi would read for each managed key in `env`: the rendered value, else its commented default, else `defaults`. */
async function effectiveValues(text: string, env: Environment, defaults: Record<string, string>, section = 'app:main', vars: Record<string, unknown> = {}) {
  const r = await renderTemplate(text, { ...env.vars, ...vars });
  if (!r.ok) throw new Error(r.diagnostic.message);
  const rendered = validateRenderedIni(r.output);
  expect(rendered.problems).toEqual([]);
  const out: Record<string, string> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const commented = new RegExp(`^#\\s*${key.replace(/\./g, '\\.')}\\s*=\\s*(\\S+)`, 'm').exec(text)?.[1];
    out[key] = rendered.values.get(section)?.get(key) ?? commented ?? fallback;
  }
  return out;
}

describe('set-ini-registry-per-environment', () => {
  it('Bodhi shape: swaps the staging values and adds an else branch for production', async () => {
    const plan = await runTransformCase({
      transform,
      options,
      before: { [T]: fixture('bodhi-staging-only.before.ini.j2') },
      after: { [T]: fixture('bodhi-staging-only.after.ini.j2') },
    });
    expect(plan.steps[0]?.outcomes).toEqual([
      {
        path: T,
        outcome: 'changed',
        detail:
          'container.destination_registry: production: registry.fedoraproject.org (commented default) → quay.io/fedora; staging: registry.stg.fedoraproject.org → quay.io/fedora-testing; ' +
          'container.source_registry: production: candidate-registry.fedoraproject.org (commented default) → quay.io/fedora-candidates; staging: candidate-registry.stg.fedoraproject.org → quay.io/fedora-testing-candidates',
      },
    ]);
  });

  it('keys set unconditionally are set in place, per environment when their values differ', async () => {
    await runTransformCase({
      transform,
      options,
      before: { 'app/bodhi.ini.j2': fixture('unconditional.before.ini.j2') },
      after: { 'app/bodhi.ini.j2': fixture('unconditional.after.ini.j2') },
    });
  });

  it('keys set in both branches of an if/else are set in each branch', async () => {
    await runTransformCase({
      transform,
      options,
      before: { [T]: fixture('if-else.before.ini.j2') },
      after: { [T]: fixture('if-else.after.ini.j2') },
    });
  });

  it('keys only documented as commented defaults get plain entries after them', async () => {
    await runTransformCase({
      transform,
      options,
      before: { [T]: fixture('commented-only.before.ini.j2') },
      after: { [T]: fixture('commented-only.after.ini.j2') },
    });
  });

  const elifChain = (sep: string, dest: Record<string, string>, source: Record<string, string>, sourceInProduction: boolean) =>
    [
      '[app:main]',
      "{% if env == 'production' %}",
      `container.destination_registry${sep}${dest.production}`,
      ...(sourceInProduction ? [`container.source_registry${sep}${source.production}`] : []),
      "{% elif env == 'staging' %}",
      `container.destination_registry${sep}${dest.staging}`,
      `container.source_registry${sep}${source.staging}`,
      '{% endif %}',
      '',
    ].join('\n');
  const today = {
    dest: { production: 'registry.fedoraproject.org', staging: 'registry.stg.fedoraproject.org' },
    source: { production: '', staging: 'candidate-registry.stg.fedoraproject.org' },
  };
  const moved = { production: 'quay.io/fedora', staging: 'quay.io/fedora-testing' };
  const movedCandidates = { production: 'quay.io/fedora-candidates', staging: 'quay.io/fedora-testing-candidates' };

  it('a branch that is taken but lacks a key gets the key at its end', async () => {
    await runTransformCase({
      transform,
      options,
      before: { 'bodhi.ini.j2': elifChain(' = ', today.dest, today.source, false) },
      after: { 'bodhi.ini.j2': elifChain(' = ', moved, movedCandidates, true) },
    });
  });

  it('`key: value` entries are edited in their own style; the render check cannot read them yet', async () => {
    // The render check reads rendered INI with the `ini` package, which knows no `:` separator
    // (core's rendered.ts); until it reads INI as configparser does, such files are rejected.
    const plan = await runTransformCase({
      transform,
      options,
      before: { 'bodhi.ini.j2': elifChain(': ', today.dest, today.source, false) },
      expectErrors: ['container.destination_registry: registry.fedoraproject.org: missing'],
    });
    expect(plan.changes[0]?.after).toBe(elifChain(': ', moved, movedCandidates, true));
  });

  it('an elif chain that no environment escapes keeps its shape; an uncovered one gets an else', async () => {
    const envs: Environment[] = [...testEnvironments, { name: 'development', vars: { env: 'development', env_suffix: '.dev' }, source: [] }];
    const before = [
      '[app:main]',
      '# container.destination_registry = registry.fedoraproject.org',
      "{% if env == 'staging' %}",
      'container.destination_registry = registry.stg.fedoraproject.org',
      "{% elif env == 'development' %}",
      'container.destination_registry = localhost:5000',
      '{% endif %}',
      '',
    ].join('\n');
    const after = [
      '[app:main]',
      '# container.destination_registry = registry.fedoraproject.org',
      "{% if env == 'staging' %}",
      'container.destination_registry = quay.io/fedora-testing',
      "{% elif env == 'development' %}",
      'container.destination_registry = localhost:5000',
      '{% else %}',
      'container.destination_registry = quay.io/fedora',
      '{% endif %}',
      '',
    ].join('\n');
    await runTransformCase({
      transform,
      options: { maps: recipeMaps, defaults: { 'container.destination_registry': 'registry.fedoraproject.org' } },
      environments: envs,
      before: { [T]: before },
      after: { [T]: after },
    });
  });

  it('an already migrated file is left alone and counts as matched', async () => {
    const plan = await runTransformCase({ transform, options, before: { [T]: fixture('bodhi-staging-only.after.ini.j2') } });
    expect(plan.steps[0]?.found).toBe(true);
    expect(plan.steps[0]?.outcomes.map((o) => o.outcome)).toEqual(['nochange']);
  });

  it('a file without the keys or their commented defaults is skipped', async () => {
    const plan = await runTransformCase({ transform, options, before: { [T]: fixture('no-keys.ini.j2') } });
    expect(plan.steps[0]?.found).toBe(false);
    expect(plan.steps[0]?.outcomes).toEqual([]);
  });

  it('a file whose values no map names is not a match', async () => {
    const text = '[app:main]\ncontainer.destination_registry = localhost:5000\ncontainer.source_registry = localhost:5001\n';
    const plan = await runTransformCase({ transform, options, before: { 'bodhi.ini': text } });
    expect(plan.steps[0]?.outcomes).toEqual([{ path: 'bodhi.ini', outcome: 'nochange', detail: 'no managed value names a mapped registry' }]);
    expect(plan.steps[0]?.found).toBe(false);
  });

  it('keeps CRLF line endings, in edited and in new lines', async () => {
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    await runTransformCase({
      transform,
      options,
      before: { [T]: crlf(fixture('bodhi-staging-only.before.ini.j2')) },
      after: { [T]: crlf(fixture('bodhi-staging-only.after.ini.j2')) },
    });
  });

  it('works with custom maps and keys, copying the spacing of the neighbouring entries', async () => {
    const fourHosts = {
      'images.example.org': 'registry.example.net/prod',
      'images-candidate.example.org': 'registry.example.net/prod-candidate',
      'images.stg.example.org': 'registry.example.net/stg',
      'images-candidate.stg.example.org': 'registry.example.net/stg-candidate',
    };
    const before = [
      '[images]',
      '#push_registry=images.example.org',
      '#pull_registry=images-candidate.example.org',
      '{% if env == "staging" %}',
      '    push_registry=images.stg.example.org/flatpaks',
      '    pull_registry=images-candidate{{ env_suffix }}.example.org',
      '{% endif %}',
      '[other]',
      'registry = images.example.org',
    ].join('\n');
    const after = [
      '[images]',
      '#push_registry=images.example.org',
      '#pull_registry=images-candidate.example.org',
      '{% if env == "staging" %}',
      '    push_registry=registry.example.net/stg/flatpaks',
      '    pull_registry=registry.example.net/stg-candidate',
      '{% else %}',
      '    push_registry=registry.example.net/prod',
      '    pull_registry=registry.example.net/prod-candidate',
      '{% endif %}',
      '[other]',
      'registry = images.example.org',
    ].join('\n');
    await runTransformCase({
      transform,
      options: { maps: fourHosts, defaults: { push_registry: 'images.example.org', pull_registry: 'images-candidate.example.org' }, section: 'images' },
      before: { 'svc/images.ini.j2': before },
      after: { 'svc/images.ini.j2': after },
    });
  });

  it('reverse: the inverse maps give every environment its original registries back', async () => {
    const oneToOne = {
      'registry.fedoraproject.org': 'quay.io/fedora',
      'candidate-registry.fedoraproject.org': 'quay.io/fedora-candidate',
      'registry.stg.fedoraproject.org': 'quay.io/fedora-testing',
      'candidate-registry.stg.fedoraproject.org': 'quay.io/fedora-testing-candidate',
    };
    const inverse = Object.fromEntries(Object.entries(oneToOne).map(([a, b]) => [b, a]));
    const original = fixture('bodhi-staging-only.before.ini.j2');
    const forward = await runTransformCase({
      transform,
      options: { maps: oneToOne, defaults: bodhiDefaults },
      before: { [T]: original },
      after: { [T]: fixture('bodhi-staging-only.after.ini.j2').replace(/source_registry = quay\.io\/fedora(-testing)?-candidates/g, 'source_registry = quay.io/fedora$1-candidate') },
    });
    const migrated = forward.changes[0]?.after as string;
    const backward = await runTransformCase({
      transform,
      options: { maps: inverse, defaults: bodhiDefaults },
      before: { [T]: migrated },
      after: { [T]: fixture('bodhi-reversed.ini.j2') },
    });
    const reversed = backward.changes[0]?.after as string;
    for (const env of testEnvironments) {
      expect(await effectiveValues(reversed, env, bodhiDefaults), env.name).toEqual(await effectiveValues(original, env, bodhiDefaults));
      expect(await effectiveValues(migrated, env, bodhiDefaults), env.name).not.toEqual(await effectiveValues(original, env, bodhiDefaults));
    }
  });

  describe('verification rejects a wrong edit', () => {
    /** The transform with its edits tampered with after planning, its render check untouched. */
    const tampered = (tamper: (text: string) => string): AnyTransform => ({
      ...transform,
      visit: async (file, ctx) => {
        const r: VisitResult = await transform.visit(file, ctx);
        if (r.outcome !== 'changed') return r;
        return { ...r, edits: r.edits.map((e) => ({ ...e, text: tamper(e.text) })) };
      },
    });

    it('catches a value that is not the mapped one', async () => {
      await runTransformCase({
        transform: tampered((t) => t.replace('quay.io/fedora-testing', 'quay.io/fedora')),
        options,
        before: { [T]: fixture('bodhi-staging-only.before.ini.j2') },
        expectErrors: ['in staging, the rendered result is not exactly the intended change', 'app:main.container.destination_registry: expected "quay.io/fedora-testing", got "quay.io/fedora"'],
      });
    });

    it('catches a change to another key', async () => {
      await runTransformCase({
        transform: tampered((t) => (t.includes('{% else %}') ? `${t}use = egg:other\n` : t)),
        options,
        before: { [T]: fixture('bodhi-staging-only.before.ini.j2') },
        expectErrors: ['in production, the rendered result is not exactly the intended change', 'app:main.use: expected "egg:bodhi-server", got "egg:other"'],
      });
    });
  });

  it('reports a managed key inside a for loop as an error, not a guess', async () => {
    const text = '[app:main]\n{% for r in regs %}\ncontainer.source_registry = {{ r }}\n{% endfor %}\n# container.destination_registry = registry.fedoraproject.org\n';
    const plan = await runTransformCase({ transform, options, before: { 'a/registry.ini.j2': text }, expectErrors: ['inside a {% for %} block'] });
    expect(plan.errors[0]?.code).toBe('UNSUPPORTED_TEMPLATE');
    expect(plan.changes).toEqual([]);
  });

  it('refuses to guess a condition or value that depends on host variables', async () => {
    const hostCondition = [
      '[app:main]',
      '# container.destination_registry = registry.fedoraproject.org',
      "{% if inventory_hostname.startswith('bodhi-backend') %}",
      'container.destination_registry = registry.stg.fedoraproject.org',
      '{% endif %}',
      '',
    ].join('\n');
    const plan = await runTransformCase({
      transform,
      options,
      before: { [T]: hostCondition },
      expectErrors: ["cannot tell whether {% if inventory_hostname.startswith('bodhi-backend') %} holds in production: it uses inventory_hostname"],
    });
    expect(plan.errors[0]).toMatchObject({ code: 'RENDER_FAILED', line: 3 });
    const hostValue = '[app:main]\ncontainer.source_registry = {{ bodhi_source_registry }}\n';
    await runTransformCase({
      transform,
      options,
      before: { [T]: hostValue },
      expectErrors: ['cannot tell the value of container.source_registry in production: it uses bodhi_source_registry'],
    });
    // A guarded use is fine: the variable is known to be undefined in every environment.
    const guarded = "[app:main]\n{% if registry_override is defined %}\ncontainer.source_registry = {{ registry_override }}\n{% endif %}\n";
    await runTransformCase({
      transform,
      options: { maps: recipeMaps, defaults: { 'container.source_registry': 'candidate-registry.fedoraproject.org' } },
      before: { [T]: guarded },
      after: { [T]: guarded.replace('{% endif %}', '{% else %}\ncontainer.source_registry = quay.io/fedora-candidates\n{% endif %}') },
    });
  });

  it('refuses to add a branch when the end tag shares its line', async () => {
    const text = [
      '[app:main]',
      '# container.destination_registry = registry.fedoraproject.org',
      "{% if env == 'staging' %}",
      'container.destination_registry = registry.stg.fedoraproject.org',
      '{% endif %}{# staging only #}',
      '',
    ].join('\n');
    const plan = await runTransformCase({ transform, options, before: { [T]: text }, expectErrors: ['shares its line with other text'] });
    expect(plan.errors[0]).toMatchObject({ code: 'UNSUPPORTED_TEMPLATE', line: 3 });
    expect(plan.changes).toEqual([]);
  });

  it('the fixture repository’s Bodhi template renders the mapped values in production and staging', async () => {
    const path = new URL('../../../../fixtures/ansible/roles/bodhi2/base/templates/production.ini.j2', import.meta.url);
    const before = readFileSync(path, 'utf8');
    const after = before
      .replace('container.destination_registry = registry.stg.fedoraproject.org', 'container.destination_registry = quay.io/fedora-testing')
      .replace('container.source_registry = candidate-registry.stg.fedoraproject.org', 'container.source_registry = quay.io/fedora-testing-candidates')
      .replace(
        "quay.io/fedora-testing-candidates\n{% endif %}",
        'quay.io/fedora-testing-candidates\n{% else %}\ncontainer.destination_registry = quay.io/fedora\ncontainer.source_registry = quay.io/fedora-candidates\n{% endif %}',
      );
    expect(after).not.toBe(before);
    const plan = await runTransformCase({ transform, options, before: { [T]: before }, after: { [T]: after } });
    expect(plan.changes).toHaveLength(1);
    const hostVars = { inventory_hostname: 'bodhi-backend01.iad2.fedoraproject.org' };
    const expected: Record<string, string> = { production: 'quay.io/fedora', staging: 'quay.io/fedora-testing' };
    for (const env of testEnvironments) {
      const r = await renderTemplate(after, { ...env.vars, ...hostVars });
      if (!r.ok) throw new Error(r.diagnostic.message);
      const values = validateRenderedIni(r.output).values.get('app:main');
      expect(values?.get('container.destination_registry'), env.name).toBe(expected[env.name]);
      expect(values?.get('container.source_registry'), env.name).toBe(`${expected[env.name]}-candidates`);
    }
  });
});
