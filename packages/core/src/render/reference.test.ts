/**
 * Renders every template of the real-world reference sample (read-only; we work on a copy in a
 * temporary directory) for the environments discovered from its own inventory. The same
 * renders were compared byte for byte with Python Jinja2 (trim_blocks, keep_trailing_newline)
 * while this was written; the assertions below pin the lines the recipe cares about.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { discoverEnvironments, type Environment } from '../env/index.js';
import { renderTemplate, resolveIncludePath } from './renderer.js';
import type { RenderResult } from './types.js';
import { requireReference } from '../../../../test/support/reference.js';

const REFERENCE = requireReference();

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe('reference templates render for production and staging', () => {
  let root = '';
  let envs: Environment[] = [];
  let templates: string[] = [];
  let flatpakTaskVars: Record<string, unknown> = {};

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ansimod-reference-'));
    cpSync(REFERENCE, root, { recursive: true });
    envs = await discoverEnvironments(root);
    templates = walk(root)
      .map((f) => relative(root, f).split('\\').join('/'))
      .filter((f) => f.includes('/templates/') || f.endsWith('.j2'))
      .sort();
    // The koji task that templates flatpak.conf sets `candidate_registry` in its `vars:`.
    const tasks = parse(readFileSync(join(root, 'roles/koji_builder/tasks/main.yml'), 'utf8')) as Array<Record<string, unknown>>;
    const task = tasks.find((t) => typeof t.template === 'string' && t.template.includes('src=flatpak.conf'));
    flatpakTaskVars = (task?.vars ?? {}) as Record<string, unknown>;
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function render(file: string, env: Environment, extra: Record<string, unknown> = {}): Promise<string> {
    const r: RenderResult = await renderTemplate(readFileSync(join(root, file), 'utf8'), { ...env.vars, ...extra }, {
      path: file,
      resolveInclude: (name, from) => {
        const p = join(root, resolveIncludePath(name, from));
        return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
      },
    });
    if (!r.ok) throw new Error(`${file} (${env.name}): ${r.diagnostic.message}`);
    return r.output;
  }

  const env = (name: string): Environment => {
    const found = envs.find((e) => e.name === name);
    if (!found) throw new Error(`no ${name} environment`);
    return found;
  };

  it('discovers production and staging from the inventory', () => {
    expect(envs.map((e) => [e.name, e.vars.env_suffix, e.defaulted ?? false])).toEqual([
      ['production', '', false],
      ['staging', '.stg', false],
    ]);
    expect(templates).toHaveLength(7);
  });

  it('renders every templated file in both environments', async () => {
    for (const file of templates) {
      for (const e of envs) {
        const r = await renderTemplate(readFileSync(join(root, file), 'utf8'), { ...e.vars, ...flatpakTaskVars }, {
          path: file,
          resolveInclude: (name, from) => readFileSync(join(root, resolveIncludePath(name, from)), 'utf8'),
        });
        expect(r.ok, `${file} in ${e.name}`).toBe(true);
      }
    }
  });

  it('koji flatpak.conf with the task var points at each environment candidate registry', async () => {
    expect(flatpakTaskVars).toEqual({ candidate_registry: 'candidate-registry{{ env_suffix }}.fedoraproject.org' });
    const file = 'roles/koji_builder/templates/flatpak.conf';
    expect(await render(file, env('production'), flatpakTaskVars)).toBe('[push]\nregistry=docker://candidate-registry.fedoraproject.org\n');
    expect(await render(file, env('staging'), flatpakTaskVars)).toBe('[push]\nregistry=docker://candidate-registry.stg.fedoraproject.org\n');
  });

  it('bodhi production.ini sets the container registries only in staging', async () => {
    const file = 'roles/bodhi2/base/templates/production.ini.j2';
    const containerLines = (text: string) => text.split('\n').filter((l) => l.startsWith('container.'));
    expect(containerLines(await render(file, env('staging')))).toEqual([
      'container.destination_registry = registry.stg.fedoraproject.org',
      'container.source_registry = candidate-registry.stg.fedoraproject.org',
    ]);
    const production = await render(file, env('production'));
    expect(containerLines(production)).toEqual([]);
    expect(production).toContain('# container.destination_registry = registry.fedoraproject.org\n# container.source_registry = candidate-registry.fedoraproject.org\n\n\n##\n## Mirror settings');
    expect(production).toContain('base_address = https://bodhi.fedoraproject.org/\n');
    expect(await render(file, env('staging'))).toContain('base_address = https://bodhi.stg.fedoraproject.org/\n');
  });

  it('dockercfg secrets render to JSON keyed by the candidate registry, keeping the missing final newline', async () => {
    const prod = await render('files/osbs/dockercfg-production-secret.j2', env('production'), { auth_info_prod: 'u:p' });
    expect(prod).toBe('{"auths":{"candidate-registry.fedoraproject.org":{"username":"","password":"","email":"","auth":"dTpw"}}}\n');
    const stg = await render('files/osbs/dockercfg-staging-secret.j2', env('staging'));
    expect(Object.keys((JSON.parse(stg) as { auths: object }).auths)).toEqual(['candidate-registry.stg.fedoraproject.org']);
    expect(stg.endsWith('}}}')).toBe(true);
  });

  it('the registry proxy includes the generic rules; the CDN redirect is production-only', async () => {
    const file = 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf';
    const cdn = 'RewriteRule ^/v2/(.*)/blobs/([a-zA-Z0-9:]*) https://cdn.registry.fedoraproject.org/v2/$1/blobs/$2 [R]\n';
    const production = await render(file, env('production'));
    const staging = await render(file, env('staging'));
    expect(production).toContain(cdn);
    expect(staging).not.toContain(cdn);
    expect(production).toContain('RewriteRule ^/v2/(.*)$ http://oci-registry02:5000/v2/$1 [P,L]\n');
    expect(staging).toContain('RewriteRule ^/v2/(.*)$ http://oci-registry01:5000/v2/$1 [P,L]\n');
    expect(staging).toContain('SSLCACertificateFile /etc/pki/httpd/registry-ca-staging.cert\n');
    expect(production).toContain('AuthUserFile /etc/httpd/conf.d/registry.fedoraproject.org/passwd\n');
  });

  it('the flatpak-indexer ConfigMap renders to YAML whose config.yaml is YAML', async () => {
    const file = 'roles/openshift-apps/flatpak-indexer/templates/configmap.yml';
    for (const [name, deltas] of [
      ['production', 'https://cdn.registry.fedoraproject.org/deltas/'],
      ['staging', 'https://registry.stg.fedoraproject.org/deltas/'],
    ] as const) {
      const docs = parseAllDocuments(await render(file, env(name)));
      expect(docs.every((d) => d.errors.length === 0)).toBe(true);
      const data = (docs[0]!.toJS() as { data: { 'config.yaml': string } }).data;
      const config = parse(data['config.yaml']) as { deltas_uri: string; registries: { fedora: { public_url: string } }; indexes: Record<string, unknown> };
      expect(config.deltas_uri).toBe(deltas);
      expect(config.registries.fedora.public_url).toBe('https://registry.fedoraproject.org/');
      expect(Object.keys(config.indexes)).toContain('latest-arm64-annotations');
    }
  });
});
