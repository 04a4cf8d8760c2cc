/**
 * `ansimod patch`: the job's change as a `git format-patch` mail (or a series, one commit per
 * pipeline stage) for a pull request; never touches the repository.
 */
import { mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  AnsimodError,
  fileChangeOf,
  formatPatch,
  formatPatchSeries,
  cleanForGit,
  gitDirtyPaths,
  gitEolAttributes,
  gitTrackedPaths,
  type EolAttributes,
  gitUserIdentity,
  roleOfPath,
  splitChanges,
  wrapBody,
  type PatchCommit,
  type PatchPerson,
} from '@ansimod/core';
import { ExitCode, UsageError, type Command } from '../command.js';
import { changesByStage, failOnErrors, jobFollowUps, WRITE_OPTIONS, runJob, type JobResult } from '../job.js';
import { summarize } from './plan.js';
import { changeSummary, pullRequestMarkdown } from '../pull-request.js';
import { jobReview, valueLines, type Review } from '../review-values.js';

export const patch: Command = {
  name: 'patch',
  summary: 'write the change as a git format-patch mail for a pull request (never touches the repository)',
  usage:
    'ansimod patch [--repo DIR] [--recipe NAME|FILE] [--map FROM=TO]… [-o FILE|DIR] [--signoff] [--split] [--split-by stage|topic|role] [--author "Name <mail>"] [--subject TEXT] [--pr FILE] [--allow-unverified]',
  description: [
    'The mail explains, per pipeline stage, what changed and why, and lists the follow-ups no file',
    'edit can do. `git am` applies it as one commit giving the tree `ansimod apply` gives.',
    'With --split, one numbered patch per stage is written into a directory (-o DIR, default .);',
    '--split-by topic gives one per topic instead (fqcn: per module), --split-by role one per role.',
    'Without -o (and without --split) the mail goes to stdout.',
  ].join('\n'),
  options: {
    ...WRITE_OPTIONS,
    output: { type: 'string', short: 'o', valueName: 'FILE|DIR', description: 'where to write the mail (a directory with --split)' },
    signoff: { type: 'boolean', description: "add Signed-off-by from the repository's git user.name/user.email" },
    split: { type: 'boolean', description: 'one commit per pipeline stage, written as 0001-….patch, 0002-….patch, …' },
    'split-by': { type: 'string', valueName: 'stage|topic|role', description: 'split into one commit per stage (as --split), per topic (fqcn: per module) or per role' },
    author: { type: 'string', valueName: '"Name <mail>"', description: "the commit's author (default: the repository's git identity)" },
    subject: { type: 'string', valueName: 'TEXT', description: 'the subject line (default: from the recipe)' },
    pr: { type: 'string', valueName: 'FILE', description: 'also write a markdown pull-request description to FILE' },
    force: { type: 'boolean', description: 'let -o/--pr overwrite a file git tracks in the repository' },
  },
  async run(args, ctx) {
    const job = await runJob(args, ctx);
    failOnErrors(job.plan, ctx, args);
    const identity = await gitUserIdentity(ctx.repo);
    const author = parseAuthor(args.values['author']) ?? identity;
    if (!author) throw new UsageError('no author: set git user.name and user.email in the repository, or give --author "Name <mail>"', 'patch');
    const signoff = args.values['signoff'] === true ? identity ?? author : undefined;
    const subject = typeof args.values['subject'] === 'string' ? args.values['subject'] : job.recipe.displayName;
    const date = new Date();
    const out = typeof args.values['output'] === 'string' ? args.values['output'] : undefined;

    if (!job.plan.changes.length) {
      if (ctx.json) {
        ctx.out.line(JSON.stringify({ recipe: job.recipe.name, written: [], commits: [] }, null, 2));
        return ExitCode.Done;
      }
      summarize(job, ctx, 'changes');
      if (!ctx.quiet) ctx.err.line('nothing to change: no patch written');
      return ExitCode.Done;
    }
    const review = await jobReview(job, { ledger: typeof args.values['pr'] === 'string' });
    // Every output is made first and its directory checked, so a bad -o/--pr path fails before
    // anything is written (and as an input error naming the path, not an internal one).
    const outputs: Array<{ file: string; text: string; shown?: string }> = [];
    const attributes = await gitEolAttributes(ctx.repo, job.plan.changes.map((c) => c.path));
    let stdoutMail: string | undefined;
    const splitBy = splitMode(args.values['split-by'], args.values['split'] === true);
    if (splitBy) {
      const stages = changesByStage(job).filter((s) => s.paths.length);
      const commits =
        splitBy === 'stage'
          ? stages.map((s, i) =>
              commitFor(job, s.paths, `${s.stage}: ${subject}`, stageBody(job, s.stage, s.paths, i === stages.length - 1, review), author, date, signoff, attributes),
            )
          : groupCommits(job, splitBy, subject, author, date, signoff, attributes);
      const dir = path.resolve(out ?? '.');
      makeDirectory(dir);
      for (const m of formatPatchSeries(commits)) outputs.push({ file: path.join(dir, m.fileName), text: m.mail, shown: path.join(out ?? '.', m.fileName) });
    } else {
      const commit = commitFor(job, job.plan.changes.map((c) => c.path), subject, fullBody(job, review), author, date, signoff, attributes);
      const mail = formatPatch(commit);
      if (out) outputs.push({ file: path.resolve(out), text: mail });
      else stdoutMail = mail;
    }
    if (typeof args.values['pr'] === 'string') outputs.push({ file: path.resolve(args.values['pr']), text: pullRequestMarkdown(job, subject, review) });
    for (const o of outputs) expectDirectory(path.dirname(o.file), o.file);
    await refuseUnsafeOutputs(ctx.repo, outputs, args.values['force'] === true);
    const dirty = await gitDirtyPaths(ctx.repo, job.plan.changes.map((c) => c.path));
    for (const p of dirty) ctx.err.line(`${ctx.err.color.yellow('warning:')} ${p} has uncommitted changes: the patch is made from the working tree and may not apply to HEAD`);
    for (const o of outputs) writeOutput(o.file, o.text);
    if (ctx.json) {
      // One JSON object: what was written, each commit's subject and files, and the mail itself when not written to a file.
      const commits =
        splitBy === 'stage'
          ? changesByStage(job)
              .filter((s) => s.paths.length)
              .map((s) => ({ subject: `${s.stage}: ${subject}`, files: s.paths }))
          : splitBy
            ? groupCommits(job, splitBy, subject, author, date, signoff, attributes).map((c) => ({ subject: c.subject, files: c.changes.map((f) => f.path) }))
            : [{ subject, files: job.plan.changes.map((c) => c.path) }];
      const mail = stdoutMail !== undefined ? { mail: stdoutMail } : {};
      ctx.out.line(JSON.stringify({ recipe: job.recipe.name, written: outputs.map((o) => o.file), commits, ...mail }, null, 2));
      return ExitCode.Done;
    }
    if (!ctx.quiet) for (const o of outputs) if (o.shown) ctx.out.line(o.shown);
    if (stdoutMail !== undefined) ctx.out.write(stdoutMail);
    summarize(job, ctx, 'patch changes');
    return ExitCode.Done;
  },
};

