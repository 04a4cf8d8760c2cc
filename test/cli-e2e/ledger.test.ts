/**
 * Issue 10 on the fixture repository, through the CLI: the ledger (audit --json, check --strict),
 * --env limiting only the verification, and an empty directory not showing green.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ansimod, expectBuilt, fixtureDir, gitRepo, repoRoot, tempDir, workingTree } from './helpers.js';

interface LedgerJson {
  counts: { migrated: number; kept: number; unaccounted: number };
  entries: Array<{ path: string; status: string; step?: string; rule?: string; reason?: string }>;
}

describe('the ledger and the flags, end to end', () => {
  expectBuilt();

  it('audit --json accounts for every reference; check --strict fails only while something is unaccounted', () => {
    const repo = gitRepo({ from: fixtureDir });
    const ledger = JSON.parse(ansimod(['audit', '--repo', repo, '--json']).stdout) as LedgerJson;
    expect(ledger.counts.unaccounted).toBe(0);
    expect(ledger.counts.migrated).toBeGreaterThan(0);
    expect(ledger.counts.migrated + ledger.counts.kept).toBe(ledger.entries.length);
    for (const e of ledger.entries) {
      if (e.status === 'migrated') expect(e.step).toMatch(/^(OSBS|Koji|Bodhi|Proxies|flatpak-indexer): /);
      else expect(e.rule && e.reason, `${e.path}: ${e.status}`).toBeTruthy();
    }
    // A keep rule taken away: its references are unaccounted, and --strict says so after the change.
    expect(ansimod(['apply', '--repo', repo, '--quiet']).code).toBe(0);
    expect(ansimod(['check', '--repo', repo, '--strict', '--quiet']).code).toBe(0);
    const recipe = path.join(tempDir(), 'no-base-images.yml');
    const text = readFileSync(path.join(repoRoot, 'packages/transforms/recipes/flatpaks-to-quay.yml'), 'utf8');
    writeFileSync(recipe, text.replace(/ {2}- rule: base-images\n.*\n.*\n/, ''));
    const strict = ansimod(['check', '--repo', repo, '--strict', '--recipe', recipe]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('unaccounted: roles/openshift-apps/flatpak-indexer/files/Dockerfile:2:6: registry.fedoraproject.org [unaccounted]');
  });

  it('a vhost template no playbook installs is left alone and kept as not served — decided by the playbooks, not its name', () => {
    const centos = 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-centos.conf';
    const entriesOf = (repo: string) => (JSON.parse(ansimod(['audit', '--repo', repo, '--json']).stdout) as LedgerJson).entries.filter((e) => e.path === centos);
    const repo = gitRepo({ from: fixtureDir });
    expect(entriesOf(repo)).toMatchObject([{ status: 'kept', rule: 'not-served', reason: expect.stringContaining('not served by any playbook') as unknown }]);
    const plan = JSON.parse(ansimod(['plan', '--repo', repo, '--json', '--env', 'staging']).stdout) as { changes: Array<{ path: string }> };
    expect(plan.changes.map((c) => c.path)).not.toContain(centos);
    // Once a playbook installs it (a role entry whose destname names it), it is served: no longer kept as unused.
    const served = gitRepo({
      from: fixtureDir,
      prepare: (d) =>
        appendFileSync(
          path.join(d, 'playbooks/include/proxies-reverseproxy.yml'),
          '\n    - role: httpd/reverseproxy\n      website: registry.centos.org\n      destname: registry-centos\n      proxyurl: http://localhost:10049\n',
        ),
    });
    expect(entriesOf(served)).toMatchObject([{ status: 'unaccounted' }]);
  });

  it('--env limits the verification only: the tree is the same as without it', () => {
    const full = gitRepo({ from: fixtureDir });
    const staging = gitRepo({ from: fixtureDir });
    expect(ansimod(['apply', '--repo', full, '--quiet']).code).toBe(0);
    expect(ansimod(['apply', '--repo', staging, '--env', 'staging', '--quiet']).code).toBe(0);
    expect(workingTree(staging)).toBe(workingTree(full));
  });

  it('a directory without any target is not green: exit 3, naming the directory', () => {
    const empty = tempDir();
    for (const command of ['check', 'plan']) {
      const r = ansimod([command, '--repo', empty]);
      expect(r.code, command).toBe(3);
      expect(r.stderr).toContain(`no target of flatpaks-to-quay in ${empty} — is this the Ansible repository?`);
    }
  });
});
