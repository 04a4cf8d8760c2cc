import type { Environment } from '../env/index.js';
import { YamlDocument, type TextRange, type YamlNode } from '../formats/yaml/index.js';
import { scanJinja } from '../jinja/index.js';
import { tokenizeExpression, type ExpressionToken } from '../jinja/expression.js';
import type { AnsibleRepository } from './AnsibleRepository.js';
import { builtinModuleName } from './ansible-core-data.js';
import { allTasks } from './read-tasks.js';
import { ROLE_KINDS, resolveTarget, type ReferenceKind, type ResolveScope } from './references-resolve.js';
import type { AnsibleTask, TaskListEntry } from './types.js';

/**
 * A reference from one file to another (or to a role), where it is written, and what it names.
 *
 * @example
 * const r: FileReference = { kind: 'template', path: 'roles/web/tasks/main.yml', target: 'app.conf', span: { start: 40, end: 48 }, line: 3, resolved: 'roles/web/templates/app.conf' };
 */
export interface FileReference {
  readonly kind: ReferenceKind;
  /** The file the reference is written in. */
  readonly path: string;
  /** The target as written (Jinja kept). */
  readonly target: string;
  /** Exactly where the target is written in the file; undefined when it cannot be located byte for byte (escapes). */
  readonly span?: TextRange;
  readonly line: number;
  /** The file (for a role reference, the role's folder) it names; for a computed target, when every environment agrees. */
  readonly resolved?: string;
  /** For a target computed with Jinja: what it names in each environment (undefined: nothing). */
  readonly byEnvironment?: Readonly<Record<string, string | undefined>>;
  /** Why the reference could not be resolved (in some environment). */
  readonly unresolved?: string;
}

/** What collecting references reads: the Ansible view, the files' texts and documents, the environments. */
export interface ReferenceSource {
  readonly ansible: AnsibleRepository;
  paths(): readonly string[];
  text(path: string): Promise<string | undefined>;
  yaml(path: string): Promise<YamlDocument | undefined>;
  readonly environments: readonly Environment[];
  /** Renders a templated target for an environment (rejects when it cannot). */
  evaluate(template: string, env: Environment): Promise<string>;
  /**
   * Where the repository is checked out on the control host (`/srv/web/infra/ansible`): an
   * absolute target under one names the repository's file at the rest of its path.
   */
  readonly checkouts?: readonly string[];
}

/**
 * The repository path an absolute target names under a checkout (`/srv/ansible/vars/x.yml` →
 * `vars/x.yml`), or undefined when it is under none.
 *
 * @example
 * underCheckout('/srv/web/infra/ansible/vars/a.yml', ['/srv/web/infra/ansible']); // => 'vars/a.yml'
 */
export function underCheckout(target: string, checkouts: readonly string[] = []): string | undefined {
  const t = target.trim();
  for (const c of checkouts) {
    const base = c.replace(/\/+$/, '');
    if (t.startsWith(`${base}/`)) return t.slice(base.length + 1);
  }
  return undefined;
}

/** The file a plain target names: an absolute one under a checkout by its repository path. */
function resolvePlain(kind: ReferenceKind, target: string, from: string, scope: ResolveScope, checkouts: readonly string[] | undefined): string | undefined {
  if (!target.trim().startsWith('/')) return resolveTarget(kind, target, from, scope);
  const rel = underCheckout(target, checkouts);
  if (rel === undefined) return undefined;
  return ROLE_KINDS.has(kind) ? (scope.roleExists(rel) ? rel : undefined) : scope.exists(rel) ? rel : undefined;
}

/** A reference found, before it is resolved. */
interface Site {
  kind: ReferenceKind;
  target: string;
  span?: TextRange;
  offset: number;
}

