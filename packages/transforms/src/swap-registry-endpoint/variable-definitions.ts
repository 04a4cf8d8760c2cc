import { YamlDocument, type Environment, type RepoView, type YamlNode, type YamlPath } from '@ansimod/core';
import { filesUnder, GROUP_VARS, groupVarsFiles } from './repo-paths.js';
import { roleOfTemplate, templatingTasks, type TemplatingTask } from './templating-tasks.js';

/** Where a variable is defined, from the most to the least specific. */
export type DefinitionKind = 'task vars' | 'block vars' | 'play vars' | 'role vars' | 'group_vars' | 'role defaults';

/** One definition of a variable that a template uses. */
export interface VariableDefinition {
  name: string;
  kind: DefinitionKind;
  path: string;
  document: YamlDocument;
  /** YAML document index and path of the value in the file. */
  doc: number;
  valuePath: YamlPath;
  /** The value node (a scalar for definitions that can be edited). */
  node: YamlNode;
  /** The value as written (quotes removed, Jinja kept). */
  value: string;
  /** Readable place: `roles/koji_builder/tasks/main.yml (vars of task "configure flatpak-builder plugin")`. */
  label: string;
  /** Environments whose rendering of the template uses this definition. */
  environments: string[];
}

/** Which definitions decide the variable's value for the template (edited), and the others (left alone). */
export interface VariableResolution {
  name: string;
  /** The definitions in effect, each for its environments. Empty when none was found. */
  effective: VariableDefinition[];
  /** Definitions found but shadowed, or scoped to groups that are not environments. */
  others: VariableDefinition[];
  /** The tasks that render the template (for notes). */
  tasks: TemplatingTask[];
}

function scalarAt(document: YamlDocument, path: YamlPath, doc: number): YamlNode | undefined {
  const node = document.pairsAt(path, doc)[0]?.value;
  return node && (node.kind === 'scalar' || node.kind === 'null') ? node : undefined;
}

/** The `vars:` nearest to a task: its own, then its enclosing blocks', then its play's. */
function taskDefinition(name: string, task: TemplatingTask, all: readonly string[]): VariableDefinition | undefined {
  const { taskPath } = task;
  for (let k = taskPath.length - 1; k >= 0; k--) {
    if (typeof taskPath[k] !== 'number') continue;
    const owner = taskPath.slice(0, k + 1);
    const valuePath = [...owner, 'vars', name];
    const node = scalarAt(task.document, valuePath, task.doc);
    if (!node) continue;
    const kind: DefinitionKind = k === taskPath.length - 1 ? 'task vars' : k === 0 ? 'play vars' : 'block vars';
    const where = kind === 'task vars' && task.name !== undefined ? `vars of task "${task.name}"` : kind;
    return { name, kind, path: task.path, document: task.document, doc: task.doc, valuePath, node, value: node.value ?? '', label: `${task.path} (${where})`, environments: [...all] };
  }
  return undefined;
}

async function topLevelDefinitions(
  name: string,
  paths: readonly string[],
  repo: RepoView,
  kind: DefinitionKind,
  environments: (path: string) => string[],
): Promise<VariableDefinition[]> {
  const out: VariableDefinition[] = [];
  for (const p of paths) {
    const file = await repo.file(p);
    if (!file || !file.text.includes(name) || !(file.document instanceof YamlDocument)) continue;
    const doc = file.document;
    for (let d = 0; d < doc.documentCount; d++) {
      const node = scalarAt(doc, [name], d);
      if (node) out.push({ name, kind, path: p, document: doc, doc: d, valuePath: [name], node, value: node.value ?? '', label: `${p} (${kind})`, environments: environments(p) });
    }
  }
  return out;
}



/**
 * Finds where a variable used by a template is defined, in Ansible's order of precedence for
 * the run that renders it: the `vars:` of the task rendering the template (or of its block or
 * play), then the role's `vars/`, then inventory `group_vars` (for `all` and for the groups
 * that are environments), then the role's `defaults/`. The most specific definition in effect
 * for each environment is `effective`; every other definition is reported in `others`.
 *
 * @example
 * const r = await resolveVariable('candidate_registry', 'roles/koji_builder/templates/flatpak.conf', repo, envs);
 * r.effective[0]?.label; // => 'roles/koji_builder/tasks/main.yml (vars of task "configure flatpak-builder plugin")'
 */
