import { defineTransform, type Environment, type IniDocument, type JinjaBlock, type TextEdit, type VisitResult } from '@ansimod/core';
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
 * For `--reverse`: the last `{% else %}` branch of an `{% if %}` whose body is only managed
 * entries, each set back (by the planned edits) to its default — the branch the forward change
 * added for environments that relied on the defaults. Removing it restores the file exactly and
 * changes nothing the application reads.
 */
async function defaultOnlyElse(
  doc: IniDocument,
  edits: readonly TextEdit[],
  defaults: Readonly<Record<string, string>>,
  environments: readonly Environment[],
  branches: BranchActivity,
): Promise<{ edit: TextEdit; environments: string[]; keys: string[] } | undefined> {
  const blocks: JinjaBlock[] = [];
  const walk = (list: readonly JinjaBlock[]): void => list.forEach((b) => (blocks.push(b), walk(b.children)));
  walk(doc.jinja.blocks);
  for (const block of blocks) {
    const last = block.branches[block.branches.length - 1];
    if (block.keyword !== 'if' || !block.close || last?.keyword !== 'else') continue;
    const from = doc.lines.lineStart(doc.lines.position(last.start).line);
    const to = doc.lines.lineStart(doc.lines.position(block.close.start).line);
    if (doc.text.slice(from, last.start).trim() || doc.text.slice(last.end, doc.lines.lineEnd(doc.lines.position(last.end).line)).trim()) continue;
    const body = doc.lines.position(last.end).line + 1;
    const end = doc.lines.position(block.close.start).line;
    const keys: string[] = [];
    let ok = end > body;
    for (let line = body; line < end && ok; line++) {
      const entry = doc.entries.find((e) => e.line === line);
      const wantedDefault = entry ? defaults[entry.key] : undefined;
      const edit = entry && edits.find((e) => e.start === entry.valueSpan.start && e.end === entry.valueSpan.end);
      const value = edit ? edit.text : entry?.value;
      ok = !!entry && wantedDefault !== undefined && value === wantedDefault;
      if (entry) keys.push(entry.key);
    }
    if (!ok) continue;
    const index = block.branches.length;
    const envs: string[] = [];
    for (const env of environments) if ((await branches.takenBranch(block, env)) === index) envs.push(env.name);
    return { edit: { start: from, end: to, text: '', reason: 'remove the {% else %} branch that set the defaults' }, environments: envs, keys };
  }
  return undefined;
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
    reverse: {
      type: 'boolean',
      default: false,
      description:
        'Set by --reverse: an `{% else %}` branch that holds only managed keys, each set back to its default, is removed — it is the branch the forward change added.',
      example: 'false',
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

    const dropped = ctx.options.reverse ? await defaultOnlyElse(doc, plan.edits, ctx.options.defaults, environments, branches) : undefined;
    const edits = dropped ? [...plan.edits.filter((e) => e.end <= dropped.edit.start || e.start >= dropped.edit.end), dropped.edit] : plan.edits;
    const expected = new Map<string, Map<string, string | null>>();
    for (const env of environments) {
      const settings = new Map<string, string | null>();
      for (const k of touched) {
        const wanted = k.byEnv.get(env.name)?.wanted;
        if (dropped?.environments.includes(env.name) && dropped.keys.includes(k.key)) settings.set(k.key, null);
        else if (wanted !== undefined && plan.setAfter.get(env.name)?.has(k.key)) settings.set(k.key, wanted);
      }
      expected.set(env.name, settings);
    }
    if (dropped) notes.push('the {% else %} branch that set the defaults is removed');
    return { outcome: 'changed', edits, checks: [registryRenderCheck(file.path, section, expected)], notes };
  },
});
