/**
 * What `bin` decides before it loads anything else: which repository to start reading, and
 * which build of the CLI to load.
 *
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

/** The bundled CLI, relative to `bin.js` in `dist/`. */
export const BUNDLED_MAIN = '../bundle/main.cjs';
/** The CLI's modules as compiled, relative to `bin.js`. */
export const UNBUNDLED_MAIN = './main.js';

/**
 * Which CLI module `bin` loads: the bundle when it was built, except for a command line with
 * `--transform` (its files import `@ansimod/core`, which must be the engine's own module, not a
 * second copy inside the bundle) or with `ANSIMOD_BUNDLE=0`.
 *
 * @example
 * cliEntry(['plan'], () => true); // => '../bundle/main.js'
 * cliEntry(['plan', '--transform', 'x.ts'], () => true); // => './main.js'
 */
export function cliEntry(argv: readonly string[], exists: (relativeUrl: string) => boolean, env: NodeJS.ProcessEnv = process.env): string {
  if (env['ANSIMOD_BUNDLE'] === '0') return UNBUNDLED_MAIN;
  const dashDash = argv.indexOf('--');
  const flags = dashDash < 0 ? argv : argv.slice(0, dashDash);
  if (flags.some((a) => a === '--transform' || a.startsWith('--transform='))) return UNBUNDLED_MAIN;
  return exists(BUNDLED_MAIN) ? BUNDLED_MAIN : UNBUNDLED_MAIN;
}

/**
 * Whether to read the repository in a worker thread while the CLI loads: whenever there is a
 * second core. Measured on two cores (median of 7, warm page cache): 5,000 files 440 ms with it
 * against 460 ms without, the same padded to 69 MB 460 against 480 ms, 50,000 files within the
 * noise (0.97–0.99 s against 0.96–1.19 s) — small, because this thread, the worker and V8's own
 * helper threads share two cores; more cores leave the worker one of its own.
 * `ANSIMOD_PRESCAN=1` or `0` decides instead.
 *
 * @example
 * prescanWanted({}, 2); // => true
 * prescanWanted({ ANSIMOD_PRESCAN: '0' }, 8); // => false
 */
export function prescanWanted(env: NodeJS.ProcessEnv, cores: number): boolean {
  const forced = env['ANSIMOD_PRESCAN'];
  if (forced === '1' || forced === '0') return forced === '1';
  return cores >= 2;
}
