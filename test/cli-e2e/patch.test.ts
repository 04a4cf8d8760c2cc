/**
 * `ansimod patch` as a contributor uses it for a pull request: the mail `git am` applies as one
 * commit giving exactly the tree `ansimod apply` gives, the `--split` series (one commit per
 * pipeline stage) giving the same tree, `--signoff`, `--pr`, and a repository left untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  IDENTITY,
  ansimod,
  cloneOf,
  expectBuilt,
  git,
  gitRepo,
  headTree,
  once,
  recipeFacts,
  repoRoot,
  snapshot,
  workingTree,
} from './helpers.js';

beforeAll(expectBuilt);

/** The tree `apply` gives on a fresh copy of the fixture repository (the reference result). */
const appliedTree = once((): string => {
  const repo = gitRepo();
  const r = ansimod(['apply', '--repo', repo]);
  expect(r.code, r.stderr).toBe(0);
  return workingTree(repo);
});

/** The plan's files per stage on a fresh copy of the fixture repository, from `plan --json`. */
const fixtureStages = once((): Array<{ stage: string; paths: string[] }> => {
  const r = ansimod(['plan', '--repo', gitRepo(), '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { stages: Array<{ stage: string; paths: string[] }> }).stages.filter((s) => s.paths.length);
});

describe('ansimod patch → git am', () => {
  it('-o FILE: git am applies it as ONE commit giving exactly the tree apply gives; the repository is untouched', () => {
    const repo = gitRepo();
    const scratch = path.dirname(repo);
    const before = snapshot(repo);
    const mail = path.join(scratch, 'x.patch');
    const r = ansimod(['patch', '-o', mail], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(repo)).toEqual(before);
    expect(git(repo, 'status', '--porcelain')).toBe('');

    const text = readFileSync(mail, 'utf8');
    expect(text).toMatch(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\nFrom: Ada Tester <ada@example\.org>\nDate: .+\nSubject: \[PATCH\] /);
    expect(text).toMatch(/\n---\n(?: .+\n)+ \d+ files? changed, \d+ insertions?\(\+\), \d+ deletions?\(-\)\n/);
    expect(text).toMatch(/\ndiff --git a\/\S+ b\/\S+\nindex [0-9a-f]{40}\.\.[0-9a-f]{40} 100644\n/);

    const clone = cloneOf(repo);
    const base = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'am', '-q', mail);
    expect(git(clone, 'rev-list', '--count', `${base}..HEAD`)).toBe('1');
    expect(headTree(clone)).toBe(appliedTree());
    expect(git(clone, 'log', '-1', '--format=%an <%ae>')).toBe(`${IDENTITY.name} <${IDENTITY.email}>`);
    expect(git(clone, 'log', '-1', '--format=%s')).toBe(recipeFacts().displayName);
    expect(git(clone, 'log', '-1', '--format=%B')).not.toContain('Signed-off-by:');
    const check = ansimod(['check', '--repo', clone]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('the index lines name the real git blobs of the old and new content', () => {
    const repo = gitRepo();
    const r = ansimod(['patch', '--repo', repo]);
    expect(r.code, r.stderr).toBe(0);
    const applied = gitRepo();
    expect(ansimod(['apply', '--repo', applied]).code).toBe(0);
    const sections = [...r.stdout.matchAll(/^diff --git a\/(\S+) b\/\S+\nindex ([0-9a-f]{40})\.\.([0-9a-f]{40}) /gm)];
    expect(sections.length).toBeGreaterThan(0);
    for (const [, file, oldBlob, newBlob] of sections) {
      expect(git(repo, 'rev-parse', `HEAD:${file}`), file).toBe(oldBlob);
      expect(git(applied, 'hash-object', file as string), file).toBe(newBlob);
    }
  });

  it('the mail body names each pipeline stage with its files, and lists every follow-up', () => {
    const repo = gitRepo();
    const r = ansimod(['patch', '--repo', repo]);
    expect(r.code, r.stderr).toBe(0);
    const body = r.stdout.slice(r.stdout.indexOf('\n\n'), r.stdout.indexOf('\n---\n'));
    const stages = fixtureStages();
    expect(stages.map((s) => s.stage)).toEqual(recipeFacts().stages); // the fixture exercises every stage
    for (const { stage, paths } of stages) {
      expect(body).toMatch(new RegExp(`^${stage}:$`, 'm'));
      for (const p of paths) expect(body).toContain(p);
    }
    const flat = body.replace(/\s+/g, ' ');
    for (const f of recipeFacts().followUps) expect(flat).toContain(f.replace(/\s+/g, ' '));
  });

  it('--signoff adds Signed-off-by from the repository identity, and git am keeps it', () => {
    const repo = gitRepo();
    const scratch = path.dirname(repo);
    const mail = path.join(scratch, 'signed.patch');
    const r = ansimod(['patch', '--repo', repo, '--signoff', '-o', mail]);
    expect(r.code, r.stderr).toBe(0);
    const clone = cloneOf(repo);
    git(clone, 'am', '-q', mail);
    const message = git(clone, 'log', '-1', '--format=%B');
    expect(message.split('\n').filter((l) => l.startsWith('Signed-off-by:'))).toEqual([`Signed-off-by: ${IDENTITY.name} <${IDENTITY.email}>`]);
    expect(message.trimEnd().endsWith(`Signed-off-by: ${IDENTITY.name} <${IDENTITY.email}>`)).toBe(true);
  });

  it('--author and --subject set the commit author and subject; --signoff still signs with the repository identity', () => {
    const repo = gitRepo();
    const scratch = path.dirname(repo);
    const mail = path.join(scratch, 'a.patch');
    const r = ansimod(['patch', '--repo', repo, '--author', 'Bo Other <bo@example.com>', '--subject', 'Move flatpaks to the new registry', '--signoff', '-o', mail]);
    expect(r.code, r.stderr).toBe(0);
    const clone = cloneOf(repo);
    git(clone, 'am', '-q', mail);
    expect(git(clone, 'log', '-1', '--format=%an <%ae>|%s')).toBe('Bo Other <bo@example.com>|Move flatpaks to the new registry');
    expect(git(clone, 'log', '-1', '--format=%B')).toContain(`\nSigned-off-by: ${IDENTITY.name} <${IDENTITY.email}>`);
  });

  it('--split -o DIR: a numbered series, one commit per stage, that git am applies in order to the same tree', () => {
    const repo = gitRepo();
    const scratch = path.dirname(repo);
    const dir = path.join(scratch, 'series');
    const before = snapshot(repo);
    const r = ansimod(['patch', '--repo', repo, '--split', '--signoff', '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(repo)).toEqual(before);

    const stages = fixtureStages();
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(stages.length);
    files.forEach((f, i) => expect(f).toMatch(new RegExp(`^${String(i + 1).padStart(4, '0')}-[\\w.-]+\\.patch$`)));
    files.forEach((f, i) => expect(readFileSync(path.join(dir, f), 'utf8')).toContain(`Subject: [PATCH ${i + 1}/${files.length}] `));

    const clone = cloneOf(repo);
    const base = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'am', '-q', ...files.map((f) => path.join(dir, f)));
    const commits = git(clone, 'rev-list', '--reverse', `${base}..HEAD`).split('\n');
    expect(commits).toHaveLength(stages.length);
    commits.forEach((c, i) => {
      const stage = stages[i] as { stage: string; paths: string[] };
      expect(git(clone, 'log', '-1', '--format=%s', c)).toMatch(new RegExp(`^${stage.stage}: `));
      expect(git(clone, 'log', '-1', '--format=%B', c)).toContain(`Signed-off-by: ${IDENTITY.name} <${IDENTITY.email}>`);
      expect(git(clone, 'diff-tree', '--no-commit-id', '--name-only', '-r', c).split('\n').sort()).toEqual([...stage.paths].sort());
    });
    expect(headTree(clone)).toBe(appliedTree());
    // One set of follow-ups for the series: in its last commit only.
    const { followUps } = recipeFacts();
    expect(followUps.length).toBeGreaterThan(0);
    commits.forEach((c, i) => {
      const message = git(clone, 'log', '-1', '--format=%B', c).replace(/\s+/g, ' ');
      for (const f of followUps) expect(message.includes(f.replace(/\s+/g, ' ')), `${f} in commit ${i + 1}`).toBe(i === commits.length - 1);
    });
  });

  it("a component's follow-ups are listed only when the repository has that component", () => {
    // Without OSBS (neither its reactor configuration nor its dockercfg secrets), nothing of OSBS
    // moves, and asking to make OSBS reach quay.io would be noise in the review.
    const repo = gitRepo({
      prepare: (dir) => {
        rmSync(path.join(dir, 'files/osbs'), { recursive: true });
        for (const f of readdirSync(path.join(dir, 'inventory/group_vars'))) if (f.startsWith('osbs_masters')) rmSync(path.join(dir, 'inventory/group_vars', f));
      },
    });
    const scratch = path.dirname(repo);
    const pr = path.join(scratch, 'pr.md');
    const r = ansimod(['patch', '--repo', repo, '-o', path.join(scratch, 'x.patch'), '--pr', pr]);
    expect(r.code, r.stderr).toBe(0);
    const mail = readFileSync(path.join(scratch, 'x.patch'), 'utf8').replace(/\s+/g, ' ');
    const md = readFileSync(pr, 'utf8');
    const { componentFollowUps } = recipeFacts();
    const osbs = componentFollowUps['OSBS'] ?? [];
    const koji = componentFollowUps['Koji'] ?? [];
    expect(osbs.length).toBeGreaterThan(0);
    expect(koji.length).toBeGreaterThan(0);
    for (const f of osbs) {
      expect(md).not.toContain(f);
      expect(mail).not.toContain(f.replace(/\s+/g, ' '));
    }
    for (const f of koji) {
      expect(md).toContain(f);
      expect(mail).toContain(f.replace(/\s+/g, ' '));
    }
  });

  it('--pr FILE writes a markdown description with a per-stage table and the follow-ups', () => {
    const repo = gitRepo();
    const scratch = path.dirname(repo);
    const pr = path.join(scratch, 'pr.md');
    const mail = path.join(scratch, 'x.patch');
    const r = ansimod(['patch', '--repo', repo, '-o', mail, '--pr', pr]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(mail)).toBe(true);
    const md = readFileSync(pr, 'utf8');
    const { displayName, followUps } = recipeFacts();
    expect(md.split('\n')[0]).toBe(`# ${displayName}`);
    const section = (title: string): string[] => {
      const all = md.split('\n');
      const from = all.indexOf(title);
      const to = all.findIndex((l, i) => i > from && l.startsWith('## '));
      return from < 0 ? [] : all.slice(from + 1, to < 0 ? undefined : to);
    };
    const rows = section('## What changes, per stage').filter((l) => /^\| (?!---|Stage )/.test(l));
    const stages = fixtureStages();
    expect(rows.map((l) => l.split('|')[1]?.trim())).toEqual(stages.map((s) => s.stage));
    stages.forEach(({ paths }, i) => {
      for (const p of paths) expect(rows[i]).toContain(`\`${p}\``);
    });
    for (const f of followUps) expect(md).toContain(f);
    // Per stage, the new value in each environment, as Ansible renders it.
    const values = section('## New values, per stage and environment').join('\n');
    expect(values).toContain(
      '### Bodhi\n\n- `roles/bodhi2/base/templates/production.ini.j2`, production:\n\n  ```\n  container.destination_registry = quay.io/fedora\n  container.source_registry = quay.io/fedora-candidates\n  ```\n\n' +
        '- `roles/bodhi2/base/templates/production.ini.j2`, staging:\n\n  ```\n  container.destination_registry = quay.io/fedora-testing\n  container.source_registry = quay.io/fedora-testing-candidates\n  ```\n',
    );
    expect(values).toContain("- `inventory/group_vars/osbs_masters`, production and staging:\n\n  ```\n  registries_organization: fedora-candidates\n  - url: https://quay.io/v2\n  ```");
    expect(values).toContain('RewriteRule ^/v2/(.+/(?:manifests|blobs|tags)/.+)$ https://quay.io/v2/fedora-testing/$1 [R=302,L]');
    // The ledger, summarised: counts, the keep rules with their counts, nothing unaccounted.
    const ledger = section('## Every reference to the old registries (the ledger)');
    const audit = JSON.parse(ansimod(['audit', '--repo', repo, '--json']).stdout) as { counts: { migrated: number; kept: number; unaccounted: number } };
    const { migrated, kept, unaccounted } = audit.counts;
    expect(ledger.join('\n')).toContain(`**${migrated} migrated** by this change, **${kept} kept** by a rule of the recipe, **${unaccounted} unaccounted**`);
    expect(ledger).toContain('| `not-served` | 1 | not served by any playbook (a template no playbook installs); editing it would change nothing that runs |');
    expect(ledger.filter((l) => /^\| `/.test(l)).reduce((n, l) => n + Number(l.split('|')[2]), 0)).toBe(kept);
    expect(md).toMatch(/^## How it was verified$/m);
    expect(md.endsWith('\n')).toBe(true);
  });

  it('the commit message gives each file its new value per environment; the PR text lists what is unaccounted', () => {
    const repo = gitRepo();
    const mail = ansimod(['patch', '--repo', repo]);
    expect(mail.code, mail.stderr).toBe(0);
    expect(mail.stdout).toContain(
      '  production now renders:\n      container.destination_registry = quay.io/fedora\n      container.source_registry = quay.io/fedora-candidates\n' +
        '  staging now renders:\n      container.destination_registry = quay.io/fedora-testing\n      container.source_registry = quay.io/fedora-testing-candidates\n',
    );
    expect(mail.stdout).toContain('- playbooks/groups/buildhw.yml: 0.roles.2.candidate_registry: registry\n  host → mapped registry\n  production and staging now render:\n      candidate_registry: quay.io\n');
    // A recipe without the base-images rule: the PR text names each reference left unaccounted.
    const recipe = path.join(path.dirname(repo), 'no-base-images.yml');
    const text = readFileSync(path.join(repoRoot, 'packages/transforms/recipes/flatpaks-to-quay.yml'), 'utf8');
    writeFileSync(recipe, text.replace(/ {2}- rule: base-images\n.*\n.*\n/, ''));
    const pr = path.join(path.dirname(repo), 'pr.md');
    expect(ansimod(['patch', '--repo', repo, '--recipe', recipe, '-o', path.join(path.dirname(repo), 'y.patch'), '--pr', pr]).code).toBe(0);
    const md = readFileSync(pr, 'utf8');
    expect(md).toMatch(/\*\*1 unaccounted\*\*/); // the toolbox job no playbook installs is kept as not-served
    expect(md).toContain('Unaccounted (a reviewer must look at each):\n\n- `roles/openshift-apps/flatpak-indexer/files/Dockerfile:2:6` `registry.fedoraproject.org` (image-reference, ');
  });

  it('on CRLF, BOM, latin-1 and mode-0640 targets, git am gives the apply tree and keeps the bytes', () => {
    const BODHI = 'roles/bodhi2/base/templates/production.ini.j2';
    const DOCKERCFG = 'files/osbs/dockercfg-production-secret.j2';
    const odd = (d: string): void => {
      const bodhi = path.join(d, BODHI);
      const text = readFileSync(bodhi).toString('latin1').replace('# Bodhi server settings', '# caf\xe9 Bodhi server settings');
      writeFileSync(bodhi, Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'));
      writeFileSync(path.join(d, DOCKERCFG), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(path.join(d, DOCKERCFG))]));
      chmodSync(bodhi, 0o640);
    };
    const repo = gitRepo({ prepare: odd });
    const mail = path.join(path.dirname(repo), 'odd.patch');
    expect(ansimod(['patch', '--repo', repo, '-o', mail]).code).toBe(0);
    const clone = cloneOf(repo);
    git(clone, 'am', '-q', mail);
    expect(ansimod(['apply', '--repo', repo]).code).toBe(0);
    expect(headTree(clone)).toBe(workingTree(repo));
    const bodhi = readFileSync(path.join(clone, BODHI));
    const firstLine = Buffer.from('# caf\xe9 Bodhi server settings, written by ansible.\r\n', 'latin1');
    expect(bodhi.subarray(0, firstLine.length)).toEqual(firstLine);
    expect(bodhi.toString('latin1')).not.toMatch(/[^\r]\n/);
    expect(readFileSync(path.join(clone, DOCKERCFG)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(statSync(path.join(repo, BODHI)).mode & 0o777).toBe(0o640);
  });
});
