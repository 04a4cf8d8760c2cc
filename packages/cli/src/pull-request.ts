/** The markdown pull-request description written by `ansimod patch --pr FILE`. */
import { changesByStage, jobFollowUps, type JobResult } from './job.js';

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

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/**
 * @example
 * writeFileSync('pr.md', pullRequestMarkdown(job, 'Move Fedora flatpaks to quay.io'));
 */
export function pullRequestMarkdown(job: JobResult, title: string): string {
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
  ];
  const followUps = jobFollowUps(job);
  if (followUps.length) lines.push('## Follow-ups (not done by this change)', '', ...followUps.map((f) => `- [ ] ${f}`), '');
  if (plan.notFound.length) lines.push('## Targets not found', '', ...plan.notFound.map((n) => `- ${n.stage}: ${n.target}`), '');
  if (plan.warnings.length) lines.push('## Left alone, and why', '', ...plan.warnings.map((w) => `- \`${w.path ?? ''}${w.line ? `:${w.line}` : ''}\`: ${cell(w.message)}`), '');
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
