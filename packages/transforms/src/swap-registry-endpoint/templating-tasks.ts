import { isTemplatePath, YamlDocument, type RepoView, type YamlPath } from '@ansimod/core';
import { filesUnder } from './repo-paths.js';

/** A task that renders a template (`template:` / `ansible.builtin.template:`). */
export interface TemplatingTask {
  /** The tasks file or playbook. */
  path: string;
  document: YamlDocument;
  doc: number;
  /** Path of the task (its mapping) in the document. */
  taskPath: YamlPath;
  /** The task's `name`, when it has one. */
  name?: string;
  /** The `src` as written. */
  src: string;
}

const TEMPLATE_MODULES = new Set(['template', 'ansible.builtin.template', 'ansible.legacy.template']);
const SRC_ARG = /(?:^|\s)src=("[^"]*"|'[^']*'|\S+)/;

/** The role directory and the template's path inside `templates/`, for a template of a role. */
export function roleOfTemplate(templatePath: string): { roleDir: string; relative: string } | undefined {
  const i = templatePath.lastIndexOf('/templates/');
  if (i < 0) return templatePath.startsWith('templates/') ? { roleDir: '', relative: templatePath.slice('templates/'.length) } : undefined;
  return { roleDir: templatePath.slice(0, i), relative: templatePath.slice(i + '/templates/'.length) };
}

function unquote(s: string): string {
  const t = s.trim();
  return (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")) ? t.slice(1, -1) : t;
}

/** Whether a task's `src` names the template, from a tasks file at `taskFile`. */
export function srcNamesTemplate(src: string, templatePath: string, taskFile: string): boolean {
  // A leading `{{ var }}/` is a root we cannot know; the rest must still match path segments.
  const s = src.replace(/^(?:\{\{[^}]*\}\}\/)+/, '').replace(/^\.\//, '');
  if (s === '' || s.includes('{{')) return false;
  const role = roleOfTemplate(templatePath);
  if (role && (taskFile.startsWith(`${role.roleDir}/`) || role.roleDir === '')) {
    if (s === role.relative || s === `templates/${role.relative}`) return true;
  }
  if (!s.includes('/')) return false;
  return templatePath === s || templatePath.endsWith(`/${s}`) || s.endsWith(`/${templatePath}`);
}

function tasksIn(path: string, document: YamlDocument, templatePath: string): TemplatingTask[] {
  const out: TemplatingTask[] = [];
  for (const pair of document.pairs()) {
    const module = pair.key.value;
    if (module === undefined || !TEMPLATE_MODULES.has(module)) continue;
    const taskPath = pair.path.slice(0, -1);
    if (typeof taskPath[taskPath.length - 1] !== 'number') continue; // a task is a sequence entry
    let src: string | undefined;
    if (pair.value.kind === 'scalar') {
      const m = SRC_ARG.exec(pair.value.value ?? '');
      src = m?.[1] === undefined ? undefined : unquote(m[1]);
    } else if (pair.value.kind === 'map') {
      const node = document.pairsAt([...pair.path, 'src'], pair.doc)[0]?.value;
      src = node?.kind === 'scalar' ? node.value : undefined;
    }
    if (src === undefined || !srcNamesTemplate(src, templatePath, path)) continue;
    const nameNode = document.pairsAt([...taskPath, 'name'], pair.doc)[0]?.value;
    out.push({
      path,
      document,
      doc: pair.doc,
      taskPath,
      ...(nameNode?.kind === 'scalar' && nameNode.value !== undefined ? { name: nameNode.value } : {}),
      src,
    });
  }
  return out;
}

const YAML_FILE = /\.ya?ml$/;

/**
 * The tasks that render `templatePath` (a file under `templates/` or a `.j2`): first in its
 * role's `tasks/` and `handlers/`, else in any YAML file of the repository that names the
 * template's file.
 *
 * @example
 * const tasks = await templatingTasks('roles/koji_builder/templates/flatpak.conf', repo);
 * tasks[0]?.name; // => 'configure flatpak-builder plugin'
 */
export async function templatingTasks(templatePath: string, repo: RepoView): Promise<TemplatingTask[]> {
  // A vars file or a playbook is not rendered by a `template:` task; no search for one.
  if (!isTemplatePath(templatePath)) return [];
  const role = roleOfTemplate(templatePath);
  const dir = (name: string) => (role?.roleDir ? `${role.roleDir}/${name}` : name);
  const inRole = role ? [...filesUnder(repo, dir('tasks')), ...filesUnder(repo, dir('handlers'))].filter((p) => YAML_FILE.test(p)) : [];
  const baseName = templatePath.slice(templatePath.lastIndexOf('/') + 1);
  const found = await tasksOf(inRole, templatePath, repo, baseName);
  if (found.length > 0) return found;
  const elsewhere = (await repo.grep(baseName)).filter((p) => YAML_FILE.test(p) && !inRole.includes(p));
  return tasksOf(elsewhere, templatePath, repo, baseName);
}

async function tasksOf(paths: readonly string[], templatePath: string, repo: RepoView, baseName: string): Promise<TemplatingTask[]> {
  const out: TemplatingTask[] = [];
  for (const p of paths) {
    const file = await repo.file(p);
    if (!file || !file.text.includes(baseName) || !(file.document instanceof YamlDocument)) continue;
    out.push(...tasksIn(p, file.document, templatePath));
  }
  return out;
}
