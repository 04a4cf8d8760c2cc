import type { LineIndex } from '../text/line-index.js';
import type { FormatName, Fallback } from './types.js';

/**
 * True when an adapter returned a {@link Fallback} rather than a document.
 *
 * @example
 * const r = parseJson('a.json', '{', scanJinja('{'));
 * if (isFallback(r)) console.log(r.reason); // 'unexpected end of JSON'
 */
export function isFallback<T extends object>(result: T | Fallback): result is Fallback {
  return !('print' in result) && 'reason' in result && 'format' in result;
}

/**
 * A {@link Fallback} for a problem at `offset`, with its 1-based line and column.
 *
 * @example
 * fallbackAt('json', 'unexpected end of JSON', new LineIndex('{"a":'), 5);
 * // => { format: 'json', reason: 'unexpected end of JSON', line: 1, column: 6 }
 */
export function fallbackAt(format: FormatName, reason: string, lines: LineIndex, offset: number): Fallback {
  const pos = lines.position(offset);
  return { format, reason, line: pos.line, column: pos.column };
}
