/**
 * Forgejo's AGit flow: one push to `refs/for/<base>` with push options opens the pull request
 * (topic = the branch the forge keeps for it, title, description). A push option cannot hold a
 * newline, so a multi-line description is sent base64-encoded behind Forgejo's `{base64}` prefix.
 */
import type { GitCommand } from './git-runner.js';

/** What the AGit push says. */
export interface AgitPush {
  remote: string;
  /** The local ref pushed (`refs/heads/ansimod/flatpaks-to-quay`). */
  ref: string;
  /** The branch the pull request targets. */
  base: string;
  topic: string;
  title: string;
  description: string;
}

/**
 * A push option value: as it is when it fits on one line, else `{base64}` and its base64.
 *
 * @example
 * pushOptionValue('one line'); // => 'one line'
 * pushOptionValue('a\nb'); // => '{base64}YQpi'
 */
export function pushOptionValue(value: string): string {
  return /[\n\r\0]/.test(value) || value.startsWith('{base64}') ? `{base64}${Buffer.from(value, 'utf8').toString('base64')}` : value;
}

/**
 * The `git push` that opens the pull request.
 *
 * @example
 * agitPushCommand({ remote: 'origin', ref: 'refs/heads/x', base: 'main', topic: 'x', title: 'T', description: 'D' }).args;
 * // => ['push', 'origin', 'refs/heads/x:refs/for/main', '-o', 'topic=x', '-o', 'title=T', '-o', 'description=D']
 */
export function agitPushCommand(p: AgitPush): GitCommand {
  return {
    args: ['push', p.remote, `${p.ref}:refs/for/${p.base}`, '-o', `topic=${pushOptionValue(p.topic)}`, '-o', `title=${pushOptionValue(p.title)}`, '-o', `description=${pushOptionValue(p.description)}`],
  };
}
