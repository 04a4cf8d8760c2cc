/**
 * Commits a planned change on a new branch of the user's repository without touching their
 * working tree, their index or the branch they are on: blobs with `git hash-object -w`, trees
 * built in a temporary index (`GIT_INDEX_FILE`), commits with `git commit-tree`, the branch set
 * with `git update-ref` (which refuses to move a branch that appeared meanwhile).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AnsimodError, gitBlobId, gitFileMode, type PatchPerson } from '@ansimod/core';
import type { GitRunner } from './git-runner.js';

/** One commit to make: its message and the files it writes (repository-relative paths). */
export interface BranchCommit {
  message: string;
  files: ReadonlyArray<{ path: string; bytes: Buffer; mode: number }>;
}

/** What was committed. */
export interface BranchResult {
  branch: string;
  base: string;
  /** The commit ids, oldest first (placeholders in a dry run). */
  commits: string[];
  /** True when the branch already held exactly this change (a retry after a failed push). */
  reused: boolean;
}

export interface BranchOptions {
  branch: string;
  /** The commit to build on (default `HEAD`). */
  base?: string;
  author: PatchPerson;
  /** The committer (default: git's own, from the repository configuration). */
  committer?: PatchPerson;
  date: Date;
}

function identityEnv(prefix: 'AUTHOR' | 'COMMITTER', p: PatchPerson, date: Date): Record<string, string> {
  return { [`GIT_${prefix}_NAME`]: p.name, [`GIT_${prefix}_EMAIL`]: p.email, [`GIT_${prefix}_DATE`]: `${Math.floor(date.getTime() / 1000)} +0000` };
}

/**
 * Makes `commits` on top of the base as the new branch `opts.branch`.
 *
 * @example
 * const r = commitOnBranch(git, [{ message: 'Move flatpaks to quay.io\n', files }], { branch: 'ansimod/flatpaks-to-quay', author, date: new Date() });
 */
export function commitOnBranch(git: GitRunner, commits: readonly BranchCommit[], opts: BranchOptions): BranchResult {
  const prefix = git.run({ args: ['rev-parse', '--show-prefix'], readOnly: true });
  const base = git.run({ args: ['rev-parse', '--verify', `${opts.base ?? 'HEAD'}^{commit}`], readOnly: true });
  const ref = `refs/heads/${opts.branch}`;
  if (git.tryRead(['check-ref-format', ref]) === undefined) throw new AnsimodError({ code: 'INVALID_OPTION', message: `"${opts.branch}" is not a valid branch name` });
  const existing = git.tryRead(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);

  const dir = mkdtempSync(path.join(tmpdir(), 'ansimod-pr-'));
  const index = path.join(dir, 'index');
  const env = { GIT_INDEX_FILE: index };
  try {
    git.run({ args: ['read-tree', base], env });
    let parent = base;
    const made: string[] = [];
    let tree = '';
    commits.forEach((commit, i) => {
      for (const f of commit.files) {
        const label = `<${f.path} as changed>`;
        const blob = git.run({ args: ['hash-object', '-w', '--stdin'], stdin: f.bytes, stdinLabel: shellSafe(label), placeholder: gitBlobId(f.bytes) });
        git.run({ args: ['update-index', '--add', '--cacheinfo', `${gitFileMode(f.mode)},${blob},${prefix}${f.path}`], env });
      }
      tree = git.run({ args: ['write-tree'], env, placeholder: `<tree ${i + 1}>` });
      const who = { ...identityEnv('AUTHOR', opts.author, opts.date), ...(opts.committer ? identityEnv('COMMITTER', opts.committer, opts.date) : {}) };
      parent = git.run({ args: ['commit-tree', tree, '-p', parent, '-F', '-'], env: who, stdin: commit.message, stdinLabel: `<message of commit ${i + 1}>`, placeholder: `<commit ${i + 1}>` });
      made.push(parent);
    });
    if (existing !== undefined) {
      // A retry: the branch already has this change on this base; keep it rather than fail.
      const existingTree = git.tryRead(['rev-parse', `${existing}^{tree}`]);
      const onBase = git.tryRead(['merge-base', '--is-ancestor', base, existing]) !== undefined;
      if (!git.dryRun && existingTree === tree && onBase) return { branch: opts.branch, base, commits: [existing], reused: true };
      throw new AnsimodError({ code: 'GIT_FAILED', message: `branch ${opts.branch} already exists with other content: delete it (git branch -D ${opts.branch}) or give --branch NAME` });
    }
    // The all-zero old value: update-ref fails if the branch appeared since we looked.
    git.run({ args: ['update-ref', '-m', 'ansimod pr', ref, parent, '0'.repeat(base.length)] });
    return { branch: opts.branch, base, commits: made, reused: false };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function shellSafe(label: string): string {
  return label.replace(/[\n\r]/g, ' ');
}
