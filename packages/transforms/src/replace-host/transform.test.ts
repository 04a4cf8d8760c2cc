import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invertMap, planSteps, repoWritesOf, walkRepository, writeChangesAtomically, type Plan } from '@ansimod/core';
import { planOn, runTransformCase, testEnvironments, writeRepo, type Files } from '../../../../test/support/transform-test.js';
import { HostMap } from './host-map.js';
import { replaceHost } from './transform.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const move = { '*.iad2.example.org': '*.rdu3.example.org' };
const keep = { 'path:inventory/** host:bastion01.iad2.example.org': 'the bastion moves last' };
const paths = {
  hosts: 'inventory/hosts',
  site: 'roles/proxy/templates/site.conf',
  vars: 'roles/app/defaults/main.yml',
  json: 'roles/app/files/config.json',
} as const;
const before: Files = {
  [paths.hosts]: fixture('hosts.before.ini'),
  [paths.site]: fixture('site.before.conf'),
  [paths.vars]: fixture('vars.before.yml'),
  [paths.json]: fixture('config.before.json'),
};
const after: Files = {
  [paths.hosts]: fixture('hosts.after.ini'),
  [paths.site]: fixture('site.after.conf'),
  [paths.vars]: fixture('vars.after.yml'),
  [paths.json]: fixture('config.after.json'),
};

describe('replace-host', () => {
  it('moves every host under a domain pattern in INI, Apache conf, YAML and JSON, keeping what a rule keeps', async () => {
    const plan = await runTransformCase({ transform: replaceHost, options: { maps: move, keep }, before, after });
    const hosts = plan.steps[0]?.outcomes.find((o) => o.path === paths.hosts);
    expect(hosts?.detail).toContain('kept line 10: bastion01.iad2.example.org (the bastion moves last)');
    const site = plan.steps[0]?.outcomes.find((o) => o.path === paths.site);
    expect(site?.detail).toContain('proxy01.iad2.example.org.cert names a file after the host');
  });

  it('--reverse (the inverted map) gives back exactly the original files', async () => {
    await runTransformCase({ transform: replaceHost, options: { maps: invertMap(move), keep }, before: after, after: before });
  });

  it('moves a list of hosts and nothing that merely contains one', async () => {
    await runTransformCase({
      transform: replaceHost,
      options: { maps: { 'proxy01.iad2.example.org': 'proxy01.rdu3.example.org' } },
      before: { 'inventory/hosts': '[p]\nproxy01.iad2.example.org\nproxy02.iad2.example.org\nxproxy01.iad2.example.org\nproxy01.iad2.example.org.evil\n' },
      after: { 'inventory/hosts': '[p]\nproxy01.rdu3.example.org\nproxy02.iad2.example.org\nxproxy01.iad2.example.org\nproxy01.iad2.example.org.evil\n' },
    });
  });

  it('writes a host that moves in one environment only as a choice on env, in a template', async () => {
    await runTransformCase({
      transform: replaceHost,
      options: { maps: { 'staging:db01.stg.iad2.example.org': 'db01.stg.rdu3.example.org' } },
      before: { 'roles/app/templates/app.ini.j2': '[db]\nhost = db01{{ env_suffix }}.iad2.example.org\n' },
      after: { 'roles/app/templates/app.ini.j2': "[db]\nhost = {{ 'db01.stg.rdu3.example.org' if env == 'staging' else 'db01.iad2.example.org' }}\n" },
    });
  });

  it('leaves a host that moves in one environment only in a file Ansible does not template, and says so', async () => {
    const plan = await planOn({ 'inventory/hosts': '[db]\ndb01.iad2.example.org\n' }, replaceHost, { maps: { 'staging:db01.iad2.example.org': 'db01.rdu3.example.org' } });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.message).join('\n')).toContain('moves in some environments only, and this file is not a template');
  });

  it('changes nothing where no host of the map is written', async () => {
    await runTransformCase({ transform: replaceHost, options: { maps: move }, before: { 'roles/a/templates/x.conf': 'ServerName www.example.org\nHeader set X iad2.example.org\n' } });
  });

  it('checks a YAML file whose before render is not YAML (a value renders a quote) line by line', async () => {
    const environments = testEnvironments.map((e) => ({ ...e, vars: { ...e.vars, quote: '"' } }));
    await runTransformCase({
      transform: replaceHost,
      options: { maps: move },
      environments,
      before: { 'roles/app/defaults/main.yml': 'banner: "say {{ quote }}hi{{ quote }}"\nupstream: proxy01.iad2.example.org\n' },
      after: { 'roles/app/defaults/main.yml': 'banner: "say {{ quote }}hi{{ quote }}"\nupstream: proxy01.rdu3.example.org\n' },
    });
  });

  it('keeps a whole path by rule', async () => {
    await runTransformCase({ transform: replaceHost, options: { maps: move, keep: { 'path:roles/nagios/**': 'monitoring keeps the old names' } }, before: { 'roles/nagios/templates/h.cfg': 'host proxy01.iad2.example.org\n' } });
  });
});

