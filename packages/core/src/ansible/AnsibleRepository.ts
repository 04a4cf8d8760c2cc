import { posix } from 'node:path';
import type { YamlDocument } from '../formats/yaml/index.js';
import { isAction } from './ansible-core-data.js';
import { splitTaskArgs } from './free-form.js';
import { kindByPlace, roleOfPath, type AnsibleFileKind } from './places.js';
import { readPlaybook, readTaskFile } from './read-playbook.js';
import { allTasks } from './read-tasks.js';
import type { AnsibleTask, PlaybookModel, TaskFileModel, TaskListEntry } from './types.js';

/**
 * What the Ansible layer reads a repository through: its paths, and a file's text or YAML
 * document (undefined when missing, unreadable, or not YAML).
 *
 * @example
 * const source: AnsibleSource = { paths: () => repo.paths(), text: async (p) => …, yaml: async (p) => … };
 */
export interface AnsibleSource {
  paths(): readonly string[];
  text(path: string): Promise<string | undefined>;
  yaml(path: string): Promise<YamlDocument | undefined>;
}

/**
 * Why a file is of its kind: its place, or a reference (a playbook's `vars_files`, an
 * `import_tasks`…). `matched` says how a reference that is not a plain relative path was
 * matched to the file (a templated or absolute path, by its fixed end).
 *
 * @example
 * const c: AnsibleFileClass = { path: 'tasks/yumrepos.yml', kind: 'tasks', by: 'reference', from: { path: 'playbooks/web.yml', offset: 310, keyword: 'import_tasks' } };
 */
export interface AnsibleFileClass {
  readonly path: string;
  readonly kind: AnsibleFileKind;
  /** The role's folder (`roles/bodhi2/base`) when the file belongs to one. */
  readonly role?: string;
  readonly by: 'place' | 'reference';
  readonly from?: AnsibleReferenceSite;
  readonly matched?: string;
}

/**
 * Where a reference is written.
 *
 * @example
 * const site: AnsibleReferenceSite = { path: 'playbooks/web.yml', offset: 310, keyword: 'import_tasks' };
 */
export interface AnsibleReferenceSite {
  readonly path: string;
  readonly offset: number;
  readonly keyword: string;
}

/**
 * A reference Ansible follows that could not be followed here (a path only known at run time,
 * outside the repository, or missing), and why.
 *
 * @example
 * const u: UnresolvedReference = { path: 'playbooks/web.yml', offset: 88, keyword: 'vars_files', target: '/srv/private/vars.yml', reason: 'not in the repository' };
 */
export interface UnresolvedReference extends AnsibleReferenceSite {
  readonly target: string;
  readonly reason: string;
}

/**
 * A role: its folder, its name, which of its folders exist, and who names it.
 *
 * @example
 * repo.roles.get('roles/bodhi2/base')?.folders; // => ['tasks', 'templates']
 */
export interface AnsibleRole {
  readonly dir: string;
  readonly name: string;
  readonly folders: readonly string[];
  readonly referencedBy: readonly AnsibleReferenceSite[];
}

type Want = 'playbook' | 'tasks' | 'handlers' | 'vars';

/**
 * A reference from one file to another (or to a role) that Ansible follows, and what it
 * names in the repository.
 *
 * @example
 * ansible.references.filter((r) => r.keyword === 'import_tasks').map((r) => r.resolved); // => ['playbooks/fqcn/tasks/common.yml']
 */
export interface AnsibleReference extends AnsibleReferenceSite {
  /** What the named file is read as, or `role`. */
  readonly wants: 'playbook' | 'tasks' | 'handlers' | 'vars' | 'role';
  /** The target as written. */
  readonly target: string;
  /** The file (or, for a role, the role's folder) it names; undefined when not followed (see {@link unresolved}). */
  readonly resolved?: string;
  readonly matched?: string;
}

/** Keys whose presence in a text means it may reference other files. */
const REFERENCE_HINT = /include|import_|vars_files|roles:|_from/;

/**
 * A repository as Ansible sees it: which YAML files are playbooks, tasks, handlers, vars, role
 * metadata, templates or plain files — decided as Ansible decides, by place and by reference
 * from a playbook or an include, never by content — its roles, the references that could not be
 * followed, and the parsed playbooks and task files (plays, blocks, tasks, handlers, with
 * offsets into their documents).
 *
 * @example
 * const ansible = await AnsibleRepository.analyze(source);
 * ansible.filesOf('tasks').map((f) => f.path);
 * (await ansible.taskFile('roles/base/tasks/main.yml'))?.entries.length;
 */
