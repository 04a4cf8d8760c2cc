import { posix } from 'node:path';
import { roleOfPath } from '../ansible/places.js';
import { UnsupportedConstructError } from './jinja-statements.js';
import { TemplateRuntimeError } from './ansible-filters.js';
import { pythonStringMethod } from './python-methods.js';
import { isKeywordArgs, isPlainObject, pyStr, pyTruthy } from './python-values.js';
import { currentSession, isLazyUndefined, type RenderSession } from './render-session.js';

/** The render context nunjucks calls a global with (`this`): the template's variables. */
interface LookupContext {
  lookup(name: string): unknown;
}

type Lookup = (context: LookupContext, terms: unknown[], kw: Record<string, unknown>, call: string) => unknown[];

/**
 * Lookup plugins that are refused by design, with why: running them during verification is not
 * something a codemod tool may do, or their result is not the repository's.
 */
export const REFUSED_LOOKUPS: Readonly<Record<string, string>> = {
  pipe: 'it runs a shell command, and verification never runs commands from the repository',
  lines: 'it runs a shell command, and verification never runs commands from the repository',
  password: 'it creates or reads a password file outside the repository, and may write one',
  url: 'it fetches a URL, and verification never uses the network',
  dig: 'it asks DNS, and verification never uses the network',
  unvault: 'it decrypts a vault file, and verification has no vault password',
  random_choice: 'its result is random',
};

/** The repository's files as the render in progress sees them, or a refusal naming the call. */
function repositoryFiles(call: string, session: RenderSession | undefined): NonNullable<RenderSession['files']> {
  if (!session?.files) throw new UnsupportedConstructError(`${call}, which reads repository files (no repository given to this render)`);
  return session.files;
}

/**
 * The folders of a template task's lookup search path (Ansible's `ansible_search_path`, plus the
 * template's folder the template action adds), repository-relative, in order: the role and its
 * `tasks/`, or the playbook folder holding the template's `templates/`; then the template's folder.
 *
 * @example
 * lookupSearchBases('roles/base/templates/motd.j2'); // ['roles/base', 'roles/base/tasks', 'roles/base/templates']
 */
export function lookupSearchBases(templatePath: string): string[] {
  const role = roleOfPath(templatePath, [])?.dir;
  const dir = posix.dirname(templatePath);
  const playbook = role === undefined && posix.basename(dir) === 'templates' ? posix.dirname(dir) : undefined;
  return [...new Set([role, role === undefined ? undefined : `${role}/tasks`, playbook, dir].filter((b): b is string => b !== undefined))];
}

/**
 * Where Ansible's lookup looks for `term` (`sub`: `files` or `templates`), as repository-relative
 * paths in its order, for a template task rendering `templatePath`: the role (its `sub/` folder,
 * then itself), the role's `tasks/`, the playbook's folder (for a template outside a role, the
 * folder holding its `templates/`), the template's own folder (the template action adds it to the
 * task's search path), then the repository's root, where playbooks run from. A path under `sub/`
 * already is not put under it again.
 *
 * @example
 * lookupSearchPaths('files', 'motd', 'roles/base/templates/motd.j2');
 * // ['roles/base/files/motd', 'roles/base/motd', 'roles/base/tasks/files/motd', 'roles/base/tasks/motd', 'roles/base/templates/files/motd', 'roles/base/templates/motd', 'files/motd', 'motd']
 */
export function lookupSearchPaths(sub: string, term: string, templatePath: string): string[] {
  const bases = [...lookupSearchBases(templatePath), '.'];
  const underSub = term.split('/')[0] === sub;
  const out = bases.flatMap((b) => [...(underSub ? [] : [posix.join(b, sub, term)]), posix.join(b, term)]).map((p) => posix.normalize(p));
  return [...new Set(out)].filter((p) => p !== '..' && !p.startsWith('../'));
}

/**
 * The repository file a lookup's term names (`sub`: the folder Ansible adds), or a refusal naming
 * the call: a path outside the repository, or no such file (Ansible would fail, unless the
 * playbook's folder, which a template does not tell, has it).
 */
