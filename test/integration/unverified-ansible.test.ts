/**
 * Issue 10, point 7, with `--renderer ansible`: ansible-core loads the repository's
 * filter_plugins/, so the group_vars file our embedded renderer cannot render
 * (fixtures/ansible/inventory/group_vars/oci_registry) is rendered and its edit verified as any
 * other; the edits are the same as with the embedded renderer, which verifies it by structure alone.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REGISTRY_HOSTS_RECIPE } from '../support/registry-hosts-recipe.js';
import { requireTool } from './support/tools.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface PlanJson {
  renderer: string;
  changes: Array<{ path: string; diff: string; unverified?: string }>;
  errors: unknown[];
  warnings: Array<{ code: string; path?: string }>;
}

describe('a file only ansible-core can render', () => {
  it('--renderer ansible renders it (its filter plugin) and verifies the edit; the embedded renderer verifies it by structure alone', () => {
    requireTool('ansible-playbook');
    const plan = (renderer: string) => {
      const r = spawnSync(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'plan', '--repo', join(root, 'fixtures/ansible'), '--recipe', REGISTRY_HOSTS_RECIPE, '--json', '--renderer', renderer], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as PlanJson;
    };
    const embedded = plan('embedded');
    const ansible = plan('ansible');
    expect(ansible.renderer).toMatch(/^ansible-core 2\.\d+\.\d+$/);
    expect(ansible.errors).toEqual([]);
    expect(ansible.changes.map((c) => [c.path, c.diff])).toEqual(embedded.changes.map((c) => [c.path, c.diff]));
    expect(embedded.changes.filter((c) => c.unverified !== undefined).map((c) => c.path)).toEqual(['inventory/group_vars/oci_registry']);
    expect(ansible.changes.filter((c) => c.unverified !== undefined)).toEqual([]);
    expect(ansible.warnings.filter((w) => w.code === 'UNVERIFIED')).toEqual([]);
  });
});
