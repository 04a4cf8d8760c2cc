/**
 * The flatpaks-to-quay recipe on our fixture repository (issue 3 acceptance): every target
 * changes as intended in production and staging, every trap stays byte for byte, a second run
 * changes nothing, and custom maps work.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverEnvironments, planRecipe, renderTemplate, type Environment, type Plan } from '@ansimod/core';
import { builtinRegistry } from '@ansimod/transforms';
import { parse as parseYaml } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = join(root, 'fixtures/ansible');
const registry = builtinRegistry();
const recipe = registry.recipe('flatpaks-to-quay')!;

/** Rows `| \`path\` | \`text\` | why |` of a section of the fixture README. */
function readmeRows(section: string): Array<{ path: string; text: string }> {
  const md = readFileSync(join(fixture, 'README.md'), 'utf8');
  const body = md.split(`## ${section}`)[1]?.split('\n## ')[0] ?? '';
  return [...body.matchAll(/^\| `([^`]+)` \| `(.+?)` \|/gm)].map((m) => ({ path: m[1]!, text: m[2]!.replace(/\\\|/g, '|') }));
}

function copyRepo(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ansimod-recipe-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

function applyPlan(dir: string, plan: Plan): void {
  for (const c of plan.changes) writeFileSync(join(dir, c.path), c.afterBytes);
}

async function render(dir: string, path: string, env: Environment, extra: Record<string, unknown> = {}): Promise<string> {
  const text = readFileSync(join(dir, path), 'utf8');
  const r = await renderTemplate(text, { ...env.vars, ...extra }, {
    path,
    resolveInclude: (name: string, from: string) => {
      const p = join(dir, dirname(from), name);
      return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    },
  });
  if (!r.ok) throw new Error(`${path}: ${r.diagnostic.message}`);
  return r.output;
}

describe('flatpaks-to-quay on fixtures/ansible', () => {
  let dir: string;
  let plan: Plan;
  let envs: Environment[];
  beforeAll(async () => {
    dir = copyRepo(fixture);
    envs = await discoverEnvironments(dir);
    plan = await planRecipe(dir, recipe, registry);
    applyPlan(dir, plan);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every target, verifies every edit, and changes only target files', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.notFound).toEqual([]);
    expect(plan.changes.map((c) => [c.path, c.stages[0]])).toEqual([
      ['files/osbs/dockercfg-production-secret.j2', 'OSBS'],
      ['files/osbs/dockercfg-staging-secret.j2', 'OSBS'],
      ['inventory/group_vars/osbs_masters', 'OSBS'],
      ['inventory/group_vars/osbs_masters_stg', 'OSBS'],
      ['playbooks/groups/buildhw.yml', 'Koji'],
      ['playbooks/groups/buildvm.yml', 'Koji'],
      ['roles/bodhi2/base/templates/production.ini.j2', 'Bodhi'],
      ['roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf', 'Proxies'],
      ['roles/koji_builder/tasks/main.yml', 'Koji'],
      ['roles/openshift-apps/flatpak-indexer/templates/configmap.yml', 'flatpak-indexer'],
    ]);
  });

  it('leaves every trap listed in the fixture README byte for byte', () => {
    const traps = readmeRows('Traps');
    expect(traps.length).toBeGreaterThan(15);
    for (const t of traps) expect(readFileSync(join(dir, t.path), 'utf8'), `${t.path}: ${t.text}`).toContain(t.text);
  });

  it('renders each stage right in production and staging', async () => {
    const expected: Record<string, string> = { production: 'quay.io/fedora', staging: 'quay.io/fedora-testing' };
    for (const env of envs) {
      const target = expected[env.name]!;
      const candidates = `${target}-candidates`;
      const dockercfg = JSON.parse(await render(dir, `files/osbs/dockercfg-${env.name}-secret.j2`, env)) as { auths: Record<string, unknown> };
      expect(Object.keys(dockercfg.auths)).toEqual(['quay.io']);

      const tasks = readFileSync(join(dir, 'roles/koji_builder/tasks/main.yml'), 'utf8');
      const def = /candidate_registry: "(.*)"/.exec(tasks)?.[1] ?? '';
      const value = await render(dir, 'roles/koji_builder/tasks/main.yml', env).then(() => renderTemplate(def, env.vars));
      const flatpak = await render(dir, 'roles/koji_builder/templates/flatpak.conf', env, { candidate_registry: value.ok ? value.output : '' });
      expect(flatpak).toContain(`registry=docker://${candidates}`);

      const bodhi = await render(dir, 'roles/bodhi2/base/templates/production.ini.j2', env);
      expect(bodhi).toMatch(new RegExp(`^container\\.destination_registry = ${target.replace('.', '\\.')}$`, 'm'));
      expect(bodhi).toMatch(new RegExp(`^container\\.source_registry = ${candidates.replace('.', '\\.')}$`, 'm'));

      const proxy = await render(dir, 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf', env);
      const rule = proxy.split('\n').find((l) => l.startsWith('RewriteRule ') && l.includes('https://quay.io/')) ?? '';
      expect(rule).toBe(`RewriteRule ^/v2/(.+/(?:manifests|blobs|tags)/.+)$ https://quay.io/v2/${target.slice('quay.io/'.length)}/$1 [R=302,L]`);
      const redirect = proxy.indexOf(rule);
      expect(proxy.slice(0, redirect)).toMatch(/RewriteCond %\{REQUEST_METHOD\} \^\(GET\|HEAD\)\$\n$/);
      // The alias still applies first; the API's own paths never match the redirect.
      expect(redirect).toBeGreaterThan(proxy.indexOf('RewriteRule ^/v2/latest/'));
      expect(redirect).toBeLessThan(proxy.indexOf('RewriteRule ^/v2/(.*)$ http://localhost'));
      const pattern = new RegExp(rule.split(' ')[1] as string);
      for (const p of ['/v2/fedora/firefox/manifests/stable', '/v2/flatpak-runtime/blobs/sha256:ab12', '/v2/f38/gnome/tags/list']) expect(pattern.test(p), p).toBe(true);
      for (const p of ['/v2/', '/v2/_catalog', '/signatures/x', '/index/static']) expect(pattern.test(p), p).toBe(false);
      expect(proxy).not.toMatch(/ansimod/i);
      if (env.name === 'production') expect(redirect).toBeLessThan(proxy.indexOf('https://cdn.registry.fedoraproject.org/v2/'));

      const configmap = await render(dir, 'roles/openshift-apps/flatpak-indexer/templates/configmap.yml', env);
      expect(configmap).toContain('public_url: https://quay.io/fedora/');
      expect(configmap).toMatch(/deltas_uri: https:\/\/(cdn\.)?registry(\.stg)?\.fedoraproject\.org\/deltas\//);
    }
  });

  it('changes nothing on a second run', async () => {
    const again = await planRecipe(dir, recipe, registry);
    expect(again.errors).toEqual([]);
    expect(again.changes.map((c) => c.path)).toEqual([]);
    expect(again.notFound).toEqual([]);
  });
});

