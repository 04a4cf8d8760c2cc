/**
 * `ansimod plan`: what the job would change, per pipeline stage and file, as unified diffs.
 * Nothing is written.
 */
import { formatDiagnostic, twoFilesPatch } from '@ansimod/core';
import { ExitCode, type Command, type CommandContext } from '../command.js';
import { changesByStage, JOB_OPTIONS, runJob, type JobResult } from '../job.js';
import { indent } from '../failure.js';
import type { Output } from '../output.js';
import { writeJobReport } from './report.js';

export const plan: Command = {
  name: 'plan',
  summary: 'show what the recipe would change, as a unified diff per stage (writes nothing)',
  usage: 'ansimod plan [--repo DIR] [--recipe NAME|FILE] [--map FROM=TO]… [--transform FILE]… [--option NAME=VALUE]… [--env NAME]… [--reverse] [--report FILE] [--json]',
  description: [
    'Runs every step of the recipe, verifies each edit (re-parse, render per environment,',
    'intended change only) and prints the result per pipeline stage. Targets the recipe could',
    'not find are named. Exits 0, or 3 when a target does not parse or an edit fails verification.',
  ].join('\n'),
  options: {
    ...JOB_OPTIONS,
    report: { type: 'string', valueName: 'FILE', description: 'also write the review report (see `ansimod report`) to FILE' },
  },
  async run(args, ctx) {
    const job = await runJob(args, ctx);
    if (typeof args.values['report'] === 'string') await writeJobReport(job, args, ctx, args.values['report']);
    if (ctx.json) {
      ctx.out.line(JSON.stringify(planJson(job), null, 2));
      return job.plan.errors.length ? ExitCode.Input : ExitCode.Done;
    }
    if (ctx.quiet) summarize(job, ctx);
    else printPlan(job, ctx);
    return job.plan.errors.length ? ExitCode.Input : ExitCode.Done;
  },
};

/** The plan as one JSON object. */
export function planJson(job: JobResult): unknown {
  const { plan } = job;
  return {
    recipe: job.recipe.name,
    renderer: job.renderer ?? 'embedded',
    environments: plan.environments.map((e) => e.name),
    filesScanned: plan.filesScanned,
    stages: changesByStage(job),
    changes: plan.changes.map((c) => ({ path: c.path, stages: c.stages, reasons: c.reasons, diff: unifiedDiff(c.path, c.before, c.after, c.renamedFrom), ...(c.renamedFrom !== undefined ? { renamedFrom: c.renamedFrom } : {}), ...(c.unverified !== undefined ? { unverified: c.unverified } : {}) })),
    notFound: plan.notFound,
    steps: plan.steps,
    errors: plan.errors,
    warnings: plan.warnings,
  };
}

/** A unified diff of one file, `a/` and `b/` prefixed like git. */
export function unifiedDiff(path: string, before: string, after: string, renamedFrom?: string): string {
  const rename = renamedFrom === undefined ? '' : `rename from ${renamedFrom}\nrename to ${path}\n`;
  if (rename && before === after) return rename;
  return rename + twoFilesPatch(`a/${renamedFrom ?? path}`, `b/${path}`, before, after, 3)
    .split('\n')
    .slice(1) // drop the "Index:"-less separator line the diff package writes first
    .join('\n');
}

function colorDiff(text: string, out: Output): string {
  const c = out.color;
  if (!c.enabled) return text;
  return text
    .split('\n')
    .map((l) => (l.startsWith('+++') || l.startsWith('---') ? c.bold(l) : l.startsWith('+') ? c.green(l) : l.startsWith('-') ? c.red(l) : l.startsWith('@@') ? c.cyan(l) : l))
    .join('\n');
}

/** Prints the plan for a person: per stage, its files and diffs; then what was not found and the errors. */
export function printPlan(job: JobResult, ctx: CommandContext): void {
  const { plan } = job;
  const c = ctx.out.color;
  for (const { stage, paths } of changesByStage(job)) {
    const missing = plan.notFound.filter((n) => n.stage === stage);
    ctx.out.line(c.bold(`== ${stage}: ${paths.length ? `${paths.length} file${paths.length > 1 ? 's' : ''}` : missing.length ? 'target not found' : 'nothing to change'}`));
    for (const p of paths) {
      const change = plan.changes.find((x) => x.path === p);
      if (change) ctx.out.write(colorDiff(unifiedDiff(p, change.before, change.after, change.renamedFrom), ctx.out));
    }
  }
  summarize(job, ctx);
}

/**
 * The closing lines every job command prints on stderr: errors (each with its detail, such as
 * the rendered diff of a failed verification), then — unless `--quiet` — targets not found,
 * warnings and the totals. Files a step looked at but left alone (its notes) are one line;
 * `--verbose` lists them.
 */
export function summarize(job: JobResult, ctx: CommandContext, verb = 'would change'): void {
  const { plan } = job;
  const c = ctx.err.color;
  for (const e of plan.errors) {
    ctx.err.line(`${c.red('error:')} ${formatDiagnostic(e)}`);
    if (e.detail) ctx.err.line(indent(e.detail));
  }
  if (ctx.quiet) return;
  for (const n of plan.notFound) ctx.err.line(`${c.yellow('not found:')} ${n.stage}: ${n.target}`);
  const leftAlone = plan.warnings.filter((w) => w.code === 'TARGET_NOT_FOUND' && w.path !== undefined);
  for (const w of plan.warnings) if (!leftAlone.includes(w)) ctx.err.line(`${c.yellow('warning:')} ${w.path ? `${w.path}: ` : ''}${w.message}`);
  if (leftAlone.length) {
    const files = new Set(leftAlone.map((w) => w.path)).size;
    ctx.err.line(
      `${c.yellow('note:')} ${files} file${files === 1 ? '' : 's'} looked like ${files === 1 ? 'a target' : 'targets'} but ${files === 1 ? 'was' : 'were'} left alone` +
        (ctx.verbose ? ':' : ' (--verbose lists them)'),
    );
    if (ctx.verbose) for (const w of leftAlone) ctx.err.line(`  ${w.path}: ${w.message}`);
  }
  ctx.err.line(
    `${job.recipe.name}: ${verb} ${plan.changes.length} file${plan.changes.length === 1 ? '' : 's'} ` +
      `(${plan.filesScanned} scanned; environments: ${plan.environments.map((e) => e.name).join(', ')})` +
      (plan.notFound.length ? `; ${plan.notFound.length} target${plan.notFound.length === 1 ? '' : 's'} not found` : '') +
      (job.renderer !== undefined && job.renderer !== 'embedded' ? `; verified with ${job.renderer}` : ''),
  );
}
