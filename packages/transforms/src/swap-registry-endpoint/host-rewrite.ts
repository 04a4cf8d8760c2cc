import type { Environment } from '@ansimod/core';
import type { EndpointMap } from '../endpoints/endpoint-map.js';
import { PORT_AFTER } from '../endpoints/host-chars.js';
import { findHostOccurrences, type Evaluate, type HostOccurrence } from '../endpoints/host-occurrences.js';
import { isEnvironmentChoice, perEnvironmentValue, targetsByEnvironment } from '../endpoints/per-environment.js';

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
    const targets = targetsByEnvironment(occ, map);
    for (const env of environments) {
      const target = targets[env.name];
      if (target) {
        values[env.name] = target.text;
        byEnv[env.name] = { from: occ.byEnv[env.name] as string, to: target.text };
      } else {
        // This environment's value names another host: it keeps naming it.
        values[env.name] = await evaluate(occ.source.replace(/\\\./g, '.'), env).catch(() => occ.source);
      }
    }
    let text = perEnvironmentValue(values, environments);
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

/**
 * A value that is one choice on `env` between string literals (a value this transform wrote
 * before, its literals now replaced) is written again from what it gives in each environment:
 * plainly when they agree, with an environment variable when one fits (so reversing a change
 * gives back `candidate-registry{{ env_suffix }}.fedoraproject.org`), else as the choice.
 */
async function simplified(value: string, environments: readonly Environment[], evaluate: Evaluate): Promise<string> {
  if (!isEnvironmentChoice(value)) return value;
  const values: Record<string, string> = {};
  for (const env of environments) {
    const v = await evaluate(value, env).catch(() => undefined);
    if (v === undefined) return value;
    values[env.name] = v;
  }
  return perEnvironmentValue(values, environments);
}
