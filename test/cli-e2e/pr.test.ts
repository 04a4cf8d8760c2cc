/**
 * `ansimod pr` against real git: a local bare repository that advertises push options, with a
 * pre-receive hook that records the options and refs of every push (what a Forgejo server
 * receives), and for pagure a bare "fork" plus a local HTTP server standing in for pagure's API
 * that checks the documented fields and the auth header.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ansimod, bin, cloneOf, expectBuilt, fixtureDir, git, gitRepo, recipeFacts, repoRoot, snapshot, tempDir, workingTree, type RunResult } from './helpers.js';

/** A bare repository like a forge's: push options advertised, each push's options and refs logged. */
function forgeRepository(): { dir: string; log: string; reject: string } {
  const dir = path.join(tempDir('ansimod-forge-'), 'up.git');
  git(path.dirname(dir), 'init', '-q', '--bare', dir);
  git(dir, 'config', 'receive.advertisePushOptions', 'true');
  const log = path.join(path.dirname(dir), 'pushes.log');
  const reject = path.join(path.dirname(dir), 'reject');
  writeFileSync(
    path.join(dir, 'hooks/pre-receive'),
    [
      '#!/bin/sh',
      `if [ -e '${reject}' ]; then echo "the forge says no" >&2; exit 1; fi`,
      'while read old new ref; do echo "ref $ref $new"; done >> ' + `'${log}'`,
      'i=0',
      'while [ "$i" -lt "${GIT_PUSH_OPTION_COUNT:-0}" ]; do',
      '  eval "value=\\$GIT_PUSH_OPTION_$i"',
      `  printf 'option %s\\n' "$value" >> '${log}'`,
      '  i=$((i + 1))',
      'done',
      '',
    ].join('\n'),
  );
  chmodSync(path.join(dir, 'hooks/pre-receive'), 0o755);
  return { dir, log, reject };
}

/** The fixture, committed, with `origin` a forge repository that already has its main branch. */
function repoWithForge(): { repo: string; forge: ReturnType<typeof forgeRepository> } {
  const repo = gitRepo({ from: fixtureDir });
  const forge = forgeRepository();
  git(repo, 'remote', 'add', 'origin', forge.dir);
  git(repo, 'push', '-q', 'origin', 'main');
  rmSync(forge.log, { force: true });
  return { repo, forge };
}

/** The tree `ansimod apply` gives for this repository (in a clone). */
function appliedTree(repo: string): string {
  const clone = cloneOf(repo);
  expect(ansimod(['apply', '--repo', clone, '--quiet']).code).toBe(0);
  return workingTree(clone);
}

/** What git shows of the user's state: HEAD, current branch, status (index and working tree). */
function userState(repo: string): string {
  return [git(repo, 'rev-parse', 'HEAD'), git(repo, 'symbolic-ref', 'HEAD'), git(repo, 'status', '--porcelain=v1', '--untracked-files=all'), git(repo, 'ls-files', '-s')].join('\n');
}

