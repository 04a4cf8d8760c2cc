import { describe, expect, test } from 'vitest';
import { scanJinja } from '../../jinja/scanner.js';
import { applyEdits } from '../../text/edit.js';
import type { Fallback } from '../types.js';
import { parseYaml } from './parse-yaml.js';
import { YamlDocument } from './YamlDocument.js';
import type { YamlNode } from './types.js';

function parse(text: string): YamlDocument {
  const doc = parseYaml('t.yml', text, scanJinja(text));
  if (!(doc instanceof YamlDocument)) throw new Error(`expected YAML, got fallback ${JSON.stringify(doc)}`);
  expect(doc.print()).toBe(text);
  return doc;
}

function node(doc: YamlDocument, ...path: (string | number)[]): YamlNode {
  const n = doc.get(path);
  if (!n) throw new Error(`no node at ${JSON.stringify(path)}`);
  return n;
}

/** The source text of a node's range. */
const src = (doc: YamlDocument, n: YamlNode): string => doc.text.slice(n.range.start, n.range.end);

describe('parseYaml: document basics', () => {
  test('format, structured, print, lines, masked', () => {
    const text = 'a: {{ x }}\n';
    const doc = parse(text);
    expect(doc.format).toBe('yaml');
    expect(doc.structured).toBe(true);
    expect(doc.path).toBe('t.yml');
    expect(doc.masked).toBe('a: xxxxxxx\n');
    expect(doc.lines.lineCount).toBe(2);
    expect(doc.documentCount).toBe(1);
  });

  test('empty and comment-only files are structured with an empty document', () => {
    expect(parse('').documentCount).toBe(0);
    const doc = parse('# only a comment\n');
    expect(doc.documentCount).toBe(0);
    expect(doc.root()).toBeUndefined();
    expect(doc.pairs()).toEqual([]);
  });

  test('a byte order mark is nothing, as in PyYAML: a block sequence after it keeps its indentation', () => {
    const text = '\uFEFF- name: a\n  copy: src=a\n- b\n';
    const doc = parse(text);
    expect(doc.print()).toBe(text);
    expect(doc.items([]).map((i) => i.value.kind)).toEqual(['map', 'scalar']);
    const copy = doc.get([0, 'copy']) as YamlNode;
    expect(text.slice(copy.range.start, copy.range.end)).toBe('src=a');
    expect(applyEdits(text, [doc.scalarEdit(copy, 'src=b')])).toBe('\uFEFF- name: a\n  copy: src=b\n- b\n');
  });
});

