/**
 * The fixture repository (fixtures/ansible): its inventory gives the two environments, every
 * template in it renders for both, the lines the recipe cares about render as expected, and the
 * README's target/trap tables match the files.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { discoverEnvironments, renderTemplate, resolveIncludePath, type Environment, type RenderResult } from '@ansimod/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = path.join(repoRoot, 'fixtures/ansible');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const files = walk(fixture).map((f) => path.relative(fixture, f).split(path.sep).join('/')).sort();
const templates = files.filter((f) => f.includes('/templates/') || f.endsWith('.j2'));
const read = (rel: string) => readFileSync(path.join(fixture, rel), 'utf8');

async function render(rel: string, env: Environment, extra: Record<string, unknown> = {}): Promise<RenderResult> {
  return renderTemplate(read(rel), { ...env.vars, ...extra }, {
    path: rel,
    resolveInclude: (name, from) => {
      const p = resolveIncludePath(name, from);
      return existsSync(path.join(fixture, p)) ? read(p) : undefined;
    },
    readFile: (p) => (existsSync(path.join(fixture, p)) && statSync(path.join(fixture, p)).isFile() ? read(p) : undefined),
    root: fixture,
  });
}

async function output(rel: string, env: Environment, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await render(rel, env, extra);
  if (!r.ok) throw new Error(`${rel} (${env.name}): ${r.diagnostic.message}`);
  return r.output;
}

/** `vars:` of the koji task that templates flatpak.conf (key=value `template:` form). */
function flatpakTaskVars(): Record<string, unknown> {
  const tasks = parse(read('roles/koji_builder/tasks/main.yml')) as Array<Record<string, unknown>>;
  const task = tasks.find((t) => typeof t.template === 'string' && t.template.includes('src=flatpak.conf'));
  return (task?.vars ?? {}) as Record<string, unknown>;
}

