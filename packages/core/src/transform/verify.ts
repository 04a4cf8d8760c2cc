import type { Diagnostic } from '../diagnostics.js';
import type { Environment } from '../env/index.js';
import { parseDocument, type AnyDocument, type FormatName } from '../formats/index.js';
import { twoFilesPatch } from '../text/line-diff.js';
import { renderTemplate } from '../render/index.js';
import { unverifiableHere } from '../render/undefined-variables.js';
import type { PlannedChange } from './engine.js';
import { includeCandidates } from '../ansible/references-resolve.js';
import type { RepoIndex } from './repo-index.js';
import { firstDifference, isTemplatePath, toRenderedData } from './rendered.js';
import type { RenderCheck, RenderedData } from './types.js';
import { checkDataChange, type DataChange } from './data-change.js';

/** What verification needs from a plan: the repository, the environments, and the edited texts. */
export interface VerificationContext {
  repo: RepoIndex;
  environments: readonly Environment[];
  /** Edited texts by path (files not in the map are unchanged). */
  afterTexts: ReadonlyMap<string, string>;
  /** Files the plan renames: old path → new path (the after state has them under the new one). */
  renamed?: ReadonlyMap<string, string>;
  /**
   * Renders already made, shared by the checks of one plan: a file's structural check and its
   * transforms' render checks render the same states (key: phase, environment, path, extra vars).
   */
  renders?: Map<string, ReturnType<typeof renderTemplate>>;
  /** Rendered outputs already parsed, by format and output text (see {@link renders}). */
  parsed?: Map<string, ReturnType<typeof toRenderedData>>;
  /** "Unverifiable here" warnings already given, by path and environment (one each per plan). */
  unverifiable?: Set<string>;
}

/**
 * The "unverifiable here" warning of a render that used variables no inventory source defines
 * for `env` (once per file and environment), or nothing.
 */
function undefinedWarning(v: VerificationContext, path: string, env: Environment, names: readonly string[]): Diagnostic[] {
  if (names.length === 0) return [];
  const key = `${path}\u0000${env.name}`;
  v.unverifiable ??= new Set();
  if (v.unverifiable.has(key)) return [];
  v.unverifiable.add(key);
  const d = unverifiableHere(path, names, env, v.environments);
  return d ? [d] : [];
}

type Phase = 'before' | 'after';

function failure(path: string, message: string, line?: number): Diagnostic {
  return { code: 'VERIFY_FAILED', severity: 'error', path, message, ...(line !== undefined ? { line } : {}) };
}

/**
 * Extra variables by content, as a small number per plan: render keys stay short (a check may
 * pass a whole inventory's variables), and each object is serialised once.
 */
const extraIds = new WeakMap<object, { byJson: Map<string, number>; byObject: WeakMap<object, number> }>();

function extraKey(v: VerificationContext, extra: Record<string, unknown>): number {
  const plan = v.renders ?? v;
  let ids = extraIds.get(plan);
  if (!ids) extraIds.set(plan, (ids = { byJson: new Map(), byObject: new WeakMap() }));
  let id = ids.byObject.get(extra);
  if (id === undefined) {
    const json = JSON.stringify(extra);
    id = ids.byJson.get(json);
    if (id === undefined) ids.byJson.set(json, (id = ids.byJson.size));
    ids.byObject.set(extra, id);
  }
  return id;
}

/** Renders `text` (the `phase` state of `path`) for `env`, once per plan for the same inputs. */
async function render(
  v: VerificationContext,
  path: string,
  text: string,
  env: Environment,
  phase: Phase,
  extra: Record<string, unknown> = {},
): Promise<Rendered> {
  const key = `${phase}\u0000${env.name}\u0000${path}\u0000${extraKey(v, extra)}`;
  let rendered = v.renders?.get(key);
  if (!rendered) {
    rendered = renderUncached(v, path, text, env, phase, extra);
    v.renders?.set(key, rendered);
  }
  const result = await rendered;
  return result.ok ? { ...result, data: (format) => parsedOnce(v, format, result.output) } : result;
}

/** A render, with its output parsed in a format on demand (once per plan). */
type Rendered = (Awaited<ReturnType<typeof renderTemplate>> & { ok: false }) | (Awaited<ReturnType<typeof renderTemplate>> & { ok: true; data: (format: FormatName) => ReturnType<typeof toRenderedData> });