describe('Jinja in keys and values', () => {
  test('expression in a plain value', () => {
    const text = 'image: {{ registry }}/app:latest\n';
    const doc = parse(text);
    const v = node(doc, 'image');
    expect(v).toMatchObject({ kind: 'scalar', style: 'plain', value: '{{ registry }}/app:latest' });
    expect(v.range).toEqual({ start: 7, end: 32 });
  });

  test('expression as the whole plain value', () => {
    const doc = parse('arch: {{ architecture }}\n');
    expect(node(doc, 'arch').value).toBe('{{ architecture }}');
  });

  test('expression in a key is reported with its source text', () => {
    const text = 'indexes:\n  latest-{{ architecture }}:\n    tag: latest\n';
    const doc = parse(text);
    const pair = doc.pairs()[1];
    expect(pair?.path).toEqual(['indexes', 'latest-{{ architecture }}']);
    expect(pair?.keyText).toBe('latest-{{ architecture }}');
    expect(pair?.key.range).toEqual({ start: 11, end: 36 });
    expect(node(doc, 'indexes', 'latest-{{ architecture }}', 'tag').value).toBe('latest');
  });

  test('expression in a double-quoted value: escapes decoded outside the tag, tag verbatim', () => {
    const text = 'a: "{{ x | replace(\'\\\\\', \'/\') }}\\t\\"q\\""\n';
    const doc = parse(text);
    const v = node(doc, 'a');
    expect(v.style).toBe('double');
    expect(v.value).toBe("{{ x | replace('\\\\', '/') }}\t\"q\"");
    expect(v.range).toEqual({ start: 3, end: text.length - 1 });
  });

  test('a double quote inside a tag inside a double-quoted scalar', () => {
    const doc = parse('a: "{{ b | default("c") }}"\n');
    expect(node(doc, 'a').value).toBe('{{ b | default("c") }}');
  });

  test('expression in a single-quoted value', () => {
    const doc = parse("a: 'it''s {{ x }}'\n");
    expect(node(doc, 'a')).toMatchObject({ style: 'single', value: "it's {{ x }}" });
  });

  test('comment tag inside a value is part of the value', () => {
    const doc = parse('a: b{# note #}c\n');
    expect(node(doc, 'a').value).toBe('b{# note #}c');
  });

  test('inline statements around a value are part of the value', () => {
    const text = 'k: {% if a %}b{% else %}c{% endif %}\nn: 1\n';
    const doc = parse(text);
    const v = node(doc, 'k');
    expect(v.value).toBe('{% if a %}b{% else %}c{% endif %}');
    expect(v.range).toEqual({ start: 3, end: text.indexOf('\n') });
    expect(node(doc, 'n').value).toBe('1');
  });

  test('statement lines at any column', () => {
    const text = [
      '{% if a %}',
      'top: 1',
      '{% endif %}',
      'nested:',
      '  {% for x in y %}',
      '  item: {{ x }}',
      '      {% endfor %}',
      '  other: 2',
      'list:',
      '{% if b %}',
      '  - one',
      '    {% endif %}',
      '  - two',
      '',
    ].join('\n');
    const doc = parse(text);
    expect(doc.pairs().map((p) => p.path.join('.'))).toEqual(['top', 'nested', 'nested.item', 'nested.other', 'list']);
    expect(doc.items(['list']).map((i) => i.value.value)).toEqual(['one', 'two']);
    expect(doc.pairsAt(['nested', 'item'])[0]?.jinja.map((j) => [j.block.keyword, j.branch])).toEqual([['for', 0]]);
    expect(doc.items(['list'])[0]?.jinja.map((j) => j.block.keyword)).toEqual(['if']);
    expect(doc.items(['list'])[1]?.jinja).toEqual([]);
  });

  test('statement lines at column 0 inside a block scalar stay in its value', () => {
    const text = ['data:', '  conf: |-', '    a: 1', '{% if x %}', '    b: 2', '{% endif %}', 'next: 3', ''].join('\n');
    const doc = parse(text);
    const v = node(doc, 'data', 'conf');
    expect(v).toMatchObject({ kind: 'block-scalar', style: 'literal', value: 'a: 1\n{% if x %}\nb: 2\n{% endif %}' });
    expect(v.range).toEqual({ start: text.indexOf('|-'), end: text.indexOf('\nnext') });
    expect(node(doc, 'next').value).toBe('3');
  });

  test('Jinja-only lines leading a block scalar are its content', () => {
    const text = 'script: |\n    {{ body }}\n  more\nconfig: |\n  {% if x %}\n  a\n  {% endif %}\nafter: 1\n';
    const doc = parse(text);
    expect(node(doc, 'script').value).toBe('  {{ body }}\nmore\n');
    expect(node(doc, 'config').value).toBe('{% if x %}\na\n{% endif %}\n');
    expect(node(doc, 'after').value).toBe('1');
    expect(doc.masked).toBe('script: |\n  xxxxxxxxxxxx\n  more\nconfig: |\n  xxxxxxxxxx\n  a\n  xxxxxxxxxxx\nafter: 1\n');
  });

  test('a block scalar line starting with an inline statement stays in the block', () => {
    const text = 'k: |-\n  {% if a %}a\n  :\nn: 1\n';
    const doc = parse(text);
    expect(node(doc, 'k').value).toBe('{% if a %}a\n:');
    expect(doc.pairs().map((p) => p.path.join('.'))).toEqual(['k', 'n']);
  });

  test('keys repeated in if/else branches: both pairs, each with its branch', () => {
    const text = [
      'x: 0',
      '{% if env == "staging" %}',
      'url: https://stg.example.org/',
      '{% elif env == "dev" %}',
      'url: https://dev.example.org/',
      '{% else %}',
      'url: https://example.org/',
      '{% endif %}',
      '',
    ].join('\n');
    const doc = parse(text);
    const pairs = doc.pairsAt(['url']);
    expect(pairs.map((p) => p.value.value)).toEqual(['https://stg.example.org/', 'https://dev.example.org/', 'https://example.org/']);
    expect(pairs.map((p) => p.jinja.map((j) => j.branch))).toEqual([[0], [1], [2]]);
    const block = scanJinja(text).blocks[0];
    expect(pairs.map((p) => p.jinja[0]?.tag.inner)).toEqual(['if env == "staging"', 'elif env == "dev"', 'else']);
    expect(pairs[0]?.jinja[0]?.block.open.start).toBe(block?.open.start);
    expect(doc.get(['url'])?.value).toBe('https://stg.example.org/');
    expect(doc.getAll(['url'])).toHaveLength(3);
    expect(doc.jinjaAt(text.indexOf('x: 0'))).toEqual([]);
  });

  test('Jinja block errors alone do not make a fallback', () => {
    const text = '{% if a %}\nb: 1\n';
    expect(scanJinja(text).errors.length).toBeGreaterThan(0);
    const doc = parse(text);
    expect(node(doc, 'b').value).toBe('1');
    expect(doc.pairsAt(['b'])[0]?.jinja.map((j) => j.block.keyword)).toEqual(['if']);
  });
});