const TASK_MODULES: Readonly<Record<string, { kind: ReferenceKind; params: readonly string[] }>> = {
  template: { kind: 'template', params: ['src'] },
  copy: { kind: 'copy', params: ['src'] },
  include_tasks: { kind: 'include_tasks', params: ['file', '_raw_params'] },
  import_tasks: { kind: 'import_tasks', params: ['file', '_raw_params'] },
  include: { kind: 'include_tasks', params: ['_raw_params'] },
  include_vars: { kind: 'include_vars', params: ['file', '_raw_params'] },
  include_role: { kind: 'include_role', params: ['name'] },
  import_role: { kind: 'import_role', params: ['name'] },
};

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Where a scalar's value is written verbatim inside its node, or undefined (escapes, folding). */
function scalarSpan(text: string, node: YamlNode): TextRange | undefined {
  if (node.value === undefined || (node.kind !== 'scalar' && node.kind !== 'block-scalar')) return undefined;
  const raw = text.slice(node.range.start, node.range.end);
  const at = node.style === 'plain' ? (raw === node.value ? 0 : -1) : node.style === 'single' || node.style === 'double' ? (raw.slice(1, -1) === node.value ? 1 : -1) : -1;
  return at < 0 ? undefined : { start: node.range.start + at, end: node.range.start + at + node.value.length };
}

/** `key=value` inside a free-form argument string node: the value's exact place, quotes excluded. */
function freeFormSpan(text: string, node: YamlNode, key: string): { target: string; span?: TextRange } | undefined {
  const span = scalarSpan(text, node);
  const value = node.value ?? '';
  const m = new RegExp(`(?:^|\\s)${key}=("[^"]*"|'[^']*'|(?:\\{\\{.*?\\}\\}|\\S)+)`).exec(value);
  if (!m) return undefined;
  const quoted = m[1]?.startsWith('"') || m[1]?.startsWith("'");
  const target = quoted ? (m[1] as string).slice(1, -1) : (m[1] as string);
  const at = m.index + m[0].length - (m[1] as string).length + (quoted ? 1 : 0);
  return { target, ...(span ? { span: { start: span.start + at, end: span.start + at + target.length } } : {}) };
}

/** The references a task makes: `template: src=…`, `copy: src=…`, includes and imports of tasks, vars and roles. */
function taskSites(text: string, task: AnsibleTask): Site[] {
  const m = task.module;
  const short = m ? (builtinModuleName(m.name) ?? m.name) : undefined;
  const spec = short ? TASK_MODULES[short] : undefined;
  if (!spec || !m) return [];
  const out: Site[] = [];
  if (task.args.form === 'mapping') {
    for (const key of spec.params) {
      const pair = task.args.pairs.find((p) => p.key.value === key);
      if (pair?.value.value === undefined) continue;
      if (short === 'copy' && task.args.pairs.some((p) => p.key.value === 'remote_src' && /^(?:true|yes|1)$/i.test(p.value.value ?? ''))) return [];
      const span = scalarSpan(text, pair.value);
      out.push({ kind: spec.kind, target: pair.value.value, ...(span ? { span } : {}), offset: pair.value.range.start });
      break;
    }
  } else if (task.args.form === 'free-form') {
    if (short === 'copy' && /(?:^|\s)remote_src=(?:true|yes|1)\b/i.test(task.args.raw)) return [];
    const param = spec.params.find((k) => k !== '_raw_params' && task.args.form === 'free-form' && task.args.params.some((p) => p.key === k));
    if (param) {
      const found = freeFormSpan(text, task.args.node, param);
      if (found) out.push({ kind: spec.kind, ...found, offset: task.args.node.range.start });
    } else if (spec.params.includes('_raw_params') && task.args.freeText) {
      const node = task.args.node;
      const span = scalarSpan(text, node);
      const target = task.args.freeText;
      const at = (node.value ?? '').indexOf(target);
      out.push({ kind: spec.kind, target, ...(span && at >= 0 ? { span: { start: span.start + at, end: span.start + at + target.length } } : {}), offset: node.range.start });
    }
  }
  // `include_role: { name: x, tasks_from: y }` names a tasks file of the role too; the role is what is followed here.
  return out;
}

/** The first string argument after `(` and, for lookups, the plugin name. */
function stringArgs(tokens: readonly ExpressionToken[], open: number): ExpressionToken[] {
  const out: ExpressionToken[] = [];
  for (let k = open + 1; k < tokens.length; k++) {
    const t = tokens[k] as ExpressionToken;
    if (t.kind === 'space' || t.text === ',') continue;
    if (t.kind !== 'string') break;
    out.push(t);
    if (out.length === 2) break;
  }
  return out;
}

