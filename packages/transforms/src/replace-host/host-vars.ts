import type { Environment, FileRename } from '@ansimod/core';
import type { HostMap } from './host-map.js';
import { keptBy, type KeepRule } from './keep-rules.js';

/** `host_vars/<host>`, `<host>.yml|.yaml|.json`, or a file in the folder `<host>/`. */
const HOST_VARS = /(^|\/)host_vars\/([^/]+?)(\.ya?ml|\.json)?(\/.*)?$/;

/**
 * The rename of a `host_vars` file or folder entry named after a host that moves: the host's
 * variables move with it (Ansible finds them by the host's name). A host that moves in some
 * environments only, or to different names, keeps its file and says why; a keep rule keeps it.
 *
 * @example
 * hostVarsRename('inventory/host_vars/a.iad2.example.org', map, [], envs);
 * // => { rename: { from: 'inventory/host_vars/a.iad2.example.org', to: 'inventory/host_vars/a.rdu3.example.org', … } }
 */
export function hostVarsRename(
  path: string,
  map: HostMap,
  keep: readonly KeepRule[],
  environments: readonly Environment[],
): { rename?: FileRename; note?: string } {
  const m = HOST_VARS.exec(path);
  if (!m) return {};
  const host = m[2] as string;
  if (map.matchHost(host)?.suffix !== '') return {};
  const targets = new Set(environments.map((e) => map.target(host, e.name)));
  const [to] = targets;
  if (targets.size !== 1 || to === undefined) {
    return targets.size === 1 ? {} : { note: `host_vars ${host} names a host that moves in some environments only, or to different names (left as it is)` };
  }
  const rule = keptBy(keep, path, [host, to]);
  if (rule) return { note: `kept host_vars ${host} (${rule.reason})` };
  const at = m.index + (m[1] as string).length + 'host_vars/'.length;
  const next = path.slice(0, at) + to + path.slice(at + host.length);
  return { rename: { from: path, to: next, reason: `host_vars of ${host} moves with it to ${to}` } };
}
