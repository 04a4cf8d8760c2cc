/**
 * `ansimod pr`: the job's change committed on a new branch of the repository (one commit, or one
 * per stage with --split) without touching the working tree, the index or the current branch,
 * then offered to the forge: Forgejo by an AGit push, pagure by a push to the user's fork and
 * an API request. `--dry-run` prints the commands and the request instead.
 */
import { AnsimodError, commitMessage, gitUserIdentity, type PatchPerson } from '@ansimod/core';
import { ExitCode, UsageError, type Command, type CommandArgs, type CommandContext } from '../command.js';
import { changesByStage, failOnErrors, WRITE_OPTIONS, runJob, type JobResult } from '../job.js';
import { pullRequestMarkdown } from '../pull-request.js';
import { jobReview, type Review } from '../review-values.js';
import { commitOnBranch, type BranchCommit } from '../forge/branch-commits.js';
import { agitPushCommand } from '../forge/forgejo.js';
import { GitRunner } from '../forge/git-runner.js';
import { describePagureRequest, pagureRequest, sendPagureRequest } from '../forge/pagure.js';
import { fullBody, parseAuthor, stageBody } from './patch.js';
import { summarize } from './plan.js';

const FORGES = ['forgejo', 'pagure'] as const;
type Forge = (typeof FORGES)[number];

