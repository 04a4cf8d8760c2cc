/**
 * `ansimod report`: the review report of the job as one self-contained HTML file — per stage
 * the diffs and the rendered values per environment, the verification, the ledger, totals.
 */
import * as path from 'node:path';
import { ExitCode, type Command, type CommandArgs, type CommandContext } from '../command.js';
import { JOB_OPTIONS, runJob, type JobResult } from '../job.js';
import { summarize } from './plan.js';
import { writeOutput } from './patch.js';

export const report: Command = {
  name: 'report',
  summary: 'write the review report: one self-contained HTML page (diffs, rendered values, verification, ledger)',
  usage: 'ansimod report [--repo DIR] [--recipe NAME|FILE] [--map FROM=TO]… [--env NAME]… [-o FILE]',
  description: [
    'Plans the recipe like `plan` (nothing in the repository is written) and writes one HTML file',
    'with no external assets and no network access, to attach to a pull request or keep as a CI',
    'artifact: per stage its files (diffs collapsed, shown on demand, with the rendered before and',
    'after per environment), the verification that ran, and the ledger of every remaining',
    'reference with filters by status, rule and file. `plan --report FILE` writes the same page.',
  ].join('\n'),
  options: {
    ...JOB_OPTIONS,
    output: { type: 'string', short: 'o', valueName: 'FILE', description: 'where to write the page (default: review.html)' },
  },
  async run(args, ctx) {
    const job = await runJob(args, ctx);
    const file = typeof args.values['output'] === 'string' ? args.values['output'] : 'review.html';
    await writeJobReport(job, args, ctx, file);
    if (ctx.json) ctx.out.line(JSON.stringify({ recipe: job.recipe.name, written: path.resolve(file), changes: job.plan.changes.length }, null, 2));
    else {
      if (!ctx.quiet) ctx.out.line(file);
      summarize(job, ctx);
    }
    return job.plan.errors.length ? ExitCode.Input : ExitCode.Done;
  },
};

/**
 * Writes the job's report page to `file` (relative to the working directory).
 *
 * @example
 * await writeJobReport(job, args, ctx, 'review.html');
 */
export async function writeJobReport(job: JobResult, args: CommandArgs, ctx: CommandContext, file: string): Promise<void> {
  ctx.progress.update('writing the report…');
  const { jobReport } = await import('../report/index.js');
  const html = await jobReport(job, args);
  ctx.progress.done();
  writeOutput(path.resolve(file), html);
}
