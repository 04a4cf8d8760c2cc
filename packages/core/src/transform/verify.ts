import { AnsimodError, type Diagnostic } from '../diagnostics.js';
import { composeVarsFile, type Environment } from '../env/index.js';
import { parseDocument, type AnyDocument, type FormatName } from '../formats/index.js';
import { twoFilesPatch } from '../text/line-diff.js';
import { renderTemplate } from '../render/index.js';
import { unverifiableHere } from '../render/undefined-variables.js';
import type { PlannedChange } from './engine.js';
import { includeCandidates } from '../ansible/references-resolve.js';
import type { RepoIndex } from './repo-index.js';
import { firstDifference, isTemplatePath, toRenderedData } from './rendered.js';
import type { RenderCheck, RenderedData } from './types.js';
import { checkDataChange, type DataChange, type EditedNode } from './data-change.js';
import { YamlDocument, type TextRange, type YamlPath } from '../formats/yaml/index.js';

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
  /**
   * Templates whose before state our renderer cannot render, so their edits can be verified by
   * structure alone: path → why (whole, naming the construct) → the environments it applies to.
   */
  unrendered?: Map<string, Map<string, string[]>>;
  /** Includes refused for safety, by render key: such a render fails the plan, it is no renderer limit. */
  refusedIncludes?: Map<string, Diagnostic>;
}

/**
 * Records that `path` cannot be rendered in `env` (its before state, as the repository has it
 * today), with why: the edit is then verified by structure alone, and the plan says so.
 */
function unrendered(v: VerificationContext, path: string, env: Environment, r: Rendered & { ok: false }): void {
  v.unrendered ??= new Map();
  const reasons = v.unrendered.get(path) ?? new Map<string, string[]>();
  const why = unrenderedReason(v, path, r);
  const envs = reasons.get(why) ?? [];
  if (!envs.includes(env.name)) envs.push(env.name);
  reasons.set(why, envs);
  v.unrendered.set(path, reasons);
}

/** Where a filter or test plugin of the repository may live (Ansible's default plugin paths). */
const PLUGIN_DIRS = /(^|\/)(filter_plugins|test_plugins|plugins\/(filter|test))\/[^/]+\.py$/;

/**
 * Why a render failed, whole: the construct our renderer refuses (and, for a filter or test,
 * the repository's own plugin file that defines it, which only ansible-core can run), or the
 * render's own message with its line.
 *
 * @example
 * unrenderedReason(v, r); // "our renderer cannot run filter 'koji_principal' (defined in filter_plugins/osbs.py; --renderer ansible runs it)"
 */
function unrenderedReason(v: VerificationContext, path: string, r: Rendered & { ok: false }): string {
  const d = r.diagnostic;
  const at = d.line !== undefined ? [`line ${d.line}${d.path && d.path !== path ? ` of ${d.path}` : ''}`] : [];
  const construct = r.failure.kind === 'unsupported' ? r.failure.construct : undefined;
  if (construct === undefined) {
    // Variables no inventory source defines (a vault, --extra-vars) are often why: name them.
    const undefinedHere = r.undefinedVars.length ? ` (undefined here: ${r.undefinedVars.join(', ')})` : '';
    return `it does not render${at.length ? ` (${at[0]})` : ''}: ${d.message.replace(/^cannot render template: /, '')}${undefinedHere}`;
  }
  const name = /^(?:filter|test) '([^']+)'$/.exec(construct)?.[1];
  const plugin = name === undefined ? undefined : v.repo.paths().find((p) => PLUGIN_DIRS.test(p) && definesPlugin(v.repo.loadSync(p), name));
  const where = [...at, ...(plugin ? [`defined in the repository's ${plugin}, which only ansible-core runs: --renderer ansible`] : [])];
  return `our renderer cannot run ${construct}${where.length ? ` (${where.join('; ')})` : ''}`;
}

/** Whether a Python plugin file names `name` as a string (`'name': fn` in its `filters()` map). */
function definesPlugin(text: string | undefined, name: string): boolean {
  return text !== undefined && (text.includes(`'${name}'`) || text.includes(`"${name}"`));
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
    rendered = renderUncached(v, key, path, text, env, phase, extra);
    v.renders?.set(key, rendered);
  }
  const result = await rendered;
  if (result.ok) return { ...result, data: (format) => parsedOnce(v, format, result.output) };
  const refused = v.refusedIncludes?.get(key);
  return refused ? { ...result, refused } : result;
}

