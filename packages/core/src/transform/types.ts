import type { AnsibleRepository } from '../ansible/index.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Environment } from '../env/index.js';
import type { AnyDocument, FormatName } from '../formats/index.js';
import type { TextEdit } from '../text/edit.js';
import type { OptionSpecs, OptionsOf } from './options.js';
import type { DataChange } from './data-change.js';

/**
 * Which files a transform looks at. All given criteria must hold. `contains` is the cheap
 * pre-filter: a file is parsed only if its text contains at least one of the strings.
 */
export interface FileSelector {
  formats?: readonly FormatName[];
  /** Path patterns: `*` within a segment, `**` across segments (POSIX, relative to the repo). */
  paths?: readonly string[];
  /** Any of these substrings must occur in the raw text. */
  contains?: readonly string[];
  /**
   * Path patterns of files visited whatever their text: with `contains`, a file is visited when
   * its text contains a needle or its path matches one of these (a file named after a target,
   * as `host_vars/<host>` is named after its host).
   */
  named?: readonly string[];
}

/** A file handed to {@link TransformDefinition.visit}: its path, its text and its parsed document. */
export interface VisitedFile {
  path: string;
  text: string;
  document: AnyDocument;
}

/** The parsed form of a rendered template, used to check that a change is exactly the intended one. */
export type RenderedData =
  | { format: 'yaml' | 'json' | 'ini'; value: unknown }
  | { format: 'conf' | 'text'; lines: string[] };

/**
 * A check run by the engine before anything is written: the template at `path` is rendered for each
 * environment before and after all edits, the after must parse in its format, and `expect` says what
 * the after must be, given the before. Any other difference rejects the edit.
 */
export interface RenderCheck {
  /** The template to render (repository-relative); it may be another file than the edited one. */
  path: string;
  /** The intended change in words ("auths key becomes quay.io"). */
  describe: string;
  /** Extra variables (e.g. a task's `vars:`), evaluated per environment and phase. */
  vars?: (env: Environment, phase: 'before' | 'after') => Record<string, unknown> | Promise<Record<string, unknown>>;
  /**
   * The rendered data expected after the change, given the data rendered before. `before` is
   * shared by every check of the file (it is parsed once per plan): return new data, never
   * modify it.
   */
  expect: (before: RenderedData, env: Environment) => RenderedData;
  /** Environments to check (default: all). */
  environments?: readonly string[];
  /**
   * When true, an environment in which the before state does not render is not checked (a
   * transform that edits any file naming a host cannot tell which ones render today); the
   * after state must still render wherever the before did.
   */
  skipUnrendered?: boolean;
  /**
   * When the before render does not parse in the file's format (a YAML vars file rendered as
   * text, whose values hold quotes), compare the rendered lines instead (`expect` then gets
   * `{ format: 'text', lines }`), rather than failing: the check still covers every line.
   */
  linesWhenUnparsed?: boolean;
}

/** An edit to a file, possibly another one than the file being visited (a variable's definition). */
export interface FileEdit extends TextEdit {
  /** Defaults to the visited file. */
  path?: string;
  /**
   * What the edit is about, for splitting a change into reviewable commits
   * (`ansimod patch --split-by topic`): fqcn gives the module name.
   */
  topic?: string;
}

/**
 * A file to rename (as `git mv` does): the file moves with the edits made to it under its old
 * path, and the patch shows a rename.
 *
 * @example
 * const r: FileRename = { from: 'roles/a/templates/app.yml', to: 'roles/a/templates/app.yml.j2', reason: 'templates get .j2' };
 */
export interface FileRename {
  from: string;
  to: string;
  reason?: string;
}

/** What a transform did with one file (jscodeshift's ok / nochange / skip / error). */
export type VisitResult =
  | {
      outcome: 'changed';
      edits: FileEdit[];
      renames?: FileRename[];
      checks?: RenderCheck[];
      notes?: string[];
      /**
       * The change the edits make to YAML data (a key renamed, a value set, an entry deleted).
       * Every edited YAML file Ansible reads as it is (not a template) is checked by the
       * engine: its data after must be its data before with exactly these changes. Without a
       * declaration, each edit may change the data only inside the node it touches (its value,
       * its sequence entry, or for a key the mapping it is in), nothing else.
       */
      data?: DataChange[];
    }
  | { outcome: 'nochange'; /** the file is a target already in the wanted state */ matched?: boolean; notes?: string[] }
  | { outcome: 'skip'; reason: string }
  | { outcome: 'error'; diagnostic: Diagnostic };

