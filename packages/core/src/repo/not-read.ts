/**
 * The entries a walk did not read although they may hold what a step targets, as diagnostics
 * naming each with why: behind a symlink that leaves the repository (and where it points), a
 * name that is not UTF-8, a path beyond PATH_MAX, an unreadable directory, a FIFO, socket or
 * device. Nothing behind them is opened, so nothing outside the repository is ever read.
 */
import type { Diagnostic } from '../diagnostics.js';
import { readByAnsible } from './ansible-files.js';
import { SkipReason, type SkippedFile } from './walk.js';

/**
 * One diagnostic per entry of `skipped` marked `notRead`: an error (the plan cannot be trusted,
 * nothing is written) for a directory or a file Ansible reads, since either may hold a target;
 * a warning otherwise. The same rule as for files over `--max-file-size`.
 *
 * @example
 * notReadDiagnostics([{ path: 'roles/x', reason: SkipReason.symlinkOutside, notRead: 'directory', linkTarget: '/srv/x' }]);
 * // => [{ code: 'SYMLINK_OUTSIDE', severity: 'error', path: 'roles/x',
 * //       message: 'is a symlink to /srv/x, outside the repository: not read (a directory: it may hold a target)' }]
 */
export function notReadDiagnostics(skipped: readonly SkippedFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of skipped) {
    if (!s.notRead) continue;
    const outside = s.reason === SkipReason.symlinkOutside;
    const what = outside ? `is a symlink to ${s.linkTarget ?? 'a place'}, outside the repository` : s.reason;
    const error = s.notRead === 'directory' || readByAnsible(s.path);
    const why = !error ? '' : s.notRead === 'directory' ? ' (a directory: it may hold a target)' : ' (a file Ansible reads: it may hold a target)';
    out.push({ code: outside ? 'SYMLINK_OUTSIDE' : 'IO_ERROR', severity: error ? 'error' : 'warning', path: s.path, message: `${what}: not read${why}` });
  }
  return out;
}
