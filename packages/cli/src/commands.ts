/**
 * The command table: every `ansimod` command, in the order `--help` lists them.
 * To add a command, write `commands/<name>.ts` exporting a `Command` and add it here.
 */
import type { Command } from './command.js';
import { roundtrip } from './commands/roundtrip.js';

/** All commands, by name order of importance (as listed in `ansimod --help`). */
export const commands: readonly Command[] = [roundtrip];

/**
 * Finds a command by name.
 *
 * @example
 * findCommand('roundtrip')?.summary;
 */
export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
