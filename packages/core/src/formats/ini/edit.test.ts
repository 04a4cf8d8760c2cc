import { describe, expect, it } from 'vitest';
import { scanJinja } from '../../jinja/index.js';
import { applyEdits } from '../../text/edit.js';
import { isFallback } from '../fallback.js';
import type { IniDocument } from './document.js';
import { insertEntryEdit, removeEntryEdit, setValueEdit } from './edit.js';
import type { IniCommentedEntry, IniEntry } from './model.js';
import { parseIni } from './parse.js';

function parse(text: string): IniDocument {
  const doc = parseIni('test.ini', text, scanJinja(text));
  if (isFallback(doc)) throw new Error(`unexpected fallback: ${doc.reason}`);
  return doc;
}

function first(doc: IniDocument, key: string): IniEntry {
  const e = doc.find(key)[0];
  if (e === undefined) throw new Error(`no entry ${key}`);
  return e;
}

function commented(doc: IniDocument, key: string): IniCommentedEntry {
  const c = doc.commentedEntries().find((x) => x.key === key);
  if (c === undefined) throw new Error(`no commented entry ${key}`);
  return c;
}

describe('setValueEdit', () => {
  it('replaces only the value, then reads back', () => {
    const text = '[app:main]\ncontainer.source_registry = candidate-registry.stg.example.org   \nnext = 1\n';
    const doc = parse(text);
    const edit = setValueEdit(first(doc, 'container.source_registry'), 'quay.io');
    expect(edit).toEqual({ start: 39, end: 73, text: 'quay.io' });
    const after = applyEdits(text, [edit]);
    expect(after).toBe('[app:main]\ncontainer.source_registry = quay.io   \nnext = 1\n');
    expect(first(parse(after), 'container.source_registry').value).toBe('quay.io');
  });

  it('fills an empty value, adding a blank when the separator has one before it', () => {
    expect(applyEdits('k =\n', [setValueEdit(first(parse('k =\n'), 'k'), 'v')])).toBe('k = v\n');
    expect(applyEdits('k=\n', [setValueEdit(first(parse('k=\n'), 'k'), 'v')])).toBe('k=v\n');
    expect(applyEdits('flag\n', [setValueEdit(first(parse('flag\n'), 'flag'), 'on')])).toBe('flag = on\n');
  });

  it('writes a multi-line value as continuation lines with the line ending of the entry', () => {
    const text = '[s]\r\nincludes =\r\n    a\r\nx = 1\r\n';
    const after = applyEdits(text, [setValueEdit(first(parse(text), 'includes'), '\nb\nc')]);
    expect(after).toBe('[s]\r\nincludes =\r\n    b\r\n    c\r\nx = 1\r\n');
    expect(first(parse(after), 'includes').value).toBe('\nb\nc');
  });

  it('carries the reason', () => {
    expect(setValueEdit(first(parse('k = v\n'), 'k'), 'w', 'move registry').reason).toBe('move registry');
  });
});

