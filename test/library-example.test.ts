/**
 * The README's "Library" example is examples/library-usage.mjs, shown verbatim: this test checks
 * the README block against the file and runs the program, as another program would use the
 * library, on a temporary copy of fixtures/ansible. Needs `npm run build` (it imports the built
 * packages; the root `npm test` builds in `pretest`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examplePath = path.join(repoRoot, 'examples/library-usage.mjs');
const MARKER = '<!-- examples/library-usage.mjs, shown verbatim (test/library-example.test.ts checks and runs it) -->';
const DOCKERCFG = 'files/osbs/dockercfg-production-secret.j2';

/** The fenced block that follows the marker line in the README. */
function readmeBlock(): string | undefined {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf(`${MARKER}\n\`\`\`js\n`);
  if (at < 0) return undefined;
  const start = at + MARKER.length + '\n```js\n'.length;
  const end = readme.indexOf('\n```\n', start - 1);
  return end < 0 ? undefined : readme.slice(start, end + 1);
}

function run(cmd: string, args: string[], cwd = repoRoot) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let work: string;
beforeAll(() => {
  expect(existsSync(path.join(repoRoot, 'packages/core/dist/index.js')), 'run `npm run build` first').toBe(true);
  work = mkdtempSync(path.join(tmpdir(), 'ansimod-library-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README library example', () => {
  it('is examples/library-usage.mjs, verbatim', () => {
    expect(readmeBlock()).toBe(readFileSync(examplePath, 'utf8'));
  });

  it('plans, prints a patch that git applies, and writes the change', () => {
    const repo = path.join(work, 'repo');
    cpSync(path.join(repoRoot, 'fixtures/ansible'), repo, { recursive: true });
    const before = readFileSync(path.join(repo, DOCKERCFG), 'utf8');
    const r = run(process.execPath, [examplePath, repo]);
    expect(r.stderr).toBe(`wrote 1 file(s): ${DOCKERCFG}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Subject: \[PATCH\] Move docker auth entries to the new registry$/m);
    expect(r.stdout).toContain(`-${before.trimEnd()}`);
    const after = readFileSync(path.join(repo, DOCKERCFG), 'utf8');
    expect(after).toBe(before.replace('"candidate-registry.fedoraproject.org"', '"quay.io"'));

    // The printed patch turns a pristine copy into exactly what was written.
    const pristine = path.join(work, 'pristine');
    cpSync(path.join(repoRoot, 'fixtures/ansible'), pristine, { recursive: true });
    writeFileSync(path.join(work, 'change.patch'), r.stdout);
    const applied = run('git', ['apply', path.join(work, 'change.patch')], pristine);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(readFileSync(path.join(pristine, DOCKERCFG), 'utf8')).toBe(after);

    // A second run finds nothing left to do.
    const again = run(process.execPath, [examplePath, repo]);
    expect(again).toEqual({ code: 0, stdout: '', stderr: 'nothing to change\n' });
  });
});