/**
 * Keyed by the format and the rendered text itself, not by the render: parsing is a function of
 * the text alone, and a template often renders to the same text in every environment (or before
 * and after, where an edit does not reach the output), so each distinct output is parsed once.
 */
function parsedOnce(v: VerificationContext, format: FormatName, output: string): ReturnType<typeof toRenderedData> {
  const k = `${format}\u0000${output}`;
  let data = v.parsed?.get(k);
  if (!data) {
    data = toRenderedData(format, output);
    v.parsed?.set(k, data);
  }
  return data;
}

/**
 * An environment's variables with a check's extra ones over them, merged once per environment
 * and extra object rather than per render (an inventory has hundreds of variables, and every
 * edited file is rendered several times). Renders read their variables and never write them.
 */
const mergedVars = new WeakMap<object, WeakMap<Environment, Record<string, unknown>>>();

function varsFor(env: Environment, extra: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(extra).length === 0) return env.vars;
  let byEnv = mergedVars.get(extra);
  if (!byEnv) mergedVars.set(extra, (byEnv = new WeakMap()));
  let vars = byEnv.get(env);
  if (!vars) byEnv.set(env, (vars = { ...env.vars, ...extra }));
  return vars;
}

function renderUncached(v: VerificationContext, path: string, text: string, env: Environment, phase: Phase, extra: Record<string, unknown>): ReturnType<typeof renderTemplate> {
  return renderTemplate(text, varsFor(env, extra), {
    path,
    resolveInclude: (name: string, from: string) => {
      const resolved = phase === 'after' && v.renamed?.size ? resolveAfterRenames(v, name, from) : v.repo.resolveInclude(name, from);
      if (!resolved) return undefined;
      return (phase === 'after' ? v.afterTexts.get(resolved) : undefined) ?? v.repo.loadSync(resolved);
    },
  });
}

/**
 * An include resolved in the after state of a plan that renames files: a renamed file is found
 * under its new name only. Returns the file's path in the repository (its old path).
 */
function resolveAfterRenames(v: VerificationContext, name: string, from: string): string | undefined {
  const renamed = v.renamed as ReadonlyMap<string, string>;
  const back = new Map([...renamed].map(([a, b]) => [b, a]));
  for (const c of includeCandidates(name, from)) {
    const old = back.get(c);
    if (old !== undefined) return old;
    if (!renamed.has(c) && v.repo.loadSync(c) !== undefined) return c;
  }
  return undefined;
}

/**
 * Checks one edited file before it may be written: it must still parse as its format (a
 * structured file may not fall back to text), its Jinja must stay balanced, and a template must
 * still render, for every environment, to something that parses in its format.
 *
 * @example
 * const problems = await verifyEditedFile(change, document, ctx); // [] when the edit is sound
 */
export async function verifyEditedFile(change: PlannedChange, before: AnyDocument, v: VerificationContext): Promise<Diagnostic[]> {
  const after = parseDocument(change.path, change.after, { format: before.format });
  if (before.structured && !after.structured) {
    return [failure(change.path, `the edit breaks the ${before.format.toUpperCase()} structure: ${after.fallback?.reason ?? 'does not parse'}`, after.fallback?.line)];
  }
  if (after.jinja.errors.length > before.jinja.errors.length) {
    const e = after.jinja.errors[0] as Diagnostic;
    return [failure(change.path, `the edit unbalances the Jinja template: ${e.message}`, e.line)];
  }
  if (!isTemplatePath(change.path) || !after.jinja.hasJinja) return [];
  const problems: Diagnostic[] = [];
  for (const env of v.environments) {
    const b = await render(v, change.renamedFrom ?? change.path, change.before, env, 'before');
    if (!b.ok) continue; // a template that does not render today is not ours to judge
    const a = await render(v, change.path, change.after, env, 'after');
    problems.push(...undefinedWarning(v, change.path, env, [...b.undefinedVars, ...a.undefinedVars]));
    if (!a.ok) {
      problems.push(failure(change.path, `in ${env.name}, the edited template no longer renders: ${a.diagnostic.message}`, a.diagnostic.line));
      continue;
    }
    const bData = b.data(before.format);
    const aData = a.data(before.format);
    if (bData.ok && !aData.ok) problems.push(failure(change.path, `in ${env.name}, ${aData.reason}`));
  }
  return problems;
}

/**
 * Renders a template for each environment before and after the plan's edits and checks that the
 * rendered result is exactly what the transform intended (`check.expect`), nothing more or less.
 *
 * @example
 * const problems = await runRenderCheck(check, ctx); // [] when every environment renders as intended
 */
