/**
 * The real-world sample files (../shared/reference, the Fedora infrastructure repository's
 * flatpak pipeline files as of 2023-08-30), copied at run time into a temporary git repository —
 * never into this repository: `patch --signoff` then `git am` works and gives the `apply` tree,
 * and `--split` gives at least four patches that `git am` applies in order to the same tree.
 *
 * CI has the reference folder; a missing folder FAILS this file rather than skipping it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { IDENTITY, ansimod, cloneOf, expectBuilt, git, gitRepo, headTree, once, referenceDir, workingTree } from './helpers.js';

beforeAll(() => {
  expectBuilt();
  expect(existsSync(referenceDir), `the reference files are missing: ${referenceDir}`).toBe(true);
});

/** The reference files are read-only; the copy must be writable for apply and git am. */
function makeWritable(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      chmodSync(p, 0o755);
      makeWritable(p);
    } else chmodSync(p, 0o644);
  }
}

const referenceRepo = (): string => gitRepo({ from: referenceDir, prepare: makeWritable });

const appliedTree = once((): string => {
  const repo = referenceRepo();
  const r = ansimod(['apply', '--repo', repo]);
  expect(r.code, r.stderr).toBe(0);
  return workingTree(repo);
});

describe('on a copy of the reference repository', () => {
  it('patch --signoff -o x.patch, then git am x.patch: one signed-off commit with the apply tree; check is clean after', () => {
    const repo = referenceRepo();
    const mail = path.join(path.dirname(repo), 'x.patch');
    const r = ansimod(['patch', '--signoff', '-o', mail], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    expect(git(repo, 'status', '--porcelain')).toBe('');

    const clone = cloneOf(repo);
    const base = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'am', mail);
    expect(git(clone, 'rev-list', '--count', `${base}..HEAD`)).toBe('1');
    expect(git(clone, 'log', '-1', '--format=%B')).toContain(`Signed-off-by: ${IDENTITY.name} <${IDENTITY.email}>`);
    expect(headTree(clone)).toBe(appliedTree());
    expect(git(clone, 'diff', '--name-only', base, 'HEAD').split('\n').length).toBeGreaterThanOrEqual(5);

    const check = ansimod(['check', '--repo', clone]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('--split gives at least four patches that git am applies in order, to the same tree', () => {
    const repo = referenceRepo();
    const dir = path.join(path.dirname(repo), 'series');
    const r = ansimod(['patch', '--repo', repo, '--split', '--signoff', '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThanOrEqual(4);

    const clone = cloneOf(repo);
    const base = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'am', ...files.map((f) => path.join(dir, f)));
    expect(Number(git(clone, 'rev-list', '--count', `${base}..HEAD`))).toBe(files.length);
    expect(headTree(clone)).toBe(appliedTree());
  });
});
