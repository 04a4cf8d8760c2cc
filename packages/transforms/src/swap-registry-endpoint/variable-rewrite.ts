import type { DataChange, Environment, FileEdit, RenderCheck, TransformContext } from '@ansimod/core';
import type { EndpointMap } from '../endpoints/endpoint-map.js';
import { rewriteHosts, type HostReplacement } from './host-rewrite.js';
import { definitionRenderCheck, definitionRenders } from './render-check.js';
import { hostVariables, resolveVariable, type DefinitionKind, type VariableDefinition, type VariableResolution } from './variable-definitions.js';

/** Per environment, a variable's value before and after the change. */
export type VariableValues = Map<string, { before: string; after: string }>;

/** The values a template is rendered with in one rendering context (one task, or the wider scopes). */
export interface RenderingContext {
  /** The definition deciding it when it is a task's (its label), else undefined. */
  label?: string;
  values: VariableValues;
}

/** What following one variable of a registry value to its definitions gave. */
export interface VariableRewrite {
  name: string;
  resolution: VariableResolution;
  /** Edits of the definitions (each with the definition file's `path`). */
  edits: FileEdit[];
  /** The YAML data changes of those edits (each with the definition file's `path`). */
  data: DataChange[];
  /** Edited definitions whose files render on their own, to be checked (see {@link definitionChecks}). */
  checked: VariableDefinition[];
  /** One entry per rendering context (one per task defining the variable, else one). */
  contexts: RenderingContext[];
  /** Lines for the notes. */
  notes: string[];
}

/** Definitions that belong to the run of one task (its own, its block's or its play's `vars:`). */
const TASK_SCOPES: ReadonlySet<DefinitionKind> = new Set<DefinitionKind>(['task vars', 'block vars', 'play vars']);

/** What following a variable needs from the transform context. */
export type VariableContext = Pick<TransformContext<unknown>, 'environments' | 'repo' | 'evaluate'>;

/** Resolutions are per repository and template: several keys (or steps) may ask for the same one. */
const resolutionCache = new WeakMap<object, Map<string, Promise<VariableResolution>>>();

function cachedResolution(name: string, templatePath: string, ctx: VariableContext): Promise<VariableResolution> {
  let byKey = resolutionCache.get(ctx.repo);
  if (!byKey) resolutionCache.set(ctx.repo, (byKey = new Map()));
  const key = `${templatePath}\0${name}`;
  let r = byKey.get(key);
  if (!r) byKey.set(key, (r = resolveVariable(name, templatePath, ctx.repo, ctx.environments)));
  return r;
}

function describeReplacements(replacements: readonly HostReplacement[], environments: readonly Environment[]): string {
  return environments
    .map((env) => {
      const moves = replacements.map((r) => r.byEnv[env.name]).filter((m) => m !== undefined);
      return moves.length ? `${env.name}: ${moves.map((m) => `${m.from} → ${m.to}`).join(', ')}` : undefined;
    })
    .filter((s) => s !== undefined)
    .join('; ');
}