describe('flatpaks-to-quay with four custom maps', () => {
  it('sends each host to its own namespace', async () => {
    const dir = copyRepo(fixture);
    try {
      const maps = {
        'candidate-registry.fedoraproject.org': 'quay.io/fedora-candidates',
        'candidate-registry.stg.fedoraproject.org': 'quay.io/fedora-candidates-stg',
        'registry.fedoraproject.org': 'quay.io/fedora',
        'registry.stg.fedoraproject.org': 'quay.io/fedora-stg',
      };
      const plan = await planRecipe(dir, recipe, registry, { options: { maps } });
      expect(plan.errors).toEqual([]);
      const ini = plan.changes.find((c) => c.path.endsWith('production.ini.j2'))!.after;
      expect(ini).toContain('container.source_registry = quay.io/fedora-candidates-stg');
      expect(ini).toContain('container.destination_registry = quay.io/fedora-stg');
      expect(ini).toContain('container.source_registry = quay.io/fedora-candidates\n');
      const tasks = plan.changes.find((c) => c.path.endsWith('koji_builder/tasks/main.yml'))!.after;
      expect(tasks).toContain("'quay.io/fedora-candidates-stg' if env == 'staging' else 'quay.io/fedora-candidates'");
      applyPlan(dir, plan);
      expect((await planRecipe(dir, recipe, registry, { options: { maps } })).changes).toEqual([]);
      // The reactor configs name their namespace (registries_organization) beside the API URL.
      const osbs = plan.changes.find((c) => c.path === 'inventory/group_vars/osbs_masters_stg')!.after;
      expect(osbs).toContain('  registries_organization: fedora-candidates-stg\n  registries:\n    - url: "https://quay.io/v2"\n');
      // A docker auth key and a registry login hold the host only: which registry they came from
      // cannot be known, so the reverse refuses, naming each place. The reactor configs' URLs
      // are restorable: their organization names the source.
      const back = await planRecipe(dir, recipe, registry, { options: { maps }, reverse: true });
      expect(back.changes.find((c) => c.path === 'inventory/group_vars/osbs_masters_stg')?.after).toBe(readFileSync(join(fixture, 'inventory/group_vars/osbs_masters_stg'), 'utf8'));
      expect(back.errors.map((e) => `${e.path}:${e.line}`).sort()).toEqual([
        'files/osbs/dockercfg-production-secret.j2:1',
        'files/osbs/dockercfg-staging-secret.j2:1',
        'playbooks/groups/buildhw.yml:11',
        'playbooks/groups/buildvm.yml:12',
      ]);
      for (const e of back.errors) expect(e.message).toMatch(/^cannot restore .*(quay\.io).*restore it by hand$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('flatpaks-to-quay --reverse', () => {
  it('restores byte for byte every file whose change can be undone (Bodhi loses the else branch it gained)', async () => {
    const dir = copyRepo(fixture);
    try {
      // The steps whose values keep the namespace, so the inverse maps say where each came from.
      const invertible = { ...recipe, components: [], steps: recipe.steps.filter((s) => s.options?.['hostOnly'] !== true && s.transform !== 'swap-docker-auth-host') };
      const forward = await planRecipe(dir, invertible, registry);
      expect(forward.errors).toEqual([]);
      expect(forward.changes.length).toBe(4);
      applyPlan(dir, forward);
      const back = await planRecipe(dir, invertible, registry, { reverse: true });
      expect(back.errors).toEqual([]);
      applyPlan(dir, back);
      for (const c of forward.changes) expect(readFileSync(join(dir, c.path), 'utf8'), c.path).toBe(c.before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('flatpaks-to-quay keeps components whole and the gate in place', () => {
  it('refuses a map that sends a promotion source and its destination to one place, with the reason', async () => {
    const maps = { 'candidate-registry.fedoraproject.org': 'quay.io/fedora', 'registry.fedoraproject.org': 'quay.io/fedora' };
    await expect(planRecipe(fixture, recipe, registry, { options: { maps } })).rejects.toThrow(
      /Bodhi promotes builds from candidate-registry\.fedoraproject\.org to registry\.fedoraproject\.org, and the map sends both to quay\.io\/fedora: the copy would do nothing/,
    );
    const defaults = recipe.options!['maps']!.default as Record<string, string>;
    expect(new Set(Object.values(defaults)).size).toBe(Object.keys(defaults).length);
  });

  it('a plan moving the credentials but not the push target is an error naming both places', async () => {
    const dir = copyRepo(fixture);
    try {
      rmSync(join(dir, 'inventory/group_vars/osbs_masters'));
      rmSync(join(dir, 'inventory/group_vars/osbs_masters_stg'));
      const plan = await planRecipe(dir, recipe, registry);
      const split = plan.errors.filter((e) => e.code === 'COMPONENT_SPLIT');
      expect(split.map((e) => e.message)).toEqual([
        'OSBS: its credentials move (OSBS dockercfg secret templates (files/osbs/dockercfg-production-secret.j2, files/osbs/dockercfg-staging-secret.j2)) but what it pushes to stays (OSBS reactor config registries (not found)); what OSBS pushes to and the credentials it pushes with must move together',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each component names one registry host per environment for what it pushes to and what it logs in to', async () => {
    const plan = await planRecipe(fixture, recipe, registry);
    const after = (p: string) => plan.changes.find((c) => c.path === p)!.after;
    expect(after('inventory/group_vars/osbs_masters')).toContain('- url: https://quay.io/v2\n');
    expect(after('inventory/group_vars/osbs_masters')).toContain('url: registry.fedoraproject.org\n');
    expect(after('inventory/group_vars/osbs_masters_stg')).toContain('- url: "https://quay.io/v2"\n');
    expect(after('files/osbs/dockercfg-production-secret.j2')).toContain('{"auths":{"quay.io":');
    expect(after('playbooks/groups/buildvm.yml').match(/candidate_registry: "quay.io"/g)).toHaveLength(2);
    expect(after('playbooks/groups/buildhw.yml')).toContain('candidate_registry: quay.io\n');
    expect(after('playbooks/groups/buildvm.yml')).toContain('candidate_registry_osbs_username: "{{ candidate_registry_osbs_prod_username }}"');
  });
});

describe("flatpaks-to-quay: a vars file's render has the file's own variables in scope", () => {
  const inOsbsVars = (d: { path?: string }) => d.path?.startsWith('inventory/group_vars/osbs_masters') === true;

  it('does not call the reactor config unverifiable for want of its own variable; a truly undefined one is still named', async () => {
    const plan = await planRecipe(fixture, recipe, registry);
    expect(plan.errors).toEqual([]);
    const messages = plan.warnings.filter(inOsbsVars).map((w) => w.message);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m).not.toContain('_osbs_reactor_config_map');
      expect(m).toContain('osbs_koji_principal');
    }
  });

  it('accepts the intended change seen again through the variable (data: "{{ _osbs_reactor_config_map }}")', async () => {
    const dir = copyRepo(fixture);
    try {
      // Every variable of the reactor config defined: its `data` copy renders whole, with the new URL in it.
      writeFileSync(join(dir, 'inventory/group_vars/all'), `${readFileSync(join(dir, 'inventory/group_vars/all'), 'utf8')}\nosbs_koji_principal: osbs/koji@FEDORAPROJECT.ORG\n`);
      const plan = await planRecipe(dir, recipe, registry);
      expect(plan.errors).toEqual([]);
      expect(plan.warnings.filter(inOsbsVars)).toEqual([]);
      applyPlan(dir, plan);
      const [production] = await discoverEnvironments(dir);
      const path = 'inventory/group_vars/osbs_masters';
      const own = parseYaml(readFileSync(join(dir, path), 'utf8')) as Record<string, unknown>;
      const rendered = await render(dir, path, production!, own);
      expect(rendered).toMatch(/data: "\{.*'url': 'https:\/\/quay\.io\/v2'.*\}"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
