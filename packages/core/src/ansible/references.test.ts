import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverEnvironments } from '../env/index.js';

import { walkRepository } from '../repo/index.js';
import { evaluateTemplate } from '../transform/engine.js';
import { ansibleSourceOf } from '../transform/ansible-view.js';
import { RepoIndex } from '../transform/repo-index.js';
import { AnsibleRepository } from './AnsibleRepository.js';
import { collectReferences, scopeOf, type FileReference } from './references.js';
import { searchPaths } from './references-resolve.js';

const fixture = fileURLToPath(new URL('../../../../fixtures/ansible', import.meta.url));

async function fixtureReferences(): Promise<FileReference[]> {
  const walk = await walkRepository(fixture);
  const repo = new RepoIndex(walk.root, walk.files);
  const source = ansibleSourceOf(repo);
  const ansible = await AnsibleRepository.analyze(source);
  const environments = await discoverEnvironments(walk.root);
  return collectReferences({ ansible, paths: () => repo.paths(), text: source.text, yaml: source.yaml, environments, evaluate: (t, env) => evaluateTemplate(t, env) });
}

describe('collectReferences on fixtures/ansible', () => {
  it('finds every kind of reference of the refs_web role and its playbook, resolved as Ansible resolves them', async () => {
    const refs = await fixtureReferences();
    const mine = refs.filter((r) => r.path.includes('refs_') || r.path.startsWith('playbooks/refs/'));
    const show = (r: FileReference) => `${r.path}:${r.line} ${r.kind} ${r.target} -> ${r.resolved ?? JSON.stringify(r.byEnvironment ?? null)}${r.unresolved ? ` (${r.unresolved})` : ''}`;
    expect(mine.map(show)).toEqual([
      'playbooks/refs/site.yml:8 vars_files vars/site.json -> playbooks/refs/vars/site.json',
      'playbooks/refs/site.yml:10 roles refs_web -> roles/refs_web',
      'playbooks/refs/site.yml:15 template templates/notes.conf -> playbooks/refs/templates/notes.conf',
      'roles/refs_web/meta/main.yml:3 dependencies refs_common -> roles/refs_common',
      'roles/refs_web/tasks/main.yml:5 template vhost.conf.yml -> roles/refs_web/templates/vhost.conf.yml',
      'roles/refs_web/tasks/main.yml:9 template app-{{ env }}.yml -> {"production":"roles/refs_web/templates/app-production.yml","staging":"roles/refs_web/templates/app-staging.yml"}',
      'roles/refs_web/tasks/main.yml:14 copy motd -> roles/refs_web/files/motd',
      'roles/refs_web/tasks/main.yml:23 include_vars {{ env }}.yml -> {"production":"roles/refs_web/vars/production.yml","staging":"roles/refs_web/vars/staging.yml"}',
      'roles/refs_web/tasks/main.yml:26 import_tasks install.yml -> roles/refs_web/tasks/install.yml',
      'roles/refs_web/tasks/main.yml:30 include_tasks extra.yml -> roles/refs_web/tasks/extra.yml',
      'roles/refs_web/tasks/main.yml:35 include_role refs_common -> roles/refs_common',
      "roles/refs_web/tasks/main.yml:19 lookup_template banner.yml -> roles/refs_web/templates/banner.yml",
      'roles/refs_web/tasks/main.yml:19 lookup_file motd -> roles/refs_web/files/motd',
      "roles/refs_web/templates/vhost.conf.yml:4 jinja_include vhost-common.yml -> roles/refs_web/templates/vhost-common.yml",
      'roles/refs_web/templates/vhost.conf.yml:5 jinja_import macros.yml -> roles/refs_web/templates/macros.yml',
    ]);
    // Every span is the target as written, so an edit there changes exactly the reference.
    const { readFileSync } = await import('node:fs');
    for (const r of mine) if (r.span) expect(readFileSync(`${fixture}/${r.path}`, 'utf8').slice(r.span.start, r.span.end)).toBe(r.target);
  });

  it('lists what it cannot follow, with the reason', async () => {
    const refs = await fixtureReferences();
    const dockercfg = refs.find((r) => r.path === 'playbooks/groups/osbs/setup-worker-namespace.yml' && r.kind === 'template');
    expect(dockercfg?.unresolved).toMatch(/cannot evaluate|names no file/);
  });
});

describe('searchPaths', () => {
  it('looks where Ansible looks: the role folder for the kind, the role, then beside the file', () => {
    expect(searchPaths('template', 'a.j2', 'roles/web/tasks/main.yml', [])).toEqual(['roles/web/templates/a.j2', 'roles/web/a.j2', 'roles/web/tasks/templates/a.j2', 'roles/web/tasks/a.j2']);
    expect(searchPaths('copy', 'x', 'playbooks/site.yml', [])).toEqual(['playbooks/files/x', 'playbooks/x']);
    expect(searchPaths('vars_files', 'vars/a.yml', 'playbooks/site.yml', [])).toEqual(['playbooks/vars/a.yml']);
    expect(searchPaths('jinja_include', 'b.conf', 'roles/web/templates/sub/a.conf', [])).toEqual(['roles/web/templates/sub/b.conf', 'roles/web/templates/b.conf']);
    expect(searchPaths('roles', 'web', 'playbooks/site.yml', ['more_roles'])).toEqual(['playbooks/roles/web', 'more_roles/web', 'roles/web', 'playbooks/web']);
  });

  it('a scope after renames finds the new names only', () => {
    const scope = scopeOf(['roles/web/templates/a.j2', 'roles/web/tasks/main.yml'], []);
    expect(scope.exists('roles/web/templates/a.j2')).toBe(true);
    expect(scope.roleExists('roles/web')).toBe(true);
    expect(scope.roleExists('roles/other')).toBe(false);
  });
});
