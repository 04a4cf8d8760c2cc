import { posix } from 'node:path';
import { roleOfPath } from './places.js';

/**
 * The kinds of reference from one file to another that Ansible follows.
 *
 * @example
 * const k: ReferenceKind = 'template';
 */
export type ReferenceKind =
  | 'template'
  | 'copy'
  | 'include_tasks'
  | 'import_tasks'
  | 'include_vars'
  | 'vars_files'
  | 'import_playbook'
  | 'include_role'
  | 'import_role'
  | 'roles'
  | 'dependencies'
  | 'lookup_template'
  | 'lookup_file'
  | 'jinja_include'
  | 'jinja_import';

/** What a reference is resolved against: which files exist, and the roles folders. */
export interface ResolveScope {
  /** Whether the repository (in the state looked at) has a file at `path`. */
  exists(path: string): boolean;
  /** Whether a role folder (a folder with files under it) exists at `dir`. */
  roleExists(dir: string): boolean;
  /** Roles folders besides every folder named `roles` (`ansible.cfg`'s `roles_path`). */
  readonly rolesDirs: readonly string[];
}

/** The role folder each file kind is looked for in first. */
const FOLDER: Partial<Record<ReferenceKind, string>> = {
  template: 'templates',
  lookup_template: 'templates',
  copy: 'files',
  lookup_file: 'files',
  include_tasks: 'tasks',
  import_tasks: 'tasks',
  include_vars: 'vars',
};

/**
 * Where an `{% include %}` / `{% import %}` name may point, in the order Ansible's template
 * lookup tries them: beside the including template, then in its role's `templates/`.
 *
 * @example
 * includeCandidates('./generic.conf', 'roles/httpd/templates/site/fedora.conf');
 * // => ['roles/httpd/templates/site/generic.conf', 'roles/httpd/templates/generic.conf']
 */
export function includeCandidates(name: string, fromPath: string): string[] {
  const clean = name.replace(/^\.\//, '');
  const dir = posix.dirname(fromPath);
  const candidates = [posix.normalize(posix.join(dir, clean))];
  const roleTemplates = fromPath.match(/^(.*\/templates)\//);
  if (roleTemplates?.[1]) candidates.push(posix.join(roleTemplates[1], clean));
  return candidates;
}

/** Role references: the reference names a role folder, not a file. */
export const ROLE_KINDS: ReadonlySet<ReferenceKind> = new Set(['include_role', 'import_role', 'roles', 'dependencies']);

/**
 * Where Ansible looks for the file a reference names, in its order: for a file of a role
 * (`template: src=x`), the role's folder for the kind (`templates/`, `files/`, `tasks/`,
 * `vars/`), the role itself, then beside the referring file and its folder for the kind; for a
 * playbook's `vars_files` and `import_playbook`, beside the playbook; for a template's
 * `{% include %}`, beside the template, then its role's `templates/`. For a role reference, the
 * role folders it may be in (`roles/` beside the playbook, `roles_path`, `roles/`).
 *
 * @example
 * searchPaths('template', 'app.conf.j2', 'roles/web/tasks/main.yml', []);
 * // => ['roles/web/templates/app.conf.j2', 'roles/web/app.conf.j2', 'roles/web/tasks/templates/app.conf.j2', 'roles/web/tasks/app.conf.j2']
 */
export function searchPaths(kind: ReferenceKind, target: string, from: string, rolesDirs: readonly string[]): string[] {
  const t = target.trim();
  const dir = posix.dirname(from);
  const join = (...p: string[]) => posix.normalize(posix.join(...p));
  if (ROLE_KINDS.has(kind)) {
    const role = roleOfPath(from, rolesDirs);
    const bases = [join(dir, 'roles'), ...(role ? [posix.dirname(role.dir)] : []), ...rolesDirs, 'roles', dir];
    return [...new Set(bases.map((b) => join(b, t)))];
  }
  if (t.startsWith('/')) return [];
  if (kind === 'jinja_include' || kind === 'jinja_import') return includeCandidates(t, from);
  if (kind === 'vars_files' || kind === 'import_playbook') return [join(dir, t)];
  const folder = FOLDER[kind] as string;
  const role = roleOfPath(from, rolesDirs);
  const out = role ? [join(role.dir, folder, t), join(role.dir, t)] : [];
  out.push(join(dir, folder, t), join(dir, t));
  return [...new Set(out)].filter((p) => !p.startsWith('../') && p !== '..');
}

/**
 * The file (or role folder) a reference with a plain target names in `scope`, or undefined.
 *
 * @example
 * resolveTarget('copy', 'motd', 'roles/base/tasks/main.yml', scope); // => 'roles/base/files/motd'
 */
export function resolveTarget(kind: ReferenceKind, target: string, from: string, scope: ResolveScope): string | undefined {
  const candidates = searchPaths(kind, target, from, scope.rolesDirs);
  return ROLE_KINDS.has(kind) ? candidates.find((c) => scope.roleExists(c)) : candidates.find((c) => scope.exists(c));
}
