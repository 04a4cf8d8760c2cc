import { AnsimodError, type Diagnostic } from '../diagnostics.js';
import type { Environment } from '../env/index.js';
import { discoverEnvironments } from '../env/index.js';
import { detectFormat, type AnyDocument, type FormatName } from '../formats/index.js';
import { holdRenderSemantics, renderTemplate } from '../render/index.js';
import { notReadDiagnostics, readByAnsible, resolveRoot, walkRepository } from '../repo/index.js';
import type { Prescan } from '../repo/prescan.js';
import { applyEdits, type TextEdit } from '../text/edit.js';
import type { TextRange } from '../formats/yaml/index.js';
import { encodeSource, type TextEncodingName } from '../text/source.js';
import { validateOptions } from './options.js';
import { matchesPaths } from './select.js';
import { selectorFor, type AnyTransform, type FileEdit, type FileRename, type FileSelector, type RenderCheck, type RepoView, type TransformContext, type VisitedFile, type VisitResult } from './types.js';
import { RepoIndex, type LoadedFile } from './repo-index.js';
import { AnsibleRepository } from '../ansible/index.js';
import { ansibleSourceOf } from './ansible-view.js';
import { editedNodes, runRenderCheck, varsFor, verifyEditedFile, verifyYamlData } from './verify.js';
import { YamlCheckPool } from './yaml-check-pool.js';
import { isTemplatePath } from './rendered.js';
import { YamlDocument } from '../formats/yaml/index.js';
import type { DataChange } from './data-change.js';

/** One transform with its options, as a recipe step. */
export interface PlanStep {
  transform: AnyTransform;
  options: Record<string, unknown>;
  stage: string;
  target: string;
  why?: string;
  required?: boolean;
}

/** A file the plan changes, before and after, ready to write or to put in a patch. */
export interface PlannedChange {
  path: string;
  before: string;
  after: string;
  beforeBytes: Buffer;
  afterBytes: Buffer;
  /** Full st_mode of the file. */
  mode: number;
  encoding: TextEncodingName;
  /** The path before, when the plan renames the file (`path` is then the new one). */
  renamedFrom?: string;
  /** Stages whose steps edited this file, in recipe order. */
  stages: string[];
  /** Why each edit was made. */
  reasons: string[];
  /** Each edit's range in the text before (offsets), with the step that made it. */
  spans?: Array<{ start: number; end: number; stage: string; target: string }>;
  /**
   * Set when the file's edit could be verified by structure alone (re-parsed, Jinja balanced)
   * because a template involved cannot be rendered by our renderer: the reason, naming the construct.
   */
  unverified?: string;
  /**
   * The edits of `before` that give `after`, in text order, each with its stage and topic (the
   * engine always fills it; a change made elsewhere may leave it out, and then counts as one edit).
   */
  edits?: PlannedEdit[];
}

/**
 * One edit of a planned change: a splice of the file's `before` text, with the stage of the
 * step that made it and its topic (see {@link FileEdit.topic}). Any subset of a change's edits
 * applies to `before` (they never overlap), which is how a change is split into commits.
 *
 * @example
 * applyEdits(change.before, change.edits.filter((e) => e.topic === 'copy'));
 */
export interface PlannedEdit extends TextEdit {
  readonly stage: string;
  readonly topic?: string;
}

/** What one step did to each file it looked at. */
export interface StepReport {
  stage: string;
  target: string;
  transform: string;
  found: boolean;
  outcomes: Array<{ path: string; outcome: VisitResult['outcome']; detail?: string }>;
}

export interface Plan {
  root: string;
  environments: Environment[];
  changes: PlannedChange[];
  steps: StepReport[];
  /** Targets no file matched, by stage and name. */
  notFound: Array<{ stage: string; target: string }>;
  /** Errors: a target that does not parse, a rejected (unverified) edit, an unsafe path. */
  errors: Diagnostic[];
  warnings: Diagnostic[];
  filesScanned: number;
  /** Wall time of each phase, in the order they ran (what `ansimod … --timings` prints). */
  timings: PhaseTiming[];
}

