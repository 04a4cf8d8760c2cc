import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { scanJinja } from '../jinja/index.js';
import { parseYaml, YamlDocument } from '../formats/yaml/index.js';
import { analyzeAnsibleRepository } from '../transform/ansible-view.js';
import { AnsibleRepository, type AnsibleSource } from './AnsibleRepository.js';
import { allTasks } from './read-tasks.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/ansible', import.meta.url));

function sourceOf(files: Record<string, string>): AnsibleSource {
  return {
    paths: () => Object.keys(files).sort(),
    text: async (p) => files[p],
    yaml: async (p) => {
      const text = files[p];
      if (text === undefined) return undefined;
      const d = parseYaml(p, text, scanJinja(text));
      return d instanceof YamlDocument ? d : undefined;
    },
  };
}

describe('AnsibleRepository on fixtures/ansible', async () => {
  const ansible = await analyzeAnsibleRepository(FIXTURES);
  const kind = (p: string) => ansible.classOf(p)?.kind;

  it('classifies by place', () => {
    expect(kind('roles/fqcn_web/tasks/main.yml')).toBe('tasks');
    expect(kind('roles/fqcn_web/handlers/main.yml')).toBe('handlers');
    expect(kind('roles/fqcn_web/vars/main.yml')).toBe('vars');
    expect(kind('roles/fqcn_web/defaults/main.yml')).toBe('vars');
    expect(kind('roles/fqcn_web/meta/main.yml')).toBe('role-meta');
    expect(kind('inventory/group_vars/all')).toBe('vars');
    expect(kind('playbooks/fqcn/site.yml')).toBe('playbook');
    expect(kind('roles/bodhi2/base/tasks/main.yml')).toBe('tasks');
  });

  it('never by content: Kubernetes manifests under templates/ and files/ are not tasks', () => {
    expect(kind('roles/fqcn_web/templates/deployment.yml')).toBe('template');
    expect(kind('roles/openshift-apps/flatpak-indexer/templates/configmap.yml')).toBe('template');
    expect(kind('roles/fqcn_web/files/job.yml')).toBe('file');
  });

  it('classifies by reference: vars_files, import_tasks, import_playbook', () => {
    expect(ansible.classOf('playbooks/fqcn/vars/settings.yml')).toMatchObject({ kind: 'vars' });
    expect(ansible.classOf('playbooks/fqcn/maintenance.yml')?.kind).toBe('playbook');
    const refs = ansible.references.filter((r) => r.path === 'playbooks/fqcn/site.yml');
    expect(refs.map((r) => [r.keyword, r.resolved])).toEqual([
      ['vars_files', 'playbooks/fqcn/vars/settings.yml'],
      ['roles', 'roles/fqcn_web'],
      ['import_tasks', 'playbooks/fqcn/tasks/common.yml'],
      ['import_playbook', 'playbooks/fqcn/maintenance.yml'],
    ]);
    expect(ansible.references.find((r) => r.keyword === 'include_tasks')?.resolved).toBe('roles/fqcn_web/tasks/extra.yml');
    expect(ansible.references.find((r) => r.keyword === 'import_role')?.resolved).toBe('roles/base');
  });

  it('names the references it cannot follow', () => {
    const u = ansible.unresolved.find((x) => x.target === '/srv/private/ansible/vars.yml');
    expect(u).toMatchObject({ path: 'playbooks/groups/osbs/setup-worker-namespace.yml', keyword: 'vars_files' });
  });

  it('knows the roles and their folders', () => {
    expect(ansible.roles.get('roles/fqcn_web')).toMatchObject({ name: 'fqcn_web', folders: ['defaults', 'files', 'handlers', 'library', 'meta', 'tasks', 'templates', 'vars'] });
    expect(ansible.roles.get('roles/bodhi2/base')?.name).toBe('bodhi2/base');
  });

  it('reads plays, blocks and every module form, with exact offsets', async () => {
    const pb = await ansible.playbook('playbooks/fqcn/site.yml');
    const play = pb?.entries[0];
    if (play?.kind !== 'play') throw new Error('expected a play');
    expect(play.hosts).toBe('fqcn_web');
    expect(play.roles.map((r) => r.name)).toEqual(['fqcn_web']);
    const tasks = await ansible.tasksIn('playbooks/fqcn/site.yml');
    const text = (await import('node:fs')).readFileSync(`${FIXTURES}/playbooks/fqcn/site.yml`, 'utf8');
    const modules = tasks.map((t) => [t.section, t.module?.form, t.module?.name, t.module?.builtin, t.module?.range && text.slice(t.module.range.start, t.module.range.end)]);
    expect(modules).toEqual([
      ['pre_tasks', 'key', 'ping', 'ping', 'ping'],
      ['pre_tasks', 'key', 'debug', 'debug', 'debug'],
      ['tasks', 'key', 'import_tasks', 'import_tasks', 'import_tasks'],
      ['block', 'key', 'dnf', 'dnf', 'dnf'],
      ['block', 'action', 'copy', 'copy', 'copy'],
      ['rescue', 'key', 'ansible.builtin.debug', 'debug', 'ansible.builtin.debug'],
      ['rescue', 'local_action', 'lineinfile', 'lineinfile', 'lineinfile'],
      ['always', 'key', 'service', 'service', 'service'],
      ['tasks', 'key', 'example.infra.site_facts', undefined, 'example.infra.site_facts'],
      ['post_tasks', 'local_action', 'shell', 'shell', 'shell'],
      ['handlers', 'key', 'ansible.builtin.service', 'service', 'ansible.builtin.service'],
    ]);
    expect(tasks.at(-1)?.handler).toBe(true);
    const copy = tasks[4];
    expect(copy?.args).toMatchObject({ form: 'free-form', params: [{ key: 'content', value: 'hello' }, { key: 'dest', value: '/var/www/html/index.html' }] });
    const shell = tasks[9];
    expect(shell?.args).toMatchObject({ form: 'free-form', freeText: 'echo "{{ inventory_hostname }} deployed" >> /tmp/fqcn-deployments.log' });
  });

  it('tells keywords from modules as ansible-core does', async () => {
    const tasks = await ansible.tasksIn('roles/fqcn_web/tasks/main.yml');
    const byName = new Map(tasks.map((t) => [t.name, t]));
    expect(byName.get('Install the packages')?.keywords.map((k) => k.key.value)).toEqual(['name', 'loop']);
    expect(byName.get('Site settings with a vars key named like a module')?.module).toMatchObject({ name: 'lineinfile', builtin: 'lineinfile' });
    expect(byName.get('A role-local module keeps its name')?.module).toMatchObject({ name: 'fqcn_probe' });
    expect(byName.get('A role-local module keeps its name')?.module?.builtin).toBeUndefined();
    expect(byName.get('The legacy alias stays as written')?.module).toMatchObject({ name: 'ansible.legacy.stat', builtin: 'stat' });
    expect(byName.get('Make the cache folder')?.section).toBe('block');
    expect(byName.get('Record the attempt')?.section).toBe('always');
  });
});

