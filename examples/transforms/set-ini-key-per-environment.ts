/**
 * Example user transform: give an INI setting a value per environment, in the templates of a
 * service's configuration. Run it with
 * `ansimod plan --repo DIR --transform examples/transforms/set-ini-key-per-environment.ts`.
 * It imports from `@ansimod/core` only, like any transform written outside this repository.
 */
import {
  defineTransform,
  insertEntryEdit,
  isTemplatePath,
  setValueEdit,
  type Environment,
  type RenderedData,
  type TextEdit,
  type VisitResult,
} from '@ansimod/core';

function quoteJinja(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The value as written in the template: plain when every environment gets the same value,
 * otherwise one Jinja expression on `env`, the first environment of `values` being the `else`.
 * (Templates of an Ansible repository tell environments apart by the `env` variable.)
 *
 * @example
 * perEnvironmentValue({ production: '30', staging: '120' }); // => "{{ '120' if env == 'staging' else '30' }}"
 * perEnvironmentValue({ production: '60', staging: '60' });  // => '60'
 */
export function perEnvironmentValue(values: Readonly<Record<string, string>>): string {
  const entries = Object.entries(values);
  const [first, ...others] = entries;
  if (!first) return '';
  if (others.every(([, v]) => v === first[1])) return first[1];
  let expr = quoteJinja(first[1]);
  for (const [env, v] of [...others].reverse()) if (v !== first[1]) expr = `${quoteJinja(v)} if env == ${quoteJinja(env)} else ${expr}`;
  return `{{ ${expr} }}`;
}

/** The rendered INI with `key` of `section` set to this environment's value. */
function withValue(before: RenderedData, section: string, key: string, value: string): RenderedData {
  if (before.format !== 'ini' || !before.value || typeof before.value !== 'object') return before;
  const all = structuredClone(before.value) as Record<string, unknown>;
  const current = all[section];
  all[section] = { ...(current && typeof current === 'object' ? (current as Record<string, unknown>) : {}), [key]: value };
  return { format: 'ini', value: all };
}

/**
 * `set-ini-key-per-environment`: sets `key` in `[section]` of the selected INI files to a value
 * that depends on the environment (production, staging, … as found in the inventory). An
 * existing entry gets the new value; a missing one is added at the end of the section. An entry
 * that the template already sets inside a Jinja block (`{% if env == … %}`) is reported for a
 * person to merge, because rewriting one branch could contradict the other.
 *
 * @example
 * // [app:main]                              [app:main]
 * // skopeo.cmd = /usr/bin/bodhi-skopeo-lite   →  skopeo.cmd = {{ '/usr/bin/skopeo' if env == 'staging' else '/usr/bin/bodhi-skopeo-lite' }}
 */
export const setIniKeyPerEnvironment = defineTransform({
  name: 'set-ini-key-per-environment',
  displayName: 'Set INI key per environment',
  description: 'Sets an INI key in a given section to a value per environment, as one Jinja expression on env; adds the key when the section lacks it.',
  options: {
    files: {
      type: 'string[]',
      default: ['**/production.ini.j2'],
      description: 'Path patterns of the INI files (templates) to edit.',
      example: 'roles/bodhi2/base/templates/*.ini.j2',
    },
    section: {
      type: 'string',
      default: 'app:main',
      description: 'The section that holds the key.',
      example: 'app:main',
    },
    key: {
      type: 'string',
      default: 'skopeo.cmd',
      description: 'The key to set.',
      example: 'skopeo.cmd',
    },
    values: {
      type: 'map',
      default: { production: '/usr/bin/bodhi-skopeo-lite', staging: '/usr/bin/skopeo' },
      description: 'Environment name to the value it gets; the first one is the default for other environments in the template.',
      example: 'production=/usr/bin/bodhi-skopeo-lite staging=/usr/bin/skopeo',
    },
  },
  select: (options) => ({ formats: ['ini'], paths: options.files, contains: [`[${options.section}]`] }),

  visit(file, ctx): VisitResult {
    const doc = file.document;
    if (doc.format !== 'ini') return { outcome: 'skip', reason: 'not INI' };
    const { section, key, values } = ctx.options;
    const missing = ctx.environments.filter((e: Environment) => values[e.name] === undefined).map((e) => e.name);
    if (missing.length) {
      return { outcome: 'error', diagnostic: { code: 'INVALID_OPTION', severity: 'error', message: `values: no value for environment ${missing.join(', ')}` } };
    }
    if (!doc.section(section)) return { outcome: 'skip', reason: `no [${section}] section` };
    const value = perEnvironmentValue(values);
    const entries = doc.find(key, section);
    const inBlock = entries.find((e) => e.jinja.length > 0);
    if (inBlock) {
      return {
        outcome: 'error',
        diagnostic: { code: 'UNSUPPORTED_TEMPLATE', severity: 'error', line: inBlock.line, message: `${key} is set inside a Jinja {% ${inBlock.jinja[0]?.block.keyword ?? 'block'} %}; merge it by hand` },
      };
    }
    if (entries.length > 1) {
      return { outcome: 'error', diagnostic: { code: 'UNSUPPORTED_TEMPLATE', severity: 'error', line: entries[1]?.line, message: `${key} is set ${entries.length} times in [${section}]` } };
    }
    const [entry] = entries;
    if (entry?.value === value) return { outcome: 'nochange', matched: true, notes: [`${key} already set per environment`] };
    const reason = `[${section}] ${key} = ${value}`;
    const edit: TextEdit = entry ? setValueEdit(entry, value, reason) : insertEntryEdit(doc, { key, value }, { section }, reason);
    return {
      outcome: 'changed',
      edits: [edit],
      // The `ini` reader nests dotted section names; the check is only exact for plain ones.
      checks: isTemplatePath(file.path) && !section.includes('.')
        ? [{ path: file.path, describe: `[${section}] ${key} gets its per-environment value`, expect: (before, env) => withValue(before, section, key, values[env.name] ?? '') }]
        : [],
      notes: [reason],
    };
  },
});

export default setIniKeyPerEnvironment;
