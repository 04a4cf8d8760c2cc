import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeSource } from '../text/source.js';
import { parseDocument, type AnyDocument } from './parse-document.js';
import type { FormatName } from './types.js';
import { requireReference } from '../../../../test/support/reference.js';

/**
 * Every file of our fixture repository, and of the real-world reference tree when it is on
 * this machine (`ANSIMOD_REFERENCE` points elsewhere), parses as its format and prints back.
 */
const FIXTURES = fileURLToPath(new URL('../../../../fixtures/ansible', import.meta.url));
const REFERENCE = requireReference();

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
  if (name.includes('dockercfg-')) return 'json';
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
  it('parses every file as its format and prints it back', () => {
    const docs = load(FIXTURES);
    expect(docs.size).toBeGreaterThan(20);
    expectFormats(docs);
  });
});

describe('reference tree (read-only, outside the repository)', () => {
  const docs = existsSync(REFERENCE) ? load(REFERENCE) : new Map<string, AnyDocument>();

  it('parses every file as its format and prints it back', () => {
    expect(docs.size).toBe(11);
    expectFormats(docs);
  });

  it('reads the Bodhi container registries, their Jinja branch and the commented defaults', () => {
    const ini = get(docs, 'roles/bodhi2/base/templates/production.ini.j2', 'ini');
    const dest = ini.find('container.destination_registry', 'app:main');
    expect(dest.map((e) => [e.line, e.jinja.map((j) => j.tag.inner)])).toEqual([[214, ["if env == 'staging'"]]]);
    expect(ini.commentedEntries().filter((c) => c.key.startsWith('container.')).map((c) => [c.key, c.comment.line])).toEqual([
      ['container.destination_registry', 211],
      ['container.source_registry', 212],
    ]);
    expect(ini.find('pyramid.includes')[0]?.value).toBe('\npyramid_sawing');
    expect(ini.sections.map((s) => s.name)).toEqual(['filter:proxy-prefix', 'app:main', 'server:main', 'pshell']);
  });

  it('reads koji flatpak.conf as INI and the dockercfg registry keys as JSON', () => {
    expect(get(docs, 'roles/koji_builder/templates/flatpak.conf', 'ini').find('registry', 'push')[0]?.value).toBe('docker://{{candidate_registry}}');
    const json = get(docs, 'files/osbs/dockercfg-staging-secret.j2', 'json');
    const root = json.root;
    expect(root.kind === 'object' && root.members[0]?.value.kind === 'object' && root.members[0].value.members.map((m) => m.key)).toEqual([
      'candidate-registry.stg.fedoraproject.org',
    ]);
  });

  it('reads the proxy rules, their sections and the include', () => {
    const fedora = get(docs, 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf', 'conf');
    expect(fedora.includes.map((i) => i.target)).toEqual(['./reversepassproxy.registry-generic.conf']);
    expect(fedora.find('RewriteRule', { args: ['^/v2/(.*)'] }).map((d) => [d.line, d.args[1]?.value, d.jinja.map((j) => j.tag.inner)])).toEqual([
      [6, '/v2/fedora/$1', ['if env == "staging-new"']],
    ]);
    const generic = get(docs, 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-generic.conf', 'conf');
    const cdn = generic.find('RewriteRule', { args: [/blobs/] });
    expect(cdn.map((d) => d.args[1]?.value)).toEqual(['https://cdn.registry.fedoraproject.org/v2/$1/blobs/$2']);
  });
});
