import type { JinjaScan } from '../../jinja/types.js';
import type { LineIndex } from '../../text/line-index.js';
import type { DocumentBase, FormatName } from '../types.js';
import { dominantLineEnding, type LineEnding } from './line-ending.js';

/**
 * What the line- and tree-model documents (INI, Apache conf, JSON) share: the source text with
 * its Jinja scan and line index, the line ending inserted lines are written with, and a
 * `print()` that is the text (they never re-serialise; edits are splices).
 *
 * @example
 * class IniDocument extends StructuredDocument {
 *   readonly format = 'ini' as const;
 * }
 * new IniDocument(path, 'a = 1\r\n', scan, lines, …).eol; // => '\r\n'
 */
export abstract class StructuredDocument implements DocumentBase {
  abstract readonly format: FormatName;
  readonly structured = true as const;
  /** Structured documents have no fallback. */
  declare readonly fallback?: undefined;
  /** The line ending most lines use (`\n` for a one-line file); new lines are written with it. */
  readonly eol: LineEnding;

  constructor(
    readonly path: string,
    readonly text: string,
    readonly jinja: JinjaScan,
    readonly lines: LineIndex,
  ) {
    this.eol = dominantLineEnding(text);
  }

  print(): string {
    return this.text;
  }
}
