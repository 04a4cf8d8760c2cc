import type { RepoView } from '@ansimod/core';

/** Inventory group_vars files: `group_vars/<group>` or `group_vars/<group>/<file>`, anywhere. */
export const GROUP_VARS = /(?:^|\/)group_vars\/([^/]+)(?:\/[^/]+)?$/;

/** The repository's paths by every directory above them, and its group_vars files: built once per repository. */
interface PathIndex {
  under: Map<string, string[]>;
  groupVars: string[];
}

const pathIndexes = new WeakMap<RepoView, PathIndex>();

/**
 * Files under a directory (at any depth), from an index built once per repository: each
 * template asks for its role's `vars/`, `defaults/` and `tasks/`, and a repository has thousands.
 *
 * @example
 * filesUnder(repo, 'roles/koji_builder/tasks'); // => ['roles/koji_builder/tasks/main.yml']
 */
export function filesUnder(repo: RepoView, dir: string): readonly string[] {
  return pathIndex(repo).under.get(dir) ?? [];
}

function pathIndex(repo: RepoView): PathIndex {
  let index = pathIndexes.get(repo);
  if (index) return index;
  const under = new Map<string, string[]>();
  const groupVars: string[] = [];
  for (const p of repo.paths()) {
    if (GROUP_VARS.test(p)) groupVars.push(p);
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
      const dir = p.slice(0, i);
      const list = under.get(dir);
      if (list) list.push(p);
      else under.set(dir, [p]);
    }
  }
  index = { under, groupVars };
  pathIndexes.set(repo, index);
  return index;
}

/**
 * The inventory group_vars files of the repository (`inventory/group_vars/all`, `group_vars/staging/main.yml`).
 *
 * @example
 * groupVarsFiles(repo); // => ['inventory/group_vars/all', 'inventory/group_vars/staging']
 */
export function groupVarsFiles(repo: RepoView): readonly string[] {
  return pathIndex(repo).groupVars;
}
