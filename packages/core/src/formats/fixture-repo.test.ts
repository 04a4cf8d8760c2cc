import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeSource } from '../text/source.js';
import { parseDocument, type AnyDocument } from './parse-document.js';
import type { FormatName } from './types.js';

/**
 * Every file of our fixture repository parses as its format and prints back, and the documents
 * expose what the recipe reads: the Bodhi INI entries with their Jinja branch and commented
 * defaults, the koji INI, the dockercfg JSON keys, the proxy rules and the include.
 * (`npm run check:tree -- DIR` runs the round trip on any real tree.)
 */
const FIXTURES = fileURLToPath(new URL('../../../../fixtures/ansible', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

function load(root: string): Map<string, AnyDocument> {
  const docs = new Map<string, AnyDocument>();
  for (const file of walk(root)) {
    const decoded = decodeSource(readFileSync(file));
    if (decoded.kind !== 'text') throw new Error(`${file}: ${decoded.reason}`);
    const path = relative(root, file).split('\\').join('/');
    const doc = parseDocument(path, decoded.text);
    expect(doc.print(), path).toBe(decoded.text);
    docs.set(path, doc);
  }
  return docs;
}

function formatOf(name: string): FormatName | 'text' {
  if (name.endsWith('.yml') || name.includes('group_vars/') || name.includes('host_vars/')) return 'yaml';
  if (name.includes('dockercfg-') || name.endsWith('.json')) return 'json';
  if (name.endsWith('.ini.j2') || name.endsWith('flatpak.conf') || name.endsWith('kojid.conf') || name.endsWith('.cfg') || name.endsWith('inventory/hosts')) return 'ini';
  if (name.endsWith('.conf')) return 'conf';
  return 'text';
}

function expectFormats(docs: Map<string, AnyDocument>): void {
  for (const [path, doc] of docs) {
    expect([path, doc.format, doc.fallback]).toEqual([path, formatOf(path), undefined]);
  }
}

function get<T extends AnyDocument['format']>(docs: Map<string, AnyDocument>, path: string, format: T): Extract<AnyDocument, { format: T }> {
  const doc = docs.get(path);
  if (doc?.format !== format) throw new Error(`${path} is ${doc?.format}, not ${format}`);
  return doc as Extract<AnyDocument, { format: T }>;
}

describe('fixtures/ansible', () => {
  const docs = load(FIXTURES);

  it('parses every file as its format and prints it back', () => {
    expect(docs.size).toBeGreaterThan(20);
    expectFormats(docs);
  });

  it('reads the Bodhi container registries, their Jinja branch and the commented defaults', () => {
    const ini = get(docs, 'roles/bodhi2/base/templates/production.ini.j2', 'ini');
    const dest = ini.find('container.destination_registry', 'app:main');
    expect(dest.map((e) => [e.line, e.jinja.map((j) => j.tag.inner)])).toEqual([[24, ["if env == 'staging'"]]]);
    expect(ini.commentedEntries().filter((c) => c.key.startsWith('container.')).map((c) => [c.key, c.comment.line])).toEqual([
      ['container.destination_registry', 21],
      ['container.source_registry', 22],
    ]);
    expect(ini.find('skopeo.cmd', 'app:main')[0]?.value).toBe('/usr/bin/bodhi-skopeo-lite');
    expect(ini.sections.map((s) => s.name)).toEqual(['filter:proxy-prefix', 'app:main', 'server:main']);
  });

  it('reads koji flatpak.conf as INI and the dockercfg registry keys as JSON', () => {
    expect(get(docs, 'roles/koji_builder/templates/flatpak.conf', 'ini').find('registry', 'push')[0]?.value).toBe('docker://{{candidate_registry}}');
    const json = get(docs, 'files/osbs/dockercfg-staging-secret.j2', 'json');
    const root = json.root;
    expect(root.kind === 'object' && root.members[0]?.value.kind === 'object' && root.members[0].value.members.map((m) => m.key)).toEqual([
      'candidate-registry.stg.fedoraproject.org',
    ]);
  });

  it('reads the proxy rules, their Jinja branches and the include', () => {
    const fedora = get(docs, 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf', 'conf');
    expect(fedora.includes.map((i) => i.target)).toEqual(['./reversepassproxy.registry-generic.conf']);
    expect(fedora.find('RewriteRule', { args: ['^/v2/latest/(.*)'] }).map((d) => [d.line, d.args[1]?.value, d.jinja.length])).toEqual([[6, '/v2/f38/$1', 0]]);
    const generic = get(docs, 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-generic.conf', 'conf');
    const cdn = generic.find('RewriteRule', { args: [/blobs/] });
    expect(cdn.map((d) => [d.line, d.args[1]?.value, d.jinja.map((j) => j.tag.inner)])).toEqual([
      [13, 'https://cdn.registry.fedoraproject.org/v2/$1/blobs/$2', ['if env == "production"']],
    ]);
    expect(generic.find('RewriteRule', { args: ['^/v2/(.*)$'] }).map((d) => [d.line, d.jinja.map((j) => j.tag.inner)])).toEqual([
      [19, ['if env == "production"']],
      [21, ['elif env == "staging"']],
      [23, []],
    ]);
  });
});
