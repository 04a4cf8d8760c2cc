import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { AnsimodError, type Diagnostic } from '../diagnostics.js';
import type { Environment } from '../env/index.js';
import { discoverEnvironments } from '../env/index.js';
import { detectFormat, parseDocument, type AnyDocument, type FormatName } from '../formats/index.js';
import { renderTemplate } from '../render/index.js';
import { ByteCorpus } from '../repo/corpus.js';
import { SkipReason, sortByPath, walkRepository, type RepoEntry } from '../repo/index.js';
import { applyEdits, type TextEdit } from '../text/edit.js';
import { decodeSource, encodeSource, type TextEncodingName } from '../text/source.js';
import { validateOptions } from './options.js';
import { matchesPaths } from './select.js';
import { selectorFor, type AnyTransform, type FileEdit, type FileSelector, type RenderCheck, type RepoView, type TransformContext, type VisitedFile, type VisitResult } from './types.js';
import { runRenderCheck, verifyEditedFile } from './verify.js';

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
  /** Stages whose steps edited this file, in recipe order. */
  stages: string[];
  /** Why each edit was made. */
  reasons: string[];
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
}

export interface PlanOptions {
  /** Environments to verify against; default: discovered from the inventory. */
  environments?: Environment[];
  onProgress?: (done: number, total: number) => void;
}

interface LoadedFile {
  entry: RepoEntry;
  bytes: Buffer;
  text: string;
  encoding: TextEncodingName;
  document?: AnyDocument;
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
  // Options first: nothing runs unless every step's options are valid.
  const validated = steps.map((s) => {
    const v = validateOptions(s.transform.options, s.options, s.transform.name);
    if (!v.ok) throw new AnsimodError(v.diagnostics[0] as Diagnostic);
    return v.value as Record<string, unknown>;
  });

  const walk = await walkRepository(root);
  const environments = opts.environments ?? (await discoverEnvironments(walk.root));
  // Symlinks that leave the repository are never edited, but they are still looked at (read
  // only) so that a target behind one is an error naming it, not a silent "not found".
  const outside = await outsideEntries(walk.root, walk.skipped.filter((s) => s.reason === SkipReason.symlinkOutside).map((s) => s.path));
  const repo = new RepoIndex(walk.root, [...walk.files, ...outside]);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const stepReports: StepReport[] = [];
  const editsByPath = new Map<string, Array<{ edit: TextEdit; stage: string }>>();
  const checks: Array<{ check: RenderCheck; stage: string }> = [];

  const selectors = steps.map((s, i) => selectorFor(s.transform, validated[i] as Record<string, unknown>));
  // A step without `contains` needs every file; otherwise only files holding a needle are read in full.
  const needles = selectors.some((s) => !s.contains?.length) ? [] : [...new Set(selectors.flatMap((s) => s.contains ?? []))];
  const candidates = await repo.prefilter(needles, opts.onProgress);

