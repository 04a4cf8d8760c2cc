/**
 * `--timings`: how long each phase of a command took, printed as one line on stderr. Every
 * command that takes time accepts it (plan, apply, patch, check, audit, roundtrip, list).
 */
import type { PhaseTiming } from '@ansimod/core';
import type { Command, CommandArgs, CommandContext } from './command.js';

/** The `--timings` option, for a command's option table. */
export const TIMINGS_OPTION: Command['options'] = {
  timings: { type: 'boolean', description: 'print how long each phase took on stderr (start-up, then the phases of the command)' },
};

/**
 * A stopwatch over a command's phases; the first lap is the start-up (Node and the modules
 * loaded so far, measured from the process's start).
 *
 * @example
 * const watch = stopwatch(); await walk(); watch.lap('walk'); printTimings(watch.timings, ctx);
 */
export function stopwatch(opts: { startup?: boolean } = {}): { timings: PhaseTiming[]; lap: (phase: string) => void } {
  const timings: PhaseTiming[] = [];
  let start = performance.now();
  if (opts.startup) timings.push({ phase: 'start-up', ms: start });
  return {
    timings,
    lap(phase) {
      const now = performance.now();
      timings.push({ phase, ms: now - start });
      start = now;
    },
  };
}

/**
 * Prints `timings: start-up 80 ms, walk 12 ms, …; total 92 ms` on stderr when `--timings` was given
 * (also under `--quiet` and `--json`: it was asked for, and stdout stays the result's).
 *
 * @example
 * printTimings(args, [{ phase: 'walk', ms: 12.3 }], ctx); // timings: walk 12 ms; total 12 ms
 */
export function printTimings(args: CommandArgs, timings: readonly PhaseTiming[], ctx: Pick<CommandContext, 'err'>): void {
  if (args.values['timings'] !== true) return;
  const total = timings.reduce((sum, t) => sum + t.ms, 0);
  ctx.err.line(`timings: ${timings.map((t) => `${t.phase} ${Math.round(t.ms)} ms`).join(', ')}; total ${Math.round(total)} ms`);
}