export async function runRenderCheck(check: RenderCheck, v: VerificationContext): Promise<Diagnostic[]> {
  const beforeText = v.repo.loadSync(check.path);
  if (beforeText === undefined) return [failure(check.path, `cannot read the template to verify (${check.describe})`)];
  const afterText = v.afterTexts.get(check.path) ?? beforeText;
  const format = (await v.repo.file(check.path))?.document.format ?? parseDocument(check.path, beforeText).format;
  const problems: Diagnostic[] = [];
  for (const env of v.environments) {
    if (check.environments && !check.environments.includes(env.name)) continue;
    const datas: RenderedData[] = [];
    const outputs: string[] = [];
    let dataFormat = format;
    for (const phase of ['before', 'after'] as const) {
      const extra = check.vars ? await check.vars(env, phase) : {};
      const at = phase === 'after' ? (v.renamed?.get(check.path) ?? check.path) : check.path;
      const r = await render(v, at, phase === 'before' ? beforeText : afterText, env, phase, extra);
      if (!r.ok && phase === 'before' && check.skipUnrendered) break;
      if (!r.ok) {
        problems.push(failure(check.path, `in ${env.name}, cannot render the ${phase} state: ${r.diagnostic.message}`, r.diagnostic.line));
        break;
      }
      problems.push(...undefinedWarning(v, check.path, env, r.undefinedVars));
      let d = r.data(dataFormat);
      if (!d.ok && phase === 'before' && check.linesWhenUnparsed) {
        dataFormat = 'text';
        d = r.data(dataFormat);
      }
      if (!d.ok) {
        problems.push(failure(check.path, `in ${env.name}, the ${phase} render: ${d.reason}`));
        break;
      }
      datas.push(d.data);
      outputs.push(r.output);
    }
    if (datas.length !== 2) continue;
    const expected = check.expect(datas[0] as RenderedData, env);
    const actual = datas[1] as RenderedData;
    const diff =
      expected.format !== actual.format
        ? `expected ${expected.format} data, got ${actual.format}`
        : firstDifference('value' in expected ? expected.value : expected.lines, 'value' in actual ? actual.value : actual.lines);
    if (diff) {
      const problem = failure(check.path, `in ${env.name}, the rendered result is not exactly the intended change (${check.describe}): ${diff}`);
      problems.push({ ...problem, detail: renderedDiff(check.path, env.name, outputs[0] ?? '', outputs[1] ?? '') });
    }
  }
  return problems;
}

/**
 * The general check of every edit to YAML that Ansible reads as it is (tasks, playbooks, vars;
 * not templates, which the render checks cover): the file's data after the edit must be its
 * data before with exactly the declared changes (see {@link DataChange}); without a
 * declaration, the data must not change.
 *
 * @example
 * verifyYamlData(change, document, [{ op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' }]); // [] when exact
 */
export function verifyYamlData(change: PlannedChange, before: AnyDocument, declared: readonly DataChange[]): Diagnostic[] {
  if (before.format !== 'yaml' || !before.structured || isTemplatePath(change.path)) return [];
  const problem = checkDataChange(change.before, change.after, declared);
  return problem ? [failure(change.path, problem)] : [];
}

/** At most this many lines of the rendered diff are shown under a failed verification. */
const RENDERED_DIFF_LINES = 24;

/**
 * A short unified diff of a template rendered before and after the edit in one environment
 * (one line of context, cut after {@link RENDERED_DIFF_LINES} lines), shown under a failed
 * verification so the difference can be seen.
 *
 * @example
 * renderedDiff('a.conf', 'staging', 'x=1\n', 'x=2\n');
 * // => '--- a.conf (rendered for staging, before)\n+++ a.conf (rendered for staging, after)\n@@ -1 +1 @@\n-x=1\n+x=2'
 */
export function renderedDiff(path: string, env: string, before: string, after: string): string {
  const patch = twoFilesPatch(`${path} (rendered for ${env}, before)`, `${path} (rendered for ${env}, after)`, before, after, 1);
  const lines = patch
    .split('\n')
    .filter((l) => !l.startsWith('====') && !l.startsWith('Index:'))
    .map((l) => l.replace(/\t$/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length > RENDERED_DIFF_LINES ? [...lines.slice(0, RENDERED_DIFF_LINES), `… (${lines.length - RENDERED_DIFF_LINES} more lines)`].join('\n') : lines.join('\n');
}
