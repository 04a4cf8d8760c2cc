/**
 * The built `ansimod` binary, run as users run it: `roundtrip` on a temporary repository,
 * its JSON and human output, and its exit codes. Needs `npm run build` (the root `npm test`
 * builds first in `pretest`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repoRoot, 'packages/cli/dist/bin.js');

function ansimod(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let repo: string;
beforeAll(async () => {
  expect(existsSync(bin), `${bin} missing: run \`npm run build\` first`).toBe(true);
  repo = await mkdtemp(path.join(tmpdir(), 'ansimod-cli-'));
  const files: Record<string, string | Buffer> = {
    'playbooks/site.yml': '---\n- hosts: all\r\n  tasks: []\n',
    'roles/r/templates/a.json': '{"a": "{{ b }}"}',
    'roles/r/templates/prod.ini': '[app]\nurl = https://{{ host }}/\n',
    'notes.txt': 'caf\u00e9\n',
    'files/blob.bin': Buffer.from([0, 1, 2, 3]),
  };
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(repo, rel)), { recursive: true });
    await writeFile(path.join(repo, rel), content);
  }
  await symlink('/etc/hostname', path.join(repo, 'escape'));
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('ansimod roundtrip', () => {
  it('--json prints exactly one JSON object and exits 0 when every file is identical', () => {
    const r = ansimod(['roundtrip', '--repo', repo, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      total: 4,
      identical: 4,
      different: [],
      nonUtf8: [],
      skipped: [
        { path: 'escape', reason: 'symlink to outside the repository' },
        { path: 'files/blob.bin', reason: 'binary file (NUL byte)' },
      ],
    });
    expect(Object.keys(report.byFormat)).toEqual(['yaml', 'ini', 'json', 'conf', 'text']);
    expect(report.byFormat.json.files + report.byFormat.yaml.files + report.byFormat.ini.files + report.byFormat.text.files).toBe(4);
  });

  it('accepts global flags before the command', () => {
    const r = ansimod(['--repo', repo, '--json', 'roundtrip']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).total).toBe(4);
  });

  it('prints a human summary by format with the skipped files counted by reason; --verbose lists them', () => {
    const summary = ansimod(['roundtrip', '--repo', repo]);
    expect(summary.stdout).toContain('\nskipped (2): 1 binary file (NUL byte), 1 symlink to outside the repository (--verbose lists them)\n');
    const r = ansimod(['roundtrip', '--repo', repo, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^format\s+files\s+structured\s+identical\n/);
    expect(r.stdout).toMatch(/\ntotal\s+4\s+\d+\s+4\n/);
    expect(r.stdout).toContain('skipped (2):\n  escape: symlink to outside the repository\n  files/blob.bin: binary file (NUL byte)\n');
    expect(r.stdout).toContain('all 4 files read print back byte for byte');
    expect(r.stderr).toBe(''); // no progress line when stderr is not a terminal
  });

  it('--quiet prints nothing on success', () => {
    const r = ansimod(['roundtrip', '--repo', repo, '--quiet']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a missing repository is an input error: exit 3, one line, no stack trace', () => {
    const r = ansimod(['roundtrip', '--repo', path.join(repo, 'nope')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ansimod: repository not found: .*nope \(ENOENT\)\n$/);
  });

  it('usage errors exit 2 with a one-line hint and no stack trace', () => {
    for (const args of [['roundtrip', '--frobnicate'], ['frobnicate'], ['roundtrip', '--repo']]) {
      const r = ansimod(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^ansimod: .*\(see 'ansimod( roundtrip)? --help'\)\n$/);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });

  it('--help and --version exit 0', () => {
    const help = ansimod(['roundtrip', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ansimod roundtrip \[--repo DIR\] \[--json\]/);
    const version = ansimod(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
