import type { Diagnostic, ErrorCode } from '../diagnostics.js';
import { LineIndex } from '../text/line-index.js';

/**
 * Collects scanner diagnostics by offset. The {@link LineIndex} is built only when a position is
 * first needed, so a clean file (the common case) never pays for it.
 *
 * @example
 * const problems = new ScanProblems('a\n{{');
 * problems.add('JINJA_UNTERMINATED', '{{ is never closed', 2);
 * problems.diagnostics[0]; // => { code: 'JINJA_UNTERMINATED', …, line: 2, column: 1 }
 */
export class ScanProblems {
  readonly diagnostics: Diagnostic[] = [];
  private index: LineIndex | undefined;

  constructor(private readonly text: string) {}

  /** Records an error located at `offset`. */
  add(code: ErrorCode, message: string, offset: number): void {
    const { line, column } = this.lines().position(offset);
    this.diagnostics.push({ code, message, severity: 'error', line, column });
  }

  /** The 1-based line of `offset` (for messages such as "opened at line 3"). */
  lineOf(offset: number): number {
    return this.lines().position(offset).line;
  }

  private lines(): LineIndex {
    this.index ??= new LineIndex(this.text);
    return this.index;
  }
}