/**
 * How long one phase of a plan took.
 *
 * @example
 * plan.timings.map((t) => `${t.phase} ${t.ms.toFixed(0)} ms`).join(', '); // 'walk 12 ms, scan 30 ms, …'
 */
export interface PhaseTiming {
  readonly phase: string;
  readonly ms: number;
}

export interface PlanOptions {
  /** Environments to verify against; default: discovered from the inventory. */
  environments?: Environment[];
  onProgress?: (done: number, total: number) => void;
  /**
   * The repository walked and read ahead ({@link startPrescan}), e.g. started before the
   * caller loaded its modules; ignored when it failed or is of another directory.
   */
  prescan?: Promise<Prescan | undefined>;
  /**
   * Names of the environments to verify (`--env`); the transforms still see every environment,
   * so the edits are the same as without it. Default: all.
   */
  verifyEnvironments?: readonly string[];
}

/**
 * Runs transform steps over a repository and returns what they would change, every edit
 * verified (re-parsed, rendered for each environment, checked against its intent). Never writes.
 *
 * @example
 * const plan = await planSteps('/srv/ansible', [{ transform, options: {}, stage: 'Bodhi', target: 'bodhi config' }]);
 * for (const c of plan.changes) console.log(c.path);
 */
export async function planSteps(root: string, steps: readonly PlanStep[], opts: PlanOptions = {}): Promise<Plan> {
  // A plan renders thousands of times: nunjucks is patched once for all of them, not per render.
  const release = holdRenderSemantics();
  try {
    return await planHeld(root, steps, opts);
  } finally {
    release();
  }
}

