import { defineTransform, renameKeyEdit, type JsonMember, type RenderedData, type VisitResult } from '@ansimod/core';
import { endpointMapFor } from '../endpoints/endpoint-map.js';
import { findHostOccurrences } from '../endpoints/host-occurrences.js';
import { perEnvironmentExpression, targetsByEnvironment } from '../endpoints/per-environment.js';
import { isRecord } from '../rendered-data.js';

function renameInRendered(value: unknown, from: string, to: string): unknown {
  if (!isRecord(value) || !isRecord(value.auths)) return value;
  const renamed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value.auths)) renamed[k === from ? to : k] = v;
  return { ...value, auths: renamed };
}

/**
 * `swap-docker-auth-host`: in docker client configurations (`.dockercfg` / `config.json`
 * templates), renames the `auths` entry of a mapped registry to the new registry's host.
 * A docker auth entry is keyed by registry host, so only the host is used, never the
 * namespace. The credentials inside the entry are not touched.
 *
 * @example
 * // {"auths":{"registry.example.org":{"auth":"{{ a }}"}}}  →  {"auths":{"quay.io":{"auth":"{{ a }}"}}}
 * await planSteps(root, [{ transform: swapDockerAuthHost, options: { maps: { 'registry.example.org': 'quay.io/example' } }, stage: 'OSBS', target: 'dockercfg' }]);
 */
export const swapDockerAuthHost = defineTransform({
  name: 'swap-docker-auth-host',
  displayName: 'Swap docker auth registry host',
  description:
    'Renames the auths entry of a mapped registry in docker client configuration templates (dockercfg, config.json) to the new registry host; credentials are kept.',
  options: {
    maps: {
      type: 'map',
      required: true,
      description: 'Registry host to its new host[/namespace]; the auth key becomes the new host.',
      example: 'candidate-registry.fedoraproject.org=quay.io/fedora',
    },
    reverse: {
      type: 'boolean',
      default: false,
      description: 'Set by --reverse: the maps are inverted; an auth key that several sources share is left alone (a docker auth key holds no namespace).',
      example: 'false',
    },
  },
  select: { formats: ['json'], contains: ['auths'] },
  /** A docker config that does not parse is still recognisable: an "auths" key and a mapped host. */
  claims: (text, o) => text.includes('"auths"') && endpointMapFor(o.maps).needles().some((n) => text.includes(n)),

  async visit(file, ctx): Promise<VisitResult> {
    const doc = file.document;
    if (doc.format !== 'json') return { outcome: 'skip', reason: 'not JSON' };
    const auths = doc.get(['auths']);
    if (!auths || auths.kind !== 'object') return { outcome: 'skip', reason: 'no "auths" object' };
    const map = endpointMapFor(ctx.options.maps);
    const targetHosts = new Set(map.allTargets().map((t) => t.host.toLowerCase()));
    const edits = [];
    const checks = [];
    const notes: string[] = [];
    let matched = false;
    for (const member of auths.members as JsonMember[]) {
      const occurrences = await findHostOccurrences(member.key, map, ctx.environments, (t, env) => ctx.evaluate(t, env));
      const occ = occurrences.find((o) => o.start === 0 && o.end === member.key.length);
      if (!occ) {
        if (targetHosts.has(member.key.toLowerCase())) matched = true;
        // Reversed maps are keyed by host/namespace; an auth key holds only the host, so it maps
        // back only when exactly one source lives on that host.
        const back = ctx.options.reverse ? map.sources().filter((s) => s.split('/')[0] === member.key.toLowerCase()) : [];
        if (back.length === 1) {
          const target = map.target(back[0] as string) as { host: string };
          edits.push(renameKeyEdit(member, target.host, `docker auth entry ${member.key} → ${target.host}`));
          notes.push(`auths.${member.key} → ${target.host}`);
        } else if (back.length > 1) {
          // Never silently partial: the key cannot be restored, so the reverse cannot be exact.
          const { line, column } = doc.lines.position(member.keySpan.start);
          return {
            outcome: 'error',
            diagnostic: {
              code: 'INVALID_OPTION',
              severity: 'error',
              path: file.path,
              line,
              column,
              message: `cannot restore auths.${member.key}: it may have come from ${back.join(' or ')} (a docker auth key holds the host only); restore it by hand`,
            },
          };
        }
        continue;
      }
      const byEnv: Record<string, string> = {};
      for (const [env, target] of Object.entries(targetsByEnvironment(occ, map))) byEnv[env] = target.host;
      if (!Object.keys(byEnv).length) continue;
      const newKey = perEnvironmentExpression(byEnv, ctx.environments);
      if (newKey === member.key) {
        matched = true;
        continue;
      }
      edits.push(renameKeyEdit(member, newKey, `docker auth entry ${member.key} → ${newKey}`));
      notes.push(`auths.${member.key} → ${newKey}`);
      checks.push({
        path: file.path,
        describe: `auths key ${member.key} becomes ${newKey}`,
        expect: (before: RenderedData, env: { name: string }): RenderedData => {
          if (before.format !== 'json') return before;
          const from = occ.byEnv[env.name];
          const to = byEnv[env.name];
          return from && to ? { format: 'json', value: renameInRendered(before.value, from, to) } : before;
        },
      });
    }
    if (!edits.length) {
      return matched
        ? { outcome: 'nochange', matched: true, notes: notes.length ? notes : ['auth keys already point to the new registry'] }
        : { outcome: 'skip', reason: 'no auth entry for a mapped registry' };
    }
    return { outcome: 'changed', edits, checks, notes };
  },
});
