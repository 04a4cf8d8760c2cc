/**
 * Failures a user can cause: a target that does not parse (an unclosed `{% if %}`, truncated
 * JSON, a tab-indented line in a nested YAML document) and a target that is a symlink to a file
 * outside the repository. Each must exit 3 with one message naming the file (and line), print no
 * stack trace, write no patch, and leave every file byte-identical — the one outside the
 * repository too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ansimod, expectBuilt, expectNoStackTrace, fileFingerprint, gitRepo, snapshot, type RunResult } from './helpers.js';

beforeAll(expectBuilt);

const BODHI = 'roles/bodhi2/base/templates/production.ini.j2';
const DOCKERCFG = 'files/osbs/dockercfg-production-secret.j2';
const CONFIGMAP = 'roles/openshift-apps/flatpak-indexer/templates/configmap.yml';

/** 1-based number of the first line of `text` matching `re`. */
function lineOf(text: string, re: RegExp): number {
  const i = text.split('\n').findIndex((l) => re.test(l));
  expect(i, `no line matches ${re}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}

interface BrokenInput {
  name: string;
  /** Breaks the copy; returns what the error must show: the file (and line) and a message pattern. */
  breakIt(dir: string): { where: string; message: RegExp; outside?: string };
  /** Set while the failure is known not to be reported (the test then asserts it still fails). */
}

const cases: BrokenInput[] = [
  {
    name: 'an unclosed {% if %} in the Bodhi template',
    breakIt(dir) {
      const file = path.join(dir, BODHI);
      const lines = readFileSync(file, 'utf8').split('\n');
      // Drop the {% endif %} of the block that sets the staging container registries.
      const open = lineOf(lines.join('\n'), /^\{% if .*staging/);
      const end = lines.findIndex((l, i) => i >= open && /^\{% endif %\}/.test(l));
      expect(lines.slice(open, end).join('\n')).toContain('container.destination_registry');
      lines.splice(end, 1);
      writeFileSync(file, lines.join('\n'));
      return { where: `${BODHI}:${open}:`, message: /\{% if %\} is never closed/ };
    },
  },
  {
    name: 'a truncated dockercfg JSON',
    breakIt(dir) {
      writeFileSync(path.join(dir, DOCKERCFG), '{"auths":{"candidate-registry.fedoraproject.org":');
      return { where: `${DOCKERCFG}:1:`, message: /JSON/ };
    },
  },
  {
    name: "a tab-indented line in the indexer ConfigMap's nested config.yaml",
    breakIt(dir) {
      const file = path.join(dir, CONFIGMAP);
      const text = readFileSync(file, 'utf8');
      // After the block scalar's own 4 spaces the line is content of `config.yaml: |-`, so the
      // ConfigMap still parses; the nested YAML document cannot be indented with a tab.
      const line = lineOf(text, /^ {12}public_url: /);
      writeFileSync(file, text.replace(/^ {12}public_url: /m, '    \t        public_url: '));
      return { where: `${CONFIGMAP}:${line}:`, message: /config\.yaml.*tab/i };
    },
  },
  {
    name: 'a tab at the start of a line inside the ConfigMap block scalar',
    breakIt(dir) {
      const file = path.join(dir, CONFIGMAP);
      const text = readFileSync(file, 'utf8');
      // A tab in column 0 ends the block scalar early: the ConfigMap itself no longer parses.
      const line = lineOf(text, /^ {12}public_url: /);
      writeFileSync(file, text.replace(/^ {12}public_url: /m, '\t            public_url: '));
      return { where: `${CONFIGMAP}:${line}:`, message: /cannot be read as YAML/ };
    },
  },
  {
    name: 'a NUL byte in the first 8,000 bytes of the dockercfg (binary at a glance)',
    breakIt(dir) {
      const file = path.join(dir, DOCKERCFG);
      writeFileSync(file, Buffer.concat([Buffer.from('\0'), readFileSync(file)]));
      return { where: `${DOCKERCFG}:`, message: /binary at a glance/ };
    },
  },
  {
    name: 'the dockercfg replaced by a symlink to a file outside the repository',
    breakIt(dir) {
      const outside = path.join(path.dirname(dir), 'outside-dockercfg.j2');
      writeFileSync(outside, readFileSync(path.join(dir, DOCKERCFG)));
      rmSync(path.join(dir, DOCKERCFG));
      symlinkSync(path.relative(path.dirname(path.join(dir, DOCKERCFG)), outside), path.join(dir, DOCKERCFG));
      return { where: `${DOCKERCFG}:`, message: /is a symlink to \.\.\/\.\.\/\.\.\/outside-dockercfg\.j2, outside the repository: not read/, outside };
    },
  },
  {
    name: 'the Bodhi role directory replaced by a symlink to a directory outside the repository',
    breakIt(dir) {
      const outsideRole = path.join(path.dirname(dir), 'outside-bodhi2');
      renameSync(path.join(dir, 'roles/bodhi2'), outsideRole);
      symlinkSync(outsideRole, path.join(dir, 'roles/bodhi2'));
      // Nothing behind the link is read: the link itself is named, with where it points.
      return { where: 'roles/bodhi2:', message: /is a symlink to \/.*\/outside-bodhi2, outside the repository: not read \(a directory: it may hold a target\)/, outside: path.join(outsideRole, 'base/templates/production.ini.j2') };
    },
  },
];

function caseNamed(prefix: string): BrokenInput {
  const c = cases.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no case named ${prefix}…`);
  return c;
}

