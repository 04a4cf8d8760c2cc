/**
 * Help texts, built from the command table so they never drift from what is accepted.
 */
import { GLOBAL_OPTIONS, TOP_LEVEL_OPTIONS } from './args.js';
import { ExitCode, type Command } from './command.js';

/**
 * Formats an option table as aligned `  --name VALUE  description` lines.
 *
 * @example
 * formatOptions({ repo: { type: 'string', valueName: 'DIR', description: 'the repository' } });
 * // => ['      --repo DIR  the repository']
 */
export function formatOptions(options: Command['options']): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : '    ';
    const value = o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : '';
    return [`  ${short}--${name}${value}`, o.description + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${left.padEnd(width)}  ${right}`);
}

const EXIT_CODES = [
  `  ${ExitCode.Done}  done`,
  `  ${ExitCode.ChangesPending}  changes pending (check)`,
  `  ${ExitCode.Usage}  usage error`,
  `  ${ExitCode.Input}  input error (a file that does not parse, failed verification, unsafe path)`,
  `  ${ExitCode.Internal}  internal error (a bug: please report it with the --debug output)`,
];

/**
 * Top-level help: synopsis, commands, global options, exit codes.
 *
 * @example
 * topHelp(commands, '0.1.0').split('\n')[0]; // => 'ansimod 0.1.0 — codemods for Ansible repositories'
 */
export function topHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  return [
    `ansimod ${version} — codemods for Ansible repositories`,
    '',
    'Usage: ansimod <command> [options]',
    '       ansimod <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    ...formatOptions({ ...GLOBAL_OPTIONS, ...TOP_LEVEL_OPTIONS }),
    '',
    'Exit codes:',
    ...EXIT_CODES,
    '',
  ].join('\n');
}

/**
 * Help for one command.
 *
 * @example
 * commandHelp(roundtrip).startsWith('Usage: ansimod roundtrip'); // => true
 */
export function commandHelp(command: Command): string {
  const own = Object.keys(command.options).length > 0 ? ['', 'Options:', ...formatOptions(command.options)] : [];
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    ...(command.description ? ['', command.description.trimEnd()] : []),
    ...own,
    '',
    'Global options:',
    ...formatOptions(GLOBAL_OPTIONS),
    '',
    'Exit codes:',
    ...EXIT_CODES,
    '',
  ].join('\n');
}
