/** `ansimod check`: for CI — exit 1 while the recipe still has changes to make (or, with --strict, references unaccounted). */
import { ExitCode, type Command } from '../command.js';
import { JOB_OPTIONS, jobLedger, runJob } from '../job.js';
import { ledgerJson, printUnaccounted } from './audit.js';
import { outputFormat } from '../sarif/output-format.js';
import { planJson, summarize } from './plan.js';

export const check: Command = {
  name: 'check',
  summary: 'exit 1 while the recipe has changes pending (with --strict, also while a reference is unaccounted)',
  usage: 'ansimod check [--repo DIR] [--recipe NAME|FILE] [--map FROM=TO]… [--strict] [--json | --format sarif]',
  description: [
    'Plans the recipe like `plan` and writes nothing. Exit codes: 0 nothing to change, 1 changes',
    'pending, 3 input error. With --strict, also 1 while the ledger has a reference to a mapped',
    'host that no step moves and no keep rule of the recipe covers (each is listed).',
  ].join('\n'),
  options: {
    ...JOB_OPTIONS,
    strict: { type: 'boolean', description: 'also fail while any reference to a mapped host is unaccounted (see `ansimod audit`)' },
    format: { type: 'string', valueName: 'text|json|sarif', description: 'output format; sarif: SARIF 2.1.0 for code scanning, a warning at each pending change' },
  },
  async run(args, ctx) {
    const format = outputFormat(args.values['format'], ctx.json, 'check');
    const job = await runJob(args, ctx);
    const ledger = args.values['strict'] === true ? await jobLedger(job) : undefined;
    if (format === 'sarif') {
      const [{ checkSarif }, { version }] = await Promise.all([import('../sarif/sarif.js'), import('../main.js')]);
      ctx.out.line(JSON.stringify(checkSarif(job.plan.changes, job.plan.steps, version()), null, 2));
      summarize(job, ctx);
    } else if (format === 'json') ctx.out.line(JSON.stringify({ ...(planJson(job) as object), ...(ledger ? { ledger: ledgerJson(ledger) } : {}) }, null, 2));
    else {
      for (const c of job.plan.changes) ctx.out.line(`pending: ${c.path} (${c.stages.join(', ')})`);
      if (ledger) printUnaccounted(ledger, ctx);
      summarize(job, ctx);
    }
    if (job.plan.errors.length) return ExitCode.Input;
    if (job.plan.changes.length) return ExitCode.ChangesPending;
    return ledger?.counts.unaccounted ? ExitCode.ChangesPending : ExitCode.Done;
  },
};
