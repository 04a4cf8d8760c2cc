import { describe, expect, it } from 'vitest';
import { lookupSearchPaths } from './ansible-lookups.js';
import { renderTemplate } from './renderer.js';

/** A repository of a role, a playbook folder and a root file, read the way verification reads one. */
const repo: Record<string, string> = {
  'roles/web/files/motd': 'role motd\n',
  'roles/web/templates/site.conf.j2': '',
  'roles/web/templates/banner.j2': 'banner for {{ name }}\n',
  'roles/web/templates/local.txt': 'beside the template',
  'playbooks/templates/p.j2': '',
  'playbooks/files/pfile': 'playbook file',
  'secret.txt': '$ANSIBLE_VAULT;1.1;AES256\n6162\n',
  'root.txt': 'at the root',
};
const opts = (path: string) => ({ path, readFile: (p: string) => repo[p], root: '/srv/repo' });

describe('lookups of repository files', () => {
  it('searches as a template task does: the role, its tasks/, the template folder, then the root', () => {
    expect(lookupSearchPaths('files', 'motd', 'roles/web/templates/site.conf.j2')).toEqual([
      'roles/web/files/motd',
      'roles/web/motd',
      'roles/web/tasks/files/motd',
      'roles/web/tasks/motd',
      'roles/web/templates/files/motd',
      'roles/web/templates/motd',
      'files/motd',
      'motd',
    ]);
    expect(lookupSearchPaths('files', 'files/x', 'playbooks/templates/p.j2')).toEqual(['playbooks/files/x', 'playbooks/templates/files/x', 'files/x']);
    expect(lookupSearchPaths('files', '../../etc/passwd', 't.j2')).toEqual([]);
  });

  it('renders file, template and first_found from the role, the template folder, the playbook and the root', async () => {
    const r = await renderTemplate(
      "{{ lookup('file', 'motd') }}|{{ lookup('file', 'local.txt') }}|{{ lookup('file', 'root.txt') }}|{{ lookup('template', 'banner.j2') }}|{{ lookup('first_found', ['nope', 'motd']) }}\n",
      { name: 'web01' },
      opts('roles/web/templates/site.conf.j2'),
    );
    expect(r).toEqual({ ok: true, output: 'role motd|beside the template|at the root|banner for web01\n|/srv/repo/roles/web/files/motd\n', undefinedVars: [] });
    const p = await renderTemplate("{{ lookup('file', 'pfile') }}\n", {}, opts('playbooks/templates/p.j2'));
    expect(p.ok && p.output).toBe('playbook file\n');
  });

  it('a file that is not in the repository, outside it, or vault-encrypted is refused by name, never read', async () => {
    for (const [text, words] of [
      ["{{ lookup('file', 'nope') }}", "lookup('file'): no such file in the repository (searched roles/web/files/nope"],
      ["{{ lookup('file', '/etc/hostname') }}", "lookup('file'), whose path /etc/hostname is outside the repository"],
      ["{{ lookup('file', 'secret.txt') }}", "lookup('file') of secret.txt, a vault-encrypted file"],
      ["{{ lookup('first_found', ['a', 'b']) }}", "lookup('first_found'): none of a, b is in the repository"],
      ["{{ lookup('template', 'nope.j2') }}", "lookup('template'): no such file in the repository"],
    ] as const) {
      const r = await renderTemplate(text, {}, opts('roles/web/templates/site.conf.j2'));
      expect(r.ok, text).toBe(false);
      if (r.ok) continue;
      expect(r.failure.kind).toBe('unsupported');
      expect(r.diagnostic.message).toContain(words);
      expect(r.diagnostic.code).toBe('RENDER_UNSUPPORTED');
    }
  });

  it("lookup('env') reads this process's environment, as Ansible reads the controller's", async () => {
    process.env.ANSIMOD_LOOKUP_TEST = 'from env';
    try {
      const r = await renderTemplate("{{ lookup('env', 'ANSIMOD_LOOKUP_TEST') }}|{{ lookup('env', 'ANSIMOD_LOOKUP_UNSET', default='d') }}\n", {});
      expect(r.ok && r.output).toBe('from env|d\n');
    } finally {
      delete process.env.ANSIMOD_LOOKUP_TEST;
    }
  });
});
