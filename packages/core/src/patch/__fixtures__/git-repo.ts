/**
 * Test-only helper: a throwaway git repository in the temp directory, with git isolated from
 * the user's and the system's configuration so its output is the stock git output.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const gitEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
  TZ: 'UTC',
};

export interface TempRepo {
  root: string;
  git(args: string[], input?: string | Uint8Array, extraEnv?: NodeJS.ProcessEnv): string;
  gitBytes(args: string[]): Buffer;
  write(path: string, bytes: string | Uint8Array, mode?: number): void;
  read(path: string): Buffer;
  remove(path: string): void;
  /** Commits everything with a fixed author/committer date (`@seconds +zone`). */
  commitAll(message: string, date?: string): void;
  dispose(): void;
}

export function makeTempRepo(): TempRepo {
  // The repository is a folder of its own temporary folder: what tests write beside it
  // (`join(root, '..', 'x.patch')`) goes when the repository is disposed of.
  const base = mkdtempSync(join(tmpdir(), 'ansimod-patch-'));
  const root = join(base, 'repo');
  mkdirSync(root);
  const git = (args: string[], input?: string | Uint8Array, extraEnv: NodeJS.ProcessEnv = {}): string =>
    execFileSync('git', args, { cwd: root, env: { ...gitEnv, ...extraEnv }, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  const gitBytes = (args: string[]): Buffer => execFileSync('git', args, { cwd: root, env: gitEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Test Author']);
  git(['config', 'user.email', 'author@example.org']);
  git(['config', 'core.autocrlf', 'false']);
  git(['config', 'commit.gpgsign', 'false']);
  return {
    root,
    git,
    gitBytes,
    write(path, bytes, mode) {
      const abs = join(root, path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, bytes);
      if (mode !== undefined) chmodSync(abs, mode);
    },
    read: (path) => readFileSync(join(root, path)),
    remove: (path) => unlinkSync(join(root, path)),
    commitAll(message, date = '@1714567890 +0200') {
      git(['add', '-A']);
      git(['commit', '-q', '-m', message], undefined, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    },
    dispose: () => rmSync(base, { recursive: true, force: true }),
  };
}
