/**
 * The `ansimod` entry point: argument parsing, dispatch to a command, and the one place where
 * errors become messages and exit codes.
 */
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { AnsimodError, formatDiagnostic, recoverInterruptedWrite, WriteInterrupted, type Prescan } from '@ansimod/core';
import { GLOBAL_OPTIONS, TOP_LEVEL_OPTIONS, parseArgsMessage, parseCommandArgs, parseSpec, splitCommand } from './args.js';
import { ExitCode, UsageError, type Command, type CommandContext } from './command.js';
import { commands as registered } from './commands.js';
import { commandHelp, topHelp } from './help.js';
import { parseSize } from './max-file-size.js';
import { output, OutputFailed, progressLine, type Output, type OutputStream } from './output.js';

/**
 * Where `main` reads and writes; tests pass their own.
 *
 * @example
 * await main(['roundtrip', '--json'], { stdout, stderr, env: {}, cwd: '/tmp/repo' });
 */
export interface MainIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The command table (default: every registered command). */
  commands?: readonly Command[];
  /**
   * The repository already being walked and read ({@link startPrescan}), started by `bin`
   * before this module was loaded; the job uses it when it is of the repository it plans.
   */
  prescan?: Promise<Prescan | undefined>;
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[], io: MainIO = processIO()): Promise<number> {
  const out = output(io.stdout, io.env, 'stdout');
  const err = output(io.stderr, io.env, 'stderr');
  const debug = argv.includes('--debug');
  let code: number;
  try {
    code = await dispatch(argv, io, out, err);
  } catch (e) {
    code = reportError(e, err, debug);
    if (e instanceof OutputFailed) return code;
  }
  return outputCheck(code, out, err);
}

/**
 * A command whose output could not be written (stdout to a full disk, stderr closed) ends with
 * exit code 4 whatever it did, and says so on stderr when that still works. A closed pipe on
 * stdout (`ansimod … | head`) is the reader's choice, not a failure.
 */
async function outputCheck(code: number, out: Output, err: Output): Promise<number> {
  await out.flush().catch(() => undefined);
  await err.flush().catch(() => undefined);
  const failed = out.failure ?? err.failure;
  if (failed === undefined) return code;
  if (out.failure?.errno === 'EPIPE' && err.failure === undefined) return code;
  if (err.failure === undefined) {
    err.line(`${err.color.red('ansimod:')} ${failed.message}${code === ExitCode.Internal ? '' : ' (the command itself had ended with exit code ' + code + ')'}`);
  }
  return ExitCode.Internal;
}

function processIO(): MainIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

async function dispatch(argv: string[], io: MainIO, out: Output, err: Output): Promise<number> {
  const commands = io.commands ?? registered;
  const findCommand = (name: string): Command | undefined => commands.find((c) => c.name === name);
  const { command: name, rest } = splitCommand(argv);

  if (name === undefined) {
    let values;
    try {
      ({ values } = parseArgs({
        args: rest,
        options: parseSpec({ ...GLOBAL_OPTIONS, ...TOP_LEVEL_OPTIONS }),
        allowPositionals: false,
        strict: true,
      }));
    } catch (e) {
      throw new UsageError(parseArgsMessage(e));
    }
    if (values.version) {
      out.line(version());
      return ExitCode.Done;
    }
    if (values.help) {
      out.write(topHelp(commands, version()));
      return ExitCode.Done;
    }
    err.write(topHelp(commands, version()));
    return ExitCode.Usage;
  }

  if (name === 'help') {
    const topic = rest.find((a) => !a.startsWith('-'));
    if (topic === undefined) {
      out.write(topHelp(commands, version()));
      return ExitCode.Done;
    }
    const command = findCommand(topic);
    if (!command) throw unknownCommand(topic, commands);
    out.write(commandHelp(command));
    return ExitCode.Done;
  }

  const command = findCommand(name);
  if (!command) throw unknownCommand(name, commands);
  const args = parseCommandArgs(command, rest);
  if (args.values['help'] === true) {
    out.write(commandHelp(command));
    return ExitCode.Done;
  }

  const sizeValue = args.values['max-file-size'];
  if (typeof sizeValue === 'string') {
    const bytes = parseSize(sizeValue);
    if (bytes === undefined) throw new UsageError(`--max-file-size expects a size such as 16M, 512K or 1048576, got '${sizeValue}'`, command.name);
    io.env['ANSIMOD_MAX_FILE_SIZE'] = String(bytes);
    if (io.env !== process.env) process.env['ANSIMOD_MAX_FILE_SIZE'] = String(bytes);
  }
  const repoValue = args.values['repo'];
  const quiet = args.values['quiet'] === true;
  const progress = progressLine(io.stderr, !quiet);
  const ctx: CommandContext = {
    repo: path.resolve(io.cwd, typeof repoValue === 'string' ? repoValue : '.'),
    json: args.values['json'] === true,
    quiet,
    debug: args.values['debug'] === true,
    out,
    err,
    progress,
    ...(io.prescan ? { prescan: io.prescan } : {}),
  };
  // A write that a SIGKILL or a crash interrupted is rolled back (or finished) first.
  const recovered = recoverInterruptedWrite(ctx.repo);
  if (recovered) err.line(`${err.color.yellow('ansimod:')} ${recovered.message}`);
  try {
    return await command.run(args, ctx);
  } catch (e) {
    // A usage mistake found while the command runs (--map, --env, --recipe) points to that command's help.
    if (e instanceof UsageError && e.command === undefined) throw new UsageError(e.message, command.name);
    throw e;
  } finally {
    progress.done();
  }
}

/** Prints an error the way users should see it and picks the exit code. */
function reportError(e: unknown, err: Output, debug: boolean): number {
  const c = err.color;
  if (e instanceof UsageError) {
    const help = e.command ? `ansimod ${e.command} --help` : 'ansimod --help';
    err.line(`${c.red('ansimod:')} ${e.message} (see '${help}')`);
    return ExitCode.Usage;
  }
  if (e instanceof OutputFailed) {
    if (e.streamName !== 'stderr') err.line(`${c.red('ansimod:')} ${e.message}; nothing was written to the repository`);
    return ExitCode.Internal;
  }
  if (e instanceof WriteInterrupted) {
    err.line(`${c.red('ansimod:')} ${e.message}`);
    return 128 + (osConstants.signals[e.signal] ?? 0);
  }
  if (e instanceof AnsimodError) {
    err.line(`${c.red('ansimod:')} ${formatDiagnostic(e.diagnostic)}`);
    if (debug && e.stack) err.line(c.dim(e.stack));
    return e.code === 'USAGE' ? ExitCode.Usage : ExitCode.Input;
  }
  const message = e instanceof Error ? e.message : String(e);
  err.line(`${c.red('ansimod: internal error:')} ${message}`);
  if (debug) err.line(c.dim(e instanceof Error && e.stack ? e.stack : String(e)));
  else err.line(c.dim('(run again with --debug for the stack trace, and please report it)'));
  return ExitCode.Internal;
}

function unknownCommand(name: string, commands: readonly Command[]): UsageError {
  const near = commands.map((c) => c.name).find((n) => editDistance(n, name) <= 2);
  return new UsageError(`unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''}`);
}

/** Levenshtein distance, for "did you mean"; command names are short. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return prev[b.length] as number;
}

let cachedVersion: string | undefined;

/**
 * The CLI package version (from `package.json`, one level above `src/` and `dist/`).
 *
 * @example
 * version(); // => '0.1.0'
 */
export function version(): string {
  if (cachedVersion === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    cachedVersion = pkg.version ?? '0.0.0';
  }
  return cachedVersion;
}
