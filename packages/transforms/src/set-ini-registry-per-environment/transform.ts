import { defineTransform, type Environment, type VisitResult } from '@ansimod/core';
import { endpointMapFor } from '../endpoints/endpoint-map.js';
import { BranchActivity } from './branch-activity.js';
import { knownVariablesOnly } from './known-variables.js';
import { managedSection, readManagedKeys, type ManagedKey } from './managed-keys.js';
import { planRegistryEdits } from './plan-edits.js';
import { registryRenderCheck } from './render-check.js';

/** One line per touched key: where each environment's value comes from and where it goes. */
function describeKeys(keys: readonly ManagedKey[], environments: readonly Environment[]): string[] {
  return keys.map((k) => {
    const parts = environments.map((env) => {
      const s = k.byEnv.get(env.name);
      if (s === undefined) return `${env.name}: ?`;
      const from = s.from === 'file' ? '' : ` (${s.from})`;
      return s.wanted === s.effective ? `${env.name}: ${s.wanted}${from}` : `${env.name}: ${s.effective}${from} → ${s.wanted}`;
    });
    return `${k.key}: ${parts.join('; ')}`;
  });
}

/**
 * `set-ini-registry-per-environment`: points registry settings of an INI file (Bodhi's
 * `container.destination_registry` / `container.source_registry`) to their new registry in
 * every environment — including environments that rely on the application's built-in default
 * today — by reading which `{% if env == … %}` branch each environment takes, setting the values
 * that are there and adding an `{% else %}` branch (or plain entries) for the others.
 *
 * @example
 * await planSteps(root, [{
 *   transform: setIniRegistryPerEnvironment,
 *   options: {
 *     maps: { 'registry.fedoraproject.org': 'quay.io/fedora', 'registry.stg.fedoraproject.org': 'quay.io/fedora-testing' },
 *     defaults: { 'container.destination_registry': 'registry.fedoraproject.org' },
 *   },
 *   stage: 'Bodhi',
 *   target: 'production.ini',
 * }]);
 */
export const setIniRegistryPerEnvironment = defineTransform({
  name: 'set-ini-registry-per-environment',
  displayName: 'Set INI registry settings per environment',
  description:
    'Moves registry-valued INI settings to their mapped registry in every environment, setting them where a template leaves them to the application default.',
  options: {
    maps: {
      type: 'map',
      required: true,
      description: 'Registry host (or host/namespace, for reversing) to its new host[/namespace].',
      example: 'registry.fedoraproject.org=quay.io/fedora',
    },
    defaults: {
      type: 'map',
      required: true,
      description:
        'The keys to manage, each with the value the application uses when the file does not set it (its built-in default).',
      example: 'container.destination_registry=registry.fedoraproject.org',
    },
    section: {
      type: 'string',
      description: 'Only manage the keys in this section (default: the section holding the keys or their commented defaults).',
      example: 'app:main',
    },
  },
  select: (o) => ({ formats: ['ini'], contains: Object.keys(o.defaults) }),
  /** An INI template that does not parse but sets or documents a managed key is a target we cannot read. */
  claims: (text, o) => Object.keys(o.defaults).some((k) => text.includes(k)),

  async visit(file, ctx): Promise<VisitResult> {
    const doc = file.document;
    if (doc.format !== 'ini') return { outcome: 'skip', reason: 'not an INI document' };
    const keyNames = Object.keys(ctx.options.defaults);
    const section = managedSection(doc, keyNames, ctx.options.section);
    if (section === undefined) return { outcome: 'skip', reason: 'no managed key is set or documented as a commented default' };

    const map = endpointMapFor(ctx.options.maps);
    const evaluate = knownVariablesOnly((template: string, env: Environment) => ctx.evaluate(template, env), file.path);
    const branches = new BranchActivity(evaluate, file.path, doc.lines);
    const environments = ctx.environments;
    const keys = await readManagedKeys(doc, { section, defaults: ctx.options.defaults, environments, branches, evaluate, map });
    const touched = keys.filter((k) => k.touched);
    if (touched.length === 0) {
      return { outcome: 'nochange', matched: false, notes: ['no managed value names a mapped registry'] };
    }
    const notes = describeKeys(touched, environments);
    const plan = await planRegistryEdits(doc, touched, { section, environments, branches, managedKeys: keyNames });
    if (plan.edits.length === 0) return { outcome: 'nochange', matched: true, notes };

    const expected = new Map<string, Map<string, string>>();
    for (const env of environments) {
      const settings = new Map<string, string>();
      for (const k of touched) {
        const wanted = k.byEnv.get(env.name)?.wanted;
        if (wanted !== undefined && plan.setAfter.get(env.name)?.has(k.key)) settings.set(k.key, wanted);
      }
      expected.set(env.name, settings);
    }
    return { outcome: 'changed', edits: plan.edits, checks: [registryRenderCheck(file.path, section, expected)], notes };
  },
});