/** A render, with its output parsed in a format on demand (once per plan). */
type Rendered = (Awaited<ReturnType<typeof renderTemplate>> & { ok: false; /** An include refused for safety (a symlink leaving the repository): never a renderer limit. */ refused?: Diagnostic }) | (Awaited<ReturnType<typeof renderTemplate>> & { ok: true; data: (format: FormatName) => ReturnType<typeof toRenderedData> });

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

const mergedVars = new WeakMap<object, WeakMap<Environment, Record<string, unknown>>>();

/**
 * An environment's variables with a check's extra ones over them, merged once per environment
 * and extra object rather than per render (an inventory has hundreds of variables, and every
 * edited file is rendered several times). Renders read their variables and never write them.
 *
 * @example
 * varsFor(env, {}) === env.vars; // true
 * varsFor(env, extra) === varsFor(env, extra); // true: merged once
 */
export function varsFor(env: Environment, extra: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(extra).length === 0) return env.vars;
  let byEnv = mergedVars.get(extra);
  if (!byEnv) mergedVars.set(extra, (byEnv = new WeakMap()));
  let vars = byEnv.get(env);
  if (!vars) byEnv.set(env, (vars = { ...env.vars, ...extra }));
  return vars;
}

function renderUncached(v: VerificationContext, key: string, path: string, text: string, env: Environment, phase: Phase, extra: Record<string, unknown>): ReturnType<typeof renderTemplate> {
  /** A repository file as the render's phase sees it; a refused read (a symlink leaving the repository) is remembered for the render's key. */
  const read = (rel: string): string | undefined => {
    try {
      return (phase === 'after' ? v.afterTexts.get(rel) : undefined) ?? v.repo.loadSync(rel);
    } catch (err) {
      if (err instanceof AnsimodError) (v.refusedIncludes ??= new Map()).set(key, err.diagnostic);
      throw err;
    }
  };
  return renderTemplate(text, varsFor(env, extra), {
    path,
    resolveInclude: (name: string, from: string) => {
      const resolved = phase === 'after' && v.renamed?.size ? resolveAfterRenames(v, name, from) : v.repo.resolveInclude(name, from);
      return resolved ? read(resolved) : undefined;
    },
    // Lookups (`file`, `template`, `first_found`) read the repository only, through the same reads.
    readFile: read,
    root: v.repo.root,
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
  const broken = structureProblem(change.path, { format: before.format, structured: before.structured, jinjaErrors: before.jinja.errors.length }, after);
  if (broken) return [broken];
  if (!isTemplatePath(change.path) || !after.jinja.hasJinja) return [];
  const problems: Diagnostic[] = [];
  for (const env of v.environments) {
    const b = await render(v, change.renamedFrom ?? change.path, change.before, env, 'before');
    if (!b.ok && b.refused) {
      problems.push(failure(change.path, `in ${env.name}, cannot render the template: ${b.refused.message}`, b.diagnostic.line));
      continue;
    }
    if (!b.ok) {
      // A template that does not render today cannot be verified by rendering: by structure alone.
      unrendered(v, change.path, env, b);
      continue;
    }
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

/** The edit broke the file's structure (a structured file that no longer parses) or its Jinja balance. */
function structureProblem(path: string, before: { format: FormatName; structured: boolean; jinjaErrors: number }, after: AnyDocument): Diagnostic | undefined {
  if (before.structured && !after.structured) {
    return failure(path, `the edit breaks the ${before.format.toUpperCase()} structure: ${after.fallback?.reason ?? 'does not parse'}`, after.fallback?.line);
  }
  if (after.jinja.errors.length > before.jinjaErrors) {
    const e = after.jinja.errors[0] as Diagnostic;
    return failure(path, `the edit unbalances the Jinja template: ${e.message}`, e.line);
  }
  return undefined;
}

/**
 * Everything verification checks of an edited YAML file that is not a template, as plain data:
 * what {@link checkYamlEdit} needs, so that it can run in a worker thread.
 *
 * @example
 * const job: YamlEditCheck = { path: 'roles/a/tasks/main.yml', before, after, beforeJinjaErrors: 0, declared: [], edited: [] };
 */
export interface YamlEditCheck {
  readonly path: string;
  readonly before: string;
  readonly after: string;
  /** Jinja errors of the file before the edit (the edit may not add any). */
  readonly beforeJinjaErrors: number;
  readonly declared: readonly DataChange[];
  /** The nodes undeclared edits may change ({@link editedNodes}). */
  readonly edited: readonly EditedNode[];
}

/**
 * {@link verifyEditedFile} and {@link verifyYamlData} of a structured YAML file that is not a
 * template, from plain data (the same checks, the same problems in the same order): it still
 * parses, its Jinja is still balanced, and its data changed exactly as declared and only inside
 * the edited nodes.
 *
 * @example
 * checkYamlEdit({ path: 'a.yml', before: 'a: 1\n', after: 'a: 2\n', beforeJinjaErrors: 0, declared: [{ op: 'set', at: ['a'], value: 2 }], edited: [] }); // => []
 */
export function checkYamlEdit(job: YamlEditCheck): Diagnostic[] {
  const after = parseDocument(job.path, job.after, { format: 'yaml' });
  const broken = structureProblem(job.path, { format: 'yaml', structured: true, jinjaErrors: job.beforeJinjaErrors }, after);
  const problem = job.before === job.after ? undefined : checkDataChange(job.before, job.after, job.declared, job.edited);
  return [...(broken ? [broken] : []), ...(problem ? [failure(job.path, problem)] : [])];
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
  const own = ownVariables(check.path, beforeText, afterText);
  for (const env of v.environments) {
    if (check.environments && !check.environments.includes(env.name)) continue;
    const datas: RenderedData[] = [];
    const outputs: string[] = [];
    let dataFormat = format;
    for (const phase of ['before', 'after'] as const) {
      const extra = withOwn(own?.[phase], check.vars ? await check.vars(env, phase) : {});
      const at = phase === 'after' ? (v.renamed?.get(check.path) ?? check.path) : check.path;
      const r = await render(v, at, phase === 'before' ? beforeText : afterText, env, phase, extra);
      if (!r.ok && phase === 'before' && check.skipUnrendered) break;
      if (!r.ok && phase === 'before' && !r.refused) {
        // Not renderable today (a filter of the repository's own plugins, say): the edits this
        // check covers are verified by structure alone, and the plan says why.
        unrendered(v, check.path, env, r);
        break;
      }
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
    const actual = datas[1] as RenderedData;
    let diff = dataDifference(check.expect(datas[0] as RenderedData, env), actual);
    // A vars file whose own variables the edit changes exactly as intended may show that change
    // again where it uses them (`data: "{{ _reactor_config }}"`): the intended result is then the
    // before text rendered with the after state's own variables, with the intended change.
    if (diff && own) {
      const intended = check.expect({ format: 'yaml', value: [own.before] }, env);
      if (dataDifference(intended, { format: 'yaml', value: [own.after] }) === undefined) {
        const seen = await render(v, check.path, beforeText, env, 'before', withOwn(own.after, check.vars ? await check.vars(env, 'after') : {}));
        const data = seen.ok ? seen.data(dataFormat) : undefined;
        if (data?.ok && dataDifference(check.expect(data.data, env), actual) === undefined) diff = undefined;
      }
    }
    if (diff) {
      const problem = failure(check.path, `in ${env.name}, the rendered result is not exactly the intended change (${check.describe}): ${diff}`);
      problems.push({ ...problem, detail: renderedDiff(check.path, env.name, outputs[0] ?? '', outputs[1] ?? '') });
    }
  }
  return problems;
}

/** Where two rendered data differ (see {@link firstDifference}), or undefined when they are equal. */
function dataDifference(expected: RenderedData, actual: RenderedData): string | undefined {
  if (expected.format !== actual.format) return `expected ${expected.format} data, got ${actual.format}`;
  return firstDifference('value' in expected ? expected.value : expected.lines, 'value' in actual ? actual.value : actual.lines);
}

/**
 * An inventory vars file's own variables before and after the edit: Ansible loads the file for
 * its hosts, so where it uses its own variables (`data: "{{ _reactor_config }}"`) they are
 * defined, with the file's values. Undefined for any other file (or one that does not compose).
 */
function ownVariables(path: string, before: string, after: string): { before: Record<string, unknown>; after: Record<string, unknown> } | undefined {
  if (!/(^|\/)(group_vars|host_vars)\//.test(path)) return undefined;
  try {
    const b = composeVarsFile(before, path);
    const a = composeVarsFile(after, path);
    return b && a ? { before: b, after: a } : undefined;
  } catch {
    return undefined;
  }
}

/** A check's extra variables over the file's own (a task's vars take precedence over inventory). */
function withOwn(own: Record<string, unknown> | undefined, extra: Record<string, unknown>): Record<string, unknown> {
  return own ? { ...own, ...extra } : extra;
}

/**
 * The general check of every edit to YAML that Ansible reads as it is (tasks, playbooks, vars,
 * any other YAML file; not templates, which the render checks cover): the file's data after the
 * edit must be its data before with exactly the declared changes (see {@link DataChange}), and
 * an edit whose transform declares nothing may change the data only inside the node it touches
 * (`undeclared`: the spans of those edits in the text before). Nothing else in the data may
 * change, so no edit of untemplated YAML escapes the check.
 *
 * @example
 * verifyYamlData(change, document, [{ op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' }]); // [] when exact
 */
export function verifyYamlData(change: PlannedChange, before: AnyDocument, declared: readonly DataChange[], undeclared: readonly TextRange[] = []): Diagnostic[] {
  if (before.format !== 'yaml' || !before.structured || isTemplatePath(change.path) || change.before === change.after) return [];
  const problem = checkDataChange(change.before, change.after, declared, before instanceof YamlDocument ? editedNodes(before, undeclared) : []);
  return problem ? [failure(change.path, problem)] : [];
}

/**
 * For each span, the innermost node of the document that holds it: a value (scalar or
 * collection) or sequence entry; for a span in a key, the mapping the key is in (its entry
 * changes); for a span outside every node (a comment between documents), none — the data may
 * then not change at all.
 *
 * @example
 * editedNodes(doc, [{ start: 7, end: 12 }]); // => [{ doc: 0, at: ['tasks', 0, 'vars', 'registry'], line: 4 }]
 */
export function editedNodes(doc: YamlDocument, spans: readonly TextRange[]): EditedNode[] {
  if (spans.length === 0) return [];
  const holds = (r: TextRange, s: TextRange): boolean => r.start <= s.start && s.end <= r.end;
  const out = new Map<string, EditedNode>();
  for (const written of spans) {
    // A span that reaches past its node's last content (a deleted entry's line break) is placed by what it holds.
    const span = holdsNothing(doc, written) ? trimmed(doc.text, written) : written;
    let best: { doc: number; at: YamlPath } | undefined;
    const consider = (d: number, at: YamlPath): void => {
      if (!best || at.length > best.at.length) best = { doc: d, at };
    };
    for (let d = 0; d < doc.documentCount; d++) {
      const root = doc.root(d);
      if (root && holds(root.range, span)) consider(d, []);
    }
    for (const p of doc.pairs()) {
      if (holds(p.value.range, span)) consider(p.doc, p.path);
      else if (holds(p.key.range, span)) consider(p.doc, p.path.slice(0, -1));
    }
    for (const it of doc.allItems()) if (holds(it.value.range, span)) consider(it.doc, it.path);
    if (!best) continue;
    const line = doc.lines.position(span.start).line;
    const key = `${best.doc}\u0000${JSON.stringify(best.at)}`;
    if (!out.has(key)) out.set(key, { doc: best.doc, at: best.at, line });
  }
  return [...out.values()];
}

function holdsNothing(doc: YamlDocument, span: TextRange): boolean {
  for (let d = 0; d < doc.documentCount; d++) {
    const r = doc.root(d)?.range;
    if (r && r.start <= span.start && span.end <= r.end) return false;
  }
  return true;
}

/** A span without the blanks and line breaks at its ends (an empty span stays as it is). */
function trimmed(text: string, span: TextRange): TextRange {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start] as string)) start++;
  while (end > start && /\s/.test(text[end - 1] as string)) end--;
  return { start, end };
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
