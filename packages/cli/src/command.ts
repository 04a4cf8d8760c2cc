/**
 * The contract every `ansimod` command implements, and what the framework hands it.
 * One command per module in `commands/<name>.ts`, registered in `commands.ts`.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Prescan } from '@ansimod/core';
import type { Output } from './output.js';

/**
 * Documented exit codes. Scripts and CI rely on them; never reuse a number for something else.
 *
 * @example
 * return ExitCode.ChangesPending; // `ansimod check` found edits to make
 */
export const ExitCode = {
  /** The command did what was asked. */
  Done: 0,
  /** `check`: the repository has changes pending (nothing was written). */
  ChangesPending: 1,
  /** Bad command line: unknown command or flag, missing or malformed argument. */
  Usage: 2,
  /** Bad input: a target that does not parse, failed verification, an unsafe path (an AnsimodError). */
  Input: 3,
  /** A bug in ansimod. */
  Internal: 4,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The `options` table of `node:util` `parseArgs`. */
export type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

/** Values parsed from the command line, keyed by long option name. */
export type OptionValues = { [name: string]: string | boolean | (string | boolean)[] | undefined };

/**
 * Options every command accepts, already interpreted.
 *
 * @example
 * const ctx: GlobalOptions = { repo: '/srv/ansible', json: false, quiet: false, verbose: false, debug: false };
 */
export interface GlobalOptions {
  /** Absolute path of the repository (`--repo DIR`, default the current directory). */
  readonly repo: string;
  /** `--json`: print exactly one JSON object on stdout, nothing else. */
  readonly json: boolean;
  /** `--quiet`: no progress, no summary, no warnings: only errors (and `--json` output). */
  readonly quiet: boolean;
  /** `--verbose`: list what the summaries only count (skipped files, files left alone). */
  readonly verbose: boolean;
  /** `--debug`: stack traces on errors. */
  readonly debug: boolean;
}

/**
 * What a command receives besides its arguments: the global options and the streams.
 *
 * @example
 * ctx.out.line(ctx.out.color.bold('done'));
 * ctx.progress.update(`scanning ${n} files…`);
 */
export interface CommandContext extends GlobalOptions {
  /** stdout: results. */
  readonly out: Output;
  /** stderr: diagnostics, warnings and progress. */
  readonly err: Output;
  /**
   * A single in-place status line on stderr; silent unless stderr is a TTY and not `--quiet`,
   * and shown only once a phase has lasted about a second.
   */
  readonly progress: Progress;
  /** The repository walked and read ahead, when `bin` started that before loading the CLI. */
  readonly prescan?: Promise<Prescan | undefined>;
}

/**
 * The in-place status line.
 *
 * @example
 * progress.update('scanning 1234 files…'); progress.done();
 */
export interface Progress {
  /**
   * Sets the phase's message. It is drawn once the phase (since the last `done`) has lasted
   * about a second; `{ now: true }` draws it at once, for a phase known to be long that blocks
   * the thread (type-checking a transform), where no timer could fire.
   */
  update(message: string, opts?: { now?: boolean }): void;
  /** Clears the line; call before printing anything else on stderr. */
  done(): void;
}

/**
 * The command's own arguments, as `parseArgs` returned them (global flags removed).
 *
 * @example
 * const target = args.positionals[0];
 * const recipe = typeof args.values['recipe'] === 'string' ? args.values['recipe'] : undefined;
 */
export interface CommandArgs {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
}

/**
 * An `ansimod` command. Throw an `AnsimodError` for input errors (exit 3, printed as
 * `ansimod: path:line: message`), a {@link UsageError} for command-line mistakes (exit 2);
 * anything else is an internal error (exit 4).
 *
 * @example
 * export const hello: Command = {
 *   name: 'hello',
 *   summary: 'say hello',
 *   usage: 'ansimod hello [NAME]',
 *   options: { loud: { type: 'boolean', description: 'shout' } },
 *   positionals: { min: 0, max: 1 },
 *   async run(args, ctx) { ctx.out.line(`hello ${args.positionals[0] ?? 'world'}`); return ExitCode.Done; },
 * };
 */
export interface Command {
  /** The word typed after `ansimod`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Synopsis, e.g. `ansimod roundtrip [--repo DIR] [--json]`. */
  readonly usage: string;
  /** Longer help shown by `--help` after the synopsis (paragraphs, examples). */
  readonly description?: string;
  /** The command's own options, in `parseArgs` form; `description` and `valueName` feed `--help`. */
  readonly options: { [name: string]: OptionsSpec[string] & { description: string; valueName?: string } };
  /** Accepted number of positional arguments (default: none). */
  readonly positionals?: { readonly min: number; readonly max: number };
  run(args: CommandArgs, ctx: CommandContext): Promise<number>;
}

/**
 * A command-line mistake; the framework prints it with a hint and exits 2.
 *
 * @example
 * throw new UsageError('--recipe needs a file', 'plan');
 */
export class UsageError extends Error {
  /** The command the mistake was made with, for the "try --help" hint. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}