/** The broken repository, committed, with what the error must say and fingerprints to compare. */
function brokenRepo(c: BrokenInput) {
  let expected: ReturnType<BrokenInput['breakIt']> | undefined;
  const repo = gitRepo({ prepare: (d) => (expected = c.breakIt(d)) });
  const want = expected as ReturnType<BrokenInput['breakIt']>;
  return { repo, want, tree: snapshot(repo), outside: want.outside ? fileFingerprint(want.outside) : undefined };
}

function expectReported(r: RunResult, want: { where: string; message: RegExp }): void {
  expect(r.code, r.stdout + r.stderr).toBe(3);
  const named = r.stderr.split('\n').filter((l) => l.includes(want.where));
  expect(named, `stderr names ${want.where}:\n${r.stderr}`).not.toEqual([]);
  expect(named.some((l) => want.message.test(l)), `a line naming ${want.where} matches ${want.message}:\n${r.stderr}`).toBe(true);
  expectNoStackTrace(r);
}

describe.each(cases)('$name', (c) => {
  it('apply, patch and check exit 3 naming the file and line, write nothing and show no stack trace', () => {
    const { repo, want, tree, outside } = brokenRepo(c);
    const mail = path.join(path.dirname(repo), 'x.patch');

    const apply = ansimod(['apply', '--repo', repo]);
    expectReported(apply, want);
    expect(apply.stdout).toBe('');

    const patch = ansimod(['patch', '--repo', repo, '-o', mail, '--pr', `${mail}.md`]);
    expectReported(patch, want);
    expect(existsSync(mail) || existsSync(`${mail}.md`)).toBe(false);

    expectReported(ansimod(['check', '--repo', repo]), want);
    const plan = ansimod(['plan', '--repo', repo, '--json']);
    expect(plan.code).toBe(3);
    const errors = (JSON.parse(plan.stdout) as { errors: Array<{ path?: string; line?: number }> }).errors;
    expect(errors.map((e) => `${e.path}:${e.line === undefined ? '' : `${e.line}:`}`)).toContain(want.where);

    expect(snapshot(repo)).toEqual(tree);
    if (want.outside) expect(fileFingerprint(want.outside)).toBe(outside);
  });
});

describe('one clear message per failure', () => {
  it('a symlinked target outside the repository gives exactly one error', () => {
    const { repo } = brokenRepo(caseNamed('the dockercfg replaced by a symlink'));
    const r = ansimod(['apply', '--repo', repo]);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('ansimod: '))).toEqual([
      `ansimod: ${DOCKERCFG}: is a symlink to ../../../outside-dockercfg.j2, outside the repository: not read (a file Ansible reads: it may hold a target)`,
    ]);
  });

  it('an unparsable target gives exactly one error line', () => {
    const { repo } = brokenRepo(caseNamed('a truncated dockercfg JSON'));
    const r = ansimod(['apply', '--repo', repo]);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('ansimod: '))).toHaveLength(1);
  });
});

describe('audit and binary files', () => {
  it('lists a target that is binary at a glance, not a binary file that holds no host', () => {
    const { repo } = brokenRepo(caseNamed('a NUL byte in the first 8,000 bytes'));
    writeFileSync(path.join(repo, 'files/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    const r = ansimod(['audit', '--repo', repo, '--format', 'json']);
    const notRead = (JSON.parse(r.stdout) as { notRead: Array<{ code: string; path: string }> }).notRead;
    expect(notRead.map((d) => `${d.code} ${d.path}`)).toEqual([`BINARY_FILE ${DOCKERCFG}`]);
    expect(r.stderr).toContain(`${DOCKERCFG}: binary at a glance`);
  });
});

describe('patch output paths', () => {
  const bad: Array<[string, (scratch: string, repo: string) => string[], string]> = [
    ['-o into a missing directory', (s) => ['-o', path.join(s, 'missing', 'x.patch')], 'missing/x.patch'],
    ['--split -o onto a file', (s, repo) => ['--split', '-o', path.join(repo, 'ansible.cfg')], 'ansible.cfg'],
    ['--pr into a missing directory (the mail is not written either)', (s) => ['-o', path.join(s, 'x.patch'), '--pr', path.join(s, 'missing', 'pr.md')], 'missing/pr.md'],
  ];

  it.each(bad)('%s exits 3 naming the path, writes nothing, no internal error', (_name, argsFor, named) => {
    const repo = gitRepo();
    const scratch = path.dirname(repo);
    const tree = snapshot(repo);
    const r = ansimod(['patch', '--repo', repo, ...argsFor(scratch, repo)]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^ansimod: \\S*${named.replace('.', '\\.')}: cannot `, 'm'));
    expect(r.stderr).not.toContain('internal error');
    expectNoStackTrace(r);
    expect(existsSync(path.join(scratch, 'x.patch'))).toBe(false);
    expect(snapshot(repo)).toEqual(tree);
  });
});
