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
    expr = `${quoteJinjaString(v)} if env == ${quoteJinjaString(envValue(env))} else ${expr}`;
  }
  return `{{ ${expr} }}`;
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
