import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planOn, runTransformCase } from '../../../../test/support/transform-test.js';
import { fqcn } from './transform.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const TASKS = 'roles/web/tasks/main.yml';
const SITE = 'playbooks/site.yml';

describe('fqcn', () => {
  it('qualifies every short builtin module of a role task file: keys, action:, local_action:, blocks', async () => {
    const plan = await runTransformCase({ transform: fqcn, options: {}, before: { [TASKS]: fixture('tasks.before.yml') }, after: { [TASKS]: fixture('tasks.after.yml') } });
    expect(plan.changes[0]?.reasons).toEqual([
      'fqcn: package → ansible.builtin.package',
      'fqcn: template → ansible.builtin.template',
      'fqcn: lineinfile → ansible.builtin.lineinfile',
      'fqcn: copy → ansible.builtin.copy',
      'fqcn: shell → ansible.builtin.shell',
      'fqcn: command → ansible.builtin.command',
      'fqcn: debug → ansible.builtin.debug',
    ]);
  });

  it('qualifies the tasks and handlers of every play section, and import_playbook', async () => {
    await runTransformCase({
      transform: fqcn,
      options: {},
      before: { [SITE]: fixture('site.before.yml'), 'playbooks/other.yml': '- hosts: all\n  tasks: []\n' },
      after: { [SITE]: fixture('site.after.yml') },
    });
  });

  it('leaves vars files, templates, files and YAML Ansible does not read as tasks', async () => {
    await runTransformCase({
      transform: fqcn,
      options: {},
      before: {
        'roles/web/vars/main.yml': fixture('untouched-vars.yml'),
        'roles/web/defaults/main.yml': fixture('untouched-vars.yml'),
        'inventory/group_vars/all': fixture('untouched-vars.yml'),
        'roles/web/templates/pod.yml': fixture('untouched-k8s-template.yml'),
        'roles/web/files/pod.yml': fixture('untouched-k8s-template.yml'),
        'k8s/pod.yml': fixture('untouched-k8s-template.yml'),
        'roles/web/meta/main.yml': 'dependencies: []\n',
      },
    });
  });

  it('only the modules asked for', async () => {
    const after = fixture('tasks.before.yml').replace('  template: src=', '  ansible.builtin.template: src=').replace('  action: copy', '  action: ansible.builtin.copy');
    await runTransformCase({ transform: fqcn, options: { modules: ['template', 'ansible.builtin.copy'] }, before: { [TASKS]: fixture('tasks.before.yml') }, after: { [TASKS]: after } });
  });

  it('a task file that starts with a byte order mark', async () => {
    await runTransformCase({ transform: fqcn, options: {}, before: { [TASKS]: '\uFEFF- name: a\n  copy: src=a dest=b\n' }, after: { [TASKS]: '\uFEFF- name: a\n  ansible.builtin.copy: src=a dest=b\n' } });
  });

  it('refuses a module that is not builtin', async () => {
    const plan = await planOn({ [TASKS]: fixture('tasks.before.yml') }, fqcn, { modules: ['ufw'] });
    expect(plan.errors.map((e) => e.message)).toEqual(['fqcn: not ansible.builtin modules (ansible-core 2.14.18): ufw']);
  });

  it('leaves a task file that does not parse, and says why', async () => {
    const plan = await planOn({ [TASKS]: '- copy: src=a\n  bad: [\n', 'roles/web/tasks/ok.yml': '- copy: src=a dest=b\n' }, fqcn, {});
    expect(plan.changes.map((c) => c.path)).toEqual(['roles/web/tasks/ok.yml']);
    expect(plan.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([expect.stringMatching(/^roles\/web\/tasks\/main\.yml: fqcn: left: the tasks file does not parse as YAML \(line \d+\)/)]);
  });
});
