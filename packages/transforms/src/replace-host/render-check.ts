import type { Environment, RenderCheck, RenderedData } from '@ansimod/core';
import { mapRenderedHosts, type HostTargets } from '../endpoints/rendered-hosts.js';
import type { HostMap } from './host-map.js';

/** A host written with escaped dots, as in a regular expression (`proxy01\.iad2\.example\.org`). */
const ESCAPED_HOST = /[A-Za-z0-9-]+(?:\\\.[A-Za-z0-9-]+)+/g;

/** The rendered text with its hosts moved, those written regex-escaped too. */
function mapText(text: string, targets: HostTargets): string {
  const unescaped = text.includes('\\.')
    ? text.replace(ESCAPED_HOST, (m) => {
        const moved = mapRenderedHosts(m.replace(/\\\./g, '.'), targets, { keepPorts: true });
        return moved === m.replace(/\\\./g, '.') ? m : moved.replace(/\./g, '\\.');
      })
    : text;
  return mapRenderedHosts(unescaped, targets, { keepPorts: true });
}

/** Every string of a value (mapping keys included) with its hosts moved. */
function mapDeep(value: unknown, targets: HostTargets): unknown {
  if (typeof value === 'string') return mapText(value, targets);
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, targets));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[mapText(k, targets)] = mapDeep(v, targets);
    return out;
  }
  return value;
}

/** The inventory variables of an environment with every host of a map moved, once per map and environment. */
const movedVars = new WeakMap<HostMap, WeakMap<Environment, Record<string, unknown>>>();

function varsAfter(map: HostMap, env: Environment, targets: HostTargets, keptHosts: ReadonlySet<string>): Record<string, unknown> {
  // Hosts a keep rule keeps in one file make that file's variables its own.
  if (keptHosts.size > 0) return mapDeep(env.vars, targets) as Record<string, unknown>;
  let byEnv = movedVars.get(map);
  if (!byEnv) movedVars.set(map, (byEnv = new WeakMap()));
  let vars = byEnv.get(env);
  if (!vars) byEnv.set(env, (vars = mapDeep(env.vars, targets) as Record<string, unknown>));
  return vars;
}

/**
 * The render check of a file whose hosts moved: rendered in every environment, the after state
 * must be the before state with every host of the map moved (ports kept) and nothing else —
 * computed from the rendered output alone, by another scanner than the one that found the
 * edits. Variables are moved the same way for the after state, as the inventory's definitions
 * move with the plan; the hosts a keep rule keeps in the file stay.
 *
 * @example
 * hostMoveCheck('roles/a/templates/x.conf', map, new Set());
 */
export function hostMoveCheck(path: string, map: HostMap, keptHosts: ReadonlySet<string>): RenderCheck {
  const view = (env: Environment): HostTargets => map.forEnvironment(env.name, (h) => keptHosts.has(h.toLowerCase()));
  return {
    path,
    describe: 'every host of the map moved, nothing else',
    skipUnrendered: true,
    linesWhenUnparsed: true,
    vars: (env, phase) => (phase === 'after' ? varsAfter(map, env, view(env), keptHosts) : {}),
    expect: (before: RenderedData, env): RenderedData =>
      'value' in before
        ? { format: before.format, value: mapDeep(before.value, view(env)) }
        : { format: before.format, lines: before.lines.map((l) => mapText(l, view(env))) },
  };
}
