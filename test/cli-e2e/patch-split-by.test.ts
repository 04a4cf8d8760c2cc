/**
 * `ansimod patch --split-by topic|role` with the fqcn recipe on the fixture repository: one
 * commit per module (or per role), which `git am` applies in order to exactly the tree `apply`
 * gives; and the PR text says how many keys changed in how many files.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ansimod, cloneOf, expectBuilt, git, gitRepo, headTree, once, workingTree } from './helpers.js';

beforeAll(expectBuilt);

const fqcnApplied = once((): string => {
  const repo = gitRepo();
  const r = ansimod(['apply', '--repo', repo, '--recipe', 'fqcn']);
  expect(r.code, r.stderr).toBe(0);
  return workingTree(repo);
});

/** Module names the fqcn plan qualifies, from the edits' reasons (`fqcn: copy → ansible.builtin.copy`). */
function plannedModules(repo: string): { modules: string[]; edits: number; files: number } {
  const r = ansimod(['plan', '--repo', repo, '--recipe', 'fqcn', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const diff = (JSON.parse(r.stdout) as { changes: Array<{ path: string; diff: string }> }).changes;
  const added = diff.flatMap((c) => c.diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')));
  const modules = new Set(added.flatMap((l) => [...l.matchAll(/ansible\.builtin\.(\w+)/g)].map((m) => m[1] as string)));
  return { modules: [...modules].sort(), edits: added.length, files: diff.length };
}

describe('ansimod patch --split-by', () => {
  it('topic: one commit per module, in name order, that git am applies to the tree apply gives', () => {
    const repo = gitRepo();
    const dir = path.join(path.dirname(repo), 'series');
    const { modules } = plannedModules(repo);
    const r = ansimod(['patch', '--repo', repo, '--recipe', 'fqcn', '--split-by', 'topic', '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(modules.length);
    const clone = cloneOf(repo);
    const base = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'am', '-q', ...files.map((f) => path.join(dir, f)));
    const subjects = git(clone, 'log', '--reverse', '--format=%s', `${base}..HEAD`).split('\n');
    expect(subjects.map((s) => s.split(': ').at(-1))).toEqual(modules);
    for (const c of git(clone, 'rev-list', `${base}..HEAD`).split('\n')) {
      const module = git(clone, 'log', '-1', '--format=%s', c).split(': ').at(-1) as string;
      const added = git(clone, 'show', '--format=', c).split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
      expect(added.every((l) => l.includes(`ansible.builtin.${module}`)), module).toBe(true);
    }
    expect(headTree(clone)).toBe(fqcnApplied());
  });

  it('role: one commit per role, files outside roles last', () => {
    const repo = gitRepo();
    const dir = path.join(path.dirname(repo), 'series');
    const r = ansimod(['patch', '--repo', repo, '--recipe', 'fqcn', '--split-by', 'role', '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    const clone = cloneOf(repo);
    const base = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'am', '-q', ...readdirSync(dir).sort().map((f) => path.join(dir, f)));
    const subjects = git(clone, 'log', '--reverse', '--format=%s', `${base}..HEAD`).split('\n');
    expect(subjects.at(-1)).toMatch(/: playbooks and files outside roles$/);
    expect(subjects).toContain('Fully qualified names for builtin modules: fqcn_web');
    expect(headTree(clone)).toBe(fqcnApplied());
  });

  it('the PR text says how many keys changed in how many files', () => {
    const repo = gitRepo();
    const pr = path.join(path.dirname(repo), 'pr.md');
    const { edits, files } = plannedModules(repo);
    const r = ansimod(['patch', '--repo', repo, '--recipe', 'fqcn', '-o', path.join(path.dirname(repo), 'x.patch'), '--pr', pr]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(pr, 'utf8')).toContain(`${edits} edit(s) in ${files} file(s) (`);
  });

  it('refuses an unknown split', () => {
    const r = ansimod(['patch', '--repo', gitRepo(), '--recipe', 'fqcn', '--split-by', 'colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--split-by expects stage, topic or role, got "colour"');
  });
});
