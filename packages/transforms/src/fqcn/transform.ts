import { ansibleCore, defineTransform, YamlDocument, type AnsibleModuleRef, type DataChange, type FileEdit, type VisitResult, type YamlPath } from '@ansimod/core';

const BUILTIN = 'ansible.builtin.';

/** The builtin modules an options list selects (all when empty), or the names it gets wrong. */
function selectedModules(names: readonly string[]): { ok: true; modules: ReadonlySet<string> } | { ok: false; unknown: string[] } {
  if (names.length === 0) return { ok: true, modules: new Set(ansibleCore.modules) };
  const short = names.map((n) => (n.startsWith(BUILTIN) ? n.slice(BUILTIN.length) : n));
  const unknown = short.filter((n) => !ansibleCore.modules.includes(n));
  return unknown.length ? { ok: false, unknown } : { ok: true, modules: new Set(short) };
}

/** A cheap test on the text: could any line name one of the modules as a key, or use `action:`? */
function prefilter(modules: ReadonlySet<string>): RegExp {
  const names = [...modules].sort((a, b) => b.length - a.length).join('|');
  return new RegExp(`(?:^|[\\n\\r])[ \\t]*(?:-[ \\t]+)*["']?(?:${names})["']?[ \\t]*:|action[ \\t]*:|import_playbook`);
}

/** One renamed module name: the edit and the data change it makes. */
interface Rename {
  readonly edit: FileEdit;
  readonly data: DataChange;
  readonly module: string;
}

function renameOf(doc: YamlDocument, m: AnsibleModuleRef, docIndex: number, taskPath: YamlPath): Rename | undefined {
  if (!m.builtin || m.name !== m.builtin || !m.range) return undefined;
  const to = `${BUILTIN}${m.builtin}`;
  const reason = `fqcn: ${m.builtin} → ${to}`;
  if (m.form === 'key') {
    return { edit: { ...doc.scalarEdit(m.node, to, reason), topic: m.builtin }, data: { op: 'rename-key', doc: docIndex, at: taskPath, from: m.name, to }, module: m.builtin };
  }
  const edit = { start: m.range.start, end: m.range.end, text: to, reason, topic: m.builtin };
  // `action: copy src=a` is a string whose first word changes; `action: {module: copy}` a value.
  const data: DataChange = m.node === m.pair.value ? { op: 'replace', doc: docIndex, at: m.pair.path, search: m.name, replacement: to } : { op: 'set', doc: docIndex, at: [...m.pair.path, 'module'], value: to };
  return { edit, data, module: m.builtin };
}

/**
 * `fqcn`: every short `ansible.builtin` module name of every task and handler becomes
 * `ansible.builtin.<name>` — as a key, in `action:` and `local_action:` (string or mapping),
 * in blocks (`block`, `rescue`, `always`), in playbooks' `pre_tasks`, `tasks`, `post_tasks` and
 * `handlers`, and `import_playbook` entries. Which files are tasks and playbooks is decided as
 * Ansible decides (the Ansible layer): vars files, templates (a Kubernetes manifest's
 * `command:`), plain files and other YAML are never touched, nor are task keywords, comments,
 * modules of other collections or of roles, and names already qualified (`ansible.legacy.*`
 * included). Each rename is declared as a key rename of the file's data, which the engine
 * verifies.
 *
 * @example
 * // - copy: src=a dest=b   →   - ansible.builtin.copy: src=a dest=b
 * await planSteps(root, [{ transform: fqcn, options: {}, stage: 'fqcn', target: 'builtin module names' }]);
 */
export const fqcn = defineTransform({
  name: 'fqcn',
  displayName: 'Fully qualified builtin module names',
  description:
    'Renames every short ansible.builtin module name of every task and handler (keys, action:, local_action:, blocks, playbooks, import_playbook) to ansible.builtin.<name>; nothing else changes.',
  options: {
    modules: {
      type: 'string[]',
      default: [],
      description: 'Which builtin modules to qualify, by short name; empty means every ansible.builtin module of the shipped ansible-core list.',
      example: '[template, copy, service]',
    },
  },
  select: { formats: ['yaml'] },

  async visit(file, ctx): Promise<VisitResult> {
    const selected = cachedSelection(ctx.options.modules);
    if (!selected.ok) {
      return { outcome: 'error', diagnostic: { code: 'INVALID_OPTION', severity: 'error', path: file.path, message: `fqcn: not ansible.builtin modules (ansible-core ${ansibleCore.version}): ${selected.unknown.join(', ')}` } };
    }
    const ansible = await ctx.ansible();
    const kind = ansible.classOf(file.path)?.kind;
    if (kind !== 'playbook' && kind !== 'tasks' && kind !== 'handlers') return { outcome: 'skip', reason: `not a playbook or task file (${kind ?? 'not read by Ansible as YAML'})` };
    if (!cachedPrefilter(selected.modules).test(file.text)) return { outcome: 'nochange', matched: true };
    const document = (await ctx.repo.file(file.path))?.document;
    if (!(document instanceof YamlDocument)) {
      const fb = document?.fallback;
      return { outcome: 'nochange', notes: [`left: the ${kind} file does not parse as YAML${fb?.line ? ` (line ${fb.line})` : ''}: ${fb?.reason ?? 'unreadable'}`] };
    }
    const renames: Rename[] = [];
    for (const t of await ansible.tasksIn(file.path)) {
      const r = t.module && selected.modules.has(t.module.builtin ?? '') ? renameOf(document, t.module, t.doc, t.path) : undefined;
      if (r) renames.push(r);
    }
    for (const e of (await ansible.playbook(file.path))?.entries ?? []) {
      const r = e.kind === 'import_playbook' && selected.modules.has(e.module.builtin ?? '') ? renameOf(document, e.module, e.doc, e.path) : undefined;
      if (r) renames.push(r);
    }
    if (renames.length === 0) return { outcome: 'nochange', matched: true };
    const counts = new Map<string, number>();
    for (const r of renames) counts.set(r.module, (counts.get(r.module) ?? 0) + 1);
    return {
      outcome: 'changed',
      edits: renames.map((r) => r.edit),
      data: renames.map((r) => r.data),
      notes: [`${renames.length} module name(s) qualified: ${[...counts].map(([m, n]) => `${m} ×${n}`).join(', ')}`],
    };
  },
});

/** {@link selectedModules} once per options list (a plan visits every task file with the same one). */
const selections = new WeakMap<readonly string[], ReturnType<typeof selectedModules>>();
function cachedSelection(names: readonly string[]): ReturnType<typeof selectedModules> {
  let s = selections.get(names);
  if (!s) selections.set(names, (s = selectedModules(names)));
  return s;
}

/** The prefilter of a module set, by the set itself (the cached selection) and then by its names. */
const prefilterOf = new WeakMap<ReadonlySet<string>, RegExp>();
const prefilters = new Map<string, RegExp>();
function cachedPrefilter(modules: ReadonlySet<string>): RegExp {
  let r = prefilterOf.get(modules);
  if (r) return r;
  const key = [...modules].join(',');
  r = prefilters.get(key);
  if (!r) prefilters.set(key, (r = prefilter(modules)));
  prefilterOf.set(modules, r);
  return r;
}
