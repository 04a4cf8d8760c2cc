import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat, formatFromPath, formatsFromPath } from './detect.js';
import type { FormatName } from './types.js';

describe('detectFormat', () => {
  const table: [string, string, FormatName][] = [
    // by extension
    ['playbooks/site.yml', '', 'yaml'],
    ['roles/x/defaults/main.yaml', '', 'yaml'],
    ['roles/x/templates/config.yml.j2', 'a: 1\n', 'yaml'],
    ['files/policy.json', '', 'json'],
    ['roles/bodhi2/base/templates/production.ini.j2', '[app:main]\n', 'ini'],
    ['ansible.cfg', '[defaults]\n', 'ini'],
    ['files/fedora.repo', '[fedora]\nname=Fedora\n', 'ini'],
    ['files/app.INI', '', 'ini'],
    ['roles/koji_builder/templates/flatpak.conf', '[push]\nregistry=docker://{{candidate_registry}}\n', 'ini'],
    ['roles/x/templates/koji.conf.j2', '# koji\n\n[koji]\nserver = https://koji\n', 'ini'],
    ['roles/httpd/templates/proxy.conf', 'RewriteEngine on\n<Location /v2>\n</Location>\n', 'conf'],
    ['roles/httpd/templates/proxy.conf', '{% if env == "staging" %}\nRewriteEngine on\n{% endif %}\n', 'conf'],
    ['roles/httpd/templates/empty.conf', '', 'conf'],
    ['files/script.py', '[section]\n', 'text'],
    ['README.md', '---\ntitle: x\n', 'text'],
    ['roles/x/templates/motd.j2', 'Welcome to {{ host }}\n', 'text'],
    // by place
    ['inventory/group_vars/staging', '# no content hint\nenv: staging\n', 'yaml'],
    ['inventory/group_vars/all', '', 'yaml'],
    ['inventory/host_vars/bodhi01.example.org', 'x\n', 'yaml'],
    ['inventory/group_vars/osbs/vault', '$ANSIBLE_VAULT;1.1;AES256\n', 'yaml'],
    // by content
    ['files/osbs/dockercfg-production-secret.j2', '{"auths":{"x":{}}}', 'json'],
    ['files/data', '\uFEFF\n  {\n  "a": 1}', 'json'],
    ['files/list', '[\n  "a"\n]\n', 'json'],
    ['files/list2', '["a", "b"]', 'json'],
    ['files/inventory', '# hosts\n[builders]\nbuilder01\n', 'ini'],
    ['files/vars', '---\nfoo: bar\n', 'yaml'],
    ['files/vars2', '{% if x %}\nfoo: bar\n{% endif %}\n', 'yaml'],
    ['files/list3', '- a\n- b\n', 'yaml'],
    ['files/tpl', '{{ content }}\n', 'text'],
    ['files/run', '#!/bin/sh\necho {"a"}\n', 'text'],
    ['files/notes', 'Just some words.\n', 'text'],
    ['roles/x/files/Makefile', 'all:\n\tmake build\n', 'text'],
    ['roles/x/files/Dockerfile.j2', 'FROM {{ registry }}/fedora\n', 'text'],
    ['files/empty', '', 'text'],
  ];
  for (const [path, text, format] of table) {
    it(`${path} ${JSON.stringify(text.slice(0, 24))} → ${format}`, () => {
      expect(detectFormat(path, text)).toBe(format);
    });
  }
});

describe('formatsFromPath', () => {
  it('names the formats a path allows, whatever its content', () => {
    expect(formatsFromPath('roles/a/tasks/main.yml')).toEqual(['yaml']);
    expect(formatsFromPath('roles/b/templates/production.ini.j2')).toEqual(['ini']);
    expect(formatsFromPath('roles/k/templates/flatpak.conf')).toEqual(['ini', 'conf']);
    expect(formatsFromPath('inventory/host_vars/builder01.example.org')).toEqual(['yaml']);
    expect(formatsFromPath('files/run.py')).toEqual(['text']);
    expect(formatsFromPath('Makefile')).toEqual(['text']);
    expect(formatsFromPath('files/osbs/dockercfg-production-secret.j2')).toBeUndefined();
    expect(formatFromPath('roles/k/templates/flatpak.conf')).toBeUndefined();
    expect(formatFromPath('a/b.json')).toBe('json');
  });

  it('always allows the format detectFormat gives (property)', () => {
    const segment = fc.constantFrom('roles', 'group_vars', 'host_vars', 'templates', 'files', 'a.b', 'Makefile', 'x');
    const name = fc.tuple(fc.constantFrom('site', 'all', 'web.example.org', 'readme', ''), fc.constantFrom('', '.yml', '.conf', '.ini', '.json', '.py', '.j2', '.conf.j2', '.cfg'));
    const text = fc.constantFrom('', '---\na: 1\n', '[push]\nregistry=x\n', '{"a": 1}\n', 'ServerName x\n', '#!/bin/sh\n', '- item\n', '[1, 2]\n');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 3 }), name, text, (dirs, [base, ext], content) => {
        const path = [...dirs, `${base || 'f'}${ext}`].join('/');
        const possible = formatsFromPath(path);
        if (possible) expect(possible).toContain(detectFormat(path, content));
      }),
    );
  });
});
