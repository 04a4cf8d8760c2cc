import { UnsupportedConstructError } from './jinja-statements.js';
import { TemplateRuntimeError } from './ansible-filters.js';
import { isKeywordArgs, pyStr } from './python-values.js';
import { currentSession } from './render-session.js';

/** The render context nunjucks calls a global with (`this`): the template's variables. */
interface LookupContext {
  lookup(name: string): unknown;
}

/**
 * Lookup plugins the embedded renderer runs. Each takes the terms and keyword arguments of the
 * call and returns Ansible's list of results. Only what is deterministic and inside the
 * repository belongs here; every other plugin (`env`, `pipe`, `password`, `url`, `file` and
 * `template` for now…) is refused by name: its result is not verifiable here.
 */
const LOOKUPS: Record<string, (context: LookupContext, terms: unknown[], kw: Record<string, unknown>) => unknown[]> = {
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
};

/** Lookups whose result is in the repository, not run here yet: refused with that reason. */
const REPOSITORY_FILE_LOOKUPS = new Set(['file', 'template', 'first_found', 'fileglob', 'lines', 'csvfile', 'ini', 'unvault']);

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
    const kw: Record<string, unknown> = isKeywordArgs(last) ? (args.pop(), { ...last }) : {};
    const name = pyStr(plugin).replace(/^ansible\.builtin\./, '');
    const run = LOOKUPS[name];
    const call = wantlist ? 'query' : 'lookup';
    if (!run) {
      const why = REPOSITORY_FILE_LOOKUPS.has(name) ? 'which reads repository files the embedded renderer does not resolve yet' : 'whose result is not in the repository (unverifiable here)';
      throw new UnsupportedConstructError(`${call}('${name}'), ${why}`);
    }
    const ran = run(this, args, kw);
    if (wantlist || kw.wantlist === true) return ran;
    if (ran.every((r) => typeof r === 'string')) return ran.join(',');
    return ran.length === 1 ? ran[0] : ran;
  };
}
