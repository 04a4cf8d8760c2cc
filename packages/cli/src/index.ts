/**
 * @ansimod/cli — the `ansimod` command line, also usable in-process through {@link main}.
 */
export { main, version } from './main.js';
export type { MainIO } from './main.js';
export { ExitCode, UsageError } from './command.js';
export type { Command, CommandArgs, CommandContext, GlobalOptions, OptionValues, OptionsSpec, Progress, ExitCodeValue } from './command.js';
export { commands, findCommand } from './commands.js';
export { colors, useColor, output, progressLine } from './output.js';
export type { Colors, Output, OutputStream } from './output.js';
