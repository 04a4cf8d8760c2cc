import {
  AnsibleRepository,
  RepoIndex,
  ansibleSourceOf,
  collectReferences,
  evaluateTemplate,
  resolveReference,
  roleOfPath,
  scopeOf,
  walkRepository,
  YamlDocument,
  type Environment,
  type FileReference,
  type PlanAnalysis,
  type ReferenceSource,
} from '@ansimod/core';

/**
 * Of `candidates`, the templates no playbook installs: decided by reference, as Ansible follows
 * them from the playbooks, never by name. A template is used when a tasks file or playbook of a
 * role some playbook names (or outside any role) references it — `template: src=…`,
 * `lookup('template', …)` — or a used template includes it. A `src` computed with Jinja is
 * evaluated per environment, and, in a role, with the parameters of each `roles:` entry that
 * names the role (`{ role: httpd/reverseproxy, destname: registry-fedora }` installs
 * `reversepassproxy.registry-fedora.conf`). When a computed reference cannot be evaluated, every
 * template it may name counts as used: a file is called unused only when that is certain.
 *
 * @example
 * await unusedTemplates('/srv/ansible', ['roles/httpd/reverseproxy/templates/reversepassproxy.registry-centos.conf'], envs);
 * // => Set { 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-centos.conf' }
 * // after a plan of the same tree, without walking and analysing it again:
 * await unusedTemplates(plan.root, candidates, plan.environments, analysisOf(plan));
 */
export async function unusedTemplates(root: string, candidates: readonly string[], environments: readonly Environment[], shared?: PlanAnalysis): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  // A plan's own reading of the tree (its files and Ansible layer) when given: the same tree,
  // not walked and analysed a second time.
  const repo: RepoIndex = shared ? shared.repo : await indexOf(root);
  const source = ansibleSourceOf(repo);
  const ansible = await (shared ? shared.ansible() : AnsibleRepository.analyze(source));
  const isTemplate = (p: string): boolean => ansible.classOf(p)?.kind === 'template';
  const templates = candidates.filter(isTemplate);
  if (templates.length === 0) return new Set();
  const src: ReferenceSource = { ansible, paths: () => repo.paths(), text: source.text, yaml: source.yaml, environments, evaluate: (t, env) => evaluateTemplate(t, env) };
  const refs = await collectReferences(src);
  const scope = scopeOf(repo.paths(), ansible.rolesDirs);
  const roles = ansible.roles;
  const roleOf = (p: string) => roleOfPath(p, ansible.rolesDirs);
  // A file outside any role is read when a playbook reads it; a role's file when a playbook (or
  // a role, an include_role) names the role.
  const roleUsed = (p: string): boolean => {
    const r = roleOf(p);
    return !r || (roles.get(r.dir)?.referencedBy.length ?? 0) > 0;
  };
  const targets = new Map<FileReference, string[]>();
  const undecided = new Set<string>();
  for (const r of refs) {
    const named = [r.resolved, ...Object.values(r.byEnvironment ?? {})].filter((x): x is string => x !== undefined);
    if (r.unresolved && /[{][{%]/.test(r.target)) {
      const role = roleOf(r.path);
      const byParams = role ? await targetsWithRoleParams(r, role.dir, ansible, scope, src) : undefined;
      if (byParams) named.push(...byParams);
      // Not decidable here: every file (or role) whose path ends as the target does after its
      // last Jinja tag may be named, and counts as used.
      else undecided.add(fixedEnd(r.target));
    }
    targets.set(r, named);
  }
  const used = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of refs) {
      if (isTemplate(r.path) ? !used.has(r.path) : !roleUsed(r.path)) continue;
      for (const t of targets.get(r) ?? []) {
        if (used.has(t)) continue;
        used.add(t);
        grew = true;
      }
    }
  }
  const mayBeNamed = (t: string): boolean => {
    const role = roleOf(t);
    return [...undecided].some((end) => t.endsWith(end) || (role !== undefined && role.dir.endsWith(end)));
  };
  return new Set(templates.filter((t) => !used.has(t) && !mayBeNamed(t)));
}

async function indexOf(root: string): Promise<RepoIndex> {
  const walk = await walkRepository(root);
  return new RepoIndex(walk.root, walk.files);
}

/** What a computed target ends with after its last Jinja tag (`reversepassproxy.{{ d }}.conf` → `.conf`). */
function fixedEnd(target: string): string {
  return target.slice(Math.max(target.lastIndexOf('}}'), target.lastIndexOf('%}')) + 2).replace(/^\.?\//, '');
}

/**
 * What a computed reference in a role names with the parameters of each `roles:` entry of a
 * playbook that names the role, or undefined when some entry's value cannot be evaluated (or
 * the role is named elsewhere, without parameters one can read).
 */
async function targetsWithRoleParams(r: FileReference, roleDir: string, ansible: AnsibleRepository, scope: ReturnType<typeof scopeOf>, src: ReferenceSource): Promise<string[] | undefined> {
  const sites = ansible.roles.get(roleDir)?.referencedBy ?? [];
  if (sites.length === 0) return [];
  const out: string[] = [];
  for (const site of sites) {
    const params = await roleEntryParams(ansible, src, site.path, site.offset);
    if (!params) return undefined;
    const resolved = await resolveReference(r.kind, r.target, r.path, scope, { environments: src.environments, evaluate: (t, env) => evaluateTemplate(t, env, params) });
    const named = [resolved.resolved, ...Object.values(resolved.byEnvironment ?? {})].filter((x): x is string => x !== undefined);
    if (resolved.unresolved && named.length === 0) return undefined;
    out.push(...named);
  }
  return out;
}

/** The parameters (scalar values) of the `roles:` entry of a play written at `offset` in `path`. */
async function roleEntryParams(ansible: AnsibleRepository, src: ReferenceSource, path: string, offset: number): Promise<Record<string, string> | undefined> {
  const book = await ansible.playbook(path);
  const doc = await src.yaml(path);
  if (!book || !(doc instanceof YamlDocument)) return undefined;
  for (const play of book.entries) {
    if (play.kind !== 'play') continue;
    const entry = play.roles.find((e) => e.node.range.start <= offset && offset <= e.node.range.end);
    if (!entry) continue;
    const params: Record<string, string> = {};
    for (const q of doc.pairs()) {
      if (q.doc !== entry.doc || q.path.length !== entry.path.length + 1 || !entry.path.every((s, i) => q.path[i] === s)) continue;
      if (q.value.value !== undefined) params[q.keyText] = q.value.value;
    }
    return params;
  }
  return undefined;
}