type SplitMode = 'stage' | 'topic' | 'role';

function splitMode(by: unknown, split: boolean): SplitMode | undefined {
  if (by === undefined) return split ? 'stage' : undefined;
  if (by === 'stage' || by === 'topic' || by === 'role') return by;
  throw new UsageError(`--split-by expects stage, topic or role, got "${String(by)}"`, 'patch');
}

/** Files outside every role are one group, after the roles. */
const OUTSIDE_ROLES = 'playbooks and files outside roles';

/**
 * One commit per topic of the edits (fqcn: the module) or per role of the files, each applied
 * on top of the previous ones; together they give the one-commit tree.
 */
function groupCommits(
  job: JobResult,
  by: 'topic' | 'role',
  subject: string,
  author: PatchPerson,
  date: Date,
  signoff: PatchPerson | undefined,
  attributes: ReadonlyMap<string, EolAttributes>,
): PatchCommit[] {
  const groups = splitChanges(
    job.plan.changes,
    (e, c) => (by === 'topic' ? e.topic ?? e.stage : roleOfPath(c.path, [])?.name ?? OUTSIDE_ROLES),
    (a, b) => (a === OUTSIDE_ROLES ? 1 : b === OUTSIDE_ROLES ? -1 : a < b ? -1 : a > b ? 1 : 0),
  );
  return groups.map((g) => {
    const body = [
      wrapBody(`${by === 'topic' ? 'Topic' : 'Role'} ${g.group}: ${g.edits} edit(s) in ${g.changes.length} file(s), part of: ${subject}.`, 72),
      ...g.changes.map((f) => `- ${f.path}`),
      '',
      verification(job),
    ].join('\n');
    return { author, date, subject: `${subject}: ${g.group}`, body, ...(signoff ? { signoff } : {}), changes: cleanForGit(g.changes, attributes) };
  });
}

/** A file-system error as one line without the path Node repeats at its end. */
function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/, \w+ '[^']*'(?: -> '[^']*')?$/, '');
}

/**
 * -o and --pr never name the same file, never a file inside the repository's `.git`, and never
 * a file git tracks (without --force): a patch written there would break the repository or
 * replace the very file it patches.
 */
async function refuseUnsafeOutputs(repo: string, outputs: ReadonlyArray<{ file: string }>, force: boolean): Promise<void> {
  const realRoot = realpathSync(repo);
  const seen = new Map<string, string>();
  const inRepo: string[] = [];
  for (const o of outputs) {
    const real = path.join(realpathSync(path.dirname(o.file)), path.basename(o.file));
    let target = real;
    try {
      target = realpathSync(real); // an existing symlink is judged by where it writes
    } catch {
      // A new file: its directory's real path is where it goes.
    }
    const other = seen.get(target);
    if (other !== undefined) throw new UsageError(`-o and --pr name the same file (${o.file}); give two different files`, 'patch');
    seen.set(target, o.file);
    const rel = path.relative(realRoot, target);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
    if (rel.split(path.sep).some((s) => s.toLowerCase() === '.git')) {
      throw new UsageError(`refusing to write the patch into the repository's .git (${o.file})`, 'patch');
    }
    inRepo.push(rel.split(path.sep).join('/'));
  }
  if (force || inRepo.length === 0) return;
  const tracked = await gitTrackedPaths(repo, inRepo);
  if (tracked.length) {
    throw new UsageError(`refusing to overwrite ${tracked.join(', ')}: git tracks it in the repository (--force to do it anyway)`, 'patch');
  }
}

