import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJinja } from '../jinja/index.js';
import { parseDocument, type AnyDocument } from './parse-document.js';
import { TextDocument } from './text/text-document.js';
import type { FormatName } from './types.js';

describe('parseDocument', () => {
  it('dispatches on the detected format', () => {
    const cases: [string, string, FormatName][] = [
      ['roles/koji_builder/templates/flatpak.conf', '[push]\nregistry=docker://{{candidate_registry}}\n', 'ini'],
      ['files/osbs/dockercfg-staging-secret.j2', '{"auths":{"r":{"auth":"{{ a }}"}}}', 'json'],
      ['roles/httpd/templates/proxy.conf', 'RewriteEngine on\n', 'conf'],
      ['inventory/group_vars/staging', 'env: staging\nenv_suffix: .stg\n', 'yaml'],
      ['roles/x/templates/motd.j2', 'Hello {{ name }}\n', 'text'],
    ];
    for (const [path, text, format] of cases) {
      const doc = parseDocument(path, text);
      expect([doc.format, doc.structured, doc.fallback, doc.path, doc.print()]).toEqual([format, format !== 'text', undefined, path, text]);
    }
  });

  it('honours a forced format and a given scan', () => {
    const text = 'a = 1\n';
    const jinja = scanJinja(text);
    const doc = parseDocument('notes.txt', text, { format: 'ini', jinja });
    expect(doc.format).toBe('ini');
    expect(doc.jinja).toBe(jinja);
  });

  it('turns a file that does not parse as its format into text with the fallback', () => {
    const doc = parseDocument('files/osbs/dockercfg-broken.j2', '{"auths":{"x":');
    expect(doc).toBeInstanceOf(TextDocument);
    expect([doc.format, doc.structured, doc.fallback]).toEqual(['text', false, { format: 'json', reason: 'unexpected end of JSON', line: 1, column: 15 }]);
    expect(doc.print()).toBe('{"auths":{"x":');
    expect(doc.lines.lineCount).toBe(1);
    const conf = parseDocument('x.conf', '<Location />\n');
    expect(conf.fallback).toEqual({ format: 'conf', reason: '<Location> opened at line 1 is never closed', line: 1, column: 1 });
  });

  it('never throws and always prints back, whatever the text and format', () => {
    const formats: FormatName[] = ['yaml', 'ini', 'json', 'conf', 'text'];
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', "'", ':', '=', '#', ';', '<', '>', '/', '\\', '%', ' ', '\t', '\n', '\r', 'a', '-', ',', '\uFEFF', 'é') }),
        fc.constantFrom(...formats),
        (text, format) => {
          let doc: AnyDocument | undefined;
          expect(() => (doc = parseDocument('f', text, { format }))).not.toThrow();
          expect(doc?.print()).toBe(text);
          if (doc?.format === 'text' && format !== 'text') expect(doc.fallback?.format).toBe(format);
          // Adapters report bad input as a fallback reason, not by crashing.
          expect(doc?.fallback?.reason ?? '').not.toMatch(/^internal error/);
        },
      ),
      { numRuns: 500 },
    );
  });
});
