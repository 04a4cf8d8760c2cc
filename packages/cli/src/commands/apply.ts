/**
 * `ansimod apply`: write the job's change in place — all or nothing. Every edit is computed and
 * verified first; if any target fails, nothing is written.
 */
import { gitDirtyPaths, repoWritesOf, writeChangesAtomically } from '@ansimod/core';
import { ExitCode, type Command } from '../command.js';
import { failOnErrors, WRITE_OPTIONS, runJob } from '../job.js';
import { summarize } from './plan.js';

export const apply: Command = {
  name: 'apply',
  summary: 'write the change in place (all or nothing, each file atomically)',
  usage: 'ansimod apply [--repo DIR] [--recipe NAME|FILE] [--map FROM=TO]… [--env NAME]… [--reverse] [--allow-unverified] [--json]',
  description: [
    'Plans and verifies every edit first; if any target fails (does not parse, fails verification,',
    'sits behind a symlink outside the repository), nothing is written and the exit code is 3.',
    'Each file is written atomically (temporary file, then rename), keeping its mode, line endings,',
    'BOM and bytes outside the edits. Warns when a target has uncommitted changes.',
    'An edit that could be verified by structure alone (a template the renderer cannot render; the',
    'plan says which and why) is refused (exit 3) unless --allow-unverified is given.',
  ].join('\n'),
  options: WRITE_OPTIONS,
  async run(args, ctx) {
    const job = await runJob(args, ctx);
    failOnErrors(job.plan, ctx, args);
    const paths = job.plan.changes.flatMap((c) => (c.renamedFrom !== undefined ? [c.renamedFrom, c.path] : [c.path]));
    const dirty = paths.length ? await gitDirtyPaths(ctx.repo, paths) : [];
    if (!ctx.quiet && !ctx.json) for (const p of dirty) ctx.err.line(`${ctx.err.color.yellow('warning:')} ${p} has uncommitted changes`);
    // The report is printed once everything is staged and checked, just before the renames, so
    // that an output that cannot be written (a full disk, a closed terminal) stops the command
    // with nothing written. A rename that fails after it is rolled back and said on stderr
    // (exit code 3, or 128+signal), which overrides the report.
    const report = async (): Promise<void> => {
      if (ctx.json) {
        ctx.out.line(JSON.stringify({ recipe: job.recipe.name, written: paths, notFound: job.plan.notFound, warnings: dirty.map((p) => `${p} has uncommitted changes`) }, null, 2));
      } else {
        // --quiet: only errors and warnings (the list of written files is progress, not a result).
        if (!ctx.quiet) for (const c of job.plan.changes) ctx.out.line(`changed: ${c.path} (${c.stages.join(', ')})`);
        summarize(job, ctx, 'changed');
      }
      for (const o of [ctx.out, ctx.err]) {
        await o.flush().catch(() => undefined);
        // A reader that closed the pipe (`| head`) chose to stop reading, not to stop the write.
        if (o.failure && o.failure.errno !== 'EPIPE') throw o.failure;
      }
    };
    await writeChangesAtomically(
      ctx.repo,
      job.plan.changes.flatMap(repoWritesOf),
      { beforeCommit: report, onWarning: (m) => ctx.err.line(`${ctx.err.color.yellow('warning:')} ${m}`) },
    );
    return ExitCode.Done;
  },
};