/** {@link planSteps}, with the render semantics held. */
async function planHeld(root: string, steps: readonly PlanStep[], opts: PlanOptions): Promise<Plan> {
  // Options first: nothing runs unless every step's options are valid.
  const validated = steps.map((s) => {
    const v = validateOptions(s.transform.options, s.options, s.transform.name);
    if (!v.ok) throw new AnsimodError(v.diagnostics[0] as Diagnostic);
    return v.value as Record<string, unknown>;
  });

  const timings: PhaseTiming[] = [];
  let lapStart = performance.now();
  const lap = (phase: string): void => {
    const now = performance.now();
    timings.push({ phase, ms: now - lapStart });
    lapStart = now;
  };
  const pre = await prescanOf(root, opts.prescan);
  const walk = pre?.walk ?? (await walkRepository(root));
  lap(pre ? 'walk and scan (prescan)' : 'walk');
  const environments = opts.environments ?? (await discoverEnvironments(walk.root));
  if (!opts.environments) lap('environments');
  // Symlinks that leave the repository are never read: each is named below (notReadDiagnostics),
  // and an include or edit reaching one is refused by name.
  const repo = new RepoIndex(walk.root, walk.files, pre && { corpus: pre.corpus, paths: walk.files.map((f) => f.path) }, walk.skipped);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  // Inventory warnings (a vars file's key given twice), once each though environments share files.
  for (const w of new Map(environments.flatMap((e) => e.warnings ?? []).map((w) => [`${w.path}:${w.line}:${w.message}`, w])).values()) warnings.push(w);
  const stepReports: StepReport[] = [];
  const editsByPath = new Map<string, Array<{ edit: Omit<FileEdit, 'path'>; stage: string; target: string }>>();
  const renames = new Map<string, { rename: FileRename; stage: string }>();
  const checks: Array<{ check: RenderCheck; stage: string; edited: string[] }> = [];
  const binaryNamed = new Set<string>();
  // The YAML data check (verify.ts): each file's declared data changes, and the spans of edits
  // whose transforms declare none (their data may change only inside the node they touch).
  const dataChanges = new Map<string, DataChange[]>();
  const undeclaredSpans = new Map<string, TextRange[]>();

  // Edited YAML files are checked in a worker thread while the last step goes on (see
  // yaml-check-pool.ts); verification uses the answer when the file's final edit is the one checked.
  let pool: YamlCheckPool | undefined;
  let poolStarted = false;
  const speculative = new Map<string, { after: string; key: string; problems: Promise<Diagnostic[]> }>();
  const speculate = (p: string, loaded: LoadedFile, edits: readonly FileEdit[]): void => {
    if (edits.some((e) => (e.path ?? p) !== p) || renames.has(p) || isTemplatePath(p) || repo.isOutside(p)) return;
    const document = repo.documentOf(loaded);
    const list = editsByPath.get(p);
    if (!(document instanceof YamlDocument) || !list) return;
    let after: string;
    try {
      after = applyEdits(loaded.text, plannedEdits(list), p);
    } catch {
      return; // overlapping edits: the plan reports them
    }
    if (!poolStarted) {
      poolStarted = true;
      pool = YamlCheckPool.start();
    }
    if (after === loaded.text || !pool) return;
    const declared = dataChanges.get(p) ?? [];
    const spans = undeclaredSpans.get(p) ?? [];
    const job = { path: p, before: loaded.text, after, beforeJinjaErrors: document.jinja.errors.length, declared, edited: editedNodes(document, spans) };
    speculative.set(p, { after, key: JSON.stringify([declared, spans]), problems: pool.check(job) });
  };
  let ansible: Promise<AnsibleRepository> | undefined;
  const evaluate = planEvaluator();
  const selectors = steps.map((s, i) => selectorFor(s.transform, validated[i] as Record<string, unknown>));
  // Every file Ansible reads is read once, here (unless prescanned); each step then searches
  // memory for its own needles (a step without `contains` takes every text file).
  repo.read(opts.onProgress);
  lap('scan');

  for (const [i, step] of steps.entries()) {
    const t = step.transform;
    const select = selectors[i] as FileSelector;
    const ctx: TransformContext<Record<string, unknown>> = {
      options: validated[i] as Record<string, unknown>,
      environments,
      repo,
      evaluate,
      ansible: () => (ansible ??= AnsibleRepository.analyze(ansibleSourceOf(repo))),
    };
    const report: StepReport = { stage: step.stage, target: step.target, transform: t.name, found: false, outcomes: [] };
    // Files whose name rules out every format the step selects (a YAML file mentioning `include`,
    // for a conf transform) are not even searched, let alone decoded.
    const found = await repo.pathsContaining(select.contains ?? [], select.formats ? { formats: select.formats } : {});
    const named = (p: string): boolean => select.named !== undefined && matchesPaths(p, select.named);
    const candidates = select.named?.length ? ((set) => repo.paths().filter((p) => set.has(p) || named(p)))(new Set(found)) : found;
    for (const p of candidates) {
      if (select.paths && !matchesPaths(p, select.paths)) continue;
      const loaded = await repo.load(p);
      if (!loaded || (select.contains?.length && !named(p) && !select.contains.some((n) => loaded.text.includes(n)))) continue;
      // A document is its detected format or, when that does not parse, text: when neither is
      // selected the file cannot matter, and parsing it (a YAML file mentioning `include`, for a
      // conf transform) would be wasted.
      if (select.formats && !select.formats.includes('text') && !loaded.document && !select.formats.includes(detectedFormat(p, loaded.text))) continue;
      // The document is parsed when the visit first reads it: most candidates are skipped on
      // their text or path. The visit never sees a document of a format it did not select;
      // reading one ends the visit, and the file is this step's error only when it claims it.
      const selected = (d: AnyDocument): boolean => !select.formats || select.formats.includes(d.format);
      const visited: VisitedFile = {
        path: p,
        text: loaded.text,
        get document(): AnyDocument {
          const d = repo.documentOf(loaded);
          if (!selected(d)) throw formatNotSelected;
          return d;
        },
      };
      let result: VisitResult;
      let returned: VisitResult | undefined;
      try {
        result = returned = await t.visit(visited, ctx);
        // A result from the text alone still needs a document of a selected format.
        if (result.outcome !== 'skip' && !selected(repo.documentOf(loaded))) throw formatNotSelected;
      } catch (err) {
        if (err === formatNotSelected) {
          const claimed = claimedParseError(repo.documentOf(loaded), select, p, step.target, () => t.claims?.(loaded.text, ctx.options) === true);
          if (claimed) {
            errors.push(claimed);
            report.found = true;
          } else if (returned?.outcome === 'nochange' && returned.notes?.length) {
            // Not this step's error, but left alone for a reason the user should hear (a task file that does not parse).
            report.outcomes.push({ path: p, outcome: 'nochange', detail: returned.notes.join('; ') });
            warnings.push({ code: 'TARGET_NOT_FOUND', severity: 'warning', path: p, message: `${step.target}: ${returned.notes.join('; ')}` });
          }
          continue;
        }
        if (!(err instanceof AnsimodError)) throw err;
        result = { outcome: 'error', diagnostic: { path: p, ...err.diagnostic } };
      }
      if (result.outcome === 'skip') continue;
      // Editing (or vouching for) a template whose Jinja is unbalanced would be guesswork; the
      // Jinja error is the root cause of whatever else the transform found wrong.
      const jinjaError = repo.documentOf(loaded).jinja.errors[0];
      if (jinjaError && (result.outcome !== 'nochange' || result.matched)) {
        result = { outcome: 'error', diagnostic: { ...jinjaError, path: p, message: `${step.target}: ${jinjaError.message}` } };
      }
      report.outcomes.push({ path: p, outcome: result.outcome, detail: describeOutcome(result) });
      if (result.outcome === 'error') {
        errors.push({ path: p, ...result.diagnostic });
        report.found = true;
      } else if (result.outcome === 'nochange') {
        if (result.matched) report.found = true;
        // Looked like a target but could not be followed (e.g. a host set where the transform
        // does not read): the user should hear about it.
        else if (result.notes?.length) warnings.push({ code: 'TARGET_NOT_FOUND', severity: 'warning', path: p, message: `${step.target}: ${result.notes.join('; ')}` });
      } else {
        report.found = true;
        for (const e of result.edits) addEdit(editsByPath, e, p, step.stage, step.target);
        for (const r of result.renames ?? []) addRename(renames, r, step.stage, errors);
        for (const c of result.checks ?? []) checks.push({ check: c, stage: step.stage, edited: [...new Set(result.edits.map((e) => e.path ?? p))] });
        if (!result.data) {
          for (const e of result.edits) {
            const list = undeclaredSpans.get(e.path ?? p) ?? [];
            list.push({ start: e.start, end: e.end });
            undeclaredSpans.set(e.path ?? p, list);
          }
        }
        for (const d of result.data ?? []) {
          const list = dataChanges.get(d.path ?? p) ?? [];
          list.push(d);
          dataChanges.set(d.path ?? p, list);
        }
        if (i === steps.length - 1) speculate(p, loaded, result.edits);
      }
    }
    // A file the step would target but that is binary at a glance is an error naming it (exit 3,
    // nothing written), not a silent "not found". A step that selects by neither content nor
    // path (rename-file reads every file for references) targets no binary by selecting it.
    const targetsBinaries = Boolean(select.contains?.length || select.paths);
    for (const p of targetsBinaries ? await repo.binaryPathsContaining(select.contains ?? [], select.formats ? { formats: select.formats } : {}) : []) {
      if (select.paths && !matchesPaths(p, select.paths)) continue;
      report.found = true;
      if (binaryNamed.has(p)) continue;
      binaryNamed.add(p);
      errors.push({ code: 'BINARY_FILE', severity: 'error', path: p, message: `${step.target}: ${BINARY_TARGET_MESSAGE}` });
    }
    stepReports.push(report);
    lap(`step ${step.stage}`);
  }

  const changes: PlannedChange[] = [];
  const afterTexts = new Map<string, string>();
  // A renamed file without edits is a change too (its bytes stay); its edits, if any, are made
  // under its old path.
  for (const from of renames.keys()) if (!editsByPath.has(from)) editsByPath.set(from, []);
  let existing: Set<string> | undefined;
  for (const [p, list] of [...editsByPath.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const loaded = await repo.load(p);
    if (!loaded || repo.isOutside(p)) {
      errors.push({
        code: 'UNSAFE_PATH',
        severity: 'error',
        path: p,
        message: !loaded
          ? 'edit targets a file that is not a readable file of the repository'
          : repo.outsideVia(p) === p
            ? 'is a symlink to a file outside the repository; refusing to edit it'
            : `is inside ${repo.outsideVia(p)}, a symlink to a directory outside the repository; refusing to edit it`,
      });
      continue;
    }
    let after: string;
    const planned = plannedEdits(list);
    try {
      after = applyEdits(loaded.text, planned, p);
    } catch (err) {
      if (!(err instanceof AnsimodError)) throw err;
      errors.push({ ...err.diagnostic, path: p });
      continue;
    }
    const rename = renames.get(p);
    if (after === loaded.text && !rename) continue;
    if (rename) {
      existing ??= new Set(repo.paths());
      const problem = renameProblem(rename.rename, existing, renames);
      if (problem) {
        errors.push(problem);
        continue;
      }
    }
    afterTexts.set(p, after);
    changes.push({
      path: rename?.rename.to ?? p,
      ...(rename ? { renamedFrom: p } : {}),
      before: loaded.text,
      after,
      beforeBytes: loaded.bytes,
      afterBytes: encodeSource(after, loaded.encoding),
      mode: loaded.entry.mode,
      encoding: loaded.encoding,
      stages: [...new Set([...list.map((x) => x.stage), ...(rename ? [rename.stage] : [])])],
      reasons: [...new Set([...list.map((x) => x.edit.reason), rename?.rename.reason].filter((r): r is string => !!r))],
      edits: planned,
      spans: list.map((x) => ({ start: x.edit.start, end: x.edit.end, stage: x.stage, target: x.target })),
    });
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const renamed = new Map(changes.filter((c) => c.renamedFrom !== undefined).map((c) => [c.renamedFrom as string, c.path]));
  const verified = opts.verifyEnvironments ? environments.filter((e) => opts.verifyEnvironments?.includes(e.name)) : environments;
  const unrendered = new Map<string, Map<string, string[]>>();
  const verification = { repo, environments: verified, afterTexts, renamed, renders: new Map(), parsed: new Map(), unrendered };
  const formats = new Map<string, FormatName>();
  for (const change of changes) {
    const at = change.renamedFrom ?? change.path;
    const spec = speculative.get(at);
    if (spec && !change.renamedFrom && spec.after === change.after && spec.key === JSON.stringify([dataChanges.get(at) ?? [], undeclaredSpans.get(at) ?? []])) {
      formats.set(change.path, 'yaml');
      errors.push(...(await spec.problems));
      continue;
    }
    const document = repo.documentOf((await repo.load(at)) as LoadedFile);
    formats.set(change.path, document.format);
    for (const d of await verifyEditedFile(change, document, verification)) (d.severity === 'warning' ? warnings : errors).push(d);
    // Every edited YAML file Ansible reads as it is: its data may change only as declared
    // (VisitResult.data) or inside the nodes that undeclared edits touch.
    errors.push(...verifyYamlData(change, document, dataChanges.get(at) ?? [], undeclaredSpans.get(at) ?? []));
  }
  // Files already refused (unsafe, unreadable, conflicting) are not verified again.
  const refused = new Set(errors.map((e) => e.path));
  // Edited file → templates that could not be rendered to verify it (itself, or the template
  // a check renders with its new values).
  const unverifiedBy = new Map<string, Set<string>>();
  for (const change of changes) if (unrendered.has(change.path)) unverifiedBy.set(change.path, new Set([change.path]));
  for (const { check, edited } of checks) {
    if (refused.has(check.path)) continue;
    for (const d of await runRenderCheck(check, verification)) (d.severity === 'warning' ? warnings : errors).push(d);
    if (unrendered.has(check.path)) for (const e of edited) unverifiedBy.set(e, (unverifiedBy.get(e) ?? new Set()).add(check.path));
  }
  for (const change of changes) {
    const by = unverifiedBy.get(change.path);
    if (!by || refused.has(change.path)) continue;
    change.unverified = structureOnlyReason(change, formats.get(change.path), dataChanges.has(change.path) ? 'exact' : undeclaredSpans.has(change.path) ? 'confined' : undefined, by, unrendered);
    warnings.push({ code: 'UNVERIFIED', severity: 'warning', path: change.path, message: `edit verified by structure alone: ${change.unverified}` });
  }

  await pool?.close();
  lap('verify');
  const notFound = steps
    .map((s, i) => ({ s, r: stepReports[i] as StepReport }))
    .filter(({ s, r }) => !r.found && s.required !== false)
    .map(({ s }) => ({ stage: s.stage, target: s.target }));

  // Files not read (over --max-file-size, not regular files, read errors) are named with why:
  // one Ansible reads may be a target, so the plan cannot be trusted (an error, nothing is
  // written); any other is a warning.
  for (const e of repo.refusedFiles()) {
    if (readByAnsible(e.diagnostic.path ?? '')) errors.push({ ...e.diagnostic, message: `${e.diagnostic.message} (a file Ansible reads: it may hold a target)` });
    else warnings.push({ ...e.diagnostic, severity: 'warning' });
  }
  // The same for what the walk could not or must not read (outside symlinks, names that are not
  // UTF-8, paths beyond PATH_MAX, unreadable directories, FIFOs and devices).
  for (const d of notReadDiagnostics(walk.skipped)) (d.severity === 'error' ? errors : warnings).push(d);
  const plan: Plan = { root: walk.root, environments, changes, steps: stepReports, notFound, errors, warnings, filesScanned: walk.files.length, timings };
  analyses.set(plan, { repo, ansible: () => (ansible ??= AnsibleRepository.analyze(ansibleSourceOf(repo))) });
  return plan;
}

/**
 * What a plan read of the repository, as it was before the plan: its files (read once) and its
 * Ansible layer (analysed at most once, shared by the steps and whoever asks afterwards).
 */
export interface PlanAnalysis {
  readonly repo: RepoIndex;
  ansible(): Promise<AnsibleRepository>;
}

const analyses = new WeakMap<Plan, PlanAnalysis>();

/**
 * The repository a plan read and its Ansible layer, for work after the plan on the same tree
 * (the ledger) without walking and analysing it again; undefined for a plan not made here
 * (deserialised, or copied).
 *
 * @example
 * const shared = analysisOf(plan); // await shared?.ansible()
 */
export function analysisOf(plan: Plan): PlanAnalysis | undefined {
  return analyses.get(plan);
}

/**
 * What verified an edit whose templates our renderer cannot render, and why no render did:
 * whole, never cut, naming the construct and the environments.
 *
 * @example
 * // "re-parsed as YAML and its data changed by exactly the intended values; not rendered: in
 * // production and staging, inventory/group_vars/oci_registry: our renderer cannot run filter 'x' (…)"
 */
function structureOnlyReason(change: PlannedChange, format: FormatName | undefined, dataCheck: 'exact' | 'confined' | undefined, by: ReadonlySet<string>, unrendered: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): string {
  const name = (format ?? 'text').toUpperCase();
  const yamlData = format === 'yaml' && !isTemplatePath(change.path) ? dataCheck : undefined;
  const checked = yamlData === 'exact' ? `re-parsed as ${name} and its data changed by exactly the intended values`
    : yamlData === 'confined' ? `re-parsed as ${name} and its data changed only inside the edited values`
    : `re-parsed as ${name}, its Jinja balanced`;
  const why: string[] = [];
  for (const path of [...by].sort()) {
    for (const [reason, envs] of unrendered.get(path) ?? []) why.push(`in ${envs.join(' and ')}${path === change.path ? '' : `, rendering ${path}`}: ${reason}`);
  }
  return `${checked}; not rendered: ${why.join('; ')}`;
}

/** Why a target that is binary at a glance is not read (engine and audit say the same). */
export const BINARY_TARGET_MESSAGE = 'binary at a glance (a NUL byte in its first 8,000 bytes): not read, not edited';

/** Thrown by a visited file's `document` when it parsed as a format the step did not select. */
const formatNotSelected = new Error('document format not selected');

/**
 * A target that does not parse as its format is an error at its line, not "not found": the
 * file fell back to another format, the step selects the format it failed as, and the
 * transform claims the text.
 */
function claimedParseError(document: AnyDocument, select: FileSelector, p: string, target: string, claims: () => boolean): Diagnostic | undefined {
  const fb = document.fallback;
  if (!fb || !select.formats?.includes(fb.format) || !claims()) return undefined;
  return {
    code: 'PARSE_ERROR',
    severity: 'error',
    path: p,
    ...(fb.line !== undefined ? { line: fb.line } : {}),
    ...(fb.column !== undefined ? { column: fb.column } : {}),
    message: `${target}: cannot be read as ${fb.format.toUpperCase()}: ${fb.reason}`,
  };
}

function addEdit(map: Map<string, Array<{ edit: Omit<FileEdit, 'path'>; stage: string; target: string }>>, e: FileEdit, visited: string, stage: string, target: string): void {
  const p = e.path ?? visited;
  const { path: _ignored, ...edit } = e;
  const list = map.get(p) ?? [];
  list.push({ edit, stage, target });
  map.set(p, list);
}

/** Records a rename; one file renamed to two names is an error (the same rename twice counts once). */
function addRename(map: Map<string, { rename: FileRename; stage: string }>, r: FileRename, stage: string, errors: Diagnostic[]): void {
  const known = map.get(r.from);
  if (known && known.rename.to !== r.to) {
    errors.push({ code: 'RENAME_CONFLICT', severity: 'error', path: r.from, message: `renamed to both ${known.rename.to} and ${r.to}` });
    return;
  }
  if (!known) map.set(r.from, { rename: r, stage });
}

/** Why a rename cannot be made: an unsafe name, or a name another file has (and keeps) or gets. */
function renameProblem(r: FileRename, existing: ReadonlySet<string>, all: ReadonlyMap<string, { rename: FileRename }>): Diagnostic | undefined {
  const bad = r.to.startsWith('/') || r.to.split('/').some((seg) => seg === '' || seg === '.' || seg === '..') || r.to.includes('\\');
  if (bad) return { code: 'UNSAFE_PATH', severity: 'error', path: r.from, message: `cannot rename to ${JSON.stringify(r.to)}: not a repository-relative path` };
  if (existing.has(r.to) && !all.has(r.to)) return { code: 'RENAME_CONFLICT', severity: 'error', path: r.from, message: `cannot rename to ${r.to}: that file exists` };
  const twice = [...all.values()].filter((x) => x.rename.to === r.to);
  if (twice.length > 1) return { code: 'RENAME_CONFLICT', severity: 'error', path: r.from, message: `${twice.map((x) => x.rename.from).join(' and ')} would both become ${r.to}` };
  return undefined;
}

/** A file's edits as planned: each once, in text order, with its stage. */
function plannedEdits(list: ReadonlyArray<{ edit: Omit<FileEdit, 'path'>; stage: string }>): PlannedEdit[] {
  return dedupe(list.map((x) => ({ ...x.edit, stage: x.stage }))).sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Two steps may reach the same definition (a shared variable): identical edits count once. */
function dedupe<E extends TextEdit>(edits: E[]): E[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const k = `${e.start}:${e.end}:${e.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function describeOutcome(r: VisitResult): string | undefined {
  if (r.outcome === 'changed' || r.outcome === 'nochange') return r.notes?.join('; ');
  if (r.outcome === 'error') return r.diagnostic.message;
  return r.reason;
}

const SIMPLE_VAR = /\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}/g;

/**
 * Evaluates a templated string for an environment: plain variable references are substituted
 * directly (recursively, as Ansible does with lazily templated vars); anything else is rendered.
 *
 * @example
 * await evaluateTemplate('registry{{ env_suffix }}.example.org', { name: 'staging', vars: { env_suffix: '.stg' }, source: [] });
 * // => 'registry.stg.example.org'
 */
export async function evaluateTemplate(template: string, env: Environment, extra: Record<string, unknown> = {}, depth = 0): Promise<string> {
  if (!template.includes('{')) return template;
  // Read, never written: merged once per environment and extra object, not per call.
  const vars = varsFor(env, extra);
  const simple = template.replace(SIMPLE_VAR, (m, name: string) => {
    const v = vars[name];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : m;
  });
  if (!/[{][{%#]/.test(simple)) return simple;
  if (depth < 5 && simple !== template) return evaluateTemplate(simple, env, extra, depth + 1);
  const r = await renderTemplate(simple, vars, {});
  if (!r.ok) throw new AnsimodError(r.diagnostic);
  return r.output;
}

/**
 * {@link evaluateTemplate} for one plan: a template without extra variables is evaluated once
 * per environment, its answer (or its error) shared — a computed reference such as
 * `{{ tasks_path }}/yumrepos.yml` recurs in hundreds of files (templates-j2 on the 5,000-file
 * bench tree: 3,432 renders for 920 distinct template and environment pairs).
 *
 * @example
 * const evaluate = planEvaluator();
 * await evaluate('{{ tasks_path }}/a.yml', env); // rendered
 * await evaluate('{{ tasks_path }}/a.yml', env); // the same answer, not rendered again
 */
export function planEvaluator(): (template: string, env: Environment, extra?: Record<string, unknown>) => Promise<string> {
  const answers = new WeakMap<Environment, Map<string, Promise<string>>>();
  return (template, env, extra) => {
    if (extra !== undefined && Object.keys(extra).length > 0) return evaluateTemplate(template, env, extra);
    let byTemplate = answers.get(env);
    if (!byTemplate) answers.set(env, (byTemplate = new Map()));
    let answer = byTemplate.get(template);
    if (!answer) byTemplate.set(template, (answer = evaluateTemplate(template, env)));
    return answer;
  };
}

/** The prescan, when one was started for this very repository and succeeded. */
async function prescanOf(root: string, prescan: Promise<Prescan | undefined> | undefined): Promise<Prescan | undefined> {
  if (!prescan) return undefined;
  // The prescan's thread does not keep the process alive (a command that fails early must not
  // wait for it); while the plan waits for it, this timer does.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    const [pre, real] = await Promise.all([prescan, resolveRoot(root)]);
    return pre?.walk.root === real ? pre : undefined;
  } finally {
    clearInterval(keepAlive);
  }
}

/** {@link detectFormat}, or `text` should it throw (as {@link parseDocument} then reads the file). */
function detectedFormat(p: string, text: string): FormatName {
  try {
    return detectFormat(p, text);
  } catch {
    return 'text';
  }
}

