import type { Environment } from '@ansimod/core';
import type { EndpointMap } from '../endpoints/endpoint-map.js';
import { PORT_AFTER } from '../endpoints/host-chars.js';
import { findHostOccurrences, type Evaluate, type HostOccurrence } from '../endpoints/host-occurrences.js';
import { perEnvironmentExpression } from '../endpoints/per-environment.js';

/** One host occurrence of a value and what it is replaced with. */
export interface HostReplacement {
  occurrence: HostOccurrence;
  /** Offsets in the value of the text replaced (the host, and a `:port` after it). */
  start: number;
  end: number;
  /** The target text, or a per-environment Jinja expression when environments differ. */
  text: string;
  /** Per environment: the host it named → the `host/namespace` it names now. */
  byEnv: Record<string, { from: string; to: string }>;
}

/** A value with every mapped registry host replaced by its target. */
export interface RewrittenValue {
  value: string;
  replacements: HostReplacement[];
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

function insideJinjaTag(value: string, offset: number): boolean {
  const open = Math.max(value.lastIndexOf('{{', offset), value.lastIndexOf('{%', offset));
  if (open < 0) return false;
  const close = Math.max(value.lastIndexOf('}}', offset), value.lastIndexOf('%}', offset));
  return close < open;
}

/**
 * Replaces every mapped registry host written in `value` (literal, or split by Jinja and
 * evaluated per environment) with its target `host/namespace`. What follows the host (a path, a
 * tag) is kept after the namespace; a port is dropped, since the target names its own endpoint.
 * A Jinja-split host whose environments map to different targets becomes one
 * `{{ 'a' if env == 'staging' else 'b' }}` expression. Hosts followed by more labels
 * (`host.cert`, a file name) are not hosts and stay. Undefined when nothing is mapped.
 *
 * @example
 * await rewriteHosts('docker://candidate-registry.fedoraproject.org', map, envs, evaluate);
 * // => { value: 'docker://quay.io/fedora', replacements: [ … ] }
 */
export async function rewriteHosts(
  value: string,
  map: EndpointMap,
  environments: readonly Environment[],
  evaluate: Evaluate,
): Promise<RewrittenValue | undefined> {
  const found = (await findHostOccurrences(value, map, environments, evaluate)).filter((o) => o.suffix === '');
  if (found.length === 0) return undefined;
  const replacements: HostReplacement[] = [];
  for (const occ of found) {
    const values: Record<string, string> = {};
    const byEnv: Record<string, { from: string; to: string }> = {};
    for (const env of environments) {
      const host = occ.byEnv[env.name];
      const target = host === undefined ? undefined : map.target(host);
      if (host !== undefined && target) {
        values[env.name] = target.text;
        byEnv[env.name] = { from: host, to: target.text };
      } else {
        // This environment's value names another host: it keeps naming it.
        values[env.name] = await evaluate(occ.source.replace(/\\\./g, '.'), env).catch(() => occ.source);
      }
    }
    let text = viaEnvironmentVariable(values, environments) ?? perEnvironmentExpression(values, environments);
    if (text.startsWith('{{') && insideJinjaTag(value, occ.start)) continue; // cannot nest an expression in a tag
    if (occ.source.includes('\\.') && !text.startsWith('{{')) text = text.replace(/\./g, '\\.');
    const port = PORT_AFTER.exec(value.slice(occ.end))?.[0] ?? '';
    replacements.push({ occurrence: occ, start: occ.start, end: occ.end + port.length, text, byEnv });
  }
  if (replacements.length === 0) return undefined;
  const parts: string[] = [];
  let at = 0;
  for (const r of replacements) {
    parts.push(value.slice(at, r.start), r.text);
    at = r.end;
  }
  parts.push(value.slice(at));
  return { value: await simplified(parts.join(''), environments, evaluate), replacements };
}

/** `{{ 'a' if env == 'staging' else 'b' }}` and longer chains of string literals on `env`: what perEnvironmentExpression writes. */
const ENV_CHOICE = /^\{\{ (?:'(?:[^'\\]|\\.)*' if env == '(?:[^'\\]|\\.)*' else )+'(?:[^'\\]|\\.)*' \}\}$/;

/**
 * A value that is one choice on `env` between string literals (a value this transform wrote
 * before, its literals now replaced) is written again from what it gives in each environment:
 * plainly when they agree, with an environment variable when one fits (so reversing a change
 * gives back `candidate-registry{{ env_suffix }}.fedoraproject.org`), else as the choice.
 */
async function simplified(value: string, environments: readonly Environment[], evaluate: Evaluate): Promise<string> {
  if (!ENV_CHOICE.test(value)) return value;
  const values: Record<string, string> = {};
  for (const env of environments) {
    const v = await evaluate(value, env).catch(() => undefined);
    if (v === undefined) return value;
    values[env.name] = v;
  }
  return viaEnvironmentVariable(values, environments) ?? perEnvironmentExpression(values, environments);
}
