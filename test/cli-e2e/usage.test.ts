/**
 * The command line itself: usage errors exit 2 with a one-line message, colour and progress only
 * where they belong (on a terminal; never with NO_COLOR or when piped), and `--json` printing
 * exactly one JSON object on stdout for plan, check and apply.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ansimod, bin, expectBuilt, expectNoStackTrace, gitRepo, snapshot } from './helpers.js';

beforeAll(expectBuilt);

const ANSI = /\x1b\[/;

describe('usage errors exit 2', () => {
  const usageErrors: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['plan', '--bogus'], /unknown option '--bogus'/],
    ['a --map without =', ['plan', '--map', 'registry.fedoraproject.org'], /--map expects FROM=TO/],
    ['a --map with an empty side', ['apply', '--map', 'registry.fedoraproject.org='], /--map expects FROM=TO/],
    ['a --map without its value', ['check', '--map'], /--map/],
    ['an unknown command', ['plann'], /unknown command 'plann' \(did you mean 'plan'\?\)/],
    ['an unexpected argument', ['apply', 'now'], /unexpected argument 'now'/],
    ['an unknown environment', ['apply', '--env', 'qa'], /unknown environment qa \(known: production, staging\)/],
    ['an unknown recipe', ['patch', '--recipe', 'no-such-recipe'], /unknown recipe "no-such-recipe"/],
    ['a malformed --author', ['patch', '--author', 'nobody'], /--author expects "Name <mail>"/],
  ];

  it.each(usageErrors)('%s', (_name, args, message) => {
    const repo = gitRepo();
    const before = snapshot(repo);
    const r = ansimod([...args, '--repo', repo]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^ansimod: .+ \(see 'ansimod( \w+)? --help'\)$/);
    expect(lines[0]).toMatch(message);
    expectNoStackTrace(r);
    expect(snapshot(repo)).toEqual(before);
  });

  it('--help on each command exits 0 and shows its usage', () => {
    for (const command of ['plan', 'apply', 'patch', 'check', 'audit', 'roundtrip', 'list']) {
      const r = ansimod([command, '--help']);
      expect(r.code, `${command}: ${r.stderr}`).toBe(0);
      expect(r.stdout, command).toContain(`ansimod ${command}`);
      expect(r.stdout, command).toContain('--repo');
    }
  });
});

describe('colour and progress', () => {
  it('piped output has no ANSI escapes and no progress line; NO_COLOR wins over FORCE_COLOR', () => {
    const repo = gitRepo();
    const piped = ansimod(['plan', '--repo', repo], { env: { NO_COLOR: undefined, FORCE_COLOR: undefined } });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('\n+');
    expect(piped.stdout + piped.stderr).not.toMatch(ANSI);
    expect(piped.stderr).not.toContain('\r');

    const noColor = ansimod(['plan', '--repo', repo], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(noColor.stdout + noColor.stderr).not.toMatch(ANSI);
    expect(noColor.stdout).toBe(piped.stdout);

    // The control: colour forced onto a pipe does show, so the checks above can fail.
    const forced = ansimod(['plan', '--repo', repo], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI);
  });

  it('an error message has no ANSI escapes with NO_COLOR', () => {
    const r = ansimod(['plan', '--bogus'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(ANSI);
  });
});

describe('--json prints exactly one JSON object on stdout', () => {
  /** Parses stdout as a single JSON object (JSON.parse rejects a second value or any other text). */
  const one = (stdout: string): Record<string, unknown> => {
    const value: unknown = JSON.parse(stdout);
    expect(value !== null && typeof value === 'object' && !Array.isArray(value)).toBe(true);
    return value as Record<string, unknown>;
  };

  it('plan, check and apply, before and after', () => {
    const repo = gitRepo();
    const plan = ansimod(['plan', '--repo', repo, '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const planned = one(plan.stdout);
    expect(planned['recipe']).toBe('flatpaks-to-quay');
    const paths = (planned['changes'] as Array<{ path: string; diff: string }>).map((c) => c.path);
    expect(paths.length).toBeGreaterThan(0);

    const check = ansimod(['check', '--repo', repo, '--json']);
    expect(check.code).toBe(1);
    expect((one(check.stdout)['changes'] as unknown[]).length).toBe(paths.length);

    const apply = ansimod(['apply', '--repo', repo, '--json']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(one(apply.stdout)['written']).toEqual(paths);
    expect(apply.stderr).toBe('');

    const after = ansimod(['check', '--repo', repo, '--json']);
    expect(after.code).toBe(0);
    expect(one(after.stdout)['changes']).toEqual([]);
    for (const r of [plan, check, after]) expect(r.stdout + r.stderr).not.toMatch(ANSI);
  });
});

describe('patch --json', () => {
  it('prints one JSON object naming the files written and each commit, with the mail when there is no -o', () => {
    const repo = gitRepo();
    const dir = path.join(path.dirname(repo), 'series');
    const split = ansimod(['patch', '--repo', repo, '--json', '--split', '-o', dir]);
    expect(split.code, split.stderr).toBe(0);
    expect(split.stderr).toBe('');
    const written = JSON.parse(split.stdout) as { written: string[]; commits: Array<{ subject: string; files: string[] }> };
    expect(written.written).toEqual(readdirSync(dir).sort().map((f) => path.join(dir, f)));
    expect(written.commits).toHaveLength(written.written.length);

    const toStdout = ansimod(['patch', '--repo', repo, '--json']);
    const one = JSON.parse(toStdout.stdout) as { written: string[]; commits: Array<{ files: string[] }>; mail: string };
    expect(one.written).toEqual([]);
    expect(one.commits).toHaveLength(1);
    expect(one.mail).toMatch(/^From [0-9a-f]{40} /);
    expect(one.commits[0]?.files.sort()).toEqual(written.commits.flatMap((c) => c.files).sort());
  });
});

describe('on a terminal', () => {
  /** Runs the CLI under a pseudo-terminal (util-linux `script`); stdout and stderr both reach the terminal. */
  const onTty = (args: string[], env: NodeJS.ProcessEnv, hideStdout = false): string => {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, bin, ...args].map(quote).join(' ') + (hideStdout ? ' >/dev/null' : '');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.error, 'util-linux `script` is needed to give the CLI a terminal').toBeUndefined();
    expect(r.status, r.stdout).toBe(0);
    return r.stdout;
  };
  const SGR = /\x1b\[[0-9;]*m/;

  it('shows a progress line on stderr and clears it; colours the diff; NO_COLOR and --quiet are respected', () => {
    const repo = gitRepo();
    const stderr = onTty(['plan', '--repo', repo], { NO_COLOR: '', FORCE_COLOR: '', ANSIMOD_PROGRESS_AFTER_MS: '0' }, true);
    expect(stderr).toMatch(/^\rscanning[^\r]*\x1b\[K/);
    // Warnings ("unverifiable in …") may come between the cleared progress line and the summary.
    expect(stderr).toMatch(/\r\x1b\[K(?:[^\n]*warning:[^\n]*\n)*flatpaks-to-quay: would change \d+ files/);

    expect(onTty(['plan', '--repo', repo], { NO_COLOR: '', FORCE_COLOR: '' })).toMatch(SGR);
    expect(onTty(['plan', '--repo', repo], { NO_COLOR: '1', FORCE_COLOR: '' })).not.toMatch(SGR);
    expect(onTty(['plan', '--repo', repo, '--quiet'], { NO_COLOR: '1', FORCE_COLOR: '' }, true)).toBe('');
  });
});