export const pr: Command = {
  name: 'pr',
  summary: 'commit the change on a new branch and open a pull request (Forgejo AGit push, or pagure fork + API)',
  usage:
    'ansimod pr [--repo DIR] [--recipe NAME|FILE] [--split] [--branch NAME] [--base BRANCH] [--forge forgejo|pagure] [--remote NAME] [--fork REMOTE --pagure-repo NS/NAME --fork-user USER] [--allow-unverified] [--dry-run]',
  description: [
    'Commits on a new branch (default ansimod/<recipe>) on top of HEAD with git plumbing: your',
    'working tree, index and current branch are never touched. Without --forge it stops there.',
    '  --forge forgejo  git push REMOTE <branch>:refs/for/BASE -o topic= -o title= -o description=',
    '                   (Forgejo AGit: the push opens the pull request; a multi-line description is',
    '                   sent as {base64}…)',
    '  --forge pagure   git push FORK <branch>, then POST /api/0/<repo>/pull-request/new from the fork;',
    '                   the API token is read from $PAGURE_TOKEN (or --token-env NAME), never an argument',
    '--dry-run prints exactly the git commands and the API request, and writes nothing. When a push',
    'or the request fails, the branch stays: run the same command again to retry (an existing',
    'branch holding the same change is reused).',
  ].join('\n'),
  options: {
    ...WRITE_OPTIONS,
    split: { type: 'boolean', description: 'one commit per pipeline stage instead of one commit' },
    branch: { type: 'string', valueName: 'NAME', description: 'the branch to create (default: ansimod/<recipe>)' },
    base: { type: 'string', valueName: 'BRANCH', description: 'the branch the pull request targets (default: the current branch)' },
    forge: { type: 'string', valueName: 'forgejo|pagure', description: 'open the pull request on this kind of forge' },
    remote: { type: 'string', valueName: 'NAME', description: 'forgejo: the remote to push to (default: origin)' },
    fork: { type: 'string', valueName: 'REMOTE', description: 'pagure: the remote of your fork, pushed to (default: fork)' },
    'pagure-url': { type: 'string', valueName: 'URL', description: 'pagure: the instance (default: https://pagure.io)' },
    'pagure-repo': { type: 'string', valueName: 'NS/NAME', description: 'pagure: the target project, e.g. fedora-infra/ansible' },
    'fork-user': { type: 'string', valueName: 'USER', description: 'pagure: the owner of the fork' },
    'token-env': { type: 'string', valueName: 'NAME', description: 'pagure: the environment variable holding the API token (default: PAGURE_TOKEN)' },
    author: { type: 'string', valueName: '"Name <mail>"', description: "the commits' author (default: the repository's git identity)" },
    signoff: { type: 'boolean', description: "add Signed-off-by from the repository's git identity" },
    subject: { type: 'string', valueName: 'TEXT', description: 'the commit subject and pull-request title (default: from the recipe)' },
    'dry-run': { type: 'boolean', description: 'print the git commands and the API request; write and send nothing' },
  },
  async run(args, ctx) {
    const forge = forgeOf(args.values['forge']);
    const dryRun = args.values['dry-run'] === true;
    const pagure = forge === 'pagure' ? pagureOptions(args) : undefined;
    const job = await runJob(args, ctx);
    failOnErrors(job.plan, ctx, args);
    if (!job.plan.changes.length) {
      summarize(job, ctx, 'changes');
      ctx.err.line('nothing to change: no branch made');
      return ExitCode.Done;
    }
    const identity = await gitUserIdentity(ctx.repo);
    const author = parseAuthor(args.values['author']) ?? identity;
    if (!author) throw new UsageError('no author: set git user.name and user.email in the repository, or give --author "Name <mail>"', 'pr');
    const signoff = args.values['signoff'] === true ? identity ?? author : undefined;
    const subject = typeof args.values['subject'] === 'string' ? args.values['subject'] : job.recipe.displayName;
    const branch = typeof args.values['branch'] === 'string' ? args.values['branch'] : `ansimod/${job.recipe.name}`;

    const git = new GitRunner(ctx.repo, dryRun);
    const base = typeof args.values['base'] === 'string' ? args.values['base'] : currentBranch(git);
    const review = await jobReview(job, { ledger: true });
    const commits = branchCommits(job, args.values['split'] === true, subject, signoff, review);
    const made = commitOnBranch(git, commits, { branch, author, ...(identity ? {} : { committer: author }), date: new Date() });
    const ref = `refs/heads/${branch}`;
    const title = subject;
    const description = pullRequestMarkdown(job, subject, review);
    const lines: string[] = [];
    const retry = (what: string) => `${what}; the branch ${branch} is kept: run the same command again to retry`;

    if (forge === 'forgejo') {
      const remote = typeof args.values['remote'] === 'string' ? args.values['remote'] : 'origin';
      const push = agitPushCommand({ remote, ref, base, topic: branch.replace(/\//g, '-'), title, description });
      try {
        git.run(push);
      } catch (e) {
        throw new AnsimodError({ code: 'GIT_FAILED', path: ctx.repo, message: retry(e instanceof AnsimodError ? e.message : String(e)) });
      }
      lines.push(dryRun ? '' : `pushed ${branch} to ${remote} for ${base}: Forgejo opens the pull request (topic ${push.args[4]?.slice(6)})`);
    } else if (pagure) {
      const push = { args: ['push', pagure.fork, `${ref}:${ref}`] };
      try {
        git.run(push);
      } catch (e) {
        throw new AnsimodError({ code: 'GIT_FAILED', path: ctx.repo, message: retry(e instanceof AnsimodError ? e.message : String(e)) });
      }
      const request = pagureRequest({ url: pagure.url, repo: pagure.repo, forkUser: pagure.forkUser, branchFrom: branch, branchTo: base, title, initialComment: description });
      if (dryRun) lines.push('', describePagureRequest(request, pagure.tokenEnv));
      else {
        const token = process.env[pagure.tokenEnv];
        if (!token) throw new AnsimodError({ code: 'FORGE_FAILED', message: retry(`$${pagure.tokenEnv} is not set (a pagure API token with the pull_request_create ACL)`) });
        try {
          lines.push(`opened ${await sendPagureRequest(request, token)} from ${pagure.forkUser}'s fork (${branch} → ${base})`);
        } catch (e) {
          throw e instanceof AnsimodError ? new AnsimodError({ ...e.diagnostic, message: retry(e.message) }) : e;
        }
      }
    }
    return report(ctx, { job, git, dryRun, branch, made, lines, forge });
  },
};

function report(
  ctx: CommandContext,
  r: { job: JobResult; git: GitRunner; dryRun: boolean; branch: string; made: ReturnType<typeof commitOnBranch>; lines: string[]; forge: Forge | undefined },
): number {
  if (ctx.json) {
    ctx.out.line(JSON.stringify({ recipe: r.job.recipe.name, branch: r.branch, base: r.made.base, commits: r.made.commits, reused: r.made.reused, dryRun: r.dryRun, forge: r.forge ?? null, commands: r.git.writes }, null, 2));
    return ExitCode.Done;
  }
  if (r.dryRun) {
    ctx.out.line('# ansimod pr --dry-run: nothing was written or sent; these are the commands a run makes');
    for (const c of r.git.writes) ctx.out.line(c);
  } else if (!ctx.quiet) {
    ctx.out.line(`${r.made.reused ? 'kept' : 'created'} branch ${r.branch}: ${r.made.commits.length} commit${r.made.commits.length === 1 ? '' : 's'} on ${r.made.base.slice(0, 12)}`);
  }
  for (const l of r.lines) if (l || r.dryRun) ctx.out.line(l);
  if (!ctx.quiet) summarize(r.job, ctx, 'commits changes to');
  return ExitCode.Done;
}

function forgeOf(v: unknown): Forge | undefined {
  if (v === undefined) return undefined;
  if (!FORGES.includes(v as Forge)) throw new UsageError(`--forge expects ${FORGES.join(' or ')}, got "${String(v)}"`, 'pr');
  return v as Forge;
}

function pagureOptions(args: CommandArgs): { url: string; repo: string; forkUser: string; fork: string; tokenEnv: string } {
  const s = (k: string): string | undefined => (typeof args.values[k] === 'string' ? (args.values[k] as string) : undefined);
  const repo = s('pagure-repo');
  const forkUser = s('fork-user');
  if (!repo || !forkUser) throw new UsageError('--forge pagure needs --pagure-repo NS/NAME (the target project) and --fork-user USER (the owner of your fork)', 'pr');
  const tokenEnv = s('token-env') ?? 'PAGURE_TOKEN';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) throw new UsageError(`--token-env expects the name of an environment variable, got "${tokenEnv}"`, 'pr');
  return { url: s('pagure-url') ?? 'https://pagure.io', repo, forkUser, fork: s('fork') ?? 'fork', tokenEnv };
}

function currentBranch(git: GitRunner): string {
  const name = git.tryRead(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (!name) throw new UsageError('HEAD is not on a branch: give --base BRANCH (the branch the pull request targets)', 'pr');
  return name;
}

/** The commits to make: the whole change, or one per stage (a file under its first stage), as `patch` words them. */
function branchCommits(job: JobResult, split: boolean, subject: string, signoff: PatchPerson | undefined, review: Review): BranchCommit[] {
  const files = (paths: readonly string[]) =>
    job.plan.changes.filter((c) => paths.includes(c.path)).map((c) => ({ path: c.path, bytes: c.afterBytes, mode: c.mode }));
  if (!split) return [{ message: commitMessage({ subject, body: fullBody(job, review), ...(signoff ? { signoff } : {}) }), files: files(job.plan.changes.map((c) => c.path)) }];
  const stages = changesByStage(job).filter((s) => s.paths.length);
  return stages.map((s, i) => ({
    message: commitMessage({ subject: `${s.stage}: ${subject}`, body: stageBody(job, s.stage, s.paths, i === stages.length - 1, review), ...(signoff ? { signoff } : {}) }),
    files: files(s.paths),
  }));
}

