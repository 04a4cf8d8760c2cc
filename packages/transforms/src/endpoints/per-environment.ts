import type { Environment } from '@ansimod/core';
import type { EndpointMap, EndpointTarget } from './endpoint-map.js';
import type { HostOccurrence } from './host-occurrences.js';

/** The environment a template's `else` branch stands for: the first one (production, from group_vars/all). */
function defaultEnvironment(environments: readonly Environment[]): Environment | undefined {
  return environments[0];
}

/** The value of the `env` variable that tells environments apart in templates. */
export function envValue(env: Environment): string {
  const v = env.vars.env;
  return typeof v === 'string' ? v : env.name;
}

function quoteJinjaString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The Jinja test that holds in one environment only, on the `env` variable as the repository's
 * own templates test it (for `{% if … %}` tags and choice expressions alike).
 *
 * @example
 * envCondition(staging); // => "env == 'staging'"
 */
export function envCondition(env: Environment): string {
  return `env == ${quoteJinjaString(envValue(env))}`;
}

/**
 * Writes a value that differs per environment as one Jinja expression on the `env` variable,
 * the way the repository's own templates tell environments apart. Equal values give the plain value.
 *
 * @example
 * perEnvironmentExpression({ production: 'quay.io/a', staging: 'quay.io/b' }, envs);
 * // => "{{ 'quay.io/b' if env == 'staging' else 'quay.io/a' }}"
 */
export function perEnvironmentExpression(values: Readonly<Record<string, string>>, environments: readonly Environment[]): string {
  const distinct = new Set(Object.values(values));
  const fallback = defaultEnvironment(environments);
  if (distinct.size <= 1 || !fallback) return [...distinct][0] ?? '';
  let expr = quoteJinjaString(values[fallback.name] ?? '');
  for (const env of [...environments].reverse()) {
    if (env === fallback) continue;
    const v = values[env.name];
    if (v === undefined || v === values[fallback.name]) continue;
    expr = `${quoteJinjaString(v)} if ${envCondition(env)} else ${expr}`;
  }
  return `{{ ${expr} }}`;
}

/** Host names in Ansible trees tell environments apart with `env_suffix` first of all (`koji{{ env_suffix }}.example.org`). */
const PREFERRED_ENV_VARS = ['env_suffix', 'env_prefix', 'env'];

function byPreference(a: string, b: string): number {
  const ra = PREFERRED_ENV_VARS.indexOf(a);
  const rb = PREFERRED_ENV_VARS.indexOf(b);
  if (ra !== rb) return (ra < 0 ? PREFERRED_ENV_VARS.length : ra) - (rb < 0 ? PREFERRED_ENV_VARS.length : rb);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Values that differ per environment written the way the repository's own templates write them:
 * one environment variable (`env_suffix`, `env_prefix`, `env`…) in an otherwise constant text, when
 * one fits every environment (`candidate-registry{{ env_suffix }}.fedoraproject.org` for
 * `candidate-registry.fedoraproject.org` / `candidate-registry.stg.fedoraproject.org`). Undefined
 * when the values are equal or no variable fits.
 *
 * @example
 * viaEnvironmentVariable({ production: 'a.example.org', staging: 'a.stg.example.org' }, envs); // => 'a{{ env_suffix }}.example.org'
 */
export function viaEnvironmentVariable(values: Readonly<Record<string, string>>, environments: readonly Environment[]): string | undefined {
  const first = environments[0];
  const target = first === undefined ? undefined : values[first.name];
  if (first === undefined || target === undefined || environments.length < 2) return undefined;
  if (environments.some((e) => values[e.name] === undefined) || environments.every((e) => values[e.name] === target)) return undefined;
  for (const name of Object.keys(first.vars).filter((n) => /^env(?:_|$)/.test(n)).sort(byPreference)) {
    const own = environments.map((e) => e.vars[name]);
    if (!own.every((v): v is string => typeof v === 'string') || new Set(own).size < 2) continue;
    const v0 = own[0] as string;
    for (let i = 0; i + v0.length <= target.length; i++) {
      if (!target.startsWith(v0, i)) continue;
      const before = target.slice(0, i);
      const after = target.slice(i + v0.length);
      if (environments.every((e, k) => values[e.name] === before + (own[k] as string) + after)) return `${before}{{ ${name} }}${after}`;
    }
  }
  return undefined;
}

/**
 * A value that may differ per environment, written the way the repository's own templates
 * write one: the plain value when all environments agree, else one environment variable in a
 * constant text when one fits ({@link viaEnvironmentVariable}), else a choice on `env`
 * ({@link perEnvironmentExpression}).
 *
 * @example
 * perEnvironmentValue({ production: 'a.example.org', staging: 'a.stg.example.org' }, envs); // => 'a{{ env_suffix }}.example.org'
 * perEnvironmentValue({ production: 'quay.io/a', staging: 'quay.io/b' }, envs); // => "{{ 'quay.io/b' if env == 'staging' else 'quay.io/a' }}"
 */
export function perEnvironmentValue(values: Readonly<Record<string, string>>, environments: readonly Environment[]): string {
  return viaEnvironmentVariable(values, environments) ?? perEnvironmentExpression(values, environments);
}

/** `{{ 'a' if env == 'staging' else 'b' }}` and longer chains of string literals on `env`. */
const ENV_CHOICE = /^\{\{ (?:'(?:[^'\\]|\\.)*' if env == '(?:[^'\\]|\\.)*' else )+'(?:[^'\\]|\\.)*' \}\}$/;

/**
 * Whether a value is a choice on `env` between string literals, as {@link perEnvironmentExpression}
 * writes it (so a value written by a transform can be recognised and written again).
 *
 * @example
 * isEnvironmentChoice("{{ 'quay.io/b' if env == 'staging' else 'quay.io/a' }}"); // => true
 * isEnvironmentChoice('{{ registry }}'); // => false
 */
export function isEnvironmentChoice(value: string): boolean {
  return ENV_CHOICE.test(value);
}

/**
 * The mapped target of a host occurrence in each environment where it names a mapped host.
 *
 * @example
 * targetsByEnvironment(occurrence, map); // => { production: { host: 'quay.io', namespace: 'fedora', … }, … }
 */
export function targetsByEnvironment(occ: HostOccurrence, map: EndpointMap): Record<string, EndpointTarget> {
  const out: Record<string, EndpointTarget> = {};
  for (const [env, host] of Object.entries(occ.byEnv)) {
    const t = map.target(host);
    if (t) out[env] = t;
  }
  return out;
}
