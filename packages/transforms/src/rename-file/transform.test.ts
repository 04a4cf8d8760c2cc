/**
 * rename-file on fixtures/ansible: the refs_web role's YAML templates (and the playbook's) get
 * .j2, every reference follows; a second run changes nothing; --reverse gives the tree back; the
 * patch, applied with git am, gives the tree apply writes.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fileChangeOf, formatPatch, planSteps, repoWritesOf, walkRepository, writeChangesAtomically, type Plan } from '@ansimod/core';
import { writeRepo } from '../../../../test/support/transform-test.js';
import { renameFile as transform } from './index.js';

const fixture = fileURLToPath(new URL('../../../../fixtures/ansible', import.meta.url));
const example = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const templates = { paths: ['roles/refs_*/templates/**/*.yml', 'playbooks/refs/templates/**/*.conf'], appendSuffix: '.j2' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyOf(src: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ansimod-rf-'));
  dirs.push(dir);
  cpSync(src, dir, { recursive: true });
  return dir;
}

async function plan(dir: string, options: Record<string, unknown>): Promise<Plan> {
  return planSteps(dir, [{ transform, options, stage: 'rename', target: 'files to rename' }]);
}

/** Every file of a tree: path → content. */
async function tree(dir: string): Promise<Record<string, string>> {
  const walk = await walkRepository(dir);
  return Object.fromEntries(walk.files.filter((f) => !f.path.startsWith('.git/')).map((f) => [f.path, readFileSync(f.absolutePath, 'latin1')]));
}

async function apply(dir: string, p: Plan): Promise<void> {
  await writeChangesAtomically(dir, p.changes.flatMap(repoWritesOf));
}

const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' } });

describe('rename-file on fixtures/ansible', () => {
  it('renames the templates and rewrites every reference, each resolved as Ansible does', async () => {
    const dir = copyOf(fixture);
    const p = await plan(dir, templates);
    expect(p.errors).toEqual([]);
    const renamed = p.changes.filter((c) => c.renamedFrom).map((c) => `${c.renamedFrom} -> ${c.path}`);
    expect(renamed).toEqual([
      'playbooks/refs/templates/notes.conf -> playbooks/refs/templates/notes.conf.j2',
      'roles/refs_web/templates/app-production.yml -> roles/refs_web/templates/app-production.yml.j2',
      'roles/refs_web/templates/app-staging.yml -> roles/refs_web/templates/app-staging.yml.j2',
      'roles/refs_web/templates/banner.yml -> roles/refs_web/templates/banner.yml.j2',
      'roles/refs_web/templates/macros.yml -> roles/refs_web/templates/macros.yml.j2',
      'roles/refs_web/templates/vhost-common.yml -> roles/refs_web/templates/vhost-common.yml.j2',
      'roles/refs_web/templates/vhost.conf.yml -> roles/refs_web/templates/vhost.conf.yml.j2',
    ]);
    const edited = Object.fromEntries(p.changes.filter((c) => c.before !== c.after).map((c) => [c.path, c.after.split('\n').filter((l, i) => l !== c.before.split('\n')[i])]));
    expect(edited).toEqual({
      'playbooks/refs/site.yml': ['        src: templates/notes.conf.j2'],
      'roles/refs_web/tasks/main.yml': [
        '  ansible.builtin.template: src=vhost.conf.yml.j2 dest=/etc/httpd/conf.d/{{ web_name }}.conf mode=0644',
        '    src: "app-{{ env }}.yml.j2"',
        "    msg: \"{{ lookup('template', 'banner.yml.j2') }} / {{ lookup('file', 'motd') | length }}\"",
      ],
      'roles/refs_web/templates/vhost.conf.yml.j2': ["{% include 'vhost-common.yml.j2' %}", "{% import 'macros.yml.j2' as m %}"],
    });

    // A second run changes nothing; --reverse gives back exactly the original tree.
    const original = await tree(dir);
    await apply(dir, p);
    const second = await plan(dir, templates);
    expect(second.errors).toEqual([]);
    expect(second.changes).toEqual([]);
    const back = await plan(dir, { ...templates, reverse: true });
    expect(back.errors).toEqual([]);
    await apply(dir, back);
    expect(await tree(dir)).toEqual(original);
  });

  it('git am of the patch gives the tree apply writes', async () => {
    const viaApply = copyOf(fixture);
    const viaAm = copyOf(fixture);
    git(viaAm, ['init', '-q']);
    git(viaAm, ['add', '-A']);
    git(viaAm, ['commit', '-qm', 'base']);
    const p = await plan(viaApply, templates);
    expect(p.errors).toEqual([]);
    await apply(viaApply, p);
    const mail = formatPatch({ author: { name: 'T', email: 't@example.org' }, date: new Date(0), subject: 'Templates get .j2', body: '', changes: p.changes.map(fileChangeOf) });
    expect(mail).toContain('rename from roles/refs_web/templates/vhost.conf.yml\nrename to roles/refs_web/templates/vhost.conf.yml.j2\n');
    expect(mail).toMatch(/similarity index \d+%/);
    const file = join(viaAm, '..', `${viaAm.split('/').pop()}.patch`);
    writeFileSync(file, mail);
    dirs.push(file);
    git(viaAm, ['am', '-q', file]);
    expect(await tree(viaAm)).toEqual(await tree(viaApply));
    expect(git(viaAm, ['show', '--stat', '-M', '--format=', 'HEAD'])).toContain('roles/refs_web/templates/{vhost.conf.yml => vhost.conf.yml.j2}');
  });
});

