import { describe, expect, test } from 'vitest';
import { scanJinja } from '../../jinja/scanner.js';
import { applyEdits } from '../../text/edit.js';
import type { Fallback } from '../types.js';
import { parseYaml } from './parse-yaml.js';
import { YamlDocument } from './YamlDocument.js';
import type { YamlNode } from './types.js';

// Shapes met in real Ansible repositories, written here as our own minimal inputs. Each one loads
// in Ansible (PyYAML); the tests pin that the adapter reads it as structured YAML and prints it
// back byte for byte — or, for the shapes that are not YAML even for Ansible, that it stays a
// fallback.

function parse(text: string): YamlDocument {
  const doc = parseYaml('real.yml', text, scanJinja(text));
  if (!(doc instanceof YamlDocument)) throw new Error(`expected YAML, got fallback ${JSON.stringify(doc)}`);
  expect(doc.print()).toBe(text);
  return doc;
}

function fallback(text: string): Fallback {
  const doc = parseYaml('real.yml', text, scanJinja(text));
  if (doc instanceof YamlDocument) throw new Error('expected a fallback, got structured YAML');
  return doc;
}

function node(doc: YamlDocument, ...path: (string | number)[]): YamlNode {
  const n = doc.get(path);
  if (!n) throw new Error(`no node at ${JSON.stringify(path)}`);
  return n;
}

describe('flow collections whose continuation lines are not indented (PyYAML ignores indentation in flow context)', () => {
  test('a firewall-rule list continued at column 0 under a top-level key', () => {
    const text = "rules: ['-A INPUT -p tcp --dport 80 -j ACCEPT',\n'-A INPUT -p tcp --dport 443 -j ACCEPT']\nports: [80]\n";
    const doc = parse(text);
    expect(doc.items(['rules']).map((i) => i.value.value)).toEqual(['-A INPUT -p tcp --dport 80 -j ACCEPT', '-A INPUT -p tcp --dport 443 -j ACCEPT']);
    expect(node(doc, 'ports', 0).value).toBe('80');
  });

  test('a flow mapping of module arguments continued at the column of its key', () => {
    const text = '- name: install the config\n  copy: { src: app.conf,\n  dest: /etc/app.conf }\n  notify: restart app\n';
    const doc = parse(text);
    expect(node(doc, 0, 'copy', 'dest').value).toBe('/etc/app.conf');
    expect(node(doc, 0, 'notify').value).toBe('restart app');
  });

  test('a closing bracket at column 0 for a nested key, with comments inside', () => {
    const text = 'vars:\n  ports: [\n  # web\n  80, 443,\n]\n  user: web\n';
    const doc = parse(text);
    expect(doc.items(['vars', 'ports']).map((i) => i.value.value)).toEqual(['80', '443']);
    expect(node(doc, 'vars', 'user').value).toBe('web');
  });

  test('Jinja inside the items is masked and kept verbatim', () => {
    const text = "rules: ['-A INPUT -s {{ backup_ip }} -j ACCEPT',\n  '-A INPUT -s {{ log_ip }} -j ACCEPT',\n'-A INPUT -j DROP']\n";
    const doc = parse(text);
    expect(doc.items(['rules']).map((i) => i.value.value)).toEqual([
      '-A INPUT -s {{ backup_ip }} -j ACCEPT',
      '-A INPUT -s {{ log_ip }} -j ACCEPT',
      '-A INPUT -j DROP',
    ]);
  });

  test('an item of such a list can be edited in place', () => {
    const text = "hosts: ['old.example.org',\n'other.example.org']\n";
    const doc = parse(text);
    const first = node(doc, 'hosts', 0);
    const out = applyEdits(text, [doc.scalarEdit(first, 'new.example.org')]);
    expect(out).toBe("hosts: ['new.example.org',\n'other.example.org']\n");
    expect(node(parse(out), 'hosts', 1).value).toBe('other.example.org');
  });
});

describe('quoted scalars whose continuation lines are not indented (PyYAML only checks for document markers)', () => {
  test('a double-quoted message continued at the column of its key', () => {
    const text = '- debug:\n    msg: "the first half\n    and the second half"\n  tags: [debug]\n';
    const doc = parse(text);
    expect(node(doc, 0, 'debug', 'msg').value).toBe('the first half and the second half');
    expect(node(doc, 0, 'tags', 0).value).toBe('debug');
  });

  test('a single-quoted condition continued at column 0', () => {
    const text = "- name: t\n  when: 'ansible_distribution == \"Fedora\" and\nansible_distribution_major_version | int > 38'\n  command: /bin/true\n";
    const doc = parse(text);
    expect(node(doc, 0, 'when').value).toBe('ansible_distribution == "Fedora" and ansible_distribution_major_version | int > 38');
    expect(node(doc, 0, 'command').value).toBe('/bin/true');
  });

  test('Jinja in the continued scalar is kept verbatim', () => {
    const text = 'job:\n  cmd: "{{ script_dir }}/run.sh\n  --env {{ env }}"\n';
    expect(node(parse(text), 'job', 'cmd').value).toBe('{{ script_dir }}/run.sh --env {{ env }}');
  });
});

describe('a comma after the last item of a flow sequence (allowed by YAML)', () => {
  test('is no item', () => {
    const doc = parse('ports: [\n  80,\n  443,\n]\nnames: [a, b, ]\none: [x,]\n');
    expect(doc.items(['ports']).map((i) => i.value.value)).toEqual(['80', '443']);
    expect(doc.items(['names']).map((i) => i.value.value)).toEqual(['a', 'b']);
    expect(doc.items(['one']).map((i) => i.value.value)).toEqual(['x']);
    expect(doc.get(['ports', 2])).toBeUndefined();
  });

  test('a comment after the trailing comma does not make an item', () => {
    const doc = parse('ports: [80, 443, # https\n]\n');
    expect(doc.items(['ports'])).toHaveLength(2);
  });

  test('a tagged empty entry before the trailing comma is still an item', () => {
    // YAML reads `[1, !!null ,]` as two entries, the second an explicit null.
    expect(parse('a: [1, !!null ,]\n').items(['a'])).toHaveLength(2);
  });
});

describe('what stays rejected', () => {
  test('a document marker inside an open flow collection or quoted scalar', () => {
    expect(fallback("a: [1,\n---\n2]\n").format).toBe('yaml');
    expect(fallback('a: "one\n---\ntwo"\n').format).toBe('yaml');
  });

  test('block structure is as strict as before', () => {
    expect(fallback('a: 1\n b: 2\n').reason).toMatch(/invalid YAML/);
    expect(fallback('a:\n\tb: 1\n').reason).toMatch(/TAB_AS_INDENT/);
    expect(fallback('- name: t\n  shell: echo a\n    b: c\n').format).toBe('yaml');
  });

  test('an unterminated flow collection', () => {
    expect(fallback("rules: ['a',\n'b'\nports: [80]\n").format).toBe('yaml');
  });

  test('a library of Jinja macros whose bodies are YAML fragments at different depths is not one YAML document', () => {
    // Rendering it produces nothing; its bodies are pasted elsewhere at their own indentation.
    const text = [
      '{% macro mounts() -%}',
      '            - name: config',
      '              mountPath: /etc/app',
      '{% endmacro %}',
      '{% macro volumes() -%}',
      '        - name: config',
      '          configMap:',
      '            name: config',
      '{% endmacro %}',
      '',
    ].join('\n');
    expect(fallback(text).line).toBe(6);
  });
});
