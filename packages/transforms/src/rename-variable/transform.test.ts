/**
 * rename-variable on fixtures/ansible's refs_web role and playbook: web_port becomes
 * refs_web_port where it is defined and used; web_port_tls, x.web_port and the string
 * 'web_port' stay; a second run changes nothing; the inverted map gives the files back.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { invertMap, planSteps, repoWritesOf, writeChangesAtomically, type Plan } from '@ansimod/core';
import { runTransformCase } from '../../../../test/support/transform-test.js';
import { renameVariable as transform } from './index.js';

const repoFixture = fileURLToPath(new URL('../../../../fixtures/ansible', import.meta.url));
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const scope = ['roles/refs_web/**', 'playbooks/refs/**'];
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const plan = (dir: string, maps: Record<string, string>): Promise<Plan> => planSteps(dir, [{ transform, options: { maps, paths: scope }, stage: 'vars', target: 'web_port' }]);

function changedLines(p: Plan): Record<string, string[]> {
  return Object.fromEntries(p.changes.map((c) => [c.path, c.after.split('\n').filter((l, i) => l !== c.before.split('\n')[i])]));
}

describe('rename-variable on fixtures/ansible', () => {
  it('renames web_port where it is defined and used, and nothing it is a prefix of', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ansimod-rv-'));
    dirs.push(dir);
    cpSync(repoFixture, dir, { recursive: true });
    const p = await plan(dir, { web_port: 'refs_web_port' });
    expect(p.errors).toEqual([]);
    expect(changedLines(p)).toEqual({
      'playbooks/refs/site.yml': ['      refs_web_port: 8080', '      when: refs_web_port == 8080'],
      'playbooks/refs/templates/notes.conf': ['notes for {{ site_owner }} on port {{ refs_web_port }}'],
      'roles/refs_web/defaults/main.yml': ['refs_web_port: 80'],
      'roles/refs_web/meta/argument_specs.yml': ['      refs_web_port:'],
      'roles/refs_web/tasks/extra.yml': ['    web_ports: "{{ [refs_web_port, web_port_tls] }}"', `    msg: "{{ vars['refs_web_port'] }} {{ hostvars[inventory_hostname].refs_web_port }} {{ lookup('vars', 'refs_web_port') }} (not {{ vars['web_port_tls'] }})"`],
      'roles/refs_web/tasks/install.yml': ['    msg: "installed {{ web_install.changed }} on port {{ refs_web_port }}"', '    - refs_web_port | int > 0'],
      'roles/refs_web/tasks/main.yml': ['  when: refs_web_port != web_port_tls'],
      'roles/refs_web/templates/app-production.yml': ['port: {{ refs_web_port }}'],
      'roles/refs_web/templates/app-staging.yml': ['port: {{ refs_web_port }}'],
      'roles/refs_web/templates/banner.yml': ['Welcome to {{ web_name }} (port {{ refs_web_port }})'],
      'roles/refs_web/templates/vhost-common.yml': ["KeepAlive {{ 'On' if refs_web_port == 80 else 'Off' }}"],
      'roles/refs_web/templates/vhost.conf.yml': ['Listen {{ refs_web_port }}'],
    });
    await writeChangesAtomically(dir, p.changes.flatMap(repoWritesOf));
    const second = await plan(dir, { web_port: 'refs_web_port' });
    expect(second.errors).toEqual([]);
    expect(second.changes).toEqual([]);
    const back = await plan(dir, invertMap({ web_port: 'refs_web_port' }));
    expect(back.errors).toEqual([]);
    expect(Object.fromEntries(back.changes.map((c) => [c.path, c.after]))).toEqual(Object.fromEntries(p.changes.map((c) => [c.path, c.before])));
  });
});

describe('rename-variable cases', () => {
  it('renames set_fact, register and loop_var names and their uses; leaves strings and attributes', async () => {
    await runTransformCase({
      transform,
      options: { maps: { item_count: 'app_item_count', result: 'app_result', entry: 'app_entry' } },
      before: { 'roles/app/tasks/main.yml': fixture('tasks.before.yml') },
      after: { 'roles/app/tasks/main.yml': fixture('tasks.after.yml') },
    });
  });

  it('renames group_vars definitions and template uses; the template renders the same', async () => {
    await runTransformCase({
      transform,
      options: { maps: { ntp_server: 'base_ntp_server' } },
      before: {
        'inventory/group_vars/all': 'ntp_server: ntp.example.org\nntp_server_backup: ntp2.example.org\n',
        'roles/base/templates/chrony.conf.j2': 'server {{ ntp_server }} iburst\n{% if ntp_server_backup is defined %}server {{ ntp_server_backup }}{% endif %}\n',
      },
      after: {
        'inventory/group_vars/all': 'base_ntp_server: ntp.example.org\nntp_server_backup: ntp2.example.org\n',
        'roles/base/templates/chrony.conf.j2': 'server {{ base_ntp_server }} iburst\n{% if ntp_server_backup is defined %}server {{ ntp_server_backup }}{% endif %}\n',
      },
    });
  });

  it('renames names held in strings where Ansible reads them as variables: vars[], vars., hostvars[h][], the vars lookup; no other string', async () => {
    await runTransformCase({
      transform,
      options: { maps: { app_port: 'web_app_port' } },
      before: {
        'roles/app/tasks/main.yml': fixture('strings.before.yml'),
        'roles/app/templates/ports.conf.j2': "a={{ vars['app_port'] }} b={{ lookup('vars', 'app_port') }} c={{ query('vars', 'app_port') | first }} d={{ 'app_port' }}\n",
      },
      after: {
        'roles/app/tasks/main.yml': fixture('strings.after.yml'),
        'roles/app/templates/ports.conf.j2': "a={{ vars['web_app_port'] }} b={{ lookup('vars', 'web_app_port') }} c={{ query('vars', 'web_app_port') | first }} d={{ 'app_port' }}\n",
      },
    });
  });

  it('rejects a rename that leaves a vars[] use behind: the expression would no longer render the same', async () => {
    await runTransformCase({
      transform,
      options: { maps: { a: 'b' } },
      before: { 'roles/x/templates/t.conf.j2': "{{ a }}-{{ vars['b'] }}\n" },
      expectErrors: ['the rendered result is not exactly the intended change'],
    });
    await runTransformCase({
      transform,
      options: { maps: { a: 'b' } },
      before: { 'roles/x/tasks/main.yml': "- ansible.builtin.debug:\n    msg: \"{{ lookup('vars', 'a') ~ '-' ~ (hostvars['web01']['b'] | default('none')) }}\"\n" },
      expectErrors: ['renders ansimod-probe-a-ansimod-probe-a, not ansimod-probe-a-none'],
    });
  });

  it('changes nothing where the name only appears inside longer names, strings and attributes', async () => {
    await runTransformCase({
      transform,
      options: { maps: { port: 'web_port' } },
      before: { 'roles/web/tasks/main.yml': "- ansible.builtin.debug:\n    msg: \"{{ port_tls }} {{ cfg.port }} {{ 'port' }} {{ d | map(attribute='port') }}\"\n" },
    });
  });

  it('rejects a rename onto a name the template already uses: it would no longer render the same', async () => {
    await runTransformCase({
      transform,
      options: { maps: { a: 'b' } },
      before: { 'roles/x/templates/t.conf.j2': '{{ a }}-{{ b }}\n' },
      expectErrors: ['the rendered result is not exactly the intended change'],
    });
  });
});