/** Files other than the template and the definition that use the variable (`{{ name }}`, `when: name …`). */
async function otherConsumers(name: string, templatePath: string, definitionPath: string, ctx: VariableContext): Promise<string[]> {
  // Variable names are identifiers (see hostVariables), so they need no escaping.
  const word = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`);
  const definition = new RegExp(`^\\s*${name}\\s*:`);
  const out: string[] = [];
  // A consumer is a file Ansible parses or renders: a script copied as it is never reads a variable.
  for (const p of await ctx.repo.grep(name, { readByAnsible: true })) {
    if (p === templatePath || p === definitionPath) continue;
    const file = await ctx.repo.file(p);
    if (!file) continue;
    // A line that defines the variable (`name:` at the start) is a definition, not a use.
    const uses = file.text.split('\n').some((line) => word.test(line) && !definition.test(line));
    if (uses) out.push(p);
  }
  return out;
}

async function valueIn(template: string, env: Environment, ctx: VariableContext, extra: Record<string, unknown> = {}): Promise<string> {
  return ctx.evaluate(template, env, extra).catch(() => template);
}

/** How many definitions deep a chain (`a: "{{ b }}"`, `b: "{{ c }}"`) is followed. */
const MAX_CHAIN = 3;

/** The values of inner variables in one environment and phase, for evaluating the definition that uses them. */
function innerValues(inner: readonly VariableRewrite[], env: string, phase: 'before' | 'after'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of inner) {
    const v = r.contexts[0]?.values.get(env);
    if (v) out[r.name] = v[phase];
  }
  return out;
}

/**
 * Follows a variable used in the host part of a registry value (`docker://{{candidate_registry}}`)
 * to the definitions in effect for the template and rewrites the mapped hosts there, so the
 * variable is right in every environment. Definitions naming no mapped host are left alone (and
 * their values reported, so an already migrated value is recognised).
 *
 * @example
 * const r = await rewriteVariable('candidate_registry', 'roles/koji_builder/templates/flatpak.conf', map, ctx);
 * r.edits[0]?.path; // => 'roles/koji_builder/tasks/main.yml'
 */
export async function rewriteVariable(name: string, templatePath: string, map: EndpointMap, ctx: VariableContext, depth = 0): Promise<VariableRewrite> {
  const resolution = await cachedResolution(name, templatePath, ctx);
  const edits: FileEdit[] = [];
  const data: DataChange[] = [];
  const checked: VariableDefinition[] = [];
  const notes: string[] = [];
  const values = new Map<VariableDefinition, VariableValues>();
  for (const def of resolution.effective) {
    const envs = ctx.environments.filter((e) => def.environments.includes(e.name));
    const evaluate = (t: string, env: Environment) => ctx.evaluate(t, env);
    const rewritten = def.node.kind === 'scalar' ? await rewriteHosts(def.value, map, envs, evaluate) : undefined;
    // A definition that is itself a variable (`candidate_registry: "{{ registry_host }}"`) is
    // followed to that variable's definitions, which are edited instead.
    const inner: VariableRewrite[] = [];
    if (!rewritten && def.node.kind === 'scalar' && depth < MAX_CHAIN) {
      for (const innerName of hostVariables(def.value)) {
        if (innerName === name) continue;
        const r = await rewriteVariable(innerName, templatePath, map, ctx, depth + 1);
        inner.push(r);
        edits.push(...r.edits);
        data.push(...r.data);
        checked.push(...r.checked);
        notes.push(...r.notes.map((n) => `${name} = ${def.value} in ${def.label}; ${n}`));
      }
    }
    const perEnv: VariableValues = new Map();
    for (const env of envs) {
      const before = await valueIn(def.value, env, ctx, innerValues(inner, env.name, 'before'));
      const after = rewritten ? await valueIn(rewritten.value, env, ctx) : await valueIn(def.value, env, ctx, innerValues(inner, env.name, 'after'));
      perEnv.set(env.name, { before, after });
    }
    values.set(def, perEnv);
    const migrated = [...perEnv.values()].every((v) => map.isTarget(v.before));
    if (!rewritten && !migrated && inner.every((r) => r.edits.length === 0)) notes.push(`${name} in ${def.label} is "${def.value}", which names no mapped registry host; left alone`);
    if (rewritten) {
      const edit = def.document.scalarEdit(def.node, rewritten.value, `${name}: registry host → ${[...new Set(rewritten.replacements.flatMap((r) => Object.values(r.byEnv).map((m) => m.to)))].join(', ')}`);
      edits.push({ ...edit, path: def.path });
      data.push({ op: 'set', path: def.path, doc: def.doc, at: def.valuePath, value: rewritten.value });
      if (!TASK_SCOPES.has(def.kind)) {
        const users = await otherConsumers(name, templatePath, def.path, ctx);
        if (users.length > 0) notes.push(`${name} (${def.label}) is also used by ${users.join(', ')}: they get the new value too; review them`);
      }
      if (await definitionRenders(def, ctx.environments)) checked.push(def);
      else notes.push(`${def.path} does not render as YAML on its own: the edited definition is checked through the template only`);
      notes.push(`${name} edited in ${def.label}: ${describeReplacements(rewritten.replacements, envs)}`);
    }
  }
  if (resolution.effective.length === 0) notes.push(`${name}: no definition found (task vars, role vars, group_vars, role defaults); left alone`);
  for (const other of resolution.others) notes.push(`${name} also defined in ${other.label}; left alone (not in effect for this template)`);

  // Rendering contexts: each task defining the variable renders with its own value; the wider
  // scopes give the value everywhere else.
  const taskDefs = resolution.effective.filter((d) => TASK_SCOPES.has(d.kind));
  const shared = resolution.effective.filter((d) => !taskDefs.includes(d));
  const contextDefs = taskDefs.length > 0 ? taskDefs.map((d) => [d, ...shared]) : [shared];
  const contexts = contextDefs.map((defs): RenderingContext => {
    const merged: VariableValues = new Map();
    for (const env of ctx.environments) {
      const def = defs.find((d) => d.environments.includes(env.name));
      const v = def ? values.get(def)?.get(env.name) : undefined;
      if (v) merged.set(env.name, v);
    }
    const own = defs[0];
    return { values: merged, ...(own && TASK_SCOPES.has(own.kind) ? { label: own.label } : {}) };
  });
  return { name, resolution, edits, data, checked, contexts, notes };
}

/**
 * One check per file holding edited definitions (two tasks of one file may each have one; the
 * check must expect both changes), each definition counted once.
 *
 * @example
 * definitionChecks(rewrites.flatMap((r) => r.checked), map).map((c) => c.path); // => ['roles/koji_builder/tasks/main.yml']
 */
export function definitionChecks(defs: readonly VariableDefinition[], map: EndpointMap): RenderCheck[] {
  const byPath = new Map<string, VariableDefinition[]>();
  for (const d of defs) {
    const list = byPath.get(d.path) ?? [];
    if (!list.includes(d)) list.push(d);
    byPath.set(d.path, list);
  }
  return [...byPath.values()].map((list) => definitionRenderCheck(list, map));
}
