/**
 * Every playbook of our fixture repository is one ansible-core accepts: `ansible-playbook
 * --syntax-check` (real ansible-core from Debian) on each, with the fixture's own inventory and
 * ansible.cfg.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fixtureDir } from '../cli-e2e/helpers.js';
import { requireTool } from './support/tools.js';

function playbooks(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? playbooks(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

describe('ansible-playbook --syntax-check on fixtures/ansible', () => {
  const all = playbooks(path.join(fixtureDir, 'playbooks')).map((p) => path.relative(fixtureDir, p)).sort();
  it('finds the fixture playbooks', () => {
    expect(all.length).toBeGreaterThan(0);
  });
  it.each(all)('%s', (playbook) => {
    const cmd = requireTool('ansible-playbook');
    const run = spawnSync(cmd, ['-i', 'inventory/hosts', '--syntax-check', playbook], {
      cwd: fixtureDir,
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: '/tmp/ansimod-ansible-tmp', ANSIBLE_HOME: '/tmp/ansimod-ansible-home' },
    });
    expect(run.stderr + run.stdout).not.toMatch(/ERROR!/);
    expect(run.status).toBe(0);
  });
});
