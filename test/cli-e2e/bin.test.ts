/**
 * The `ansimod` command as a user meets it after `npm ci`: npm links `node_modules/.bin/ansimod`
 * to the tracked script packages/cli/bin/ansimod.js (npm links a bin only when its target exists
 * at install time, and dist/ is built only afterwards), `npx ansimod` finds it without asking a
 * registry, and without a build the script says to run `npm run build` instead of failing with
 * a stack trace. (test/integration/fresh-clone.test.ts does the whole clone → npm ci → build.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { expectBuilt, expectNoStackTrace, repoRoot, tempDir } from './helpers.js';

beforeAll(expectBuilt);

const script = path.join(repoRoot, 'packages/cli/bin/ansimod.js');
const cliPackage = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };

describe('the ansimod bin', () => {
  it('is a tracked, executable script that package.json names and ships', () => {
    expect(path.resolve(repoRoot, 'packages/cli', cliPackage.bin['ansimod'] ?? '')).toBe(script);
    expect(cliPackage.files).toContain('bin');
    const entry = execFileSync('git', ['ls-files', '-s', 'packages/cli/bin/ansimod.js'], { cwd: repoRoot, encoding: 'utf8' });
    expect(entry).toMatch(/^100755 [0-9a-f]{40} 0\tpackages\/cli\/bin\/ansimod\.js\n$/);
    expect(readFileSync(script, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('npm ci linked node_modules/.bin/ansimod to it, and it runs as a command', () => {
    const link = path.join(repoRoot, 'node_modules/.bin/ansimod');
    expect(realpathSync(link)).toBe(realpathSync(script));
    const r = spawnSync(link, ['--help'], { cwd: tempDir(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ansimod \d+\.\d+\.\d+ — /);
    expect(r.stdout).toContain('Usage: ansimod <command> [options]');
  });

  it('npx ansimod runs it offline, from any folder of the repository', () => {
    const r = spawnSync('npx', ['--offline', '--no-install', 'ansimod', '--version'], { cwd: path.join(repoRoot, 'fixtures/ansible'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')).version);
  });

  it('without a build, says to run npm run build and exits 4, without a stack trace', () => {
    const pkg = path.join(tempDir(), 'cli');
    mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    copyFileSync(script, path.join(pkg, 'bin/ansimod.js'));
    const r = spawnSync(process.execPath, [path.join(pkg, 'bin/ansimod.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path.join(pkg, 'dist/bin.js')} is missing`);
    expect(r.stderr).toContain('Run `npm run build`');
    expectNoStackTrace({ code: r.status, stdout: r.stdout, stderr: r.stderr });
  });
});