describe('AnsibleRepository on small trees', () => {
  it('a file under playbooks/ that a playbook imports as tasks is a tasks file', async () => {
    const ansible = await AnsibleRepository.analyze(
      sourceOf({
        'playbooks/web.yml': '- hosts: all\n  tasks:\n    - import_tasks: include/steps.yml\n',
        'playbooks/include/steps.yml': '- name: step\n  command: /bin/true\n',
      }),
    );
    expect(ansible.classOf('playbooks/include/steps.yml')).toMatchObject({ kind: 'tasks', by: 'reference', from: { path: 'playbooks/web.yml', keyword: 'import_tasks' } });
    expect((await ansible.tasksIn('playbooks/include/steps.yml'))[0]?.module?.name).toBe('command');
  });

  it('handlers imported from a play are handlers; templated and absolute paths match by their fixed end', async () => {
    const ansible = await AnsibleRepository.analyze(
      sourceOf({
        'playbooks/web.yml': '- hosts: all\n  vars_files:\n    - /srv/web/infra/ansible/vars/global.yml\n  handlers:\n    - import_tasks: "{{ handlers_path }}/restart_services.yml"\n  tasks:\n    - import_tasks: "{{ tasks_path }}/yumrepos.yml"\n',
        'handlers/restart_services.yml': '- name: restart httpd\n  service: name=httpd state=restarted\n',
        'tasks/yumrepos.yml': '- copy: src=a dest=b\n',
        'vars/global.yml': 'a: 1\n',
      }),
    );
    expect(ansible.classOf('handlers/restart_services.yml')?.kind).toBe('handlers');
    expect(ansible.references.map((r) => [r.keyword, r.resolved, r.matched])).toEqual([
      ['vars_files', 'vars/global.yml', 'absolute path matched by its end vars/global.yml'],
      ['import_tasks', 'tasks/yumrepos.yml', 'templated path matched by its fixed end yumrepos.yml'],
      ['import_tasks', 'handlers/restart_services.yml', 'templated path matched by its fixed end restart_services.yml'],
    ]);
    expect((await ansible.tasksIn('handlers/restart_services.yml'))[0]?.handler).toBe(true);
  });

  it('problems are values: a task naming two modules, an entry that is not a mapping', async () => {
    const ansible = await AnsibleRepository.analyze(sourceOf({ 'roles/a/tasks/main.yml': '- copy: src=a dest=b\n  file: path=c\n- just a string\n' }));
    const tf = await ansible.taskFile('roles/a/tasks/main.yml');
    expect(tf?.problems.map((p) => p.message)).toEqual(['conflicting action statements: copy, file', 'tasks: a task list entry must be a mapping, not a scalar']);
    expect(allTasks(tf?.entries ?? [])[0]?.module).toBeUndefined();
  });
});