describe('rename-file cases', () => {
  it('stops the plan on a reference it cannot resolve that may name a renamed file, unless accepted', async () => {
    const files = {
      'roles/a/tasks/main.yml': '- template:\n    src: "{{ unknown_var }}.yml"\n    dest: /x\n',
      'roles/a/templates/x.yml': 'x: 1\n',
    };
    const dir = writeRepo(files);
    dirs.push(dir);
    const p = await plan(dir, { paths: ['roles/a/templates/*.yml'], appendSuffix: '.j2' });
    expect(p.errors.map((e) => `${e.code} ${e.path}:${e.line}`)).toEqual(['UNRESOLVED_REFERENCE roles/a/tasks/main.yml:2']);
    const accepted = await plan(dir, { paths: ['roles/a/templates/*.yml'], appendSuffix: '.j2', accept: ['roles/a/tasks/**'] });
    expect(accepted.errors).toEqual([]);
    expect(accepted.changes.map((c) => c.path)).toEqual(['roles/a/templates/x.yml.j2']);
  });

  it('reads absolute paths under a checkout of the repository from its root; with checkouts known, one under none names no repository file', async () => {
    const files = {
      'playbooks/site.yml': '- hosts: all\n  vars_files:\n    - /srv/ansible/vars/{{ ansible_distribution }}.yml\n  tasks:\n    - template:\n        src: /srv/ansible/roles/a/templates/x.yml\n        dest: /x\n    - template:\n        src: "/etc/ansible/{{ name }}.yml"\n        dest: /y\n',
      'roles/a/templates/x.yml': 'x: 1\n',
      'vars/Fedora.yml': 'a: 1\n',
    };
    const dir = writeRepo(files);
    dirs.push(dir);
    const options = { paths: ['roles/*/templates/*.yml'], appendSuffix: '.j2' };
    const without = await plan(dir, options);
    expect(without.errors.map((e) => `${e.code} ${e.path}:${e.line}`)).toEqual(['UNRESOLVED_REFERENCE playbooks/site.yml:3']);
    const p = await plan(dir, { ...options, checkouts: ['/srv/ansible/'] });
    expect(p.errors).toEqual([]);
    const site = p.changes.find((c) => c.path === 'playbooks/site.yml');
    expect(site?.after).toBe(files['playbooks/site.yml'].replace('/srv/ansible/roles/a/templates/x.yml', '/srv/ansible/roles/a/templates/x.yml.j2'));
    await apply(dir, p);
    expect((await plan(dir, { ...options, checkouts: ['/srv/ansible'] })).changes).toEqual([]);
    const back = await plan(dir, { ...options, checkouts: ['/srv/ansible'], reverse: true });
    expect(back.errors).toEqual([]);
    await apply(dir, back);
    expect(await tree(dir)).toEqual(files);
  });

  it('reads past binary files of the repository: they are neither renamed nor errors', async () => {
    const dir = writeRepo({ 'roles/a/tasks/main.yml': '- template:\n    src: x.yml\n    dest: /x\n', 'roles/a/templates/x.yml': 'x: 1\n', 'roles/a/files/logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]) });
    dirs.push(dir);
    const p = await plan(dir, { paths: ['roles/a/templates/*.yml'], appendSuffix: '.j2' });
    expect(p.errors).toEqual([]);
    expect(p.changes.map((c) => c.path)).toEqual(['roles/a/tasks/main.yml', 'roles/a/templates/x.yml.j2']);
  });

  it('renames one file by from/to and changes nothing when it is already renamed', async () => {
    const dir = writeRepo({ 'roles/a/tasks/main.yml': example('tasks.before.yml'), 'roles/a/files/motd': 'hi\n' });
    dirs.push(dir);
    const p = await plan(dir, { from: 'roles/a/files/motd', to: 'roles/a/files/motd.txt' });
    expect(p.errors).toEqual([]);
    expect(p.changes.map((c) => [c.path, c.after])).toEqual([
      ['roles/a/files/motd.txt', 'hi\n'],
      ['roles/a/tasks/main.yml', example('tasks.after.yml')],
    ]);
    await apply(dir, p);
    expect((await plan(dir, { from: 'roles/a/files/motd', to: 'roles/a/files/motd.txt' })).changes).toEqual([]);
  });
});
