import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDataChanges, checkDataChange, yamlData } from './data-change.js';

describe('checkDataChange', () => {
  const before = '# tasks\n- name: a\n  copy: src=a dest=b\n- name: b\n  file:\n    path: /x\n';

  it('accepts exactly the declared key renames', () => {
    const after = before.replace('  copy:', '  ansible.builtin.copy:').replace('  file:', '  ansible.builtin.file:');
    expect(
      checkDataChange(before, after, [
        { op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' },
        { op: 'rename-key', at: [1], from: 'file', to: 'ansible.builtin.file' },
      ]),
    ).toBeUndefined();
  });

  it('rejects a rename that was not declared, and a declared one that did not happen', () => {
    const after = before.replace('  copy:', '  ansible.builtin.copy:').replace('  file:', '  ansible.builtin.file:');
    expect(checkDataChange(before, after, [{ op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' }])).toContain('[0][1].file: missing');
    expect(checkDataChange(before, before, [{ op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' }])).toContain('missing');
  });

  it('allows comments and quoting to change when nothing is declared, but not a value', () => {
    expect(checkDataChange(before, before.replace('# tasks', '# the tasks').replace('path: /x', 'path: "/x"'), [])).toBeUndefined();
    expect(checkDataChange(before, before.replace('path: /x', 'path: /y'), [])).toContain('(none declared): [0][1].file.path: expected "/x", got "/y"');
  });

  it('set and delete, with paths naming the data before', () => {
    const b = 'a:\n  b: 1\n  c: [1, 2, 3]\n';
    expect(checkDataChange(b, 'a:\n  b: 2\n  c: [1, 3]\n', [
      { op: 'set', at: ['a', 'b'], value: 2 },
      { op: 'delete', at: ['a', 'c', 1] },
    ])).toBeUndefined();
    expect(checkDataChange(b, 'z:\n  b: 1\n  c: [1, 2, 3]\n', [{ op: 'rename-key', at: [], from: 'a', to: 'z' }])).toBeUndefined();
    expect(applyDataChanges([{ a: 1 }], [{ op: 'set', at: ['x', 'y'], value: 1 }])).toEqual({ ok: false, reason: 'set at .x.y: no such path in the data' });
  });

  it('reads Jinja as Ansible does: as strings of the raw YAML', () => {
    expect(yamlData('a: "{{ b }}"\n')).toEqual({ ok: true, docs: [{ a: '{{ b }}' }] });
  });

  it('reads Ansible tags as part of the data, duplicate keys as the last one, dates as text', () => {
    expect(yamlData('a: !unsafe "{{ x }}"\nb: !vault |\n  $ANSIBLE_VAULT;1.1\n')).toEqual({ ok: true, docs: [{ a: { '!unsafe': '{{ x }}' }, b: { '!vault': '$ANSIBLE_VAULT;1.1\n' } }] });
    expect(checkDataChange('a: !unsafe "{{ x }}"\n', 'a: "{{ x }}"\n', [])).toContain('[0].a: expected {"!unsafe":"{{ x }}"}, got "{{ x }}"');
    expect(yamlData('a: 1\na: 2\n')).toEqual({ ok: true, docs: [{ a: 2 }] });
    expect(checkDataChange('d: 2023-08-30\n', 'd: 2023-08-31\n', [])).toContain('expected "2023-08-30", got "2023-08-31"');
    expect(yamlData('---\na: 1\n---\n- b\n')).toEqual({ ok: true, docs: [{ a: 1 }, ['b']] });
  });

  it('refuses what Ansible cannot read: an unquoted {{ }} value, an unknown tag, broken YAML', () => {
    expect(yamlData('a: {{ b }}\n')).toMatchObject({ ok: false, reason: expect.stringContaining('mapping key is itself a mapping') });
    expect(yamlData('a: !custom x\n')).toMatchObject({ ok: false });
    expect(yamlData('a: 1\n- b\n')).toMatchObject({ ok: false });
    expect(checkDataChange('a: {{ b }}\n', 'a: {{ c }}\n', [])).toContain('cannot be read as Ansible reads it');
  });

  it('a rename of any key of any mapping is verified by the rename alone (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z_]{0,6}$/), { minLength: 1, maxLength: 6 }), fc.nat(), (keys, pick) => {
        const from = keys[pick % keys.length] as string;
        const to = `ansible.builtin.${from}`;
        const text = keys.map((k) => `${k}: v_${k}\n`).join('');
        const after = text.replace(new RegExp(`^${from}:`, 'm'), `${to}:`);
        expect(checkDataChange(text, after, [{ op: 'rename-key', at: [], from, to }])).toBeUndefined();
        expect(checkDataChange(text, after, [])).toBeDefined();
      }),
    );
  });
});