describe('YAML constructs', () => {
  test('multi-document stream', () => {
    const text = '---\nkind: A\nn: 1\n---\nkind: B\n...\n---\n- x\n';
    const doc = parse(text);
    expect(doc.documentCount).toBe(3);
    expect(doc.get(['kind'], 1)?.value).toBe('B');
    expect(doc.get(['kind'])?.value).toBe('A');
    expect(doc.getAll(['kind']).map((n) => n.value)).toEqual(['A', 'B']);
    expect(doc.pairs().map((p) => [p.doc, p.key.value])).toEqual([
      [0, 'kind'],
      [0, 'n'],
      [1, 'kind'],
    ]);
    expect(doc.root(2)?.kind).toBe('seq');
    expect(doc.items([], 2).map((i) => i.value.value)).toEqual(['x']);
    expect(doc.items([])).toHaveLength(1);
  });

  test('Ansible flow style roles', () => {
    const text = 'roles:\n  - { role: base, var: "{{ x }}" }\n  - role: other\n';
    const doc = parse(text);
    const items = doc.items(['roles']);
    expect(items.map((i) => [i.value.kind, i.value.flow])).toEqual([
      ['map', true],
      ['map', false],
    ]);
    expect(src(doc, items[0]!.value)).toBe('{ role: base, var: "{{ x }}" }');
    const role = node(doc, 'roles', 0, 'role');
    expect(role).toMatchObject({ value: 'base', inFlow: true });
    expect(src(doc, role)).toBe('base');
    expect(node(doc, 'roles', 0, 'var')).toMatchObject({ value: '{{ x }}', style: 'double' });
    expect(node(doc, 'roles', 1, 'role').inFlow).toBe(false);
  });

  test('flow sequences, empty flow keys and single-pair flow entries', () => {
    const doc = parse('a: [x, "y", b: c]\nm: {k}\n');
    expect(doc.items(['a']).map((i) => i.value.kind)).toEqual(['scalar', 'scalar', 'map']);
    expect(node(doc, 'a', 2, 'b').value).toBe('c');
    expect(node(doc, 'm', 'k').kind).toBe('null');
  });

  test('comments are outside value ranges', () => {
    const text = 'a: 1 # one\n# full line\nb:\n  c: x # y\n  # trailing\nd: "q" # z\n';
    const doc = parse(text);
    expect(src(doc, node(doc, 'a'))).toBe('1');
    expect(src(doc, node(doc, 'b'))).toBe('c: x');
    expect(src(doc, node(doc, 'd'))).toBe('"q"');
    expect(doc.root()?.range).toEqual({ start: 0, end: text.indexOf('"q"') + 3 });
  });

  test('anchors, tags and aliases', () => {
    const text = 'base: &b\n  x: 1\nother: *b\nk: &v !!str val\nv: !vault |\n  $ANSIBLE_VAULT;1.1\n';
    const doc = parse(text);
    expect(node(doc, 'base')).toMatchObject({ kind: 'map', anchor: 'b' });
    expect(node(doc, 'other')).toMatchObject({ kind: 'alias', value: 'b' });
    expect(src(doc, node(doc, 'other'))).toBe('*b');
    expect(node(doc, 'k')).toMatchObject({ kind: 'scalar', anchor: 'v', tag: '!!str', value: 'val' });
    expect(node(doc, 'v')).toMatchObject({ kind: 'block-scalar', tag: '!vault', value: '$ANSIBLE_VAULT;1.1\n' });
  });

  test('null values', () => {
    const text = 'a:\nb: ~\nl:\n  -\n  - x\n';
    const doc = parse(text);
    expect(node(doc, 'a')).toMatchObject({ kind: 'null', range: { start: 2, end: 2 } });
    expect(node(doc, 'b')).toMatchObject({ kind: 'scalar', value: '~' });
    expect(doc.items(['l']).map((i) => i.value.kind)).toEqual(['null', 'scalar']);
  });

  test('CRLF line breaks', () => {
    const text = 'a: 1\r\nb: "x\r\n  y"\r\nc: |\r\n  l1\r\n  l2\r\nd: plain\r\n  folded\r\n';
    const doc = parse(text);
    expect(node(doc, 'a').range).toEqual({ start: 3, end: 4 });
    expect(node(doc, 'b').value).toBe('x y');
    expect(node(doc, 'c').value).toBe('l1\nl2\n');
    expect(node(doc, 'd').value).toBe('plain folded');
    expect(doc.lineBreak).toBe('\r\n');
  });

  test('byte-order mark', () => {
    const text = '\uFEFFa: 1\n';
    const doc = parse(text);
    expect(doc.pairs()[0]?.key.range).toEqual({ start: 1, end: 2 });
    expect(node(doc, 'a').value).toBe('1');
  });

  test('tabs in values', () => {
    const doc = parse('a: x\ty\nb: "x\ty"\nc: |\n  \tindented by tab\n');
    expect(node(doc, 'a').value).toBe('x\ty');
    expect(node(doc, 'b').value).toBe('x\ty');
    expect(node(doc, 'c').value).toBe('\tindented by tab\n');
  });

  test('no final newline', () => {
    const doc = parse('a: 1\nb: |\n  text');
    expect(node(doc, 'b').value).toBe('text');
    expect(parse('a: 1').get(['a'])?.range).toEqual({ start: 3, end: 4 });
  });

  test('non-ASCII keys and values', () => {
    const text = '名前: "café ☕ {{ x }}"\nemoji: 😀 ok\n';
    const doc = parse(text);
    expect(doc.pairs()[0]?.key.value).toBe('名前');
    expect(node(doc, '名前').value).toBe('café ☕ {{ x }}');
    expect(node(doc, 'emoji')).toMatchObject({ value: '😀 ok', range: { start: text.indexOf('😀'), end: text.length - 1 } });
  });

  test('multi-line plain and quoted scalars fold', () => {
    const doc = parse('a: one\n  two\n\n  three\nb: "x \\\n  y"\nc: \'p\n\n  q\'\n');
    expect(node(doc, 'a').value).toBe('one two\nthree');
    expect(node(doc, 'b').value).toBe('x y');
    expect(node(doc, 'c').value).toBe('p\nq');
  });

  test('block scalar chomping and folding', () => {
    const doc = parse('s: |-\n  a\n\nc: |\n  a\n\n\nk: |+\n  a\n\n\nf: >\n  a\n  b\n\n  c\n   d\n');
    expect(node(doc, 's').value).toBe('a');
    expect(node(doc, 'c').value).toBe('a\n');
    expect(node(doc, 'k').value).toBe('a\n\n\n');
    expect(node(doc, 'f').value).toBe('a b\nc\n d\n');
  });

  test('Ansible task file with key=value strings and multi-line folded strings', () => {
    const text = [
      '- name: set root passwd',
      '  user: name=root password={{ builder_rootpw }} state=present',
      '  when: "\'runroot\' in group_names"',
      '  local_action: >',
      '    template',
      '    src="{{ files }}/a.j2"',
      '',
    ].join('\n');
    const doc = parse(text);
    expect(node(doc, 0, 'user').value).toBe('name=root password={{ builder_rootpw }} state=present');
    expect(node(doc, 0, 'when').value).toBe("'runroot' in group_names");
    expect(node(doc, 0, 'local_action').value).toBe('template src="{{ files }}/a.j2"\n');
  });
});

