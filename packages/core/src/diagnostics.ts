/**
 * Errors are values: every failure a user can cause is a {@link Diagnostic} with a code,
 * a repository-relative path and, where there is one, a 1-based line and column.
 */
export type ErrorCode =
  | 'JINJA_UNTERMINATED'
  | 'JINJA_UNCLOSED_BLOCK'
  | 'JINJA_MISMATCHED_BLOCK'
  | 'JINJA_UNEXPECTED_END'
  | 'JINJA_SYNTAX'
  | 'PARSE_ERROR'
  /** A key repeated in one mapping of an inventory vars file: read as Ansible does (the last wins). */
  | 'DUPLICATE_KEY'
  | 'BINARY_FILE'
  | 'NOT_UTF8'
  | 'SYMLINK_OUTSIDE'
  | 'DANGLING_SYMLINK'
  | 'UNSAFE_PATH'
  | 'IO_ERROR'
  | 'INVALID_OPTION'
  | 'INVALID_RECIPE'
  | 'UNKNOWN_TRANSFORM'
  | 'VERIFY_FAILED'
  | 'RENDER_FAILED'
  /** A Jinja2 construct the embedded renderer does not render as Ansible would (it refuses, by name). */
  | 'RENDER_UNSUPPORTED'
  /** A render stopped by the render budget (loop iterations, output size, recursion). */
  | 'RENDER_BUDGET'
  /** A render that needs a variable no inventory source defines for the environment. */
  | 'RENDER_UNDEFINED'
  | 'TARGET_NOT_FOUND'
  | 'EDIT_CONFLICT'
  /** Two renames onto one name, one file renamed twice, or a rename onto a file that stays. */
  | 'RENAME_CONFLICT'
  /** A reference that names a file ansimod cannot resolve (a rename would leave it behind). */
  | 'UNRESOLVED_REFERENCE'
  /** A template whose shape a transform cannot edit safely (e.g. a key inside a `{% for %}`). */
  | 'UNSUPPORTED_TEMPLATE'
  | 'TYPE_ERROR'
  /** One side of a pipeline component moves and the other does not (push target vs. credentials). */
  | 'COMPONENT_SPLIT'
  /** No step of a recipe found any target: most likely not the repository the recipe is for. */
  | 'NO_TARGET'
  /** An edit verified by structure alone (a template our renderer cannot render). */
  | 'UNVERIFIED'
  /** A git command of `ansimod pr` failed (the message is git's reason, on one line). */
  | 'GIT_FAILED'
  /** The forge refused a request of `ansimod pr`, or could not be reached. */
  | 'FORGE_FAILED'
  | 'USAGE'
  /** A file over the size limit (`--max-file-size`), not read. */
  | 'FILE_TOO_LARGE'
  /** A write stopped by a signal (SIGINT, SIGTERM, SIGHUP) and rolled back. */
  | 'INTERRUPTED'
  | 'INTERNAL';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  code: ErrorCode;
  message: string;
  severity: Severity;
  /** Path relative to the repository root (POSIX separators). */
  path?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /**
   * Lines to show under the message, when one line cannot say it: for a failed verification, a
   * short unified diff of the rendered before and after in the environment that failed.
   */
  detail?: string;
}

/**
 * An error carrying a {@link Diagnostic}; thrown across layers, caught and printed by the CLI
 * as `path:line:column: message` — never as a stack trace.
 *
 * @example
 * throw new AnsimodError({ code: 'PARSE_ERROR', message: 'unexpected }', path: 'a.json', line: 1, column: 7 });
 */
export class AnsimodError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Omit<Diagnostic, 'severity'> & { severity?: Severity }) {
    super(diagnostic.message);
    this.name = 'AnsimodError';
    this.diagnostic = { severity: 'error', ...diagnostic };
  }
  get code(): ErrorCode {
    return this.diagnostic.code;
  }
}

/**
 * Formats a diagnostic the way compilers do: `path:line:column: message`.
 *
 * @example
 * formatDiagnostic({ code: 'PARSE_ERROR', severity: 'error', message: 'bad', path: 'x.ini', line: 3 });
 * // => 'x.ini:3: bad'
 */
export function formatDiagnostic(d: Diagnostic): string {
  return formatWhere(d).replace(ENGINE_ERROR_NAME, '');
}

/**
 * `TypeError: `, `RangeError: `, `AnsimodError: `… inside a message (an error that a layer
 * turned into text with `String(err)`): the class is the engine's business, not the user's.
 */
const ENGINE_ERROR_NAME = /\b(?:Ansimod|Range|Reference|Type|Syntax|Eval|URI|Internal|Aggregate|Template|TemplateRuntime|TemplateSyntax)?Error: /g;

function formatWhere(d: Diagnostic): string {
  let where = d.path ?? '';
  if (d.line !== undefined) {
    where += `${where ? ':' : ''}${d.line}`;
    if (d.column !== undefined) where += `:${d.column}`;
  }
  return where ? `${where}: ${d.message}` : d.message;
}

/** Adds a path to a diagnostic that does not have one yet. */
export function withPath(d: Diagnostic, path: string): Diagnostic {
  return d.path === undefined ? { ...d, path } : d;
}
