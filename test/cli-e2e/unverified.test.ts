/**
 * Issue 10, point 7, on the fixture repository through the CLI: a file our renderer cannot
 * render (inventory/group_vars/oci_registry uses a filter of the repository's own
 * filter_plugins/registry.py) does not stop the run. Its edit is verified by structure alone and
 * the plan says why, naming the construct; the other edits are verified as usual; `apply`,
 * `patch` and `pr` refuse it (exit 3, nothing written) unless --allow-unverified is given.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ansimod, expectBuilt, gitRepo, snapshot, tempDir } from './helpers.js';
import { REGISTRY_HOSTS_RECIPE as recipeFile } from '../support/registry-hosts-recipe.js';

const UNRENDERABLE = 'inventory/group_vars/oci_registry';

interface PlanJson {
  changes: Array<{ path: string; unverified?: string }>;
  errors: unknown[];
  warnings: Array<{ code: string; path?: string; message: string }>;
}

describe('an unrenderable file does not stop the run', () => {
  expectBuilt();

  it('plan: the unrenderable file is verified by structure alone, naming the filter and its plugin; the other edits are verified', () => {
    const repo = gitRepo();
    const recipe = recipeFile;
    const text = ansimod(['plan', '--repo', repo, '--recipe', recipe]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('+registry_public_host: "registry{{ env_suffix }}.example.org"');
    expect(text.stdout).toContain('+registry_public_host: "candidate-registry{{ env_suffix }}.example.org"');
    expect(text.stdout).toContain('+            public_url: https://registry.example.org/');
    const line = text.stderr.split('\n').find((l) => l.includes(UNRENDERABLE)) ?? '';
    expect(line).toBe(
      `warning: ${UNRENDERABLE}: edit verified by structure alone: re-parsed as YAML and its data changed by exactly the intended values; ` +
        "not rendered: in production and staging: our renderer cannot run filter 'registry_notify_url' (line 8; defined in the repository's " +
        'filter_plugins/registry.py, which only ansible-core runs: --renderer ansible)',
    );

    const json = JSON.parse(ansimod(['plan', '--repo', repo, '--recipe', recipe, '--json']).stdout) as PlanJson;
    expect(json.errors).toEqual([]);
    expect(json.changes.map((c) => [c.path, c.unverified !== undefined])).toEqual([
      ['inventory/group_vars/oci_candidate_registry', false],
      [UNRENDERABLE, true],
      ['roles/openshift-apps/flatpak-indexer/templates/configmap.yml', false],
    ]);
    expect(json.warnings.filter((w) => w.code === 'UNVERIFIED').map((w) => w.path)).toEqual([UNRENDERABLE]);
  });

  it('apply, patch and pr refuse the unverified edit (exit 3, nothing written) unless --allow-unverified is given', () => {
    const repo = gitRepo();
    const recipe = recipeFile;
    const before = snapshot(repo);
    const out = path.join(tempDir(), 'out.patch');
    for (const command of [
      ['apply'],
      ['patch', '-o', out],
      ['pr', '--dry-run'],
    ]) {
      const r = ansimod([...command, '--repo', repo, '--recipe', recipe]);
      expect(r.code, command[0]).toBe(3);
      expect(r.stderr, command[0]).toContain(`${UNRENDERABLE}: its edit is verified by structure alone — re-parsed as YAML`);
      expect(r.stderr, command[0]).toContain('Nothing was written: give --allow-unverified to write it anyway');
      expect(snapshot(repo), command[0]).toEqual(before);
    }
    expect(() => readFileSync(out)).toThrow();

    const applied = ansimod(['apply', '--repo', repo, '--recipe', recipe, '--allow-unverified']);
    expect(applied.code).toBe(0);
    expect(readFileSync(path.join(repo, UNRENDERABLE), 'utf8')).toContain('registry_public_host: "registry{{ env_suffix }}.example.org"\n');
    // A second run changes nothing (and so has nothing unverified to refuse).
    const again = ansimod(['apply', '--repo', repo, '--recipe', recipe]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('registry-hosts: changed 0 files');
  });

  it('the default recipe on a reactor config that uses such a filter: that file is verified by structure alone, the other nine as usual', () => {
    const repo = gitRepo({
      prepare: (d) => {
        const file = path.join(d, 'inventory/group_vars/osbs_masters');
        writeFileSync(file, readFileSync(file, 'utf8').replace('krb_principal: "{{ osbs_koji_principal }}"', 'krb_principal: "{{ osbs_koji_principal | koji_principal(osbs_url) }}"'));
        appendFileSync(path.join(d, 'filter_plugins/registry.py'), '\n\ndef koji_principal(name, host):\n    return "%s/%s@FEDORAPROJECT.ORG" % (name, host)\n');
      },
    });
    const json = JSON.parse(ansimod(['plan', '--repo', repo, '--json']).stdout) as PlanJson;
    expect(json.errors).toEqual([]);
    expect(json.changes).toHaveLength(10);
    expect(json.changes.filter((c) => c.unverified !== undefined).map((c) => c.path)).toEqual(['inventory/group_vars/osbs_masters']);
    expect(json.changes.find((c) => c.unverified !== undefined)?.unverified).toContain("our renderer cannot run filter 'koji_principal' (line 15)");
    const refused = ansimod(['apply', '--repo', repo]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('inventory/group_vars/osbs_masters: its edit is verified by structure alone');
  });

  it('a render error is given whole, with the variables no inventory source defines (the real reactor config merges with combine)', () => {
    const repo = gitRepo({
      prepare: (d) => {
        const file = path.join(d, 'inventory/group_vars/osbs_masters_stg');
        writeFileSync(file, readFileSync(file, 'utf8').replace('data: "{{ _osbs_reactor_config_map }}"', 'data: "{{ _osbs_reactor_config_map | combine(osbs_reactor_config_overrides) }}"'));
      },
    });
    const r = ansimod(['plan', '--repo', repo]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning: inventory/group_vars/osbs_masters_stg: edit verified by structure alone: re-parsed as YAML and its data changed by exactly the intended values; ' +
        'not rendered: in production and staging: it does not render (line 26): combine: expected dictionaries, got an undefined value ' +
        '(undefined here: osbs_koji_principal, osbs_reactor_config_overrides)\n',
    );
  });
});
