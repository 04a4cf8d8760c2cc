/** `ansimod check`: for CI — exit 1 while the recipe still has changes to make. */
import { ExitCode, type Command } from '../command.js';
import { JOB_OPTIONS, runJob } from '../job.js';
import { outputFormat } from '../sarif/output-format.js';
import { planJson, summarize } from './plan.js';

export const check: Command = {
  name: 'check',
  summary: 'exit 1 while the recipe has changes pending, 0 when there is nothing left to change',
  usage: 'ansimod check [--repo DIR] [--recipe NAME|FILE] [--map FROM=TO]… [--json | --format sarif]',
  description: 'Plans the recipe like `plan` and writes nothing. Exit codes: 0 nothing to change, 1 changes pending, 3 input error.',
  options: {
    ...JOB_OPTIONS,
    format: { type: 'string', valueName: 'text|json|sarif', description: 'output format; sarif: SARIF 2.1.0 for code scanning, a warning at each pending change' },
  },
  async run(args, ctx) {
    const format = outputFormat(args.values['format'], ctx.json, 'check');
    const job = await runJob(args, ctx);
    if (format === 'sarif') {
      const [{ checkSarif }, { version }] = await Promise.all([import('../sarif/sarif.js'), import('../main.js')]);
      ctx.out.line(JSON.stringify(checkSarif(job.plan.changes, job.plan.steps, version()), null, 2));
      summarize(job, ctx);
    } else if (format === 'json') ctx.out.line(JSON.stringify(planJson(job), null, 2));
    else {
      for (const c of job.plan.changes) ctx.out.line(`pending: ${c.path} (${c.stages.join(', ')})`);
      summarize(job, ctx);
    }
    if (job.plan.errors.length) return ExitCode.Input;
    return job.plan.changes.length ? ExitCode.ChangesPending : ExitCode.Done;
  },
};
