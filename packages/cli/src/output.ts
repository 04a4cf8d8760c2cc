/**
 * Writing to stdout/stderr: colour only on a terminal and never when NO_COLOR is set,
 * and one in-place progress line on stderr.
 */
import type { Progress } from './command.js';

/**
 * Colour functions; each returns its input unchanged when colour is off.
 *
 * @example
 * const c = colors(true); c.red('failed'); // => '\x1b[31mfailed\x1b[39m'
 */
export interface Colors {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/**
 * Builds colour functions.
 *
 * @example
 * colors(false).red('x'); // => 'x'
 */
export function colors(enabled: boolean): Colors {
  const wrap =
    (open: number, close: number) =>
    (s: string): string =>
      enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** The part of a stream ansimod needs; `process.stdout`/`process.stderr` fit. */
export interface OutputStream {
  write(chunk: string, callback?: (err?: Error | null) => void): unknown;
  readonly isTTY?: boolean;
  /** Node streams report a failed write (ENOSPC on a full disk, EIO, EPIPE) as an event. */
  on?(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * A write to stdout or stderr failed (a full disk, a closed pipe, an I/O error); the command
 * ends with exit code 4 and, when it was stdout, says so on stderr.
 *
 * @example
 * if (e instanceof OutputFailed) return ExitCode.Internal;
 */
export class OutputFailed extends Error {
  constructor(
    readonly streamName: string,
    readonly errno: string,
  ) {
    super(`cannot write to ${streamName}: ${errno}`);
    this.name = 'OutputFailed';
  }
}

/**
 * Whether to colour a stream: a TTY, and NO_COLOR (https://no-color.org) unset or empty.
 * FORCE_COLOR=1 turns colour on for pipes (CI logs), FORCE_COLOR=0 off.
 *
 * @example
 * useColor(process.stdout, process.env); // => false when piped
 */
export function useColor(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '') return env['FORCE_COLOR'] !== '0';
  return stream.isTTY === true;
}

/**
 * A stream with its colours.
 *
 * @example
 * out.line(`${out.color.green('✓')} 12 files identical`);
 */
export interface Output {
  readonly stream: OutputStream;
  readonly color: Colors;
  /** Writes `text` and a newline. */
  line(text?: string): void;
  write(text: string): void;
  /**
   * Waits until everything written so far has reached the stream's file (or failed).
   *
   * @throws OutputFailed when any write failed.
   */
  flush(): Promise<void>;
  /** The first write failure, if any. */
  readonly failure: OutputFailed | undefined;
}

/**
 * Wraps a stream.
 *
 * @example
 * const out = output(process.stdout, process.env);
 */
export function output(stream: OutputStream, env: NodeJS.ProcessEnv, name = 'the output'): Output {
  let failure: OutputFailed | undefined;
  const fail = (err: Error | null | undefined): void => {
    if (err && !failure) failure = new OutputFailed(name, (err as NodeJS.ErrnoException).code ?? err.message);
  };
  // Without a listener a failed write would be an uncaught 'error' event (a crash with a stack).
  stream.on?.('error', fail);
  const write = (text: string): void => {
    // Once a write failed, nothing more is tried (a full disk would fail each one again).
    if (failure) return;
    try {
      stream.write(text, fail);
    } catch (err) {
      fail(err as Error);
    }
  };
  return {
    stream,
    color: colors(useColor(stream, env)),
    line: (text = '') => write(`${text}\n`),
    write,
    get failure() {
      return failure;
    },
    async flush() {
      if (!failure && typeof stream.on === 'function') {
        // An empty write's callback runs after every earlier write has been handled.
        await new Promise<void>((resolve) => {
          try {
            stream.write('', (err) => {
              fail(err);
              resolve();
            });
          } catch (err) {
            fail(err as Error);
            resolve();
          }
        });
      }
      if (failure) throw failure;
    },
  };
}

/**
 * The progress line: redrawn in place at most every 50 ms, only on a TTY.
 *
 * @example
 * const p = progressLine(process.stderr, !quiet);
 * p.update('scanning 1234 files…'); p.done();
 */
export function progressLine(stream: OutputStream, enabled: boolean): Progress {
  if (!enabled || stream.isTTY !== true) return { update: () => {}, done: () => {} };
  let shown = false;
  let last = 0;
  return {
    update(message) {
      const now = Date.now();
      if (shown && now - last < 50) return;
      last = now;
      shown = true;
      // \r back to column 0, then erase to end of line (ESC [ K)
      stream.write(`\r${message}\x1b[K`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
