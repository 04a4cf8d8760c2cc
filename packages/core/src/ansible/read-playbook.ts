import type { YamlDocument, YamlNode, YamlPair, YamlPath } from '../formats/yaml/index.js';
import { builtinModuleName, isAction } from './ansible-core-data.js';
import { readTaskList } from './read-tasks.js';
import type { AnsiblePlay, AnsibleProblem, PlaybookImport, PlaybookModel, PlayRoleEntry, TaskFileModel } from './types.js';

function scalarValue(node: YamlNode | undefined): string | undefined {
  return node && (node.kind === 'scalar' || node.kind === 'block-scalar') ? node.value : undefined;
}

/**
 * Reads a playbook as ansible-core does: a list whose entries are plays or `import_playbook`
 * statements; each play with its keywords, `pre_tasks`, `tasks`, `post_tasks`, `handlers`
 * (blocks opened), `roles` and `vars_files`. Every node keeps its offsets into the document.
 *
 * @example
 * const pb = readPlaybook(doc);
 * pb.entries.flatMap((e) => (e.kind === 'play' ? e.roles.map((r) => r.name) : [])); // => ['base']
 */
export function readPlaybook(doc: YamlDocument): PlaybookModel {
  const problems: AnsibleProblem[] = [];
  const entries: (AnsiblePlay | PlaybookImport)[] = [];
  for (let d = 0; d < doc.documentCount; d++) {
    const root = doc.root(d);
    if (!root || root.kind === 'null') continue;
    if (root.kind !== 'seq') {
      problems.push({ offset: root.range.start, message: `a playbook must be a list of plays, not a ${root.kind}` });
      continue;
    }
    for (const item of doc.items([], d)) {
      if (item.value.kind !== 'map') {
        problems.push({ offset: item.value.range.start, message: "playbook entries must be either valid plays or 'import_playbook' statements" });
        continue;
      }
      const pairs = doc.entries(item.path, d);
      const imp = pairs.find((p) => isAction(p.key.value ?? '', 'importPlaybook'));
      if (imp) {
        const name = imp.key.value ?? imp.keyText;
        const target = scalarValue(imp.value)?.trim().split(/\s+/)[0];
        entries.push({
          kind: 'import_playbook',
          doc: d,
          path: item.path,
          node: item.value,
          module: { name, ...(builtinModuleName(name) ? { builtin: builtinModuleName(name) as string } : {}), form: 'key', range: imp.key.range, node: imp.key, pair: imp },
          ...(target ? { target } : {}),
          keywords: pairs.filter((p) => p !== imp),
        });
      } else entries.push(readPlay(doc, d, item.path, item.value, pairs, problems));
    }
  }
  return { kind: 'playbook', entries, problems };
}

function readPlay(doc: YamlDocument, d: number, path: YamlPath, node: YamlNode, pairs: readonly YamlPair[], problems: AnsibleProblem[]): AnsiblePlay {
  const get = (key: string): YamlPair | undefined => pairs.find((p) => p.key.value === key);
  const name = scalarValue(get('name')?.value);
  const hosts = scalarValue(get('hosts')?.value);
  const section = (key: 'pre_tasks' | 'tasks' | 'post_tasks' | 'handlers') => (get(key) ? readTaskList(doc, [...path, key], d, key, key === 'handlers', problems) : []);
  const roles: PlayRoleEntry[] = [];
  for (const item of get('roles') ? doc.items([...path, 'roles'], d) : []) {
    const v = item.value;
    let roleName = scalarValue(v);
    if (v.kind === 'map') {
      const rp = doc.entries(item.path, d).find((p) => p.key.value === 'role' || p.key.value === 'name');
      roleName = scalarValue(rp?.value);
    }
    if (roleName !== undefined) roles.push({ name: roleName, node: v, path: item.path, doc: d });
    else problems.push({ offset: v.range.start, message: 'roles: an entry must name a role' });
  }
  const varsFiles: { value: string; node: YamlNode }[] = [];
  const vf = get('vars_files');
  const vfItems = vf?.value.kind === 'seq' ? doc.items([...path, 'vars_files'], d) : [];
  for (const item of vfItems) {
    const value = scalarValue(item.value);
    if (value !== undefined) varsFiles.push({ value, node: item.value });
  }
  if (vf && scalarValue(vf.value) !== undefined) varsFiles.push({ value: scalarValue(vf.value) as string, node: vf.value });
  return {
    kind: 'play',
    doc: d,
    path,
    node,
    ...(name !== undefined ? { name } : {}),
    ...(hosts !== undefined ? { hosts } : {}),
    keywords: pairs,
    pre_tasks: section('pre_tasks'),
    tasks: section('tasks'),
    post_tasks: section('post_tasks'),
    handlers: section('handlers'),
    roles,
    varsFiles,
  };
}

/**
 * Reads a tasks or handlers file (a role's `tasks/main.yml`, a file `import_tasks` names):
 * a list of tasks and blocks.
 *
 * @example
 * readTaskFile(doc, 'handlers').entries[0]?.handler; // => true
 */
export function readTaskFile(doc: YamlDocument, kind: 'tasks' | 'handlers'): TaskFileModel {
  const problems: AnsibleProblem[] = [];
  const entries = [];
  for (let d = 0; d < doc.documentCount; d++) {
    const root = doc.root(d);
    if (!root || root.kind === 'null') continue;
    if (root.kind !== 'seq') {
      problems.push({ offset: root.range.start, message: `a ${kind} file must be a list of tasks, not a ${root.kind}` });
      continue;
    }
    entries.push(...readTaskList(doc, [], d, kind === 'handlers' ? 'handlers' : 'tasks', kind === 'handlers', problems));
  }
  return { kind, entries, problems };
}
