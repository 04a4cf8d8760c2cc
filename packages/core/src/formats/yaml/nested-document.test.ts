import { describe, expect, test } from 'vitest';
import { scanJinja } from '../../jinja/scanner.js';
import { applyEdits } from '../../text/edit.js';
import { guessNestedFormat } from './nested-format.js';
import { parseYaml } from './parse-yaml.js';
import { YamlDocument } from './YamlDocument.js';

function parse(text: string): YamlDocument {
  const doc = parseYaml('t.yml', text, scanJinja(text));
  if (!(doc instanceof YamlDocument)) throw new Error(`expected YAML, got fallback ${JSON.stringify(doc)}`);
  return doc;
}

const CONFIGMAP = [
  '---',
  'kind: ConfigMap',
  'metadata:',
  '  name: indexer',
  'data:',
  '  app.yaml: |-',
  '    name: indexer',
  '    url: https://old.example.org/{{ env }}',
  "{% if env == 'staging' %}",
  '    mirror: https://stg.example.org/',
  '{% else %}',
  '    mirror: https://example.org/',
  '{% endif %}',
  '    nested:',
  '        deep: 1',
  '',
  '  tool.conf: |',
  '    [main]',
  '    server = https://old.example.org/hub',
  '---',
  'kind: Other',
  '',
].join('\n');

const APP_YAML = [
  'name: indexer',
  'url: https://old.example.org/{{ env }}',
  "{% if env == 'staging' %}",
  'mirror: https://stg.example.org/',
  '{% else %}',
  'mirror: https://example.org/',
  '{% endif %}',
  'nested:',
  '    deep: 1',
  '',
].join('\n');

