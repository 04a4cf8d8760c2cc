/**
 * Runs git for `ansimod pr`, or, with `--dry-run`, only prints what it would run. Commands that
 * only read run either way; a command that writes returns a placeholder (`<tree 1>`) in a dry
 * run, so the same code path prints exactly the command sequence a real run makes.
 */
import { spawnSync } from 'node:child_process';
import { AnsimodError } from '@ansimod/core';

/** One git invocation. */
export interface GitCommand {
  args: readonly string[];
  /** Extra environment (e.g. `GIT_INDEX_FILE`), shown in front of the command when printed. */
  env?: Readonly<Record<string, string>>;
  /** Bytes on stdin, described for printing by {@link stdinLabel}. */
  stdin?: Buffer | string;
  stdinLabel?: string;
  /** Reads only: runs in a dry run too. */
  readOnly?: boolean;
  /** What a dry run returns instead of git's output. */
  placeholder?: string;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command as a shell line.
 *
 * @example
 * commandLine({ args: ['write-tree'], env: { GIT_INDEX_FILE: '/tmp/i' } }); // => 'GIT_INDEX_FILE=/tmp/i git write-tree'
 */
export function commandLine(c: Pick<GitCommand, 'args' | 'env' | 'stdinLabel'>): string {
  const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${shellWord(v)}`);
  return [...env, 'git', ...c.args.map(shellWord)].join(' ') + (c.stdinLabel ? ` < ${c.stdinLabel}` : '');
}

/** Runs git in one repository; records every command that writes. */
export class GitRunner {
  /** The commands that write, in order, as shell lines (what `--dry-run` prints). */
  readonly writes: string[] = [];
  constructor(
    readonly cwd: string,
    readonly dryRun: boolean,
    private readonly baseEnv: NodeJS.ProcessEnv = process.env,
  ) {}

  /**
   * Runs `c` and returns its trimmed stdout; a failure is an AnsimodError with git's first line.
   *
   * @example
   * const tree = git.run({ args: ['write-tree'], env: { GIT_INDEX_FILE: index }, placeholder: '<tree>' });
   */
  run(c: GitCommand): string {
    if (!c.readOnly) this.writes.push(commandLine(c));
    if (this.dryRun && !c.readOnly) return c.placeholder ?? '';
    const r = spawnSync('git', [...c.args], {
      cwd: this.cwd,
      env: { ...this.baseEnv, ...c.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
      input: c.stdin,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw new AnsimodError({ code: 'GIT_FAILED', path: this.cwd, message: `cannot run git: ${r.error.message}` });
    if (r.status !== 0) throw new AnsimodError({ code: 'GIT_FAILED', path: this.cwd, message: `git ${c.args[0]} failed: ${gitReason(r.stderr)}` });
    return r.stdout.trim();
  }

  /** Like {@link run}, but undefined instead of an error (for "does this exist" questions). */
  tryRead(args: readonly string[]): string | undefined {
    const r = spawnSync('git', [...args], { cwd: this.cwd, env: { ...this.baseEnv, LC_ALL: 'C' }, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  }
}

/**
 * git's error output as one line: the `fatal:`/`error:`/`remote:` lines that say why, joined.
 *
 * @example
 * gitReason("To ../up\n ! [remote rejected] x -> y (pre-receive hook declined)\nerror: failed to push some refs to '../up'\n");
 * // => "[remote rejected] x -> y (pre-receive hook declined); failed to push some refs to '../up'"
 */
export function gitReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(To |hint:|remote: *$)/.test(l));
  const why = lines.map((l) => l.replace(/^(fatal|error|!)\s*:?\s*/, '')).join('; ');
  return why || 'no message';
}
