import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.js';
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