/**
 * Which files a search covers, judged by their paths.
 *
 * @example
 * await repo.grep('candidate_registry', { readByAnsible: true }); // not scripts or pages copied as they are
 */
export interface SearchScope {
  /** Only paths whose name allows one of these formats (a variable is defined in YAML, never in a `.py` file). */
  readonly formats?: readonly FormatName[];
  /** Only files Ansible parses or renders: data formats and templates, not plain files `copy:` installs as they are. */
  readonly readByAnsible?: boolean;
}

/** Read access to the repository for lookups across files (variable definitions, includes). */
export interface RepoView {
  readonly root: string;
  /** Every readable file path, sorted. */
  paths(): readonly string[];
  /** The file at `path`, parsed (cached), or undefined when missing, skipped or binary. */
  file(path: string): Promise<VisitedFile | undefined>;
  /**
   * Paths whose raw text contains `needle`, within `scope` (by default every file): far fewer
   * bytes to search when the answer can only be in some files.
   */
  grep(needle: string, scope?: SearchScope): Promise<string[]>;
}

export interface TransformContext<O> {
  options: O;
  environments: readonly Environment[];
  repo: RepoView;
  /** Evaluates a Jinja-templated string (e.g. `registry{{ env_suffix }}.example.org`) for an environment. */
  evaluate(template: string, env: Environment, extraVars?: Record<string, unknown>): Promise<string>;
  /**
   * The repository as Ansible sees it (file kinds, roles, plays and tasks), built on first use
   * and shared by every step of the plan.
   */
  ansible(): Promise<AnsibleRepository>;
}

/**
 * A transform: a small, typed, documented unit of change.
 */
export interface TransformDefinition<S extends OptionSpecs = OptionSpecs> {
  /** Kebab-case identifier used in recipes and on the command line. */
  name: string;
  displayName: string;
  description: string;
  options: S;
  /** Which files to visit; a function when the selection depends on the options (e.g. the hosts of a map). */
  select: FileSelector | ((options: OptionsOf<S>) => FileSelector);
  /** Called for each selected file; returns the file's outcome and any edits. */
  visit(file: VisitedFile, ctx: TransformContext<OptionsOf<S>>): VisitResult | Promise<VisitResult>;
  /**
   * For a file that should be one of the selected formats but does not parse (it was read as
   * text): whether it would be this transform's target. If so, the run fails with the parse
   * error at its line instead of silently missing the target.
   */
  claims?(text: string, options: OptionsOf<S>): boolean;
}

/** A transform whose option types are erased, as held in a registry. */
export interface AnyTransform {
  name: string;
  displayName: string;
  description: string;
  options: OptionSpecs;
  select: FileSelector | ((options: Record<string, unknown>) => FileSelector);
  visit(file: VisitedFile, ctx: TransformContext<Record<string, unknown>>): VisitResult | Promise<VisitResult>;
  claims?(text: string, options: Record<string, unknown>): boolean;
}

/**
 * Declares a transform. The options' TypeScript types are inferred from their specs.
 *
 * @example
 * export default defineTransform({
 *   name: 'noop',
 *   displayName: 'No-op',
 *   description: 'Changes nothing.',
 *   options: {},
 *   select: { formats: ['yaml'] },
 *   visit: () => ({ outcome: 'nochange' }),
 * });
 */
export function defineTransform<S extends OptionSpecs>(definition: TransformDefinition<S>): AnyTransform & TransformDefinition<S> {
  return definition as AnyTransform & TransformDefinition<S>;
}

/**
 * The file selector of a transform for validated options.
 *
 * @example
 * selectorFor(transform, { maps: { 'registry.example.org': 'quay.io/x' } }).contains; // => ['registry']
 */
export function selectorFor(t: Pick<AnyTransform, 'select'>, options: Record<string, unknown>): FileSelector {
  return typeof t.select === 'function' ? t.select(options) : t.select;
}