describe('nestedDocument', () => {
  const parent = parse(CONFIGMAP);
  const appPair = parent.pairsAt(['data', 'app.yaml'])[0]!;

  test('de-indents the block content, keeping less indented Jinja lines as they are', () => {
    const nested = parent.nestedDocument(appPair)!;
    expect(nested.format).toBe('yaml');
    expect(nested.text).toBe(APP_YAML);
    expect(nested.indent).toBe('    ');
    expect(nested.jinja.blocks.map((b) => b.keyword)).toEqual(['if']);
  });

  test('the offset map goes both ways', () => {
    const nested = parent.nestedDocument(appPair)!;
    const childUrl = nested.text.indexOf('https://old');
    const parentUrl = CONFIGMAP.indexOf('https://old');
    expect(nested.offsetMap.toParent(childUrl)).toBe(parentUrl);
    expect(nested.offsetMap.toChild(parentUrl)).toBe(childUrl);
    const childElse = nested.text.indexOf('{% else %}');
    expect(nested.offsetMap.toParent(childElse)).toBe(CONFIGMAP.indexOf('{% else %}'));
    // The removed indentation has no child offset.
    expect(nested.offsetMap.toChild(CONFIGMAP.indexOf('    name: indexer'))).toBeUndefined();
    expect(nested.offsetMap.toParent(nested.text.length)).toBe(CONFIGMAP.indexOf('        deep: 1\n') + '        deep: 1\n'.length);
  });

  test('parse the nested YAML, edit a value in the else branch, lift, and read it back', () => {
    const nested = parent.nestedDocument(appPair)!;
    const child = parse(nested.text);
    const mirrors = child.pairsAt(['mirror']);
    expect(mirrors.map((p) => [p.value.value, p.jinja[0]?.branch])).toEqual([
      ['https://stg.example.org/', 0],
      ['https://example.org/', 1],
    ]);
    const edit = child.scalarEdit(mirrors[1]!.value, 'https://new.example.org/', 'move');
    const lifted = nested.lift(edit);
    expect(lifted).toEqual({
      start: CONFIGMAP.indexOf('https://example.org/'),
      end: CONFIGMAP.indexOf('https://example.org/') + 'https://example.org/'.length,
      text: 'https://new.example.org/',
      reason: 'move',
    });
    const edited = applyEdits(CONFIGMAP, [lifted]);
    const again = parse(edited);
    const child2 = parse(again.nestedDocument(again.pairsAt(['data', 'app.yaml'])[0]!)!.text);
    expect(child2.pairsAt(['mirror']).map((p) => p.value.value)).toEqual(['https://stg.example.org/', 'https://new.example.org/']);
    expect(again.get(['kind'], 1)?.value).toBe('Other');
  });

  test('inserted lines are re-indented at the block indentation', () => {
    const nested = parent.nestedDocument(appPair)!;
    // Insert two keys before the `{% else %}` line (kept at column 0) and one inside `nested:`.
    const atElse = nested.text.indexOf('{% else %}');
    const atDeep = nested.text.indexOf('    deep');
    const edits = [
      nested.lift({ start: atElse, end: atElse, text: 'extra: 1\nmore: 2\n' }),
      nested.lift({ start: atDeep, end: atDeep, text: '    first: 0\n' }),
    ];
    const edited = applyEdits(CONFIGMAP, edits);
    expect(edited).toBe(
      CONFIGMAP.replace("{% else %}", '    extra: 1\n    more: 2\n{% else %}').replace('        deep: 1', '        first: 0\n        deep: 1'),
    );
    const again = parse(edited);
    const child = parse(again.nestedDocument(again.pairsAt(['data', 'app.yaml'])[0]!)!.text);
    expect(child.get(['more'])?.value).toBe('2');
    expect(child.get(['nested', 'first'])?.value).toBe('0');
    expect(child.pairsAt(['extra'])[0]?.jinja[0]?.branch).toBe(0);
  });

  test('appending after the last line and deleting a line', () => {
    const nested = parent.nestedDocument(appPair)!;
    const end = nested.text.length;
    const urlLine = nested.text.indexOf('url:');
    const nextLine = nested.text.indexOf('\n', urlLine) + 1;
    const edited = applyEdits(CONFIGMAP, [
      nested.lift({ start: urlLine, end: nextLine, text: '' }),
      nested.lift({ start: end, end, text: 'last: z\n' }),
    ]);
    expect(edited).toBe(CONFIGMAP.replace('    url: https://old.example.org/{{ env }}\n', '').replace('deep: 1\n', 'deep: 1\n    last: z\n'));
    const again = parse(edited);
    expect(again.get(['data', 'app.yaml'])?.value).toBe(APP_YAML.replace('url: https://old.example.org/{{ env }}\n', '') + 'last: z');
  });

  test('an INI block is guessed from its key and edits lift back', () => {
    const pair = parent.pairsAt(['data', 'tool.conf'])[0]!;
    const nested = parent.nestedDocument(pair)!;
    expect(nested.format).toBe('ini');
    expect(nested.text).toBe('[main]\nserver = https://old.example.org/hub\n');
    const at = nested.text.indexOf('https');
    const edited = applyEdits(CONFIGMAP, [nested.lift({ start: at, end: at + 'https://old.example.org'.length, text: 'https://new.example.org' })]);
    expect(parse(edited).get(['data', 'tool.conf'])?.value).toBe('[main]\nserver = https://new.example.org/hub\n');
  });

  test('an explicit format wins; non-block values have no nested document', () => {
    expect(parent.nestedDocument(appPair, 'text')?.format).toBe('text');
    expect(parent.nestedDocument(parent.pairsAt(['kind'])[0]!)).toBeUndefined();
    expect(parent.nestedDocument(parent.get(['data', 'app.yaml'])!)?.text).toBe(APP_YAML);
  });

  test('CRLF content', () => {
    const text = 'data:\r\n  a.ini: |\r\n    [s]\r\n    k = v\r\n';
    const doc = parse(text);
    const nested = doc.nestedDocument(doc.pairsAt(['data', 'a.ini'])[0]!)!;
    expect(nested.text).toBe('[s]\r\nk = v\r\n');
    const at = nested.text.indexOf('k = v');
    expect(applyEdits(text, [nested.lift({ start: at, end: at, text: 'j = w\r\n' })])).toBe('data:\r\n  a.ini: |\r\n    [s]\r\n    j = w\r\n    k = v\r\n');
  });
});

describe('guessNestedFormat', () => {
  test('by key suffix', () => {
    expect(guessNestedFormat('config.yaml', '')).toBe('yaml');
    expect(guessNestedFormat('values.YML', '')).toBe('yaml');
    expect(guessNestedFormat('a.json', '')).toBe('json');
    expect(guessNestedFormat('setup.ini', '')).toBe('ini');
    expect(guessNestedFormat('koji.conf', '[fedora]\nserver = x\n')).toBe('ini');
    expect(guessNestedFormat('odd.conf', '')).toBe('ini');
  });

  test('by the first meaningful line', () => {
    expect(guessNestedFormat('x', '# comment\n{% if a %}\nkey: value\n')).toBe('yaml');
    expect(guessNestedFormat('x', '- item\n')).toBe('yaml');
    expect(guessNestedFormat('x', '\n[section]\nk=v\n')).toBe('ini');
    expect(guessNestedFormat('x', 'name = value\n')).toBe('ini');
    expect(guessNestedFormat('x', '{"a": 1}\n')).toBe('json');
    expect(guessNestedFormat('x', '[1, 2]\n')).toBe('json');
    expect(guessNestedFormat('x', '#!/bin/sh\necho hi\n')).toBeUndefined();
    expect(guessNestedFormat('run.sh', 'echo hi\n')).toBeUndefined();
  });
});