export async function resolveVariable(
  name: string,
  templatePath: string,
  repo: RepoView,
  environments: readonly Environment[],
): Promise<VariableResolution> {
  const all = environments.map((e) => e.name);
  const tasks = await templatingTasks(templatePath, repo);
  const role = roleOfTemplate(templatePath);
  // `vars/main.yml`, `vars/main` (no extension) or files in `vars/main/`.
  const inDir = (dir: string) => filesUnder(repo, dir).filter((p) => /\.ya?ml$/.test(p) || !p.slice(p.lastIndexOf('/') + 1).includes('.'));
  const roleSub = (sub: string) => (role?.roleDir ? `${role.roleDir}/${sub}` : sub);
  const roleVars = role ? await topLevelDefinitions(name, inDir(roleSub('vars')), repo, 'role vars', () => [...all]) : [];
  const roleDefaults = role ? await topLevelDefinitions(name, inDir(roleSub('defaults')), repo, 'role defaults', () => [...all]) : [];
  const groupPaths = groupVarsFiles(repo);
  const groupEnvironments = (p: string): string[] => {
    if (GROUP_VARS.exec(p)?.[1]?.replace(/\.ya?ml$/, '') === 'all') return [...all];
    return environments.filter((e) => e.source.some((s) => p === s || p.startsWith(`${s}/`))).map((e) => e.name);
  };
  const groupDefs = await topLevelDefinitions(name, groupPaths, repo, 'group_vars', groupEnvironments);

  // A role's vars/ outrank play vars (but not block or task vars).
  const written = tasks.map((t) => taskDefinition(name, t, all));
  const taskDefs = written.map((d) => (d?.kind === 'play vars' && roleVars.length > 0 ? undefined : d));
  const effective: VariableDefinition[] = [];
  const others: VariableDefinition[] = [];
  for (const d of taskDefs) if (d && !effective.some((e) => e.path === d.path && e.node === d.node)) effective.push(d);

  // Environments the task-level definitions leave to the wider scopes.
  const uncovered = tasks.length === 0 || taskDefs.some((d) => d === undefined);
  if (uncovered) {
    if (roleVars.length > 0) {
      effective.push(...roleVars);
    } else {
      const byEnv = new Map<string, VariableDefinition>();
      for (const env of environments) {
        // group_vars of an environment's own group win over group_vars/all (source: lowest first).
        const applicable = groupDefs.filter((d) => d.environments.includes(env.name));
        const own = [...applicable].sort((a, b) => rank(env, b.path) - rank(env, a.path))[0];
        if (own) byEnv.set(env.name, own);
      }
      const chosenGroups = [...new Set(byEnv.values())];
      effective.push(...chosenGroups);
      if (environments.some((e) => !byEnv.has(e.name))) {
        for (const d of roleDefaults) {
          d.environments = all.filter((n) => !byEnv.has(n));
          effective.push(d);
        }
      }
    }
  }
  for (const d of [...written, ...roleVars, ...groupDefs, ...roleDefaults]) if (d && !effective.includes(d) && !others.includes(d)) others.push(d);
  return { name, effective, others, tasks };
}

function rank(env: Environment, path: string): number {
  const i = env.source.findIndex((s) => path === s || path.startsWith(`${s}/`));
  return i < 0 ? -1 : i;
}

/**
 * The simple variables (`{{ name }}`) written in the host part of a registry value
 * (`docker://{{candidate_registry}}`, `https://{{ host }}/v2/`, `{{ registry }}`).
 *
 * @example
 * hostVariables('docker://{{candidate_registry}}'); // => ['candidate_registry']
 */
export function hostVariables(value: string): string[] {
  const rest = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  // The host part ends at the first slash outside a Jinja tag.
  let end = rest.length;
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest.startsWith('{{', i)) depth++;
    else if (rest.startsWith('}}', i) && depth > 0) depth--;
    else if (rest[i] === '/' && depth === 0) {
      end = i;
      break;
    }
  }
  const host = rest.slice(0, end);
  const names: string[] = [];
  for (const m of host.matchAll(/\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}/g)) if (m[1] && !names.includes(m[1])) names.push(m[1]);
  return names;
}
