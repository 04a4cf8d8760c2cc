import { AnsimodError, defineTransform, isTemplatePath, YamlDocument, type RenderCheck, type VisitResult } from '@ansimod/core';
import { jinjaUses, yamlSites, type VariableSite } from './edits.js';

/** The file kinds whose YAML holds definitions and expressions. */
const YAML_KINDS = new Set(['playbook', 'tasks', 'handlers', 'vars', 'role-meta']);

/** A value no template computes by accident: what a renamed variable holds in the render checks. */
function probe(name: string): string {
  return `ansimod-probe-${name}`;
}

/**
 * The variables of a probe render: each renamed variable holding its probe, also as Ansible's
 * mappings of variables hold it (`vars`, `hostvars[any host]`) and as the `vars` lookup
 * returns it, so `vars['port']` and `lookup('vars', 'port')` are checked like `port`.
 */
function probeScope(values: Record<string, string>): Record<string, unknown> {
  const term = (t: unknown): unknown => values[String(t)];
  const isVars = (plugin: unknown): boolean => typeof plugin === 'string' && /^(ansible\.(builtin|legacy)\.)?vars$/.test(plugin);
  return {
    ...values,
    vars: values,
    hostvars: new Proxy({}, { get: (_t, host) => (typeof host === 'string' ? values : undefined) }),
    lookup: (plugin: unknown, ...terms: unknown[]) => (isVars(plugin) ? terms.map(term).join(',') : undefined),
    query: (plugin: unknown, ...terms: unknown[]) => (isVars(plugin) ? terms.map(term) : undefined),
    q: (plugin: unknown, ...terms: unknown[]) => (isVars(plugin) ? terms.map(term) : undefined),
  };
}

/** The probe scopes of a map, made once per plan's options (the engine then merges each with an environment's variables once). */
const scopes = new WeakMap<object, { before: Record<string, unknown>; after: Record<string, unknown> }>();

function probeScopes(maps: Record<string, string>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  let made = scopes.get(maps);
  if (!made) {
    const beforeValues: Record<string, string> = {};
    const afterValues: Record<string, string> = {};
    for (const [from, to] of Object.entries(maps)) {
      beforeValues[from] = probe(from);
      afterValues[to] = probe(from);
    }
    scopes.set(maps, (made = { before: probeScope(beforeValues), after: probeScope(afterValues) }));
  }
  return made;
}

/** A Jinja/Python identifier: what a variable name is. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The names to rename, each side checked to be a variable name. */
function variableMap(maps: Readonly<Record<string, string>>): string[] {
  for (const [from, to] of Object.entries(maps)) {
    const bad = [from, to].find((n) => !IDENTIFIER.test(n));
    if (bad !== undefined) throw new AnsimodError({ code: 'INVALID_OPTION', message: `rename-variable: "${bad}" (in ${from}=${to}) is not a variable name` });
  }
  return Object.keys(maps);
}

function withoutOverlaps(sites: VariableSite[]): VariableSite[] {
  const sorted = [...sites].sort((a, b) => a.edit.start - b.edit.start || b.edit.end - a.edit.end);
  const out: VariableSite[] = [];
  for (const s of sorted) if (!out.some((o) => s.edit.start < o.edit.end && o.edit.start < s.edit.end)) out.push(s);
  return out;
}

/**
 * `rename-variable`: renames variables where they are defined (role defaults and vars, vars
 * files, group_vars and host_vars, play, block and task `vars:`, `set_fact:`, `register:`, role
 * parameters in playbooks and `dependencies:`, argument specs, `loop_var:`) and where they are
 * used: every Jinja expression of tasks, playbooks, variables and templates, read as
 * expressions — `foo` is renamed, never `foo_bar`, `x.foo`, `'foo'`, a filter or test named
 * `foo`, or a keyword argument — and the bare conditions of `when:` and its kin. Verified by
 * rendering every changed expression and template before and after, in every environment.
 *
 * @example
 * await planSteps(root, [{ transform: renameVariable, options: { maps: { port: 'web_port' } }, stage: 'vars', target: 'web role variables' }]);
 */
export const renameVariable = defineTransform({
  name: 'rename-variable',
  displayName: 'Rename variables',
  description:
    'Renames variables where they are defined (defaults, vars, set_fact, register, role parameters, group_vars/host_vars, argument specs, loop_var) and used (Jinja expressions parsed as expressions, when: conditions), verified by rendering every changed expression and template the same before and after.',
  options: {
    maps: { type: 'map', required: true, description: 'Variable name to its new name.', example: 'port=web_port' },
    paths: { type: 'string[]', description: 'Globs of the files to change (default: every file Ansible reads).', example: 'roles/web/**,playbooks/web.yml' },
  },
  // No name to rename: no file is even read (`paths: []` matches nothing).
  select: (options) => ({ contains: variableMap(options.maps), ...(options.paths || Object.keys(options.maps).length === 0 ? { paths: options.paths ?? [] } : {}) }),

  async visit(file, ctx): Promise<VisitResult> {
    const names = new Map(Object.entries(ctx.options.maps));
    const ansible = await ctx.ansible();
    const kind = ansible.classOf(file.path)?.kind;
    const template = kind === 'template' || isTemplatePath(file.path);
    if (!template && !(kind && YAML_KINDS.has(kind))) return { outcome: 'skip', reason: 'not a file Ansible reads variables from' };
    const sites = jinjaUses(file.text, names);
    if (!template) {
      const doc = file.document;
      if (doc instanceof YamlDocument) sites.push(...yamlSites(file.text, doc, names, { varsFile: kind === 'vars' }));
    }
    const kept = withoutOverlaps(sites);
    if (kept.length === 0) return { outcome: 'skip', reason: 'names none of the variables' };
    // Verification of each changed expression: it renders the same, the variable renamed, in every environment.
    const { before, after } = probeScopes(ctx.options.maps);
    if (!template) {
      for (const s of kept) {
        if (!s.expression) continue;
        const wrap = (e: string) => (s.expression?.bare ? `{{ (${e}) }}` : e);
        for (const env of ctx.environments) {
          const b = await ctx.evaluate(wrap(s.expression.before), env, before).catch(() => undefined);
          if (b === undefined) continue;
          const a = await ctx.evaluate(wrap(s.expression.after), env, after).catch((e: Error) => `(fails: ${e.message})`);
          if (a !== b) {
            return { outcome: 'error', diagnostic: { code: 'VERIFY_FAILED', severity: 'error', path: file.path, line: file.document.lines.position(s.edit.start).line, message: `in ${env.name}, ${s.expression.after} renders ${a}, not ${b} as ${s.expression.before} did` } };
          }
        }
      }
    }
    const checks: RenderCheck[] = template
      ? [{ path: file.path, describe: 'renders the same with the variables renamed', skipUnrendered: true, vars: (_env, phase) => (phase === 'before' ? before : after), expect: (b) => b }]
      : [];
    const definitions = kept.filter((s) => s.kind === 'definition').length;
    return {
      outcome: 'changed',
      edits: kept.map((s) => s.edit),
      checks,
      notes: [`${definitions} definition${definitions === 1 ? '' : 's'}, ${kept.length - definitions} use${kept.length - definitions === 1 ? '' : 's'}`],
    };
  },
});