function unquoteToken(t: ExpressionToken): { value: string; span: TextRange } | undefined {
  const inner = t.text.slice(1, -1);
  if (inner.includes('\\')) return undefined;
  return { value: inner, span: { start: t.start + 1, end: t.end - 1 } };
}

/** `lookup('template', 'x')`, `query('file', 'x')`, `{% include 'x' %}`, `{% import 'x' as m %}`, `{% from 'x' import m %}`. */
function jinjaSites(text: string): Site[] {
  const out: Site[] = [];
  for (const token of scanJinja(text).tokens) {
    if (token.kind !== 'expression' && token.kind !== 'statement') continue;
    const tokens = tokenizeExpression(text, token.start + 2, token.end - 2);
    const significant = tokens.filter((t) => t.kind !== 'space');
    if (token.kind === 'statement' && ['include', 'import', 'from'].includes(token.keyword ?? '')) {
      const first = significant.find((t) => t.kind === 'string');
      const q = first && unquoteToken(first);
      if (q) out.push({ kind: token.keyword === 'include' ? 'jinja_include' : 'jinja_import', target: q.value, span: q.span, offset: q.span.start });
    }
    for (let k = 0; k < significant.length - 1; k++) {
      const t = significant[k] as ExpressionToken;
      if (t.kind !== 'name' || (t.text !== 'lookup' && t.text !== 'query' && t.text !== 'q') || significant[k + 1]?.text !== '(' || significant[k - 1]?.text === '.') continue;
      const [plugin, arg] = stringArgs(significant, k + 1);
      const name = plugin?.text.slice(1, -1);
      const q = arg && unquoteToken(arg);
      if ((name === 'template' || name === 'file' || name === 'ansible.builtin.template' || name === 'ansible.builtin.file') && q) {
        out.push({ kind: name.endsWith('template') ? 'lookup_template' : 'lookup_file', target: q.value, span: q.span, offset: q.span.start });
      }
    }
  }
  return out;
}

/** `dependencies:` of a role's meta file: `- name`, `- role: name`, `- { name: x }`. */
function dependencySites(text: string, doc: YamlDocument): Site[] {
  const out: Site[] = [];
  for (const item of doc.items(['dependencies'], 0)) {
    const node = item.value.kind === 'map' ? (doc.get([...item.path, 'role'], 0) ?? doc.get([...item.path, 'name'], 0)) : item.value;
    if (node?.value === undefined) continue;
    const span = scalarSpan(text, node);
    out.push({ kind: 'dependencies', target: node.value, ...(span ? { span } : {}), offset: node.range.start });
  }
  return out;
}

/** Every reference site of one file, by what Ansible reads the file as. */
async function sitesOf(path: string, src: ReferenceSource): Promise<Site[]> {
  const kind = src.ansible.classOf(path)?.kind;
  const text = await src.text(path);
  if (text === undefined) return [];
  const out: Site[] = [];
  const fromTasks = (entries: readonly TaskListEntry[]) => {
    for (const t of allTasks(entries)) out.push(...taskSites(text, t));
  };
  if (kind === 'playbook') {
    const pb = await src.ansible.playbook(path);
    for (const e of pb?.entries ?? []) {
      if (e.kind === 'import_playbook') {
        const node = e.module.pair.value;
        const span = e.target !== undefined ? scalarSpan(text, node) : undefined;
        if (e.target !== undefined) out.push({ kind: 'import_playbook', target: e.target, ...(span ? { span } : {}), offset: node.range.start });
        continue;
      }
      for (const v of e.varsFiles) {
        const span = scalarSpan(text, v.node);
        out.push({ kind: 'vars_files', target: v.value, ...(span ? { span } : {}), offset: v.node.range.start });
      }
      for (const r of e.roles) {
        const node = r.node.kind === 'map' ? undefined : r.node;
        const span = node ? scalarSpan(text, node) : undefined;
        out.push({ kind: 'roles', target: r.name, ...(span ? { span } : {}), offset: r.node.range.start });
      }
      fromTasks([...e.pre_tasks, ...e.tasks, ...e.post_tasks, ...e.handlers]);
    }
  } else if (kind === 'tasks' || kind === 'handlers') {
    fromTasks((await src.ansible.taskFile(path))?.entries ?? []);
  } else if (kind === 'role-meta') {
    const doc = await src.yaml(path);
    if (doc) out.push(...dependencySites(text, doc));
  }
  if (kind === 'playbook' || kind === 'tasks' || kind === 'handlers' || kind === 'template' || kind === 'vars') {
    if (text.includes('{')) out.push(...jinjaSites(text).filter((s) => kind === 'template' || (s.kind !== 'jinja_include' && s.kind !== 'jinja_import')));
  }
  return out;
}

