/**
 * The audit on the fixture repository: every trap that names a mapped registry host is listed
 * with its line, nothing else is, and after the recipe the moved endpoints are gone from it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planRecipe } from '@ansimod/core';
import { auditRepository, builtinRegistry, keepRuleFor, unusedTemplates } from '@ansimod/transforms';

const fixture = fileURLToPath(new URL('../fixtures/ansible', import.meta.url));
const registry = builtinRegistry();
const recipe = registry.recipe('flatpaks-to-quay')!;
const maps = recipe.options!['maps']!.default as Record<string, string>;
const HOSTS = /(^|[^A-Za-z0-9.-])(candidate-)?registry(\.stg|\{\{ ?env_suffix ?\}\})?\.fedoraproject\.org(?![A-Za-z0-9-])/;

function trapRows(): Array<{ path: string; text: string }> {
  const md = readFileSync(join(fixture, 'README.md'), 'utf8');
  const body = md.split('## Traps')[1] ?? '';
  return [...body.matchAll(/^\| `([^`]+)` \| `(.+?)` \|/gm)].map((m) => ({ path: m[1]!, text: m[2]!.replace(/\\\|/g, '|') }));
}

function lineOf(path: string, text: string): number {
  const lines = readFileSync(join(fixture, path), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(text)) + 1;
}

describe('audit', () => {
  it('lists every trap naming a mapped host, at its line, and no trap that does not', async () => {
    const { references } = await auditRepository(fixture, { maps });
    const at = new Set(references.map((r) => `${r.path}:${r.line}`));
    let listed = 0;
    for (const t of trapRows()) {
      const key = `${t.path}:${lineOf(t.path, t.text)}`;
      if (HOSTS.test(t.text)) {
        expect(at.has(key), `audit lists ${key} (${t.text})`).toBe(true);
        listed++;
      } else if (!/registry\.fedoraproject\.org|registry\.stg/.test(readFileSync(join(fixture, t.path), 'utf8').split('\n')[lineOf(t.path, t.text) - 1]!.replace(/cdn\.registry|registry-no-cdn\\?\.|oci-(candidate-)?registry0/g, ''))) {
        expect(at.has(key), `audit must not list ${key} (${t.text})`).toBe(false);
      }
    }
    expect(listed).toBeGreaterThanOrEqual(15);
  });

  it('never lists a line without a registry host, and gives each reference a context and a kind', async () => {
    const { references } = await auditRepository(fixture, { maps });
    for (const r of references) {
      const line = readFileSync(join(fixture, r.path), 'utf8').split(/\r?\n/)[r.line - 1]!;
      expect(line.slice(r.column - 1)).toMatch(/^(candidate-)?registry/);
      expect(HOSTS.test(line), `${r.path}:${r.line}`).toBe(true);
      expect(r.context).not.toBe('');
    }
    const kinds = (path: string) => references.filter((r) => r.path === path).map((r) => r.kind);
    expect(kinds('roles/openshift-apps/flatpak-indexer/files/Dockerfile')).toEqual(['image-reference']);
    expect(kinds('roles/httpd/reverseproxy/templates/reversepassproxy.registry-generic.conf')).toEqual(['file-path']);
    expect(references.find((r) => r.path === 'roles/koji_builder/tasks/main.yml')).toMatchObject({
      kind: 'registry-endpoint',
      templated: true,
      environments: { production: 'candidate-registry.fedoraproject.org', staging: 'candidate-registry.stg.fedoraproject.org' },
    });
  });

  it('no longer lists the moved endpoints after the recipe, but keeps the traps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ansimod-audit-'));
    try {
      cpSync(fixture, dir, { recursive: true });
      const before = await auditRepository(dir, { maps });
      const plan = await planRecipe(dir, recipe, registry);
      for (const c of plan.changes) writeFileSync(join(dir, c.path), c.afterBytes);
      const after = await auditRepository(dir, { maps });
      const gone = before.references.filter((b) => !after.references.some((a) => a.path === b.path && a.source === b.source && a.context === b.context));
      expect(gone.map((g) => `${g.path} ${g.context}`).sort()).toEqual([
        'files/osbs/dockercfg-production-secret.j2 auths.candidate-registry.fedoraproject.org',
        'files/osbs/dockercfg-staging-secret.j2 auths.candidate-registry.stg.fedoraproject.org',
        'inventory/group_vars/osbs_masters _osbs_reactor_config_map.registries.[0].url',
        'inventory/group_vars/osbs_masters_stg _osbs_reactor_config_map.registries.[0].url',
        'playbooks/groups/buildhw.yml [0].roles.[2].candidate_registry',
        'playbooks/groups/buildvm.yml [0].roles.[2].candidate_registry',
        'playbooks/groups/buildvm.yml [0].roles.[3].candidate_registry',
        'roles/bodhi2/base/templates/production.ini.j2 app:main.container.destination_registry',
        'roles/bodhi2/base/templates/production.ini.j2 app:main.container.source_registry',
        'roles/koji_builder/tasks/main.yml [3].vars.candidate_registry',
        'roles/openshift-apps/flatpak-indexer/templates/configmap.yml data.config.yaml.registries.fedora.public_url',
      ]);
      // What still looks like an endpoint stays on purpose: the registry OSBS pulls base images
      // from, and a vhost template no playbook installs.
      const endpoints = after.references.filter((r) => r.kind === 'registry-endpoint');
      const centos = 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-centos.conf';
      const unused = await unusedTemplates(dir, endpoints.map((r) => r.path), after.environments);
      expect([...unused]).toEqual([centos]);
      expect(endpoints.map((r) => [r.path, keepRuleFor(r, recipe.keep ?? [], unused)?.rule])).toEqual([
        ['inventory/group_vars/osbs_masters', 'osbs-base-image-registry'],
        ['inventory/group_vars/osbs_masters_stg', 'osbs-base-image-registry'],
        [centos, 'not-served'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
