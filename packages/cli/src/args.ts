/**
 * Command-line parsing: finding the command word among global flags, then parsing the rest
 * strictly with `node:util` `parseArgs` against the global and the command's options.
 */
import { parseArgs } from 'node:util';
import { UsageError, type Command, type CommandArgs, type OptionsSpec } from './command.js';

/** Flags every command accepts (and that may also come before the command word). */
export const GLOBAL_OPTIONS = {
  repo: { type: 'string', valueName: 'DIR', description: 'the repository to work on (default: current directory)' },
  json: { type: 'boolean', description: 'print one JSON object on stdout instead of text' },
  quiet: { type: 'boolean', short: 'q', description: 'print only errors (and --json output)' },
  debug: { type: 'boolean', description: 'show stack traces on errors' },
  'max-file-size': { type: 'string', valueName: 'SIZE', description: 'files larger than this are not read, and named (default 16M; K, M, G)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
} as const satisfies Command['options'];

/** Flags that only make sense before a command. */
export const TOP_LEVEL_OPTIONS = {
  version: { type: 'boolean', short: 'V', description: 'print the version' },
} as const satisfies Command['options'];

/**
 * The argv split at the command word.
 *
 * @example
 * splitCommand(['--repo', 'x', 'roundtrip', '--json']); // => { command: 'roundtrip', rest: ['--repo', 'x', '--json'] }
 */
export function splitCommand(argv: readonly string[]): { command: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      // A global flag that takes its value in the next word: skip the value too.
      if (arg === '--repo' || arg === '--max-file-size') i++;
      continue;
    }
    return { command: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { command: undefined, rest: [...argv] };
}

/**
 * Removes the help-only keys (`description`, `valueName`) that `parseArgs` does not know.
 *
 * @example
 * parseSpec({ json: { type: 'boolean', description: 'JSON output' } }); // => { json: { type: 'boolean' } }
 */
export function parseSpec(options: Command['options']): OptionsSpec {
  const spec: OptionsSpec = {};
  for (const [name, o] of Object.entries(options)) {
    const { description: _d, valueName: _v, ...config } = o;
    spec[name] = config;
  }
  return spec;
}

/**
 * Parses a command's arguments strictly. Unknown flags, missing values and wrong positional
 * counts become {@link UsageError}s.
 *
 * @example
 * parseCommandArgs(roundtrip, ['--repo', '/tmp/r', '--json']);
 * // => { values: { repo: '/tmp/r', json: true }, positionals: [] }
 */
export function parseCommandArgs(command: Pick<Command, 'name' | 'options' | 'positionals'>, args: readonly string[]): CommandArgs {
  const options = { ...parseSpec(GLOBAL_OPTIONS), ...parseSpec(command.options) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err), command.name);
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const n = parsed.positionals.length;
  if (parsed.values['help'] !== true) {
    if (n > max) throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`, command.name);
    if (n < min) throw new UsageError(`missing argument (expected at least ${min})`, command.name);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/**
 * `parseArgs` messages are long and suggest `--` quoting; keep the first sentence.
 *
 * @example
 * parseArgsMessage(new TypeError("Unknown option '--x'. To specify a positional…")); // => "unknown option '--x'"
 */
export function parseArgsMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split(/\.\s|\n/)[0] ?? message;
  return first
    .replace(/^Unknown option '(.+?)'.*$/, "unknown option '$1'")
    .replace(/^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing.*$/, '$1 needs a value')
    .replace(/\.$/, '');
}