function findFile(call: string, sub: string, term: string, files: NonNullable<RenderSession['files']>, must: boolean): string | undefined {
  if (term.startsWith('/') || term.startsWith('~')) {
    const root = files.root;
    if (root !== undefined && term.startsWith(`${root}/`)) {
      const rel = posix.normalize(term.slice(root.length + 1));
      if (files.read(rel) !== undefined) return rel;
    }
    if (!must) return undefined;
    throw new UnsupportedConstructError(`${call}, whose path ${term} is outside the repository (unverifiable here)`);
  }
  const candidates = lookupSearchPaths(sub, term, files.path);
  const found = candidates.find((c) => files.read(c) !== undefined);
  if (found !== undefined || !must) return found;
  throw new UnsupportedConstructError(
    `${call}: no such file in the repository (searched ${candidates.join(', ')}); Ansible fails unless the playbook's folder has it (unverifiable here)`,
  );
}

/** A file's text, refusing a vault-encrypted one (its clear text needs the vault password). */
function readText(call: string, rel: string, files: NonNullable<RenderSession['files']>): string {
  const text = files.read(rel) ?? '';
  if (text.startsWith('$ANSIBLE_VAULT;')) throw new UnsupportedConstructError(`${call} of ${rel}, a vault-encrypted file (unverifiable here: no vault password)`);
  return text;
}

/** Refuses keyword arguments a lookup takes but the embedded renderer does not model. */
function onlyOptions(call: string, kw: Record<string, unknown>, known: readonly string[]): void {
  const other = Object.keys(kw).find((k) => k !== '__keywords' && k !== 'wantlist' && !known.includes(k));
  if (other !== undefined) throw new UnsupportedConstructError(`${call} with the option \`${other}\``);
}

/** `first_found`'s terms: file names (lists flattened), or `{files, paths, skip}` mappings. */
function firstFoundCandidates(terms: unknown[], kw: Record<string, unknown>): { names: string[]; skip: boolean } {
  const names: string[] = [];
  let skip = pyTruthy(kw.skip ?? false);
  const split = (v: unknown, seps: RegExp): string[] => (Array.isArray(v) ? v.map((x) => pyStr(x)) : v === undefined || v === null ? [] : [pyStr(v)]).flatMap((x) => x.split(seps)).filter((x) => x !== '');
  const walk = (term: unknown): void => {
    if (Array.isArray(term)) return term.forEach(walk);
    const options = isPlainObject(term) ? term : kw;
    if (isPlainObject(term)) skip = pyTruthy(term.skip ?? false);
    else if (typeof term !== 'string') throw new TemplateRuntimeError(`Invalid term supplied, can handle string, mapping or list of strings but got: ${typeof term}`);
    const files = split(options.files, /[,;]/);
    const paths = split(options.paths, /[,:;]/);
    if (paths.length > 0) names.push(...paths.flatMap((p) => files.map((f) => posix.join(p, f))));
    else if (files.length > 0) names.splice(0, names.length, ...files);
    else names.push(pyStr(term));
  };
  walk(terms);
  return { names, skip };
}

/**
 * Lookup plugins the embedded renderer runs. Each takes the terms and keyword arguments of the
 * call and returns Ansible's list of results. Files are read from the repository only (the
 * render's `readFile`); `env` reads this process's environment, as Ansible reads the controller's.
 */
