/** The `--format` option of the commands that can write SARIF (`audit`, `check`). */
import { UsageError } from '../command.js';

/** What a command prints. */
export type OutputFormat = 'text' | 'json' | 'sarif';

/**
 * The output format from `--format` and `--json` (the same as `--format json`).
 *
 * @example
 * outputFormat('sarif', false, 'audit'); // => 'sarif'
 * outputFormat(undefined, true, 'audit'); // => 'json'
 */
export function outputFormat(value: unknown, json: boolean, command: string): OutputFormat {
  if (value === undefined) return json ? 'json' : 'text';
  if (value !== 'text' && value !== 'json' && value !== 'sarif') throw new UsageError(`--format expects text, json or sarif, got "${String(value)}"`, command);
  if (json && value !== 'json') throw new UsageError(`--json and --format ${value} contradict each other`, command);
  return value;
}