describe('insertEntryEdit', () => {
  const bodhi = [
    '[app:main]',
    '# container.destination_registry = registry.example.org',
    '# container.source_registry = candidate-registry.example.org',
    "{% if env == 'staging' %}",
    'container.destination_registry = registry.stg.example.org',
    'container.source_registry = candidate-registry.stg.example.org',
    '{% endif %}',
    '',
    '[server:main]',
    'port = 6543',
    '',
  ].join('\n');

  it('inserts next to a commented-out default, copying the spacing of the neighbours', () => {
    const doc = parse(bodhi);
    const edit = insertEntryEdit(doc, { key: 'container.destination_registry', value: 'quay.io/fedora' }, { after: commented(doc, 'container.source_registry') });
    const after = applyEdits(bodhi, [edit]);
    expect(after.split('\n').slice(1, 5)).toEqual([
      '# container.destination_registry = registry.example.org',
      '# container.source_registry = candidate-registry.example.org',
      'container.destination_registry = quay.io/fedora',
      "{% if env == 'staging' %}",
    ]);
    const reread = parse(after).find('container.destination_registry');
    expect(reread.map((e) => [e.value, e.jinja.length])).toEqual([
      ['quay.io/fedora', 0],
      ['registry.stg.example.org', 1],
    ]);
  });

  it('inserts at the end of a section after the Jinja block around its last entry', () => {
    const doc = parse(bodhi);
    const after = applyEdits(bodhi, [insertEntryEdit(doc, { key: 'skopeo.cmd', value: '/usr/bin/skopeo' }, { section: 'app:main' })]);
    expect(after.split('\n').slice(5, 9)).toEqual([
      'container.source_registry = candidate-registry.stg.example.org',
      '{% endif %}',
      'skopeo.cmd = /usr/bin/skopeo',
      '',
    ]);
    expect(first(parse(after), 'skopeo.cmd').jinja).toEqual([]);
    expect(first(parse(after), 'skopeo.cmd').section).toBe('app:main');
  });

  it('inserts after an entry and before an entry, in the file line ending and key/separator style', () => {
    const text = '[push]\r\n  registry=docker://a\r\n  other=1\r\n';
    const doc = parse(text);
    const a = applyEdits(text, [insertEntryEdit(doc, { key: 'tls', value: 'true' }, { after: first(doc, 'registry') })]);
    expect(a).toBe('[push]\r\n  registry=docker://a\r\n  tls=true\r\n  other=1\r\n');
    const b = applyEdits(text, [insertEntryEdit(doc, { key: 'tls', value: 'true' }, { before: first(doc, 'registry') })]);
    expect(b).toBe('[push]\r\n  tls=true\r\n  registry=docker://a\r\n  other=1\r\n');
  });

  it('inserts after an entry with continuation lines, after its last line', () => {
    const text = '[s]\ninc =\n    a\n    b\nz = 1\n';
    const doc = parse(text);
    expect(applyEdits(text, [insertEntryEdit(doc, { key: 'y', value: '2' }, { after: first(doc, 'inc') })])).toBe('[s]\ninc =\n    a\n    b\ny = 2\nz = 1\n');
  });

  it('keeps a missing final newline missing', () => {
    const text = '[push]\nregistry=docker://{{candidate_registry}}';
    const doc = parse(text);
    const after = applyEdits(text, [insertEntryEdit(doc, { key: 'x', value: '1' }, { section: 'push' })]);
    expect(after).toBe('[push]\nregistry=docker://{{candidate_registry}}\nx=1');
  });

  it('appends a missing section at the end of the file', () => {
    const text = '[a]\nk = 1\n';
    const after = applyEdits(text, [insertEntryEdit(parse(text), { key: 'x', value: '1' }, { section: 'b' })]);
    expect(after).toBe('[a]\nk = 1\n\n[b]\nx = 1\n');
    expect(first(parse(after), 'x').section).toBe('b');
  });

  it('inserts into an empty section right after its header, after a BOM for the preamble', () => {
    const text = '\uFEFF[a]\n[b]\n';
    const doc = parse(text);
    expect(applyEdits(text, [insertEntryEdit(doc, { key: 'k', value: 'v' }, { section: 'a' })])).toBe('\uFEFF[a]\nk = v\n[b]\n');
    expect(applyEdits(text, [insertEntryEdit(doc, { key: 'k', value: 'v' }, { section: null })])).toBe('\uFEFFk = v\n[a]\n[b]\n');
  });

  it('refuses a line break in the key or value', () => {
    const doc = parse('k = v\n');
    expect(() => insertEntryEdit(doc, { key: 'a', value: 'b\nc' }, { section: null })).toThrow(/line break/);
  });
});

describe('removeEntryEdit', () => {
  it('removes an entry with its continuation lines', () => {
    const text = '[s]\ninc =\n    a\nz = 1\n';
    const doc = parse(text);
    const after = applyEdits(text, [removeEntryEdit(doc, first(doc, 'inc'))]);
    expect(after).toBe('[s]\nz = 1\n');
    expect(parse(after).find('inc')).toEqual([]);
  });

  it('removes a last line without a break together with the break before it', () => {
    const text = 'a = 1\r\nb = 2';
    const doc = parse(text);
    expect(applyEdits(text, [removeEntryEdit(doc, first(doc, 'b'))])).toBe('a = 1');
  });

  it('keeps the BOM when removing the first line', () => {
    const text = '\uFEFFa = 1\nb = 2\n';
    const doc = parse(text);
    expect(applyEdits(text, [removeEntryEdit(doc, first(doc, 'a'))])).toBe('\uFEFFb = 2\n');
  });
});