function pushOptions(log: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const m = /^option ([^=]+)=(.*)$/.exec(line);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

function decode(value: string): string {
  expect(value.startsWith('{base64}')).toBe(true);
  return Buffer.from(value.slice('{base64}'.length), 'base64').toString('utf8');
}

const BRANCH = 'ansimod/flatpaks-to-quay';

describe('ansimod pr --forge forgejo', () => {
  expectBuilt();

  it('commits on a new branch without touching the working tree or index, and pushes with the AGit options', () => {
    const { repo, forge } = repoWithForge();
    const files = snapshot(repo);
    const state = userState(repo);
    const r = ansimod(['pr', '--repo', repo, '--forge', 'forgejo']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`created branch ${BRANCH}: 1 commit`);
    expect(snapshot(repo)).toEqual(files);
    expect(userState(repo)).toBe(state);

    const tip = git(repo, 'rev-parse', BRANCH);
    expect(git(repo, 'rev-parse', `${BRANCH}^`)).toBe(git(repo, 'rev-parse', 'main'));
    expect(git(repo, 'rev-parse', `${BRANCH}^{tree}`)).toBe(appliedTree(repo));
    expect(git(repo, 'log', '-1', '--format=%s%n%an <%ae>', BRANCH)).toBe(`${recipeFacts().displayName}\nAda Tester <ada@example.org>`);

    const log = readFileSync(forge.log, 'utf8');
    expect(log).toContain(`ref refs/for/main ${tip}`);
    const options = pushOptions(forge.log);
    expect(options['topic']).toBe('ansimod-flatpaks-to-quay');
    expect(options['title']).toBe(recipeFacts().displayName);
    const description = decode(options['description'] as string);
    expect(description.startsWith(`# ${recipeFacts().displayName}\n`)).toBe(true);
    expect(description).toContain('## What changes, per stage');
  });

  it('--split: one commit per stage with changes, ending at the same tree', () => {
    const { repo } = repoWithForge();
    const r = ansimod(['pr', '--repo', repo, '--forge', 'forgejo', '--split', '--signoff']);
    expect(r.code).toBe(0);
    const subjects = git(repo, 'log', '--reverse', '--format=%s', `main..${BRANCH}`).split('\n');
    const plan = JSON.parse(ansimod(['plan', '--repo', repo, '--json']).stdout) as { stages: Array<{ stage: string; paths: string[] }> };
    expect(subjects).toEqual(plan.stages.filter((s) => s.paths.length).map((s) => `${s.stage}: ${recipeFacts().displayName}`));
    expect(git(repo, 'rev-parse', `${BRANCH}^{tree}`)).toBe(appliedTree(repo));
    expect(git(repo, 'log', '-1', '--format=%b', BRANCH)).toContain('Signed-off-by: Ada Tester <ada@example.org>');
  });

  it('--dry-run prints the commands, and writes and pushes nothing', () => {
    const { repo, forge } = repoWithForge();
    const refs = git(repo, 'for-each-ref');
    const objects = git(repo, 'count-objects', '-v');
    const r = ansimod(['pr', '--repo', repo, '--forge', 'forgejo', '--dry-run']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^# ansimod pr --dry-run/);
    // One blob per file the plan changes.
    const planned = JSON.parse(ansimod(['plan', '--repo', repo, '--json']).stdout) as { changes: unknown[] };
    expect(lines.filter((l) => /^git hash-object -w --stdin < /.test(l))).toHaveLength(planned.changes.length);
    expect(lines.some((l) => /^GIT_INDEX_FILE=\S+ git read-tree [0-9a-f]{40}$/.test(l))).toBe(true);
    expect(lines.some((l) => /^GIT_INDEX_FILE=\S+ git update-index --add --cacheinfo 100644,[0-9a-f]{40},roles\/koji_builder\/tasks\/main\.yml$/.test(l))).toBe(true);
    expect(lines.some((l) => /git commit-tree '<tree 1>' -p [0-9a-f]{40} -F - < '?<message of commit 1>'?$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith(`git update-ref -m 'ansimod pr' refs/heads/${BRANCH} '<commit 1>' 0000`))).toBe(true);
    const push = lines.find((l) => l.startsWith('git push origin '));
    expect(push).toMatch(new RegExp(`^git push origin refs/heads/${BRANCH}:refs/for/main -o topic=ansimod-flatpaks-to-quay -o 'title=.+' -o 'description=\\{base64\\}[A-Za-z0-9+/=]+'$`));
    expect(git(repo, 'for-each-ref')).toBe(refs);
    expect(git(repo, 'count-objects', '-v')).toBe(objects);
    expect(existsSync(forge.log)).toBe(false);
  });

  it('a refused push is one line, keeps the branch, and the same command retries', () => {
    const { repo, forge } = repoWithForge();
    writeFileSync(forge.reject, '');
    const r = ansimod(['pr', '--repo', repo, '--forge', 'forgejo']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^ansimod: .*git push failed: .*the forge says no.*the branch ansimod\/flatpaks-to-quay is kept: run the same command again to retry/);
    const tip = git(repo, 'rev-parse', BRANCH);
    rmSync(forge.reject);
    const again = ansimod(['pr', '--repo', repo, '--forge', 'forgejo']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`kept branch ${BRANCH}`);
    expect(git(repo, 'rev-parse', BRANCH)).toBe(tip);
    expect(readFileSync(forge.log, 'utf8')).toContain(`ref refs/for/main ${tip}`);
  });
});

/** Runs the CLI without blocking this process (the fake pagure server answers meanwhile). */
function ansimodAsync(args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Received {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  fields: Record<string, string>;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A stand-in for pagure's API: records each request and answers with `status` and `body`. */
async function fakePagure(status: number, body: unknown): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (d: Buffer) => (data += d.toString()));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        authorization: req.headers['authorization'],
        contentType: req.headers['content-type'],
        fields: Object.fromEntries(new URLSearchParams(data)),
      });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, received };
}

