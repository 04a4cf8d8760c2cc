/**
 * The Quick start as a new user meets it: this repository's tracked files (what a clone gives,
 * at their working-tree content) alone in an empty folder, nothing beside them; `npm ci`
 * (offline, from npm's cache); the CLI is `node_modules/.bin/ansimod` at once and says to build
 * before a build; `npm start` builds and prints the patch; then `node_modules/.bin/ansimod` and
 * `npx ansimod` run. (`.ci/run` itself does this on a real clone and runs `npm test` there.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let parent = '';
let clone = '';

function run(cmd: string, args: readonly string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  // Nothing of this repository's own npm run may leak into the clone's.
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  const r = spawnSync(cmd, args, { cwd: clone, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  parent = mkdtempSync(path.join(tmpdir(), 'ansimod-fresh-'));
  clone = path.join(parent, 'ansimod');
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const rel of tracked) {
    const from = path.join(repoRoot, rel);
    const st = statSync(from, { throwIfNoEntry: false });
    if (!st?.isFile()) continue; // deleted in the working tree, or a submodule
    mkdirSync(path.dirname(path.join(clone, rel)), { recursive: true });
    copyFileSync(from, path.join(clone, rel));
  }
  const ci = run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error']);
  expect(ci.code, ci.stderr).toBe(0);
}, 600_000);
afterAll(() => {
  if (parent) rmSync(parent, { recursive: true, force: true });
});

describe('a fresh clone, alone in its folder', () => {
  it('has nothing beside it', () => {
    expect(readdirSync(parent)).toEqual(['ansimod']);
  });

  it('after npm ci, node_modules/.bin/ansimod exists and, before a build, says to run npm run build', () => {
    const r = run(path.join(clone, 'node_modules/.bin/ansimod'), ['--help']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Run `npm run build`');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('npm start builds and prints the patch; then node_modules/.bin/ansimod and npx ansimod work', { timeout: 600_000 }, () => {
    const start = run('npm', ['start', '--silent']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\nFrom: ansimod example <ansimod@example\.org>\n/);
    expect(start.stdout).toContain('\ndiff --git a/');

    const bin = run(path.join(clone, 'node_modules/.bin/ansimod'), ['--help']);
    expect(bin.code, bin.stderr).toBe(0);
    expect(bin.stdout).toContain('Usage: ansimod <command> [options]');
    const npx = run('npx', ['--offline', 'ansimod', '--help']);
    expect(npx.code, npx.stderr).toBe(0);
    expect(npx.stdout).toBe(bin.stdout);
  });
});
