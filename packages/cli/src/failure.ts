/**
 * A plan that failed where nothing may be written (`apply`, `patch`): every error it had, so
 * that `--json` can list them all; printed like any other input error (exit 3).
 */
import { AnsimodError, type Diagnostic } from '@ansimod/core';

/**
 * The plan's errors as one input error: the first when there is one, else a count.
 *
 * @example
 * throw new PlanFailed(plan.errors); // ansimod: 2 errors; nothing was written
 */
export class PlanFailed extends AnsimodError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    super(
      diagnostics.length === 1 && first
        ? first
        : { code: first?.code ?? 'VERIFY_FAILED', severity: 'error', message: `${diagnostics.length} errors; nothing was written` },
    );
    this.name = 'PlanFailed';
    this.diagnostics = diagnostics;
  }
}

/**
 * Indents every line of `text` (a diagnostic's detail, shown under its message).
 *
 * @example
 * indent('--- a\n+++ b'); // => '    --- a\n    +++ b'
 */
export function indent(text: string, by = '    '): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}
