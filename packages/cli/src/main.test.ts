import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnsimodError } from '@ansimod/core';
import { splitCommand, parseCommandArgs } from './args.js';
import { ExitCode, UsageError, type Command } from './command.js';
import { commands } from './commands.js';
import { main, type MainIO } from './main.js';
import { colors, progressLine, useColor } from './output.js';

function capture(env: NodeJS.ProcessEnv = {}): MainIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    cwd: '/',
    out: () => out,
    err: () => err,
  };
}

describe('main', () => {
  it('prints top-level help listing every command, with exit codes', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(ExitCode.Done);
    for (const c of commands) expect(io.out()).toContain(`  ${c.name}`);
    expect(io.out()).toContain('--repo DIR');
    expect(io.out()).toContain('4  internal error');
    expect(io.err()).toBe('');
  });

  it('prints help to stderr and exits 2 with no command', async () => {
    const io = capture();
    expect(await main([], io)).toBe(ExitCode.Usage);
    expect(io.err()).toContain('Usage: ansimod <command>');
    expect(io.out()).toBe('');
  });

  it('prints the version', async () => {
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('prints per-command help with -h, --help and `help <command>`', async () => {
    for (const argv of [['roundtrip', '-h'], ['roundtrip', '--help'], ['help', 'roundtrip'], ['--repo', 'x', 'roundtrip', '--help']]) {
      const io = capture();
      expect(await main(argv, io)).toBe(0);
      expect(io.out()).toMatch(/^Usage: ansimod roundtrip/);
    }
  });

  it('rejects unknown commands and flags with one line, exit 2 and no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /^ansimod: unknown command 'frobnicate' \(see 'ansimod --help'\)\n$/],
      [['roundtip'], /^ansimod: unknown command 'roundtip' \(did you mean 'roundtrip'\?\) \(see 'ansimod --help'\)\n$/],
      [['roundtrip', '--nope'], /^ansimod: unknown option '--nope' \(see 'ansimod roundtrip --help'\)\n$/],
      [['roundtrip', '--repo'], /^ansimod: --repo needs a value \(see 'ansimod roundtrip --help'\)\n$/],
      [['roundtrip', 'extra'], /^ansimod: unexpected argument 'extra' \(see 'ansimod roundtrip --help'\)\n$/],
      [['--bogus'], /^ansimod: unknown option '--bogus' \(see 'ansimod --help'\)\n$/],
    ];
    for (const [argv, expected] of cases) {
      const io = capture();
      expect(await main(argv, io), argv.join(' ')).toBe(ExitCode.Usage);
      expect(io.err()).toMatch(expected);
      expect(io.out()).toBe('');
    }
  });

  it('reports a missing repository as an input error (exit 3) on one line', async () => {
    const io = capture();
    expect(await main(['roundtrip', '--repo', '/nonexistent/ansimod-test'], io)).toBe(ExitCode.Input);
    expect(io.err()).toMatch(/^ansimod: repository not found: \/nonexistent\/ansimod-test \(ENOENT\)\n$/);
  });
});

describe('error mapping', () => {
  // Errors are mapped by main for any command; a command table with one that throws shows it.
  async function runThrowing(error: unknown, extra: string[] = []): Promise<{ code: number; err: string }> {
    const thrower: Command = {
      name: 'boom',
      summary: '',
      usage: '',
      options: {},
      run: async () => {
        throw error;
      },
    };
    const io = { ...capture(), commands: [thrower] };
    const code = await main(['boom', ...extra], io);
    return { code, err: io.err() };
  }

  it('AnsimodError → exit 3, `ansimod: path:line:col: message`, stack only with --debug', async () => {
    const e = new AnsimodError({ code: 'PARSE_ERROR', message: 'unexpected }', path: 'a.json', line: 1, column: 7 });
    expect(await runThrowing(e)).toEqual({ code: 3, err: 'ansimod: a.json:1:7: unexpected }\n' });
    const debug = await runThrowing(e, ['--debug']);
    expect(debug.code).toBe(3);
    expect(debug.err).toContain('ansimod: a.json:1:7: unexpected }\n');
    expect(debug.err).toContain('    at ');
  });

  it('AnsimodError USAGE and UsageError → exit 2', async () => {
    expect((await runThrowing(new AnsimodError({ code: 'USAGE', message: 'no recipe' }))).code).toBe(2);
    expect(await runThrowing(new UsageError('--recipe needs a file', 'boom'))).toEqual({
      code: 2,
      err: "ansimod: --recipe needs a file (see 'ansimod boom --help')\n",
    });
  });

  it('anything else → exit 4 with a hint, stack only with --debug', async () => {
    const plain = await runThrowing(new TypeError('x is undefined'));
    expect(plain.code).toBe(4);
    expect(plain.err).toBe('ansimod: internal error: x is undefined\n(run again with --debug for the stack trace, and please report it)\n');
    expect(plain.err).not.toContain('    at ');
    expect((await runThrowing(new TypeError('x'), ['--debug'])).err).toContain('    at ');
  });
});