export class AnsibleRepository {
  private readonly classes = new Map<string, AnsibleFileClass>();
  private readonly roleMap = new Map<string, { dir: string; name: string; folders: Set<string>; referencedBy: AnsibleReferenceSite[] }>();
  private readonly models = new Map<string, Promise<PlaybookModel | TaskFileModel | undefined>>();
  private readonly unresolvedList: UnresolvedReference[] = [];
  private readonly referenceList: AnsibleReference[] = [];
  private readonly pathSet: Set<string>;
  /** Every path under each of its tails (`c.yml`, `b/c.yml`, `a/b/c.yml`), built on first use. */
  private tailIndex?: Map<string, string[]>;

  private constructor(
    private readonly source: AnsibleSource,
    /** Roles folders besides every folder named `roles` (`ansible.cfg`'s `roles_path`). */
    readonly rolesDirs: readonly string[],
  ) {
    this.pathSet = new Set(source.paths());
  }

  /**
   * Classifies every file of `source` and reads the playbooks and task files that reference
   * others (the rest are read on demand).
   *
   * @example
   * const ansible = await AnsibleRepository.analyze(source);
   */
  static async analyze(source: AnsibleSource): Promise<AnsibleRepository> {
    const cfg = await source.text('ansible.cfg');
    const repo = new AnsibleRepository(source, rolesPathOf(cfg));
    await repo.build();
    return repo;
  }