describe('fixtures/ansible', async () => {
  const envs = await discoverEnvironments(fixture);
  const env = (name: string) => envs.find((e) => e.name === name)!;

  it('is small', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(files.length).toBeLessThanOrEqual(100);
  });

  it('its inventory yields production and staging with their env_suffix', () => {
    expect(envs.map((e) => ({ name: e.name, suffix: e.vars.env_suffix, defaulted: e.defaulted ?? false, source: e.source }))).toEqual([
      { name: 'production', suffix: '', defaulted: false, source: ['inventory/group_vars/all'] },
      { name: 'staging', suffix: '.stg', defaulted: false, source: ['inventory/group_vars/all', 'inventory/group_vars/staging'] },
    ]);
    expect(env('staging').vars.files).toBe('/srv/web/infra/ansible/files');
  });

  it('every templated file renders for both environments', async () => {
    expect(templates.length).toBeGreaterThanOrEqual(10);
    for (const rel of templates) {
      for (const e of envs) {
        const r = await render(rel, e, flatpakTaskVars());
        expect(r.ok, `${rel} in ${e.name}: ${r.ok ? '' : r.diagnostic.message}`).toBe(true);
      }
    }
  });

  it('flatpak.conf, with the task var, pushes to each environment candidate registry', async () => {
    const vars = flatpakTaskVars();
    expect(vars).toEqual({ candidate_registry: 'candidate-registry{{ env_suffix }}.fedoraproject.org' });
    const rel = 'roles/koji_builder/templates/flatpak.conf';
    expect(await output(rel, env('production'), vars)).toMatch(/\[push\]\nregistry=docker:\/\/candidate-registry\.fedoraproject\.org\n$/);
    expect(await output(rel, env('staging'), vars)).toMatch(/\[push\]\nregistry=docker:\/\/candidate-registry\.stg\.fedoraproject\.org\n$/);
  });

  it('dockercfg secrets are one line of JSON keyed by the candidate registry; staging has no final newline', async () => {
    const prod = await output('files/osbs/dockercfg-production-secret.j2', env('production'), { osbs_push_auth_prod: 'u:p' });
    expect(prod.endsWith('}}}\n')).toBe(true);
    expect(JSON.parse(prod)).toEqual({ auths: { 'candidate-registry.fedoraproject.org': { username: '', password: '', email: '', auth: 'dTpw' } } });
    const stg = await output('files/osbs/dockercfg-staging-secret.j2', env('staging'));
    expect(stg.endsWith('}}}')).toBe(true);
    expect(Object.keys((JSON.parse(stg) as { auths: object }).auths)).toEqual(['candidate-registry.stg.fedoraproject.org']);
  });

  it('bodhi sets container registries only in staging; the commented defaults stay', async () => {
    const rel = 'roles/bodhi2/base/templates/production.ini.j2';
    const lines = (t: string) => t.split('\n').filter((l) => l.startsWith('container.'));
    const staging = await output(rel, env('staging'));
    const production = await output(rel, env('production'));
    expect(lines(staging)).toEqual([
      'container.destination_registry = registry.stg.fedoraproject.org',
      'container.source_registry = candidate-registry.stg.fedoraproject.org',
    ]);
    expect(lines(production)).toEqual([]);
    expect(production).toContain('# container.destination_registry = registry.fedoraproject.org\n# container.source_registry = candidate-registry.fedoraproject.org\n\n##\n');
    expect(production).toContain('bz_server = https://bugzilla.redhat.com/xmlrpc.cgi\n');
    expect(staging).toContain('krb_principal = bodhi/bodhi.stg.fedoraproject.org@STG.FEDORAPROJECT.ORG\n');
  });

  it('the registry proxy pulls in the generic rules; the CDN redirect is production-only', async () => {
    const rel = 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf';
    const cdn = 'RewriteRule ^/v2/(.*)/blobs/([a-zA-Z0-9:]*) https://cdn.registry.fedoraproject.org/v2/$1/blobs/$2 [R]\n';
    const production = await output(rel, env('production'));
    const staging = await output(rel, env('staging'));
    expect(production).toContain(cdn);
    expect(staging).not.toContain(cdn);
    expect(production).toContain('AuthUserFile /etc/httpd/conf.d/registry.fedoraproject.org/passwd\n');
    expect(staging).toContain('Require user registry-pusher-stg\n');
    expect(staging).not.toContain('{%');
  });

  it('the flatpak-indexer ConfigMap renders to YAML whose config.yaml is YAML', async () => {
    const rel = 'roles/openshift-apps/flatpak-indexer/templates/configmap.yml';
    for (const [name, deltas] of [
      ['production', 'https://cdn.registry.fedoraproject.org/deltas/'],
      ['staging', 'https://registry.stg.fedoraproject.org/deltas/'],
    ] as const) {
      const docs = parseAllDocuments(await output(rel, env(name)));
      expect(docs.map((d) => d.errors.length)).toEqual([0, 0]);
      const config = parse((docs[0]!.toJS() as { data: Record<string, string> }).data['config.yaml']!) as Record<string, unknown>;
      expect(config.deltas_uri).toBe(deltas);
      expect(config.registries).toEqual({ fedora: { public_url: 'https://registry.fedoraproject.org/', datasource: 'fedora' } });
      expect(Object.keys(config.indexes as object)).toEqual(['latest', 'latest-amd64', 'latest-arm64', 'testing']);
      expect((docs[1]!.toJS() as { data: Record<string, string> }).data['koji.conf']).toContain(
        name === 'staging' ? 'server = https://koji.stg.fedoraproject.org/kojihub' : 'server = https://koji.fedoraproject.org/kojihub',
      );
    }
  });

  it("the registry's own configuration takes its host from a variable set in group_vars", async () => {
    const groupVars = parse(read('inventory/group_vars/oci_candidate_registry')) as Record<string, unknown>;
    const rel = 'roles/docker-distribution/templates/registry.yml';
    expect(await output(rel, env('staging'), groupVars)).toContain('  host: https://candidate-registry.stg.fedoraproject.org\n');
    expect(await output(rel, env('production'))).toContain('  host: https://registry.fedoraproject.org\n');
  });

  it("a group_vars file uses a filter of the repository's own filter_plugins/, which our renderer refuses by name", async () => {
    expect(read('filter_plugins/registry.py')).toContain('"registry_notify_url": registry_notify_url,');
    for (const e of envs) {
      const r = await render('inventory/group_vars/oci_registry', e);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.failure).toEqual({ kind: 'unsupported', construct: "filter 'registry_notify_url'" });
      expect(r.diagnostic).toMatchObject({ code: 'RENDER_UNSUPPORTED', line: 8 });
    }
  });

  it('README tables name existing files and text that occurs in them verbatim', () => {
    const rows = read('README.md')
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => {
        const cells = l.split(/(?<!\\)\|/).map((c) => c.trim());
        return { file: cells[1]!.replace(/^`|`$/g, ''), text: cells[2]!.replace(/^`|`$/g, '').replace(/\\\|/g, '|') };
      });
    expect(rows.length).toBeGreaterThanOrEqual(30);
    for (const { file, text } of rows) {
      expect(files, file).toContain(file);
      expect(read(file), `${file}: ${text}`).toContain(text);
    }
  });

});
