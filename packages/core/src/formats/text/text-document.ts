import type { JinjaScan } from '../../jinja/types.js';
import { LineIndex } from '../../text/line-index.js';
import type { DocumentBase, Fallback } from '../types.js';

/**
 * A document read as lines only: plain text files, and any file that did not parse as its
 * format (then `fallback` says which format and why, with the line and column). Edits to it
 * are plain splices.
 *
 * @example
 * const doc = new TextDocument('motd', 'Welcome\n', scanJinja('Welcome\n'));
 * doc.print(); // => 'Welcome\n'
 */
export class TextDocument implements DocumentBase {
  readonly format = 'text' as const;
  readonly structured = false as const;
  readonly lines: LineIndex;
  readonly fallback?: Fallback;
  constructor(
    readonly path: string,
    readonly text: string,
    readonly jinja: JinjaScan,
    fallback?: Fallback,
  ) {
    this.lines = new LineIndex(text);
    if (fallback !== undefined) this.fallback = fallback;
  }

  print(): string {
    return this.text;
  }
}

/**
 * Wraps a text that did not parse as `fallback.format` into a {@link TextDocument}.
 *
 * @example
 * fallbackDocument('a.json', '{', scan, { format: 'json', reason: 'unexpected end of JSON', line: 1, column: 2 }).fallback?.reason;
 * // => 'unexpected end of JSON'
 */
export function fallbackDocument(path: string, text: string, jinja: JinjaScan, fallback: Fallback): TextDocument {
  return new TextDocument(path, text, jinja, fallback);
}