  /** Every classified file, sorted by path. */
  get files(): readonly AnsibleFileClass[] {
    return [...this.classes.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Every role, by folder. */
  get roles(): ReadonlyMap<string, AnsibleRole> {
    const out = new Map<string, AnsibleRole>();
    for (const [k, r] of [...this.roleMap.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) out.set(k, { dir: r.dir, name: r.name, folders: [...r.folders].sort(), referencedBy: r.referencedBy });
    return out;
  }

  /** Every reference followed or not, in the order they were read. */
  get references(): readonly AnsibleReference[] {
    return this.referenceList;
  }

  /** References Ansible follows that could not be followed here. */
  get unresolved(): readonly UnresolvedReference[] {
    return this.unresolvedList;
  }

  /**
   * What `path` is to Ansible, or undefined when it is none of the kinds.
   *
   * @example
   * ansible.classOf('roles/a/templates/job.yml')?.kind; // => 'template'
   */
  classOf(path: string): AnsibleFileClass | undefined {
    return this.classes.get(path);
  }

  /**
   * The files of one kind, sorted.
   *
   * @example
   * ansible.filesOf('playbook').length;
   */
  filesOf(kind: AnsibleFileKind): AnsibleFileClass[] {
    return this.files.filter((f) => f.kind === kind);
  }

  /**
   * The playbook at `path` read as Ansible reads it, or undefined when it is not a playbook or
   * not YAML.
   *
   * @example
   * (await ansible.playbook('playbooks/groups/web.yml'))?.entries.length;
   */
  async playbook(path: string): Promise<PlaybookModel | undefined> {
    if (this.classes.get(path)?.kind !== 'playbook') return undefined;
    const m = await this.model(path, 'playbook');
    return m?.kind === 'playbook' ? m : undefined;
  }

  /**
   * The tasks or handlers file at `path`, or undefined when it is neither or not YAML.
   *
   * @example
   * (await ansible.taskFile('roles/a/handlers/main.yml'))?.kind; // => 'handlers'
   */
  async taskFile(path: string): Promise<TaskFileModel | undefined> {
    const kind = this.classes.get(path)?.kind;
    if (kind !== 'tasks' && kind !== 'handlers') return undefined;
    const m = await this.model(path, kind);
    return m && m.kind !== 'playbook' ? m : undefined;
  }

  /**
   * Every task and handler of the file at `path` (a playbook's plays, or a task file), blocks
   * opened, in source order; empty for other files.
   *
   * @example
   * (await ansible.tasksIn('roles/a/tasks/main.yml')).map((t) => t.module?.name);
   */
  async tasksIn(path: string): Promise<AnsibleTask[]> {
    const pb = await this.playbook(path);
    if (pb) return pb.entries.flatMap((e) => (e.kind === 'play' ? [...allTasks(e.pre_tasks), ...allTasks(e.tasks), ...allTasks(e.post_tasks), ...allTasks(e.handlers)] : []));
    const tf = await this.taskFile(path);
    return tf ? allTasks(tf.entries) : [];
  }

  private model(path: string, kind: Want): Promise<PlaybookModel | TaskFileModel | undefined> {
    const key = `${kind}\u0000${path}`;
    let m = this.models.get(key);
    if (!m) {
      m = this.source.yaml(path).then((doc) => (doc ? (kind === 'playbook' ? readPlaybook(doc) : readTaskFile(doc, kind === 'handlers' ? 'handlers' : 'tasks')) : undefined));
      this.models.set(key, m);
    }
    return m;
  }

  private async build(): Promise<void> {
    for (const p of this.pathSet) {
      const role = roleOfPath(p, this.rolesDirs);
      if (role) this.role(role.dir, role.name).folders.add(role.folder);
      const kind = kindByPlace(p, this.rolesDirs);
      if (kind) this.classes.set(p, { path: p, kind, ...(role ? { role: role.dir } : {}), by: 'place' });
    }
    // Follow references from every playbook and every task file that may hold one; a file
    // named as another kind than its place says (a "playbook" that is imported as tasks) is
    // read again as what it is named.
    const queue: Array<{ path: string; kind: Want }> = [];
    const done = new Set<string>();
    for (const c of this.classes.values()) if (c.kind === 'playbook' || c.kind === 'tasks' || c.kind === 'handlers') queue.push({ path: c.path, kind: c.kind });
    for (let next = 0; next < queue.length; ) {
      const { path, kind } = queue[next++] as { path: string; kind: Want };
      const key = `${kind}\u0000${path}`;
      if (done.has(key) || this.classes.get(path)?.kind !== kind) continue;
      done.add(key);
      const text = await this.source.text(path);
      if (text === undefined || !REFERENCE_HINT.test(text)) continue;
      for (const ref of await this.referencesOf(path, kind)) {
        if (ref.want === 'role') {
          const dir = this.followRole(ref.target, path, ref.site);
          this.referenceList.push({ ...ref.site, wants: 'role', target: ref.target, ...(dir ? { resolved: dir } : {}) });
          continue;
        }
        const resolved = this.resolve(ref.target, path, ref.want);
        if ('reason' in resolved) {
          this.unresolvedList.push({ ...ref.site, target: ref.target, reason: resolved.reason });
          this.referenceList.push({ ...ref.site, wants: ref.want, target: ref.target });
          continue;
        }
        this.referenceList.push({ ...ref.site, wants: ref.want, target: ref.target, resolved: resolved.path, ...(resolved.matched ? { matched: resolved.matched } : {}) });
        const prior = this.classes.get(resolved.path);
        // A place says what a role's files are; a reference decides anything else.
        if (prior && (prior.role || prior.kind === ref.want || prior.by === 'reference')) continue;
        const role = roleOfPath(resolved.path, this.rolesDirs);
        this.classes.set(resolved.path, { path: resolved.path, kind: ref.want, ...(role ? { role: role.dir } : {}), by: 'reference', from: ref.site, ...(resolved.matched ? { matched: resolved.matched } : {}) });
        if (ref.want !== 'vars') queue.push({ path: resolved.path, kind: ref.want });
      }
    }
  }

  private role(dir: string, name: string): { dir: string; name: string; folders: Set<string>; referencedBy: AnsibleReferenceSite[] } {
    let r = this.roleMap.get(dir);
    if (!r) {
      r = { dir, name, folders: new Set(), referencedBy: [] };
      this.roleMap.set(dir, r);
    }
    return r;
  }

  private async referencesOf(path: string, kind: Want): Promise<Array<{ want: Want | 'role'; target: string; site: AnsibleReferenceSite }>> {
    const model = await this.model(path, kind);
    if (!model) return [];
    const out: Array<{ want: Want | 'role'; target: string; site: AnsibleReferenceSite }> = [];
    const fromTasks = (entries: readonly TaskListEntry[], handlers: boolean): void => {
      for (const t of allTasks(entries)) out.push(...taskReferences(path, t, handlers));
    };
    if (model.kind === 'playbook') {
      for (const e of model.entries) {
        if (e.kind === 'import_playbook') {
          if (e.target) out.push({ want: 'playbook', target: e.target, site: { path, offset: e.module.pair.value.range.start, keyword: e.module.name } });
          continue;
        }
        for (const v of e.varsFiles) out.push({ want: 'vars', target: v.value, site: { path, offset: v.node.range.start, keyword: 'vars_files' } });
        for (const r of e.roles) out.push({ want: 'role', target: r.name, site: { path, offset: r.node.range.start, keyword: 'roles' } });
        fromTasks(e.pre_tasks, false);
        fromTasks(e.tasks, false);
        fromTasks(e.post_tasks, false);
        fromTasks(e.handlers, true);
      }
    } else fromTasks(model.entries, model.kind === 'handlers');
    return out;
  }

  private followRole(name: string, from: string, site: AnsibleReferenceSite): string | undefined {
    if (/[{][{%]/.test(name)) {
      this.unresolvedList.push({ ...site, target: name, reason: 'the role name is only known at run time' });
      return undefined;
    }
    const bases = [posix.join(posix.dirname(from), 'roles'), ...this.rolesDirs, 'roles', posix.dirname(from), ''];
    for (const b of bases) {
      const r = this.roleMap.get(posix.join(b, name));
      if (r) {
        r.referencedBy.push(site);
        return r.dir;
      }
    }
    this.unresolvedList.push({ ...site, target: name, reason: 'no such role in the repository' });
    return undefined;
  }

  /**
   * The repository file a reference names. Relative paths are looked up as Ansible does (the
   * role's folder for the kind, the role, the naming file's folder, the repository root);
   * absolute paths (a checkout on the control host) and templated ones by their longest fixed
   * end that names exactly one file.
   */
  private resolve(target: string, from: string, want: Want): { path: string; matched?: string } | { reason: string } {
    const t = target.trim();
    const templated = /[{][{%]/.test(t);
    if (!templated && !t.startsWith('/')) {
      const role = roleOfPath(from, this.rolesDirs);
      const folder = want === 'handlers' ? 'handlers' : want === 'vars' ? 'vars' : 'tasks';
      const bases = [...(role ? [posix.join(role.dir, folder), role.dir] : []), posix.dirname(from), ''];
      for (const b of bases) {
        for (const candidate of [posix.normalize(posix.join(b, t)), ...(want === 'vars' || /\.ya?ml$/.test(t) ? [] : [`${posix.normalize(posix.join(b, t))}.yml`])]) {
          if (this.pathSet.has(candidate)) return { path: candidate };
        }
      }
      return { reason: 'no such file in the repository' };
    }
    const fixed = templated ? t.slice(Math.max(t.lastIndexOf('}}'), t.lastIndexOf('%}')) + 2) : t;
    const segs = fixed.split('/').filter((s) => s !== '' && s !== '.');
    if (segs.length === 0) return { reason: 'the path is only known at run time' };
    for (let k = 0; k < segs.length; k++) {
      const tail = segs.slice(k).join('/');
      if (!templated && segs.length - k < 2) break;
      const hits = this.pathsEndingWith(tail);
      if (hits.length === 1) return { path: hits[0] as string, matched: templated ? `templated path matched by its fixed end ${tail}` : `absolute path matched by its end ${tail}` };
      if (hits.length > 1) return { reason: `${hits.length} files end with ${tail}` };
    }
    return { reason: templated ? 'the path is only known at run time' : 'not in the repository' };
  }

  /** The paths that are `tail` or end with `/tail` (a lookup: every templated reference asks). */
  private pathsEndingWith(tail: string): readonly string[] {
    if (!this.tailIndex) {
      const index = new Map<string, string[]>();
      for (const p of this.pathSet) {
        const segs = p.split('/');
        for (let k = 0; k < segs.length; k++) push(index, segs.slice(k).join('/'), p);
      }
      this.tailIndex = index;
    }
    return this.tailIndex.get(tail) ?? [];
  }
}

function taskReferences(path: string, t: AnsibleTask, handlers: boolean): Array<{ want: Want | 'role'; target: string; site: AnsibleReferenceSite }> {
  const m = t.module;
  if (!m) return [];
  const site = { path, offset: m.pair.value.range.start, keyword: m.name };
  const param = (key: string): string | undefined => {
    if (t.args.form === 'free-form') return t.args.params.find((p) => p.key === key)?.value;
    if (t.args.form === 'mapping') {
      const p = t.args.pairs.find((x) => x.key.value === key);
      return p && (p.value.kind === 'scalar' || p.value.kind === 'block-scalar') ? p.value.value : undefined;
    }
    return undefined;
  };
  const freeText = t.args.form === 'free-form' ? splitTaskArgs(t.args.freeText)[0] : undefined;
  if (isAction(m.name, 'includeTasks') || isAction(m.name, 'importTasks') || isAction(m.name, 'include')) {
    const target = freeText ?? param('file') ?? param('_raw_params');
    return target ? [{ want: handlers ? 'handlers' : 'tasks', target, site }] : [];
  }
  if (isAction(m.name, 'includeVars')) {
    const target = freeText ?? param('file');
    return target ? [{ want: 'vars', target, site }] : [];
  }
  if (isAction(m.name, 'includeRole') || isAction(m.name, 'importRole')) {
    const name = param('name');
    if (!name) return [];
    // tasks_from, vars_from… name files of the role's own folders, which their place decides.
    return [{ want: 'role', target: name, site }];
  }
  return [];
}

/** `roles_path` of an `ansible.cfg` (`[defaults]`), relative entries only, without `./`. */
function rolesPathOf(cfg: string | undefined): string[] {
  if (!cfg) return [];
  let section = '';
  for (const raw of cfg.split(/\r?\n/)) {
    const line = raw.trim();
    const h = /^\[([^\]]+)\]$/.exec(line);
    if (h) section = h[1] as string;
    const m = /^roles_path\s*[=:]\s*(.*)$/.exec(line);
    if (section === 'defaults' && m) {
      return (m[1] as string)
        .split(':')
        .map((s) => posix.normalize(s.trim()).replace(/\/$/, ''))
        .filter((s) => s !== '' && s !== '.' && !s.startsWith('/') && !s.startsWith('~') && !s.startsWith('..'));
    }
  }
  return [];
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
