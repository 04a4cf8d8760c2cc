/**
 * The hook this repository provides (`.pre-commit-hooks.yaml`), run by pre-commit (Debian's
 * package) on a temporary git repository: it fails while the recipe has changes pending and
 * passes once they are applied. The hook repository is a local git repository holding our
 * manifest, so pre-commit clones from disk and never reaches the network.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ansimod, bin, commitAll, fixtureDir, git, gitInit, gitRepo, repoRoot, tempDir } from '../cli-e2e/helpers.js';
import { requireTool } from './support/tools.js';

/** A git repository with our `.pre-commit-hooks.yaml`, as a team's config would name it; its HEAD. */
function hookRepository(): { dir: string; rev: string } {
  const dir = path.join(tempDir('ansimod-hooks-'), 'ansimod');
  mkdirSync(dir);
  copyFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), path.join(dir, '.pre-commit-hooks.yaml'));
  gitInit(dir);
  commitAll(dir, 'hooks');
  return { dir, rev: git(dir, 'rev-parse', 'HEAD') };
}

/** A folder with an `ansimod` on PATH that runs this build (as `npm install -g` would provide). */
function ansimodOnPath(): string {
  const dir = tempDir('ansimod-path-');
  const shim = path.join(dir, 'ansimod');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

function preCommit(repo: string, home: string, pathDir: string): { code: number | null; out: string } {
  const r = spawnSync(requireTool('pre-commit'), ['run', '--all-files', '--color', 'never'], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${pathDir}:${process.env['PATH'] ?? ''}`, PRE_COMMIT_HOME: home, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('pre-commit runs the ansimod-check hook', () => {
  it('fails while changes are pending and passes after ansimod apply', () => {
    requireTool('git');
    const hooks = hookRepository();
    const repo = gitRepo({ from: fixtureDir });
    writeFileSync(
      path.join(repo, '.pre-commit-config.yaml'),
      ['repos:', `  - repo: ${hooks.dir}`, `    rev: ${hooks.rev}`, '    hooks:', '      - id: ansimod-check', '        args: [--recipe, flatpaks-to-quay]', ''].join('\n'),
    );
    commitAll(repo, 'pre-commit config');
    const home = tempDir('ansimod-pre-commit-home-');
    const pathDir = ansimodOnPath();

    const pending = preCommit(repo, home, pathDir);
    expect(pending.out).toMatch(/ansimod check\.+Failed/);
    expect(pending.out).toContain('pending: roles/koji_builder/tasks/main.yml (Koji)');
    expect(pending.code).toBe(1);

    expect(ansimod(['apply', '--repo', repo, '--quiet']).code).toBe(0);
    commitAll(repo, 'flatpaks to quay.io');
    const clean = preCommit(repo, home, pathDir);
    expect(clean.out).toMatch(/ansimod check\.+Passed/);
    expect(clean.code).toBe(0);
  });
});
