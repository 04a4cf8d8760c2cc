/**
 * The cross-file rename recipes from the command line (issue 14), on a copy of fixtures/ansible:
 * --map takes host names and *.domain patterns (datacenter-move) and variable names
 * (rename-variables), not only registries; a bad name is one clear line, nothing written;
 * apply then apply --reverse gives the tree back byte for byte, host_vars renames included.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ansimod, expectBuilt, expectNoStackTrace, gitRepo, snapshot } from './helpers.js';

beforeAll(expectBuilt);

interface PlanJson {
  changes: Array<{ path: string; renamedFrom?: string }>;
  errors: unknown[];
}

const planJson = (args: string[]): PlanJson => {
  const r = ansimod(['plan', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PlanJson;
};

describe('rename recipes on the command line', () => {
  it('rename-variables takes variable names with --map', () => {
    const repo = gitRepo();
    const plan = planJson(['--repo', repo, '--recipe', 'rename-variables', '--map', 'web_port=refs_web_port']);
    expect(plan.errors).toEqual([]);
    expect(plan.changes.map((c) => c.path)).toContain('roles/refs_web/defaults/main.yml');
    expect(plan.changes).toHaveLength(12);
  });

  it('datacenter-move takes a *.domain pattern with --map (the same plan as its default) and moves host_vars with their host', () => {
    const repo = gitRepo();
    const given = planJson(['--repo', repo, '--recipe', 'datacenter-move', '--map', '*.iad2.fedoraproject.org=*.rdu3.fedoraproject.org']);
    const byDefault = planJson(['--repo', repo, '--recipe', 'datacenter-move']);
    expect(given).toEqual(byDefault);
    expect(given.changes.filter((c) => c.renamedFrom).map((c) => `${c.renamedFrom} -> ${c.path}`)).toEqual([
      'inventory/host_vars/oci-candidate-registry01.iad2.fedoraproject.org -> inventory/host_vars/oci-candidate-registry01.rdu3.fedoraproject.org',
    ]);
  });

  it('a --map side that is not a variable name is one clear line and nothing is written', () => {
    const repo = gitRepo();
    const before = snapshot(repo);
    const r = ansimod(['apply', '--repo', repo, '--recipe', 'rename-variables', '--map', 'web port=x']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('rename-variable: "web port" (in web port=x) is not a variable name');
    expectNoStackTrace(r);
    expect(snapshot(repo)).toEqual(before);
    // The registry recipe still checks registries.
    const registry = ansimod(['plan', '--repo', repo, '--map', 'a_b=quay.io/x']);
    expect(registry.code).toBe(2);
    expect(registry.stderr).toContain('each a registry as host[:port][/namespace]');
  });

  it('apply then apply --reverse gives back every byte, host_vars renames included', () => {
    const repo = gitRepo();
    const before = snapshot(repo);
    const moved = ansimod(['apply', '--repo', repo, '--recipe', 'datacenter-move']);
    expect(moved.code, moved.stderr).toBe(0);
    expect([...snapshot(repo).keys()]).toContain('inventory/host_vars/oci-candidate-registry01.rdu3.fedoraproject.org');
    const back = ansimod(['apply', '--repo', repo, '--recipe', 'datacenter-move', '--reverse']);
    expect(back.code, back.stderr).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('templates-j2 stops on a reference it cannot resolve that may name a renamed template, and --option accept lists it instead', () => {
    const repo = gitRepo({
      prepare: (dir) => {
        mkdirSync(path.join(dir, 'roles/refs_web/tasks'), { recursive: true });
        writeFileSync(path.join(dir, 'roles/refs_web/tasks/manual.yml'), '- ansible.builtin.template:\n    src: "{{ chosen_at_run_time }}.yml"\n    dest: /etc/x\n');
      },
    });
    const stopped = ansimod(['plan', '--repo', repo, '--recipe', 'templates-j2']);
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toContain('roles/refs_web/tasks/manual.yml:2: template {{ chosen_at_run_time }}.yml');
    expect(stopped.stderr).toContain('it may name a renamed file');
    const accepted = ansimod(['plan', '--repo', repo, '--recipe', 'templates-j2', '--option', 'accept=roles/refs_web/tasks/manual.yml', '--json']);
    expect(accepted.code, accepted.stderr).toBe(0);
    const plan = JSON.parse(accepted.stdout) as PlanJson & { steps: Array<{ outcomes: Array<{ path: string; detail?: string }> }> };
    expect(plan.changes.map((c) => c.renamedFrom)).toContain('roles/refs_web/templates/vhost.conf.yml');
    expect(plan.steps[0]?.outcomes.find((o) => o.path === 'roles/refs_web/tasks/manual.yml')?.detail).toContain('not followed (accepted)');
  });
});