describe('fallback', () => {
  test('invalid YAML gives a fallback with line and column', () => {
    const text = 'a: 1\n- b\n';
    const result = parseYaml('bad.yml', text, scanJinja(text));
    expect(result).not.toBeInstanceOf(YamlDocument);
    const fb = result as Fallback;
    expect(fb).toEqual({
      format: 'yaml',
      reason: 'invalid YAML: MULTILINE_IMPLICIT_KEY: Implicit keys need to be on a single line',
      line: 2,
      column: 1,
    });
    const unclosed = 'a: 1\nb: [1, 2\n';
    expect(parseYaml('bad.yml', unclosed, scanJinja(unclosed))).toMatchObject({ format: 'yaml', line: 3 });
  });

  test('errors the CST alone does not see are caught', () => {
    const text = 'a: b: c\n';
    expect(parseYaml('x.yml', text, scanJinja(text))).toMatchObject({ format: 'yaml', line: 1, column: 4 });
    const tabs = 'a:\n\tb: 1\n';
    expect(parseYaml('x.yml', tabs, scanJinja(tabs))).toMatchObject({ format: 'yaml', line: 2 });
  });

  test('Jinja that makes a template unreadable as YAML falls back', () => {
    const text = 'a: {% if x %}"q"{% else %}"r"{% endif %}\n';
    expect(parseYaml('x.yml', text, scanJinja(text))).toMatchObject({ format: 'yaml', line: 1 });
  });

  test('duplicate keys are not an error', () => {
    expect(parse('a: 1\na: 2\n').getAll(['a']).map((n) => n.value)).toEqual(['1', '2']);
  });

  test('explicit tags: typed scalars are no error, tags that fail to resolve are (YAML 1.2 and a %YAML 1.1 stream alike)', () => {
    parse('a: !!int 12\nb: !!float x\nc: !!bool yes\nd: !!null ~\ne: !!set {x, y}\nf: !!int {x: 1}\n');
    const omap = '!!omap\n- a: 1\n- a: 2\n';
    expect(parseYaml('x.yml', omap, scanJinja(omap))).toMatchObject({ format: 'yaml', line: 1, reason: expect.stringMatching(/duplicate keys/) });
    const omap11 = `%YAML 1.1\n---\n${omap}`;
    expect(parseYaml('x.yml', omap11, scanJinja(omap11))).toMatchObject({ format: 'yaml', line: 3, reason: expect.stringMatching(/duplicate keys/) });
    const date = 'a: !!timestamp nope\n';
    expect(parseYaml('x.yml', date, scanJinja(date))).toMatchObject({ format: 'yaml', line: 1, column: 4 });
  });
});

