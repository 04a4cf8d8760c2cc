/** The markdown pull-request description written by `ansimod patch --pr FILE`. */
import { changesByStage, jobFollowUps, type JobResult } from './job.js';
import { ledgerMarkdown, newValues, type Review } from './review-values.js';

/**
 * `N edit(s) in M file(s)` and, when the edits have topics, how many of each.
 *
 * @example
 * changeSummary(job); // => '59 edit(s) in 15 file(s) (copy 3, file 9, …).'
 */
export function changeSummary(job: JobResult): string {
  const edits = job.plan.changes.flatMap((c) => c.edits ?? [{ start: 0, end: 0, text: '', stage: c.stages[0] ?? '' }]);
  const topics = new Map<string, number>();
  for (const e of edits) if (e.topic) topics.set(e.topic, (topics.get(e.topic) ?? 0) + 1);
  const byTopic = [...topics].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, n]) => `${t} ${n}`);
  return `${edits.length} edit(s) in ${job.plan.changes.length} file(s)${byTopic.length ? ` (${byTopic.join(', ')})` : ''}.`;
}

/**
 * Per stage, each changed file's new value in each environment (rendered as Ansible would),
 * and the files verified by structure alone, with why.
 */
function stageValues(job: JobResult, review: Review): string[] {
  const lines = ['## New values, per stage and environment', ''];
  for (const { stage, paths } of changesByStage(job)) {
    if (!paths.length) continue;
    lines.push(`### ${stage}`, '');
    for (const p of paths) {
      for (const v of newValues(job, review, p)) {
        lines.push(`- \`${p}\`, ${v.asWritten !== undefined ? `${v.where} (not rendered: ${cell(v.asWritten)}; as written)` : v.where}:`, '', '  ```', ...v.lines.map((l) => `  ${l}`), '  ```', '');
      }
      const unverified = job.plan.changes.find((c) => c.path === p)?.unverified;
      if (unverified !== undefined) lines.push(`  Verified by structure alone: ${cell(unverified)}`, '');
    }
  }
  return lines;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/**
 * @example
 * writeFileSync('pr.md', pullRequestMarkdown(job, 'Move Fedora flatpaks to quay.io', await jobReview(job, { ledger: true })));
 */
export function pullRequestMarkdown(job: JobResult, title: string, review: Review): string {
  const { plan, recipe } = job;
  const rows = changesByStage(job).map(({ stage, paths }) => {
    const why = recipe.steps.filter((s) => s.stage === stage).map((s) => s.why ?? '').join(' ');
    const missing = plan.notFound.some((n) => n.stage === stage);
    const files = paths.length ? paths.map((p) => `\`${p}\``).join('<br>') : missing ? '_target not found_' : '_nothing to change_';
    return `| ${cell(stage)} | ${files} | ${cell(why)} |`;
  });
  const lines = [
    `# ${title}`,
    '',
    recipe.description.replace(/\s+/g, ' ').trim(),
    '',
    changeSummary(job),
    '',
    '## What changes, per stage',
    '',
    '| Stage | Files | Why |',
    '| --- | --- | --- |',
    ...rows,
    '',
    ...stageValues(job, review),
    ...(review.ledger ? ledgerMarkdown(review.ledger) : []),
  ];
  const followUps = jobFollowUps(job);
  if (followUps.length) lines.push('## Follow-ups (not done by this change)', '', ...followUps.map((f) => `- [ ] ${f}`), '');
  if (plan.notFound.length) lines.push('## Targets not found', '', ...plan.notFound.map((n) => `- ${n.stage}: ${n.target}`), '');
  const leftAlone = plan.warnings.filter((w) => w.code !== 'UNVERIFIED');
  if (leftAlone.length) lines.push('## Left alone, and why', '', ...leftAlone.map((w) => `- \`${w.path ?? ''}${w.line ? `:${w.line}` : ''}\`: ${cell(w.message)}`), '');
  lines.push(
    '## How it was verified',
    '',
    `Generated with \`ansimod patch --recipe ${recipe.name}\`. Every edited file was re-parsed, and every template was ` +
      `rendered for ${plan.environments.map((e) => `\`${e.name}\``).join(' and ')} before and after the change; the rendered ` +
      'difference was checked to be exactly the intended change. `ansimod check` exits 0 on the result, and ' +
      '`ansimod audit` lists the references to the old registries that were deliberately left alone.',
    '',
  );
  return lines.join('\n');
}
