import type { JinjaScan } from '../jinja/types.js';
import type { LineIndex } from '../text/line-index.js';

/**
 * The formats ansimod understands. `conf` is Apache httpd configuration.
 *
 * @example
 * detectFormat('roles/x/templates/production.ini.j2', text); // => 'ini'
 */
export type FormatName = 'yaml' | 'ini' | 'json' | 'conf' | 'text';

/**
 * Why a file that looked like a format was read as text instead.
 *
 * @example
 * const f: Fallback = { format: 'json', reason: 'unexpected end of JSON', line: 1, column: 15 };
 */
export interface Fallback {
  /** The format it was detected as. */
  format: FormatName;
  reason: string;
  /** 1-based line of the problem, when known. */
  line?: number;
  column?: number;
}

/**
 * What every parsed document shares. The document never owns a re-serialised form:
 * `text` is the source, and the format model holds offsets into it.
 *
 * @example
 * const doc: DocumentBase = parseDocument(path, text);
 * doc.print() === text; // always, for an unedited document
 */
export interface DocumentBase {
  /** Path relative to the repository root, POSIX separators ('' for in-memory text). */
  readonly path: string;
  readonly format: FormatName;
  readonly text: string;
  /** True when parsed as its format (false for text, and for fallbacks). */
  readonly structured: boolean;
  readonly fallback?: Fallback;
  readonly jinja: JinjaScan;
  readonly lines: LineIndex;
  /** Prints the document back. For an unedited document this is `text`, byte for byte. */
  print(): string;
}