describe('scalarEdit', () => {
  /** Applies the edit, re-parses and returns the new text and the value now at `path`. */
  function editAndRead(text: string, path: (string | number)[], value: string): { text: string; value: string | undefined } {
    const doc = parse(text);
    const edited = applyEdits(text, [doc.scalarEdit(node(doc, ...path), value)]);
    return { text: edited, value: parse(edited).get(path)?.value };
  }

  test('plain stays plain', () => {
    expect(editAndRead('host: registry.example.org # c\n', ['host'], 'quay.io/fedora')).toEqual({
      text: 'host: quay.io/fedora # c\n',
      value: 'quay.io/fedora',
    });
  });

  test('plain that needs quoting becomes double-quoted', () => {
    expect(editAndRead('a: x\n', ['a'], 'b: c # d')).toEqual({ text: 'a: "b: c # d"\n', value: 'b: c # d' });
    expect(editAndRead('a: x\n', ['a'], 'yes')).toEqual({ text: 'a: "yes"\n', value: 'yes' });
    expect(editAndRead('a: x\n', ['a'], '{{ y }}')).toEqual({ text: 'a: "{{ y }}"\n', value: '{{ y }}' });
    expect(editAndRead('a: x\n', ['a'], 'two\nlines')).toEqual({ text: 'a: "two\\nlines"\n', value: 'two\nlines' });
  });

  test('a number stays a plain number', () => {
    expect(editAndRead('port: 80\n', ['port'], '8080').text).toBe('port: 8080\n');
  });

  test('plain inside a flow map cannot take flow indicators', () => {
    expect(editAndRead('- { role: x }\n', [0, 'role'], 'a,b')).toEqual({ text: '- { role: "a,b" }\n', value: 'a,b' });
    expect(editAndRead('- { role: x }\n', [0, 'role'], 'web')).toEqual({ text: '- { role: web }\n', value: 'web' });
  });

  test('single-quoted', () => {
    expect(editAndRead("a: 'x'\n", ['a'], "it's {{ v }}")).toEqual({ text: "a: 'it''s {{ v }}'\n", value: "it's {{ v }}" });
    expect(editAndRead("a: 'x'\n", ['a'], 'l1\nl2').text).toBe('a: "l1\\nl2"\n');
  });

  test('double-quoted, Jinja verbatim', () => {
    expect(editAndRead('a: "x"\n', ['a'], 'say "hi"\t\\ {{ b | default("c") }}')).toEqual({
      text: 'a: "say \\"hi\\"\\t\\\\ {{ b | default("c") }}"\n',
      value: 'say "hi"\t\\ {{ b | default("c") }}',
    });
  });

  test('plain value with inline Jinja around it', () => {
    expect(editAndRead('k: {% if a %}b{% endif %}\n', ['k'], 'c')).toEqual({ text: 'k: c\n', value: 'c' });
  });

  test('literal block scalar keeps its indentation and follows trailing breaks with its header', () => {
    const text = 'a:\n  s: |-\n      old\n      lines\n  n: 1\n';
    expect(editAndRead(text, ['a', 's'], 'new\n\nthree')).toEqual({
      text: 'a:\n  s: |-\n      new\n\n      three\n  n: 1\n',
      value: 'new\n\nthree',
    });
    expect(editAndRead(text, ['a', 's'], 'x\n')).toEqual({ text: 'a:\n  s: |\n      x\n  n: 1\n', value: 'x\n' });
  });

  test('folded block scalar', () => {
    const text = 'f: > # keep me\n  a b\n  c\n';
    expect(editAndRead(text, ['f'], 'x\ny z\n')).toEqual({ text: 'f: > # keep me\n  x\n\n  y z\n', value: 'x\ny z\n' });
  });

  test('block scalar with a leading space falls back to double quotes', () => {
    expect(editAndRead('s: |\n  a\n', ['s'], ' lead')).toEqual({ text: 's: " lead"\n', value: ' lead' });
  });

  test('block scalar in a CRLF file', () => {
    expect(editAndRead('s: |\r\n  a\r\nn: 1\r\n', ['s'], 'x\ny\n').text).toBe('s: |\r\n  x\r\n  y\r\nn: 1\r\n');
  });

  test('a null value gets one inserted', () => {
    expect(editAndRead('a:\nb: 1\n', ['a'], 'v')).toEqual({ text: 'a: v\nb: 1\n', value: 'v' });
    expect(editAndRead('a: \nb: 1\n', ['a'], 'v').text).toBe('a: v\nb: 1\n');
  });

  test('an unchanged value is a no-op edit and the reason is kept', () => {
    const doc = parse('a: "x"\n');
    expect(doc.scalarEdit(node(doc, 'a'), 'x', 'why')).toEqual({ start: 3, end: 6, text: '"x"', reason: 'why' });
  });

  test('maps, sequences and aliases cannot be edited as scalars', () => {
    const doc = parse('m:\n  k: v\n');
    expect(() => doc.scalarEdit(node(doc, 'm'), 'x')).toThrow(/cannot replace a YAML map/);
  });

  test('keys can be renamed', () => {
    const text = 'old-name: 1\n';
    const doc = parse(text);
    const edited = applyEdits(text, [doc.scalarEdit(doc.pairs()[0]!.key, 'new name')]);
    expect(edited).toBe('new name: 1\n');
    expect(parse(edited).get(['new name'])?.value).toBe('1');
  });
});