const LOOKUPS: Record<string, Lookup> = {
  /** `lookup('vars', 'name', default=…)`: a variable by name, templated as on any use. */
  vars: (context, terms, kw) =>
    terms.map((term) => {
      const name = pyStr(term);
      const value = context.lookup(name);
      const session = currentSession();
      if (value !== undefined) return session ? session.expand(name, value) : value;
      if (kw.default !== undefined && kw.default !== null) return kw.default;
      session?.variable(name);
      throw new TemplateRuntimeError(`No variable found with this name: ${name}`);
    }),
  /** `lookup('env', 'HOME', default='')`: the variable's value in this machine's environment. */
  env: (_context, terms, kw, call) => {
    onlyOptions(call, kw, ['default']);
    return terms.map((term) => process.env[pyStr(term).split(/\s+/).filter((w) => w !== '')[0] ?? ''] ?? (kw.default ?? ''));
  },
  /** `lookup('file', 'motd', rstrip=True, lstrip=False)`: a repository file's text. */
  file: (_context, terms, kw, call) => {
    onlyOptions(call, kw, ['rstrip', 'lstrip']);
    const files = repositoryFiles(call, currentSession());
    return terms.map((term) => {
      let text = readText(call, findFile(call, 'files', pyStr(term), files, true) as string, files);
      if (pyTruthy(kw.lstrip ?? false)) text = pythonStringMethod(text, 'lstrip')!() as string;
      if (pyTruthy(kw.rstrip ?? true)) text = pythonStringMethod(text, 'rstrip')!() as string;
      return text;
    });
  },
  /** `lookup('template', 'x.j2', template_vars={…})`: a repository template rendered with the render's variables. */
  template: (_context, terms, kw, call) => {
    onlyOptions(call, kw, ['template_vars', 'convert_data']);
    const files = repositoryFiles(call, currentSession());
    const extra = isPlainObject(kw.template_vars) ? kw.template_vars : {};
    return terms.map((term) => {
      const rel = findFile(call, 'templates', pyStr(term), files, true) as string;
      return files.render(readText(call, rel, files), rel, extra);
    });
  },
  /** `lookup('first_found', [...])`: the absolute path of the first repository file found. */
  first_found: (_context, terms, kw, call) => {
    onlyOptions(call, kw, ['files', 'paths', 'skip']);
    const files = repositoryFiles(call, currentSession());
    const { names, skip } = firstFoundCandidates(terms, kw);
    for (const name of names) {
      const rel = findFile(call, 'files', name, files, false);
      if (rel === undefined) continue;
      if (files.root === undefined) throw new UnsupportedConstructError(`${call}, whose result is an absolute path (the repository's location is not given to this render)`);
      return [posix.join(files.root, rel)];
    }
    if (skip) return [];
    throw new UnsupportedConstructError(`${call}: none of ${names.join(', ')} is in the repository; Ansible fails unless the playbook's folder has one (unverifiable here)`);
  },
};

/**
 * Ansible's `lookup(plugin, *terms, **kwargs)` (`wantlist` false: strings joined with `,`, a
 * single other value as itself) and `query`/`q` (always the list), as Templar._lookup gives them.
 *
 * @example
 * env.addGlobal('lookup', ansibleLookup(false));
 * env.addGlobal('query', ansibleLookup(true));
 */
export function ansibleLookup(wantlist: boolean): (this: LookupContext, plugin: unknown, ...args: unknown[]) => unknown {
  return function (this: LookupContext, plugin: unknown, ...args: unknown[]): unknown {
    const last = args[args.length - 1];
    const kw: Record<string, unknown> = !isLazyUndefined(last) && isKeywordArgs(last) ? (args.pop(), { ...last }) : {};
    const name = pyStr(plugin).replace(/^ansible\.builtin\./, '');
    const run = LOOKUPS[name];
    const call = `${wantlist ? 'query' : 'lookup'}('${name}')`;
    if (!run) {
      const why = REFUSED_LOOKUPS[name];
      throw new UnsupportedConstructError(why ? `${call}, refused by design: ${why}` : `${call}, whose result the embedded renderer does not compute (unverifiable here)`);
    }
    const ran = run(this, args, kw, call);
    // An empty result stays a list, even for `lookup` (Templar._lookup joins only a non-empty one).
    if (wantlist || kw.wantlist === true || ran.length === 0) return ran;
    if (ran.every((r) => typeof r === 'string')) return ran.join(',');
    return ran.length === 1 ? ran[0] : ran;
  };
}
