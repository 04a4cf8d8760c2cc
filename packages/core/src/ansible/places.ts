/**
 * Where Ansible looks for each kind of file, by place alone. A role is a folder under a roles
 * folder (`roles/`, or one that `ansible.cfg`'s `roles_path` names) holding at least one of the
 * role's own folders; its name is its path below the roles folder (`bodhi2/base`).
 */
import { isTemplatePath } from '../repo/ansible-files.js';

/**
 * What a YAML file is to Ansible.
 *
 * - `playbook`: a list of plays (run with `ansible-playbook`, or named by `import_playbook`);
 * - `tasks`, `handlers`: task lists (a role's `tasks/`, `handlers/`; what `import_tasks` names);
 * - `vars`: variables (a role's `vars/` and `defaults/`, `vars_files`, `include_vars`, inventory variables);
 * - `role-meta`: a role's `meta/` (dependencies, argument specs);
 * - `template`: rendered by `template:` (never parsed as Ansible YAML, whatever it contains);
 * - `file`: copied as it is.
 *
 * @example
 * const k: AnsibleFileKind = 'handlers';
 */
export type AnsibleFileKind = 'playbook' | 'tasks' | 'handlers' | 'vars' | 'role-meta' | 'template' | 'file';

/** A role's folders and what their files are. */
export const ROLE_FOLDERS: Readonly<Record<string, AnsibleFileKind | undefined>> = {
  tasks: 'tasks',
  handlers: 'handlers',
  vars: 'vars',
  defaults: 'vars',
  meta: 'role-meta',
  templates: 'template',
  files: 'file',
  library: undefined,
  module_utils: undefined,
  filter_plugins: undefined,
  lookup_plugins: undefined,
  tests: undefined,
};

/** Folders at the top of a repository that hold what their names say, next to the playbooks. */
const PROJECT_FOLDERS: Readonly<Record<string, AnsibleFileKind>> = { tasks: 'tasks', handlers: 'handlers', vars: 'vars' };

/** YAML files at the top of a repository that are tool configuration, not playbooks. */
const NOT_PLAYBOOKS = new Set(['requirements.yml', 'requirements.yaml', 'galaxy.yml', 'galaxy.yaml', 'mkdocs.yml', 'docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml', 'renovate.yml', 'codecov.yml', 'zuul.yaml', 'zuul.yml']);

const YAML_NAME = /\.ya?ml$/i;
const VARS_NAME = /(?:\.ya?ml|\.json|\/[^./]+)$/i;

/**
 * A file's place in a role, or undefined when it is not in one.
 *
 * @example
 * roleOfPath('roles/bodhi2/base/tasks/main.yml', ['roles']); // => { dir: 'roles/bodhi2/base', name: 'bodhi2/base', folder: 'tasks' }
 */
export function roleOfPath(path: string, rolesDirs: readonly string[]): { dir: string; name: string; folder: string } | undefined {
  const segs = path.split('/');
  for (let i = 0; i < segs.length; i++) {
    const prefix = segs.slice(0, i + 1).join('/');
    if (segs[i] !== 'roles' && !rolesDirs.includes(prefix)) continue;
    for (let j = i + 2; j < segs.length - 1; j++) {
      if (segs[j] as string in ROLE_FOLDERS) {
        return { dir: segs.slice(0, j).join('/'), name: segs.slice(i + 1, j).join('/'), folder: segs[j] as string };
      }
    }
    return undefined;
  }
  return undefined;
}

/**
 * What a file is by its place alone (see {@link AnsibleFileKind}), or undefined when its place
 * says nothing (it may still be named by a playbook or an include). Never looks at content: a
 * Kubernetes manifest under `templates/` is a template, whatever keys it has.
 *
 * @example
 * kindByPlace('roles/a/tasks/main.yml', ['roles']); // => 'tasks'
 * kindByPlace('roles/a/templates/job.yml', ['roles']); // => 'template'
 * kindByPlace('playbooks/groups/web.yml', ['roles']); // => 'playbook'
 */
export function kindByPlace(path: string, rolesDirs: readonly string[]): AnsibleFileKind | undefined {
  const role = roleOfPath(path, rolesDirs);
  if (role) {
    const kind = ROLE_FOLDERS[role.folder];
    if (kind === 'template' || kind === 'file') return kind;
    if (kind === 'vars') return VARS_NAME.test(path) ? 'vars' : undefined;
    if (kind === 'role-meta') return YAML_NAME.test(path) ? 'role-meta' : undefined;
    return kind && YAML_NAME.test(path) ? kind : undefined;
  }
  const segs = path.split('/');
  if (segs.slice(0, -1).some((s) => s === 'group_vars' || s === 'host_vars')) return 'vars';
  if (isTemplatePath(path)) return 'template';
  if (segs.slice(0, -1).includes('files')) return 'file';
  if (!YAML_NAME.test(path)) return undefined;
  const top = PROJECT_FOLDERS[segs[0] as string];
  if (top && segs.length > 1) return top;
  const name = segs.at(-1) as string;
  if (segs.length === 1) return name.startsWith('.') || NOT_PLAYBOOKS.has(name.toLowerCase()) ? undefined : 'playbook';
  if (segs[0] !== 'playbooks' || segs.some((s) => s.startsWith('.'))) return undefined;
  const folder = segs.slice(1, -1).find((s) => s in PROJECT_FOLDERS);
  return folder ? PROJECT_FOLDERS[folder] : 'playbook';
}
