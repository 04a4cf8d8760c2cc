import { describe, expect, it } from 'vitest';
import type { Environment } from '@ansimod/core';
import { EndpointMap } from '../endpoints/endpoint-map.js';
import { rewriteHosts } from './host-rewrite.js';
import { srcNamesTemplate, roleOfTemplate } from './templating-tasks.js';
import { hostVariables } from './variable-definitions.js';

const envs: Environment[] = [
  { name: 'production', vars: { env: 'production', env_suffix: '' }, source: [] },
  { name: 'staging', vars: { env: 'staging', env_suffix: '.stg' }, source: [] },
];
const evaluate = async (t: string, env: Environment) => t.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, n: string) => String(env.vars[n] ?? ''));
const map = EndpointMap.from({
  'registry.example.org': 'quay.io/ex',
  'registry.stg.example.org': 'quay.io/ex-stg',
  'candidate-registry.example.org': 'quay.io/ex',
  'candidate-registry.stg.example.org': 'quay.io/ex-stg',
});

describe('rewriteHosts', () => {
  it('keeps the scheme and the path after the namespace, drops a port', async () => {
    expect((await rewriteHosts('docker://candidate-registry.example.org', map, envs, evaluate))?.value).toBe('docker://quay.io/ex');
    expect((await rewriteHosts('https://registry.example.org/', map, envs, evaluate))?.value).toBe('https://quay.io/ex/');
    expect((await rewriteHosts('registry.example.org:5000/app:39', map, envs, evaluate))?.value).toBe('quay.io/ex/app:39');
  });
  it('writes a per-environment expression for a Jinja-split host', async () => {
    const r = await rewriteHosts('docker://registry{{ env_suffix }}.example.org/x', map, envs, evaluate);
    expect(r?.value).toBe("docker://{{ 'quay.io/ex-stg' if env == 'staging' else 'quay.io/ex' }}/x");
    expect(r?.replacements[0]?.byEnv).toEqual({
      production: { from: 'registry.example.org', to: 'quay.io/ex' },
      staging: { from: 'registry.stg.example.org', to: 'quay.io/ex-stg' },
    });
  });
  it('leaves longer hosts, file names and unmapped values alone', async () => {
    for (const v of ['https://cdn.registry.example.org/', '/etc/pki/registry.example.org.cert', 'docker://{{candidate_registry}}', 'fedora']) {
      expect(await rewriteHosts(v, map, envs, evaluate)).toBeUndefined();
    }
  });
});

describe('hostVariables', () => {
  it('finds simple variables in the host part only', () => {
    expect(hostVariables('docker://{{candidate_registry}}')).toEqual(['candidate_registry']);
    expect(hostVariables('https://{{ host }}/{{ path }}')).toEqual(['host']);
    expect(hostVariables('{{ registry }}')).toEqual(['registry']);
    expect(hostVariables('docker://registry.example.org/{{ repo }}')).toEqual([]);
  });
});

describe('srcNamesTemplate', () => {
  const T = 'roles/koji_builder/templates/flatpak.conf';
  it('matches a role template from its own role, and longer paths from anywhere', () => {
    expect(roleOfTemplate('roles/openshift-apps/flatpak-indexer/templates/configmap.yml')).toEqual({
      roleDir: 'roles/openshift-apps/flatpak-indexer',
      relative: 'configmap.yml',
    });
    expect(srcNamesTemplate('flatpak.conf', T, 'roles/koji_builder/tasks/main.yml')).toBe(true);
    expect(srcNamesTemplate('flatpak.conf', T, 'roles/other/tasks/main.yml')).toBe(false);
    expect(srcNamesTemplate('{{ roles_path }}/koji_builder/templates/flatpak.conf', T, 'playbooks/x.yml')).toBe(true);
    expect(srcNamesTemplate('flatpak.conf.j2', T, 'roles/koji_builder/tasks/main.yml')).toBe(false);
    expect(srcNamesTemplate('{{ name }}.conf', T, 'roles/koji_builder/tasks/main.yml')).toBe(false);
  });
});
