/**
 * The command table: every `ansimod` command, in the order `--help` lists them.
 * To add a command, write `commands/<name>.ts` exporting a `Command` and add it here.
 */
import type { Command } from './command.js';
import { apply } from './commands/apply.js';
import { audit } from './commands/audit.js';
import { check } from './commands/check.js';
import { list } from './commands/list.js';
import { patch } from './commands/patch.js';
import { plan } from './commands/plan.js';
import { pr } from './commands/pr.js';
import { report } from './commands/report.js';
import { roundtrip } from './commands/roundtrip.js';

/** All commands, by name order of importance (as listed in `ansimod --help`). */
export const commands: readonly Command[] = [plan, apply, patch, pr, check, audit, report, roundtrip, list];

/**
 * Finds a command by name.
 *
 * @example
 * findCommand('roundtrip')?.summary;
 */
export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