  for (const [i, step] of steps.entries()) {
    const t = step.transform;
    const select = selectors[i] as FileSelector;
    const ctx: TransformContext<Record<string, unknown>> = {
      options: validated[i] as Record<string, unknown>,
      environments,
      repo,
      evaluate: (template, env, extra) => evaluateTemplate(template, env, extra),
    };
    const report: StepReport = { stage: step.stage, target: step.target, transform: t.name, found: false, outcomes: [] };
    for (const p of candidates) {
      if (select.paths && !matchesPaths(p, select.paths)) continue;
      const loaded = await repo.load(p);
      if (!loaded || (select.contains?.length && !select.contains.some((n) => loaded.text.includes(n)))) continue;
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
      try {
        result = await t.visit(visited, ctx);
        // A result from the text alone still needs a document of a selected format.
        if (result.outcome !== 'skip' && !selected(repo.documentOf(loaded))) throw formatNotSelected;
      } catch (err) {
        if (err === formatNotSelected) {
          const claimed = claimedParseError(repo.documentOf(loaded), select, p, step.target, () => t.claims?.(loaded.text, ctx.options) === true);
          if (claimed) {
            errors.push(claimed);
            report.found = true;
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
        for (const e of result.edits) addEdit(editsByPath, e, p, step.stage);
        for (const c of result.checks ?? []) checks.push({ check: c, stage: step.stage });
      }
    }
    stepReports.push(report);
  }

  const changes: PlannedChange[] = [];
  const afterTexts = new Map<string, string>();
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
    try {
      after = applyEdits(loaded.text, dedupe(list.map((x) => x.edit)));
    } catch (err) {
      if (!(err instanceof AnsimodError)) throw err;
      errors.push({ ...err.diagnostic, path: p });
      continue;
    }
    if (after === loaded.text) continue;
    afterTexts.set(p, after);
    changes.push({
      path: p,
      before: loaded.text,
      after,
      beforeBytes: loaded.bytes,
      afterBytes: encodeSource(after, loaded.encoding),
      mode: loaded.entry.mode,
      encoding: loaded.encoding,
      stages: [...new Set(list.map((x) => x.stage))],
      reasons: [...new Set(list.map((x) => x.edit.reason).filter((r): r is string => !!r))],
    });
  }

  const verification = { repo, environments, afterTexts };
  for (const change of changes) {
    const document = repo.documentOf((await repo.load(change.path)) as LoadedFile);
    errors.push(...(await verifyEditedFile(change, document, verification)));
  }
  // Files already refused (unsafe, unreadable, conflicting) are not verified again.
  const refused = new Set(errors.map((e) => e.path));
  for (const { check } of checks) if (!refused.has(check.path)) errors.push(...(await runRenderCheck(check, verification)));

  const notFound = steps
    .map((s, i) => ({ s, r: stepReports[i] as StepReport }))
    .filter(({ s, r }) => !r.found && s.required !== false)
    .map(({ s }) => ({ stage: s.stage, target: s.target }));

  return { root: walk.root, environments, changes, steps: stepReports, notFound, errors, warnings, filesScanned: walk.files.length };
}

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

function addEdit(map: Map<string, Array<{ edit: TextEdit; stage: string }>>, e: FileEdit, visited: string, stage: string): void {
  const p = e.path ?? visited;
  const { path: _ignored, ...edit } = e;
  const list = map.get(p) ?? [];
  list.push({ edit, stage });
  map.set(p, list);
}

/** Two steps may reach the same definition (a shared variable): identical edits count once. */
function dedupe(edits: TextEdit[]): TextEdit[] {
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
  const vars = { ...env.vars, ...extra };
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
 * The byte strings a text containing `needle` must contain: its UTF-8 bytes, and its latin-1
 * bytes for files that are not UTF-8 (decoded byte for byte) when every char fits in a byte.
 */
function bytePatterns(needle: string): Buffer[] {
  const utf8 = Buffer.from(needle, 'utf8');
  if (!/^[\u0000-\u00ff]*$/.test(needle)) return [utf8];
  const latin1 = Buffer.from(needle, 'latin1');
  return latin1.equals(utf8) ? [utf8] : [utf8, latin1];
}

/** {@link detectFormat}, or `text` should it throw (as {@link parseDocument} then reads the file). */
function detectedFormat(p: string, text: string): FormatName {
  try {
    return detectFormat(p, text);
  } catch {
    return 'text';
  }
}

/**
 * The patterns minus those that contain another one: a file holding `candidate-registry` holds
 * `registry`, so for "holds any of them" the longer pattern never decides and only costs a pass.
 */
function withoutContaining(patterns: readonly Buffer[]): Buffer[] {
  const unique = patterns.filter((p, i) => patterns.findIndex((q) => q.equals(p)) === i);
  return unique.filter((p) => !unique.some((q) => q !== p && q.length <= p.length && p.includes(q)));
}

function readOrUndefined(absolutePath: string): Buffer | undefined {
  try {
    return readFileSync(absolutePath);
  } catch {
    return undefined;
  }
}

/** A walked file, or one reached through a symlink leaving the repository (looked at, never edited). */
type OutsideAware = RepoEntry & { outside?: boolean; outsideVia?: string };

/** How many files behind symlinked directories are looked at before giving up on them. */
const OUTSIDE_FILE_LIMIT = 2000;

/**
 * The files behind symlinks that leave the repository, under their in-repository paths, so a
 * target there is refused by name instead of silently not found. Directories are listed
 * read-only (their own symlinks are not followed), up to {@link OUTSIDE_FILE_LIMIT} files.
 */
async function outsideEntries(root: string, links: readonly string[]): Promise<OutsideAware[]> {
  const out: OutsideAware[] = [];
  for (const link of links) {
    const abs = path.join(root, link);
    const st = await stat(abs).catch(() => undefined);
    if (st?.isFile()) out.push({ path: link, absolutePath: abs, size: st.size, mode: st.mode, outside: true, outsideVia: link });
    else if (st?.isDirectory() && out.length < OUTSIDE_FILE_LIMIT) {
      const inner = await walkRepository(abs).catch(() => undefined);
      for (const f of inner?.files.slice(0, OUTSIDE_FILE_LIMIT - out.length) ?? []) {
        out.push({ path: `${link}/${f.path}`, absolutePath: f.absolutePath, size: f.size, mode: f.mode, outside: true, outsideVia: link });
      }
    }
  }
  return out;
}

/** The repository as the engine sees it: files read once, parsed once, on demand. */
export class RepoIndex implements RepoView {
  private readonly byPath = new Map<string, OutsideAware>();
  private readonly loaded = new Map<string, LoadedFile | null>();
  private readonly grepped = new Map<string, string[]>();
  private readonly sortedPaths: string[];
  /** Position of each path in {@link sortedPaths} (the corpus's file numbers). */
  private readonly indexOf = new Map<string, number>();
  private corpus: ByteCorpus | undefined;
  constructor(
    readonly root: string,
    entries: ReadonlyArray<OutsideAware>,
  ) {
    for (const e of entries) this.byPath.set(e.path, e);
    this.sortedPaths = sortByPath([...entries]).map((e) => e.path);
    this.sortedPaths.forEach((p, i) => this.indexOf.set(p, i));
  }

  /** The symlink (the path itself, or a symlinked directory above it) that leads outside the repository. */
  outsideVia(p: string): string | undefined {
    return this.byPath.get(p)?.outsideVia;
  }

  /** True for a symlink whose target is outside the repository (read for detection only). */
  isOutside(p: string): boolean {
    return this.byPath.get(p)?.outside === true;
  }

  paths(): readonly string[] {
    return this.sortedPaths;
  }

  /**
   * Every listed file read once, on the first search: searches then run over memory. Files
   * behind symlinks leaving the repository are read too (looked at, never edited).
   */
  private corpusOf(patterns: readonly Uint8Array[], onProgress?: (done: number, total: number) => void): ByteCorpus {
    this.corpus ??= ByteCorpus.scan(
      this.sortedPaths.map((p) => (this.byPath.get(p) as RepoEntry).absolutePath),
      { patterns, ...(onProgress ? { onProgress } : {}) },
    );
    return this.corpus;
  }

  /**
   * Paths whose bytes contain any needle (all text files when there are none); only those are
   * decoded and kept as text. The first search reads the whole repository once
   * ({@link ByteCorpus}); later ones search memory.
   */
  async prefilter(needles: readonly string[], onProgress?: (done: number, total: number) => void): Promise<string[]> {
    const patterns = needles.length ? withoutContaining(needles.flatMap(bytePatterns)) : [Buffer.alloc(0)];
    const corpus = this.corpusOf(patterns, onProgress);
    const out: string[] = [];
    for (const i of corpus.filesContaining(patterns)) {
      const p = this.sortedPaths[i] as string;
      if (this.keep(p, corpus.bytes(i))) out.push(p);
    }
    return out;
  }

  /** The bytes of a listed file, or undefined when it cannot be read. */
  private readBytes(p: string): Buffer | undefined {
    const entry = this.byPath.get(p);
    if (!entry) return undefined;
    if (this.corpus) {
      const i = this.indexOf.get(p) as number;
      return this.corpus.isText(i) ? this.corpus.bytes(i) : readOrUndefined(entry.absolutePath);
    }
    return readOrUndefined(entry.absolutePath);
  }

  /** Decodes and caches a file read as bytes; false for a binary or unreadable file. */
  private keep(p: string, bytes: Buffer | undefined): boolean {
    const had = this.loaded.get(p);
    if (had !== undefined) return had !== null;
    const entry = this.byPath.get(p) as RepoEntry;
    const decoded = bytes ? decodeSource(bytes) : undefined;
    const value: LoadedFile | null = decoded?.kind === 'text' ? { entry, bytes: bytes as Buffer, text: decoded.text, encoding: decoded.encoding } : null;
    this.loaded.set(p, value);
    return value !== null;
  }

  async load(p: string): Promise<LoadedFile | undefined> {
    const cached = this.loaded.get(p);
    if (cached !== undefined) return cached ?? undefined;
    const bytes = this.readBytes(p);
    if (bytes === undefined) {
      if (this.byPath.has(p)) this.loaded.set(p, null);
      return undefined;
    }
    this.keep(p, bytes);
    return this.loaded.get(p) ?? undefined;
  }

  /** Synchronous read for template includes (nunjucks loaders are synchronous). */
  loadSync(p: string): string | undefined {
    const cached = this.loaded.get(p);
    if (cached) return cached.text;
    const entry = this.byPath.get(p);
    if (!entry) return undefined;
    try {
      return readFileSync(entry.absolutePath, 'utf8');
    } catch {
      return undefined;
    }
  }

  documentOf(file: LoadedFile): AnyDocument {
    file.document ??= parseDocument(file.entry.path, file.text);
    return file.document;
  }

  /**
   * The file with its document parsed on first use: callers often look at the text first (does
   * it mention the variable at all?) and most files they ask for are never parsed.
   */
  async file(p: string): Promise<VisitedFile | undefined> {
    const loaded = await this.load(p);
    if (!loaded) return undefined;
    const documentOf = (f: LoadedFile): AnyDocument => this.documentOf(f);
    return {
      path: p,
      text: loaded.text,
      get document(): AnyDocument {
        return documentOf(loaded);
      },
    };
  }

  /**
   * Paths whose text contains `needle`. The repository does not change during a plan, so each
   * needle is searched once: every file not yet loaded is read as bytes and only those holding
   * the needle's bytes are decoded (and kept) to confirm the match on the text.
   */
  async grep(needle: string): Promise<string[]> {
    let found = this.grepped.get(needle);
    if (found === undefined) {
      const patterns = bytePatterns(needle);
      const corpus = this.corpusOf(patterns);
      found = [];
      for (const i of corpus.filesContaining(patterns)) {
        const p = this.sortedPaths[i] as string;
        if (this.keep(p, corpus.bytes(i)) && this.loaded.get(p)?.text.includes(needle)) found.push(p);
      }
      this.grepped.set(needle, found);
    }
    return [...found];
  }

  /** Resolves an `{% include %}` name as Ansible's template lookup does: beside the template, then in its role's templates/. */
  resolveInclude(name: string, fromPath: string): string | undefined {
    const clean = name.replace(/^\.\//, '');
    const dir = path.posix.dirname(fromPath);
    const candidates = [path.posix.normalize(path.posix.join(dir, clean))];
    const roleTemplates = fromPath.match(/^(.*\/templates)\//);
    if (roleTemplates?.[1]) candidates.push(path.posix.join(roleTemplates[1], clean));
    for (const c of candidates) if (this.byPath.has(c)) return c;
    return undefined;
  }
}