/**
 * A resolve scope over a set of paths (the repository, or the repository after renames).
 *
 * @example
 * const scope = scopeOf(repo.paths(), ansible.rolesDirs);
 */
export function scopeOf(paths: Iterable<string>, rolesDirs: readonly string[]): ResolveScope {
  const set = new Set(paths);
  const dirs = new Set<string>();
  for (const p of set) for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
  return { exists: (p) => set.has(p), roleExists: (d) => dirs.has(d), rolesDirs };
}

/**
 * Resolves one reference target in a scope: a plain target directly; one computed with Jinja
 * for each environment (what each names, and a reason where one cannot be rendered or names
 * nothing).
 *
 * @example
 * await resolveReference('template', 'dockercfg-{{ env }}.j2', 'roles/osbs/tasks/main.yml', scope, src);
 * // => { byEnvironment: { production: 'roles/osbs/templates/dockercfg-production.j2', … } }
 */
export async function resolveReference(
  kind: ReferenceKind,
  target: string,
  from: string,
  scope: ResolveScope,
  src: Pick<ReferenceSource, 'environments' | 'evaluate' | 'checkouts'>,
): Promise<Pick<FileReference, 'resolved' | 'byEnvironment' | 'unresolved'>> {
  if (!/[{][{%]/.test(target)) {
    if (target.trim().startsWith('/') && underCheckout(target, src.checkouts) === undefined) return { unresolved: 'an absolute path (outside the repository, or a checkout on the control host)' };
    const resolved = resolvePlain(kind, target, from, scope, src.checkouts);
    return resolved ? { resolved } : { unresolved: ROLE_KINDS.has(kind) ? 'no such role in the repository' : 'no such file in the repository' };
  }
  const byEnvironment: Record<string, string | undefined> = {};
  const problems: string[] = [];
  for (const env of src.environments) {
    const value = await src.evaluate(target, env).catch(() => undefined);
    const resolved = value === undefined || /[{][{%]/.test(value) || value.trim() === '' ? undefined : resolvePlain(kind, value, from, scope, src.checkouts);
    byEnvironment[env.name] = resolved;
    if (!resolved) problems.push(value === undefined || /[{][{%]/.test(value) ? `in ${env.name}, computed with variables ansimod cannot evaluate` : `in ${env.name}, ${value} names no file in the repository`);
  }
  const values = new Set(Object.values(byEnvironment));
  return {
    byEnvironment,
    ...(values.size === 1 && !values.has(undefined) ? { resolved: [...values][0] as string } : {}),
    ...(problems.length ? { unresolved: problems.join('; ') } : {}),
  };
}

/**
 * Every reference of the repository Ansible follows — `template`/`copy` `src:`, task includes
 * and imports, `include_vars`, `vars_files`, `import_playbook`, `roles:`, role `dependencies`,
 * `include_role`/`import_role`, `lookup('template'|'file', …)`, and templates' `{% include %}` /
 * `{% import %}` — each resolved as Ansible resolves it, a target computed with Jinja for each
 * environment, with the reason where one cannot be.
 *
 * @example
 * const refs = await collectReferences(src);
 * refs.filter((r) => r.unresolved).map((r) => `${r.path}:${r.line}: ${r.target}`);
 */
export async function collectReferences(src: ReferenceSource): Promise<FileReference[]> {
  const scope = scopeOf(src.paths(), src.ansible.rolesDirs);
  const out: FileReference[] = [];
  for (const path of src.paths()) {
    const sites = await sitesOf(path, src);
    if (sites.length === 0) continue;
    const text = (await src.text(path)) as string;
    for (const s of sites) {
      const r = await resolveReference(s.kind, s.target, path, scope, src);
      out.push({ kind: s.kind, path, target: s.target, ...(s.span ? { span: s.span } : {}), line: lineAt(text, s.offset), ...r });
    }
  }
  return out;
}
