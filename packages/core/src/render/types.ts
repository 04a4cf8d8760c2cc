import type { Diagnostic } from '../diagnostics.js';

/**
 * Reads an included template: `name` as written in `{% include %}`, `fromPath` the path of the
 * including template. Returns the text, or `undefined` when there is no such file.
 *
 * @example
 * const resolveInclude: IncludeResolver = (name, from) => files[resolveIncludePath(name, from)];
 */
export type IncludeResolver = (name: string, fromPath: string) => string | undefined;

/**
 * Options of a render.
 *
 * @example
 * const opts: RenderOptions = { path: 'roles/httpd/templates/site.conf', resolveInclude };
 */
export interface RenderOptions {
  /** Repository-relative path of the template, for diagnostics and relative includes. */
  path?: string;
  /** Reads included templates; without it every `{% include %}` is a diagnostic. */
  resolveInclude?: IncludeResolver;
  /**
   * Reads a repository file by its repository-relative path, for `lookup('file'|'template'|
   * 'first_found')`; `undefined` when there is no such file. Without it those lookups are refused.
   */
  readFile?: (path: string) => string | undefined;
  /** The repository's absolute path: `first_found` gives absolute paths, as Ansible does. */
  root?: string;
}

/**
 * The outcome of a render: the output, or the diagnostic that stopped it. Either way,
 * `undefinedVars` names the variables the template used without them being defined (Jinja2
 * prints those as nothing; guarded uses such as `x is defined` or `x | default(...)` are not listed).
 *
 * @example
 * const r: RenderResult = { ok: true, output: 'registry=docker://candidate-registry.stg.fedoraproject.org\n', undefinedVars: [] };
 */
export type RenderResult =
  | { ok: true; output: string; undefinedVars: string[] }
  | { ok: false; diagnostic: Diagnostic; undefinedVars: string[]; failure: RenderFailure };

/**
 * Why a render failed, as a value: `syntax` (the template does not parse), `undefined` (a
 * variable or attribute is missing: Ansible fails such a render), `unsupported` (a construct the
 * embedded renderer refuses rather than render differently from Ansible; `construct` names it),
 * `budget` (the render budget ran out), `error` (anything else Jinja2 or a filter raises).
 *
 * @example
 * const f: RenderFailure = { kind: 'unsupported', construct: "filter 'my_plugin_filter'" };
 */
export interface RenderFailure {
  kind: 'syntax' | 'undefined' | 'unsupported' | 'budget' | 'error';
  /** For `unsupported`: the construct, as written in templates. */
  construct?: string;
}
