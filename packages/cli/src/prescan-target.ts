/**
 * Which repository a command line will plan, read before the CLI's modules are loaded (so with
 * no help from the argument parser): the last `--repo DIR` / `--repo=DIR`, else the current
 * directory, for the commands that plan (`plan`, `apply`, `patch`, `check`). Undefined for any
 * other command, for `--help`, and when `--` or a flag value could make the guess wrong; a
 * wrong guess only costs a worker's work, since the plan checks the directory it was given.
 */
const PLANNING_COMMANDS = new Set(['plan', 'apply', 'patch', 'check']);

/** Flags of the planning commands that take a value in the next word. */
const VALUED_FLAGS = new Set(['--repo', '--recipe', '--map', '--env', '--transform', '-o', '--output', '--author', '--subject', '--pr']);

/**
 * @example
 * prescanTarget(['plan', '--repo', 'x']); // => 'x'
 * prescanTarget(['roundtrip']);           // => undefined
 */
export function prescanTarget(argv: readonly string[]): string | undefined {
  let command: string | undefined;
  let repo = '.';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--' || arg === '--help' || arg === '-h') return undefined;
    if (arg === '--repo') repo = argv[++i] ?? '.';
    else if (arg.startsWith('--repo=')) repo = arg.slice('--repo='.length);
    else if (VALUED_FLAGS.has(arg)) i++;
    else if (!arg.startsWith('-') && command === undefined) command = arg;
  }
  return command !== undefined && PLANNING_COMMANDS.has(command) ? repo : undefined;
}