describe('argument parsing', () => {
  it('finds the command word among global flags', () => {
    expect(splitCommand(['--repo', 'dir', '--json', 'roundtrip', '-q'])).toEqual({ command: 'roundtrip', rest: ['--repo', 'dir', '--json', '-q'] });
    expect(splitCommand(['--repo=dir', 'plan', 'x'])).toEqual({ command: 'plan', rest: ['--repo=dir', 'x'] });
    expect(splitCommand(['--json'])).toEqual({ command: undefined, rest: ['--json'] });
  });

  it('parses global and command options together, and enforces positional counts', () => {
    const cmd = { name: 'plan', options: { recipe: { type: 'string' as const, description: 'r' } }, positionals: { min: 1, max: 2 } };
    expect(parseCommandArgs(cmd, ['--recipe', 'r.yml', 'a', '--json'])).toEqual({
      values: { recipe: 'r.yml', json: true },
      positionals: ['a'],
    });
    expect(() => parseCommandArgs(cmd, [])).toThrow(UsageError);
    expect(() => parseCommandArgs(cmd, ['a', 'b', 'c'])).toThrow("unexpected argument 'c'");
  });
});

describe('output', () => {
  it('colours only on a TTY and never with NO_COLOR', () => {
    expect(useColor({ write: () => 0, isTTY: true }, {})).toBe(true);
    expect(useColor({ write: () => 0, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ write: () => 0, isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ write: () => 0 }, {})).toBe(false);
    expect(useColor({ write: () => 0 }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colors(false).red('x')).toBe('x');
    expect(colors(true).red('x')).toBe('\x1b[31mx\x1b[39m');
  });

  it('draws progress in place on a TTY and nothing when piped or quiet', () => {
    let tty = '';
    const p = progressLine({ write: (s: string) => (tty += s), isTTY: true }, true, 0);
    p.update('scanning 1 files…');
    p.done();
    expect(tty).toBe('\rscanning 1 files…\x1b[K\r\x1b[K');
    let piped = '';
    progressLine({ write: (s: string) => (piped += s) }, true).update('scanning');
    progressLine({ write: (s: string) => (piped += s), isTTY: true }, false).update('scanning');
    expect(piped).toBe('');
  });

  it('shows a phase only once it has lasted the delay, by a timer when no update comes; { now } at once', async () => {
    let tty = '';
    const stream = { write: (s: string) => (tty += s), isTTY: true };
    const short = progressLine(stream, true, 60_000);
    short.update('scanning…');
    short.update('scanning 3/9 files…');
    short.done();
    expect(tty).toBe('');
    const long = progressLine(stream, true, 30);
    long.update('auditing…');
    await new Promise((r) => setTimeout(r, 80));
    expect(tty).toBe('\rauditing…\x1b[K');
    long.done();
    tty = '';
    const blocking = progressLine(stream, true, 60_000);
    blocking.update('type-checking t.ts…', { now: true });
    blocking.done();
    expect(tty).toBe('\rtype-checking t.ts…\x1b[K\r\x1b[K');
  });

  it('under --json a fatal error is one JSON object on stdout, also when stdout itself fails (exit 4)', async () => {
    const io = capture();
    expect(await main(['plan', '--json', '--bogus'], io)).toBe(ExitCode.Usage);
    expect(JSON.parse(io.out())).toEqual({ error: { code: 'USAGE', message: "unknown option '--bogus'", path: null, line: null } });
    let err = '';
    const broken: MainIO = {
      stdout: { write: () => { throw new Error('write EIO'); } },
      stderr: { write: (s: string) => (err += s) },
      env: {},
      cwd: '/',
    };
    expect(await main(['--version'], broken)).toBe(ExitCode.Internal);
    expect(err).toMatch(/^ansimod: cannot write to stdout: write EIO/m);
  });

  // Exit 4 for every command: a bug is anything that is not an input or usage error; a stdout
  // that throws on write stands in for one (the end-to-end tests cover 0, 1, 2 and 3).
  it.each(['plan', 'apply', 'patch', 'check', 'audit', 'roundtrip', 'list'])('%s: an internal error exits 4, with a hint and no stack trace', async (command) => {
    const repo = mkdtempSync(path.join(tmpdir(), 'ansimod-main-'));
    try {
      cpSync(fileURLToPath(new URL('../../../fixtures/ansible', import.meta.url)), repo, { recursive: true });
      let err = '';
      const broken: MainIO = {
        stdout: { write: () => { throw new Error('write EIO'); } },
        stderr: { write: (s: string) => (err += s) },
        env: {},
        cwd: repo,
      };
      const extra = command === 'patch' ? ['--author', 'A <a@example.org>'] : [];
      expect(await main([command, '--repo', repo, '--json', ...extra], broken), err).toBe(ExitCode.Internal);
      expect(err).toMatch(/^ansimod: cannot write to stdout: write EIO/);
      expect(err).not.toMatch(/^\s+at /m);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
