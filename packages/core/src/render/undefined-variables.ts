/**
 * Undefined variables named, not guessed: when a template needs a variable that no inventory
 * source defines for an environment, the render cannot be verified there. This turns the names a
 * render reports ({@link RenderResult.undefinedVars}) into the "unverifiable here" diagnostic,
 * naming each variable and where Ansible would look for it.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Environment } from '../env/types.js';

/** Variables Ansible itself provides per host or play, never found in group_vars. */
const ANSIBLE_PROVIDED = new Set([
  'inventory_hostname',
  'inventory_hostname_short',
  'ansible_hostname',
  'ansible_fqdn',
  'ansible_host',
  'hostvars',
  'groups',
  'group_names',
  'play_hosts',
  'ansible_play_hosts',
  'ansible_facts',
  'ansible_managed',
  'role_path',
  'playbook_dir',
  'inventory_dir',
  'omit',
]);

/** The variable a reported name starts with: `d.x` → `d`, `x()` → `x`, `groups['web']` → `groups`. */
function rootName(name: string): string {
  return /^[A-Za-z_]\w*/.exec(name)?.[0] ?? name;
}

/**
 * Where Ansible would look for `name` in `env`, as a sentence: the other environments that do
 * define it (so it is a per-environment value missing here), Ansible's per-host variables, or
 * host_vars, play/role vars and extra vars.
 *
 * @example
 * whereAnsibleLooks('osbs_push_user_prod', prod, [prod, stg]); // "not defined for production by … (group_vars/all …); Ansible would look in host_vars/, play or role vars, or --extra-vars"
 */
export function whereAnsibleLooks(name: string, env: Environment, environments: readonly Environment[]): string {
  const root = rootName(name);
  if (ANSIBLE_PROVIDED.has(root)) return `Ansible sets '${root}' per host or play at run time (it is not in any inventory file)`;
  if (root !== name && root in env.vars) return `'${root}' is defined for ${env.name} but has no '${name.slice(root.length).replace(/^\./, '')}'`;
  const elsewhere = environments.filter((e) => e !== env && root in e.vars).map((e) => e.name);
  const read = env.source.length ? env.source.join(', ') : 'no inventory file';
  if (elsewhere.length) {
    return `defined for ${elsewhere.join(', ')} but not for ${env.name} (read ${read}); Ansible would look in host_vars/ of ${env.name}'s hosts, play or role vars, or --extra-vars`;
  }
  return `no inventory source defines it for ${env.name} (read ${read}); Ansible would look in host_vars/, play or role vars (vars/, defaults/), a vault file, or --extra-vars`;
}

/**
 * The "unverifiable here" diagnostic (a warning: not a failed edit, never a silent pass) of a
 * render of `path` in `env` that used the undefined `names`, or `undefined` when there are none.
 * Names with the same answer to "where would Ansible look" are given together.
 *
 * @example
 * unverifiableHere('roles/x/templates/a.conf', ['db_password'], prod, [prod, stg]);
 * // { code: 'RENDER_UNDEFINED', severity: 'warning', message: "unverifiable in production: needs db_password — no inventory source defines it …" }
 */
export function unverifiableHere(path: string, names: readonly string[], env: Environment, environments: readonly Environment[]): Diagnostic | undefined {
  const groups = new Map<string, string[]>();
  for (const n of new Set(names)) {
    const where = whereAnsibleLooks(n, env, environments).replace(`'${rootName(n)}'`, 'it');
    groups.set(where, [...(groups.get(where) ?? []), n]);
  }
  if (groups.size === 0) return undefined;
  const parts = [...groups].map(([where, ns]) => `${ns.join(', ')}: ${ns.length > 1 ? where.replace(/\bdefines it\b/, 'defines them').replace(/\bsets it\b/, 'sets them') : where}`);
  return {
    code: 'RENDER_UNDEFINED',
    severity: 'warning',
    path,
    message: `unverifiable in ${env.name}: the template needs variables no inventory source defines here (rendered as empty) — ${parts.join('; ')}`,
  };
}