describe('replace-host: host_vars move with their host', () => {
  const files: Files = {
    'inventory/hosts': '[proxies]\nproxy01.iad2.example.org\nbastion01.iad2.example.org\ndb01.iad2.example.org\n',
    // A file named after the host whose text never names it: moved all the same.
    'inventory/host_vars/proxy01.iad2.example.org': 'nginx_workers: 4\n',
    // A folder named after the host: each file moves, and the host it names inside is moved too.
    'inventory/host_vars/db01.iad2.example.org/main.yml': 'db_peer: db01.iad2.example.org\n',
    'inventory/host_vars/db01.iad2.example.org.yml': 'db_size: 10\n',
    // Kept by rule, with its host.
    'inventory/host_vars/bastion01.iad2.example.org': 'ssh_port: 22\n',
    // Named after a longer host that merely contains a mapped one: not moved.
    'inventory/host_vars/xproxy01.iad2.example.org.evil': 'x: 1\n',
  };
  const moved: Files = {
    'inventory/hosts': '[proxies]\nproxy01.rdu3.example.org\nbastion01.iad2.example.org\ndb01.rdu3.example.org\n',
    'inventory/host_vars/proxy01.rdu3.example.org': 'nginx_workers: 4\n',
    'inventory/host_vars/db01.rdu3.example.org/main.yml': 'db_peer: db01.rdu3.example.org\n',
    'inventory/host_vars/db01.rdu3.example.org.yml': 'db_size: 10\n',
    'inventory/host_vars/bastion01.iad2.example.org': 'ssh_port: 22\n',
    'inventory/host_vars/xproxy01.iad2.example.org.evil': 'x: 1\n',
  };
  const keepBastion = { 'host:bastion01.iad2.example.org': 'the bastion moves last' };

  async function planAndApply(root: string, maps: Record<string, string>): Promise<Plan> {
    const p = await planSteps(root, [{ transform: replaceHost, options: { maps, keep: keepBastion }, stage: 'hosts', target: 'hosts' }], { environments: testEnvironments });
    expect(p.errors).toEqual([]);
    await writeChangesAtomically(root, p.changes.flatMap(repoWritesOf));
    return p;
  }

  async function tree(root: string): Promise<Files> {
    const walk = await walkRepository(root);
    return Object.fromEntries(walk.files.map((f) => [f.path, readFileSync(f.absolutePath, 'utf8')]));
  }

  it('renames host_vars files and folders of moved hosts (git renames), a second run changes nothing, the inverted map gives them back', async () => {
    const root = writeRepo(files);
    try {
      const p = await planAndApply(root, move);
      expect(p.changes.filter((c) => c.renamedFrom).map((c) => `${c.renamedFrom} -> ${c.path}`).sort()).toEqual([
        'inventory/host_vars/db01.iad2.example.org.yml -> inventory/host_vars/db01.rdu3.example.org.yml',
        'inventory/host_vars/db01.iad2.example.org/main.yml -> inventory/host_vars/db01.rdu3.example.org/main.yml',
        'inventory/host_vars/proxy01.iad2.example.org -> inventory/host_vars/proxy01.rdu3.example.org',
      ]);
      expect(p.steps[0]?.outcomes.find((o) => o.path === 'inventory/host_vars/bastion01.iad2.example.org')?.detail).toContain('kept host_vars bastion01.iad2.example.org (the bastion moves last)');
      expect(await tree(root)).toEqual(moved);
      const second = await planSteps(root, [{ transform: replaceHost, options: { maps: move, keep: keepBastion }, stage: 'hosts', target: 'hosts' }], { environments: testEnvironments });
      expect(second.changes).toEqual([]);
      await planAndApply(root, invertMap(move));
      expect(await tree(root)).toEqual(files);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves the host_vars of a host that moves in one environment only, and says so', async () => {
    const plan = await planOn({ 'inventory/host_vars/db01.iad2.example.org': 'x: 1\n' }, replaceHost, { maps: { 'staging:db01.iad2.example.org': 'db01.rdu3.example.org' } });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.message).join('\n')).toContain('host_vars db01.iad2.example.org names a host that moves in some environments only');
  });
});

describe('HostMap', () => {
  it('matches whole hosts only, longest first, per environment', () => {
    const map = HostMap.from({ '*.iad2.example.org': '*.rdu3.example.org', 'staging:db.iad2.example.org': 'db.stg.example.org' });
    expect(map.target('a.b.iad2.example.org', 'production')).toBe('a.b.rdu3.example.org');
    expect(map.target('db.iad2.example.org', 'staging')).toBe('db.stg.example.org');
    expect(map.target('db.iad2.example.org', 'production')).toBe('db.rdu3.example.org');
    expect(map.target('iad2.example.org', 'production')).toBeUndefined();
    expect(map.matchHost('a.iad2.example.org.cert')).toEqual({ host: 'a.iad2.example.org', suffix: '.cert' });
    expect(map.matchHost('a.iad2.example.organic')).toBeUndefined();
  });

  it('reads an inverted map the same way', () => {
    const map = HostMap.from(invertMap({ 'staging:a.iad2.example.org': 'a.rdu3.example.org' }));
    expect(map.target('a.rdu3.example.org', 'staging')).toBe('a.iad2.example.org');
    expect(map.target('a.rdu3.example.org', 'production')).toBeUndefined();
  });

  it('rejects a pattern mapped to a host and a side that is no host', () => {
    expect(() => HostMap.from({ '*.iad2.example.org': 'x.example.org' })).toThrow(/pattern maps only/);
    expect(() => HostMap.from({ 'not a host': 'x.example.org' })).toThrow(/not a host name/);
  });
});