function repoWithFork(): { repo: string; fork: ReturnType<typeof forgeRepository> } {
  const repo = gitRepo({ from: fixtureDir });
  const fork = forgeRepository();
  git(repo, 'remote', 'add', 'fork', fork.dir);
  return { repo, fork };
}

const TOKEN = 'pagure-token-7f3a9c';

describe('ansimod pr --forge pagure', () => {
  expectBuilt();

  it('pushes the branch to the fork and posts the documented fields with the token in the auth header only', async () => {
    const { repo, fork } = repoWithFork();
    const pagure = await fakePagure(200, { id: 42, project: { url_path: 'fedora-infra/ansible' } });
    const r = await ansimodAsync(['pr', '--repo', repo, '--forge', 'pagure', '--pagure-url', pagure.url, '--pagure-repo', 'fedora-infra/ansible', '--fork-user', 'ada'], { PAGURE_TOKEN: TOKEN });
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.stdout).not.toContain(TOKEN);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`opened ${pagure.url}/fedora-infra/ansible/pull-request/42 from ada's fork (${BRANCH} → main)`);
    expect(git(fork.dir, 'rev-parse', BRANCH)).toBe(git(repo, 'rev-parse', BRANCH));
    expect(pagure.received).toHaveLength(1);
    const [req] = pagure.received;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/api/0/fedora-infra/ansible/pull-request/new');
    expect(req?.authorization).toBe(`token ${TOKEN}`);
    expect(req?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(req?.fields ?? {}).sort()).toEqual(['branch_from', 'branch_to', 'initial_comment', 'repo_from', 'repo_from_namespace', 'repo_from_username', 'title']);
    expect(req?.fields).toMatchObject({ title: recipeFacts().displayName, branch_from: BRANCH, branch_to: 'main', repo_from: 'ansible', repo_from_namespace: 'fedora-infra', repo_from_username: 'ada' });
    expect(req?.fields['initial_comment']).toContain('## What changes, per stage');
  });

  it('--dry-run prints the push and the request, naming the token variable, not its value', async () => {
    const { repo, fork } = repoWithFork();
    const pagure = await fakePagure(500, {});
    const r = await ansimodAsync(['pr', '--repo', repo, '--forge', 'pagure', '--pagure-url', pagure.url, '--pagure-repo', 'fedora-infra/ansible', '--fork-user', 'ada', '--dry-run'], { PAGURE_TOKEN: TOKEN });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(TOKEN);
    expect(r.stdout).toContain(`git push fork refs/heads/${BRANCH}:refs/heads/${BRANCH}`);
    expect(r.stdout).toContain(`POST ${pagure.url}/api/0/fedora-infra/ansible/pull-request/new\nAuthorization: token $PAGURE_TOKEN\n`);
    expect(r.stdout).toContain(`branch_from="${BRANCH}"`);
    expect(r.stdout).toContain('repo_from_username="ada"');
    expect(pagure.received).toEqual([]);
    expect(git(fork.dir, 'for-each-ref')).toBe('');
    expect(git(repo, 'branch', '--list', BRANCH)).toBe('');
  });

  it("pagure's refusal is one line and keeps the branch; a missing token is said before anything is sent", async () => {
    const { repo } = repoWithFork();
    const pagure = await fakePagure(400, { error: 'Invalid or incomplete input submitted', error_code: 'EINVALIDREQ' });
    const args = ['pr', '--repo', repo, '--forge', 'pagure', '--pagure-url', pagure.url, '--pagure-repo', 'ansible', '--fork-user', 'ada'];
    const refused = await ansimodAsync(args, { PAGURE_TOKEN: TOKEN });
    expect(refused.code).toBe(3);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('pagure refused the pull request (HTTP 400): Invalid or incomplete input submitted');
    expect(refused.stderr).toContain('is kept: run the same command again to retry');
    expect(refused.stderr).not.toContain(TOKEN);
    expect(pagure.received[0]?.fields['repo_from_namespace']).toBeUndefined();
    expect(git(repo, 'branch', '--list', BRANCH)).toContain(BRANCH);

    const noToken = await ansimodAsync(args, { PAGURE_TOKEN: '' });
    expect(noToken.code).toBe(3);
    expect(noToken.stderr).toContain('$PAGURE_TOKEN is not set');
    expect(pagure.received).toHaveLength(1);
  });
});