function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : reason(e);
    throw new AnsimodError({ code: 'IO_ERROR', path: dir, message: `cannot create the patch directory: ${why}` });
  }
}

function expectDirectory(dir: string, file: string): void {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new AnsimodError({ code: 'IO_ERROR', path: file, message: `cannot write here: ${dir} is not an existing directory` });
}

/** Writes an output file; a failure is an input error naming the file. */
export function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new AnsimodError({ code: 'IO_ERROR', path: file, message: `cannot write: ${reason(e)}` });
  }
}

/** `--author "Name <mail>"`, or undefined when not given. */
export function parseAuthor(v: unknown): PatchPerson | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(v);
  if (!m) throw new UsageError(`--author expects "Name <mail>", got "${v}"`, 'patch');
  return { name: m[1] as string, email: m[2] as string };
}

function commitFor(
  job: JobResult,
  paths: string[],
  subject: string,
  body: string,
  author: PatchPerson,
  date: Date,
  signoff: PatchPerson | undefined,
  attributes: ReadonlyMap<string, EolAttributes>,
): PatchCommit {
  // As git stores them (.gitattributes text/eol), so that `git am` applies the mail.
  const changes = cleanForGit(job.plan.changes.filter((c) => paths.includes(c.path)).map(fileChangeOf), attributes);
  return { author, date, subject, body, ...(signoff ? { signoff } : {}), changes };
}

function stageSection(job: JobResult, stage: string, paths: string[], review: Review): string {
  const steps = job.recipe.steps.filter((s) => s.stage === stage);
  const lines = [`${stage}:`];
  for (const s of steps) if (s.why) lines.push(wrapBody(s.why.replace(/\s+/g, ' ').trim(), 72));
  for (const p of paths) {
    const change = job.plan.changes.find((c) => c.path === p);
    lines.push(wrapBody(`- ${p}${change?.reasons.length ? `: ${change.reasons.join('; ')}` : ''}`, 72));
    // The new value per environment, as Ansible renders it (not wrapped: it is configuration).
    lines.push(...valueLines(job, review, p));
    if (change?.unverified !== undefined) lines.push(wrapBody(`  Verified by structure alone: ${change.unverified}`, 72));
  }
  return lines.join('\n');
}

function followUps(job: JobResult): string {
  const list = jobFollowUps(job);
  if (!list.length) return '';
  return ['Follow-ups that no file edit can do:', ...list.map((f) => wrapBody(`- ${f}`, 72))].join('\n');
}

function verification(job: JobResult): string {
  return wrapBody(
    `Every edit was verified by ansimod before it was written: each file re-parsed, and each ` +
      `template rendered for ${job.plan.environments.map((e) => e.name).join(' and ')} before and after, ` +
      `the difference checked to be exactly the intended change.`,
    72,
  );
}

/** What the plan looked at and left, and why (a task file that does not parse…). */
function leftAlone(job: JobResult): string {
  // An edit verified by structure alone is said under its file, not here.
  const warnings = job.plan.warnings.filter((w) => w.code !== 'UNVERIFIED');
  if (!warnings.length) return '';
  return ['Left alone:', ...warnings.map((w) => wrapBody(`- ${w.path ?? ''}${w.line ? `:${w.line}` : ''}: ${w.message}`, 72))].join('\n');
}

function notFound(job: JobResult): string {
  if (!job.plan.notFound.length) return '';
  return ['Targets not found in this repository (nothing changed for them):', ...job.plan.notFound.map((n) => `- ${n.stage}: ${n.target}`)].join('\n');
}

/** The message body of the one-commit change: per stage what and why, targets not found, follow-ups, verification. */
export function fullBody(job: JobResult, review: Review): string {
  const sections = changesByStage(job)
    .filter((s) => s.paths.length)
    .map((s) => stageSection(job, s.stage, s.paths, review));
  return [wrapBody(job.recipe.description.replace(/\s+/g, ' ').trim(), 72), wrapBody(changeSummary(job), 72), ...sections, notFound(job), leftAlone(job), followUps(job), verification(job)]
    .filter(Boolean)
    .join('\n\n');
}

/**
 * The message body of one stage's commit in a --split series. The follow-ups go once, in the
 * series' last commit (`last`), not into every patch.
 */
export function stageBody(job: JobResult, stage: string, paths: string[], last: boolean, review: Review): string {
  return [stageSection(job, stage, paths, review), last ? followUps(job) : '', verification(job)].filter(Boolean).join('\n\n');
}
