import { describe, expect, it } from 'vitest';
import { scanJinja } from '../../jinja/index.js';
import { applyEdits } from '../../text/edit.js';
import { isFallback } from '../fallback.js';
import type { JsonDocument } from './document.js';
import { escapeJsonString, renameKeyEdit, setStringEdit } from './edit.js';
import type { JsonMember, JsonValue } from './model.js';
import { parseJson } from './parse.js';

function parse(text: string): JsonDocument {
  const doc = parseJson('test.json', text, scanJinja(text));
  if (isFallback(doc)) throw new Error(`unexpected fallback: ${doc.reason} at ${doc.line}:${doc.column}`);
  return doc;
}

function member(doc: JsonDocument, key: string): JsonMember {
  const m = doc.members().find((x) => x.key === key);
  if (m === undefined) throw new Error(`no member ${key}`);
  return m;
}

function at(doc: JsonDocument, path: (string | number)[]): JsonValue {
  const v = doc.get(path);
  if (v === undefined) throw new Error(`nothing at ${path.join('.')}`);
  return v;
}

const dockercfg =
  '{"auths":{"candidate-registry.example.org":{"username":"{{candidate_registry_osbs_prod_username}}","password":"{{pw}}","email":"","auth":"{{ auth_info_prod | b64encode }}"}}}';

describe('parseJson constructs', () => {
  it('builds the tree with keys, key spans, value spans and paths', () => {
    const doc = parse(dockercfg);
    const reg = member(doc, 'candidate-registry.example.org');
    expect(reg.keySpan).toEqual({ start: 10, end: 42 });
    expect(dockercfg.slice(reg.keySpan.start, reg.keySpan.end)).toBe('"candidate-registry.example.org"');
    expect(reg.path).toEqual(['auths', 'candidate-registry.example.org']);
    expect(doc.members().map((m) => m.key)).toEqual(['auths', 'candidate-registry.example.org', 'username', 'password', 'email', 'auth']);
    const auth = at(doc, ['auths', 'candidate-registry.example.org', 'auth']);
    expect(auth).toEqual({
      kind: 'string',
      value: '{{ auth_info_prod | b64encode }}',
      jinja: true,
      span: { start: 137, end: 171 },
      path: ['auths', 'candidate-registry.example.org', 'auth'],
    });
    expect(at(doc, ['auths', 'candidate-registry.example.org', 'email'])).toMatchObject({ kind: 'string', value: '', jinja: false });
  });

  it('reads arrays, numbers, literals and escapes', () => {
    const text = '[1, -2.5e3, true, false, null, "a\\"b\\u00e9\\n", {}, []]';
    const doc = parse(text);
    const root = doc.root;
    expect(root.kind).toBe('array');
    if (root.kind !== 'array') return;
    expect(root.items.map((v) => ('value' in v ? v.value : v.kind))).toEqual([1, -2500, true, false, null, 'a"bé\n', 'object', 'array']);
    expect(root.items[1]).toMatchObject({ kind: 'number', raw: '-2.5e3', span: { start: 4, end: 10 }, path: [1] });
  });

  it('keeps a " inside a Jinja tag inside a string from ending the string', () => {
    const doc = parse('{"a": "{{ x | default("y") }}", "b": 1}');
    expect(at(doc, ['a'])).toMatchObject({ kind: 'string', value: '{{ x | default("y") }}', jinja: true });
    expect(at(doc, ['b'])).toMatchObject({ kind: 'number', value: 1 });
  });

  it('reads a Jinja expression as a value and skips statement tags between tokens', () => {
    const text = '{\n  "port": {{ port }},\n  {# note #}\n  "list": {{ items | to_json }}\n}\n';
    const doc = parse(text);
    expect(at(doc, ['port'])).toEqual({ kind: 'jinja', raw: '{{ port }}', span: { start: 12, end: 22 }, path: ['port'] });
    expect(at(doc, ['list'])).toMatchObject({ kind: 'jinja', raw: '{{ items | to_json }}' });
  });

  it('keeps duplicate keys in order; get returns the first', () => {
    const doc = parse('{"a":1,"a":2}');
    expect(doc.members().map((m) => m.value.kind === 'number' && m.value.value)).toEqual([1, 2]);
    expect(at(doc, ['a'])).toMatchObject({ value: 1 });
    expect(doc.get(['missing'])).toBeUndefined();
    expect(doc.get(['a', 0])).toBeUndefined();
  });
});

describe('parseJson byte fidelity', () => {
  const cases: Record<string, string> = {
    'one line, no final newline': dockercfg,
    'final newline': `${dockercfg}\n`,
    crlf: '{\r\n  "a": "b"\r\n}\r\n',
    mixed: '{\r\n  "a": 1,\n  "b": 2\r}',
    bom: '\uFEFF{"a": 1}\n',
    tabs: '{\n\t"a":\t[1,\t2]\n}\n',
    'trailing whitespace': '{"a": 1}   \n  ',
    'non-ASCII': '{"café": "☕ 𝄞", "ü": "\\u00fc"}\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`prints back ${name} byte for byte`, () => {
      const doc = parse(text);
      expect(doc.print()).toBe(text);
    });
  }

  it('reads a BOM file and non-ASCII keys', () => {
    expect(at(parse('\uFEFF{"a": 1}\n'), ['a'])).toMatchObject({ span: { start: 7, end: 8 } });
    expect(at(parse('{"café": "☕ 𝄞"}'), ['café'])).toMatchObject({ value: '☕ 𝄞' });
  });

  it('records the dominant line ending', () => {
    expect(parse('{\r\n"a": 1\r\n}').eol).toBe('\r\n');
    expect(parse(dockercfg).eol).toBe('\n');
  });
});

describe('parseJson fallbacks', () => {
  const cases: [string, string, string, number, number][] = [
    ['truncated', '{"auths":{"x":', 'unexpected end of JSON', 1, 15],
    ['truncated string', '{"a": "b', 'unexpected end of JSON', 1, 9],
    ['trailing comma in object', '{\n  "a": 1,\n}', 'trailing comma in object', 3, 1],
    ['trailing comma in array', '[1,2,]', 'trailing comma in array', 1, 6],
    ['line comment', '{\n  // c\n  "a": 1\n}', 'comments are not allowed in JSON', 2, 3],
    ['block comment', '{"a": /* c */ 1}', 'comments are not allowed in JSON', 1, 7],
    ['missing comma', '{"a": 1 "b": 2}', 'unexpected "\\"", expected "," or "}"', 1, 9],
    ['bare word', '{"a": yes}', 'unexpected "y", expected a JSON value', 1, 7],
    ['content after', '{} {}', 'unexpected content after the JSON value', 1, 4],
    ['empty', '  \n', 'empty JSON document', 2, 1],
    ['newline in string', '{"a": "b\nc"}', 'unterminated string', 1, 9],
    ['bad escape', '{"a": "\\x"}', 'invalid escape in string', 1, 8],
    ['unquoted key', '{a: 1}', 'unexpected "a", expected a string key', 1, 2],
  ];
  for (const [name, text, reason, line, column] of cases) {
    it(`falls back on ${name}`, () => {
      expect(parseJson('x.json', text, scanJinja(text))).toEqual({ format: 'json', reason, line, column });
    });
  }

  it('falls back instead of overflowing the stack on deep nesting', () => {
    const text = '['.repeat(10_000) + ']'.repeat(10_000);
    const r = parseJson('x.json', text, scanJinja(text));
    expect(isFallback(r) && r.reason).toBe('JSON nested deeper than 512 levels');
  });
});

describe('JSON edits', () => {
  it('renames a key, then the new key reads back', () => {
    const doc = parse(dockercfg);
    const edit = renameKeyEdit(member(doc, 'candidate-registry.example.org'), 'quay.io');
    expect(edit).toEqual({ start: 10, end: 42, text: '"quay.io"' });
    const after = parse(applyEdits(dockercfg, [edit]));
    expect(after.members().map((m) => m.key).slice(0, 2)).toEqual(['auths', 'quay.io']);
    expect(at(after, ['auths', 'quay.io', 'password'])).toMatchObject({ value: '{{pw}}' });
  });

  it('escapes keys and strings but leaves Jinja tags as written', () => {
    expect(escapeJsonString('a"b\\c\n')).toBe('a\\"b\\\\c\\n');
    expect(escapeJsonString('x"{{ "q" }}"')).toBe('x\\"{{ "q" }}\\"');
    const doc = parse('{"k": "v"}');
    const after = applyEdits(doc.text, [renameKeyEdit(member(doc, 'k'), 'he said "hi"')]);
    expect(after).toBe('{"he said \\"hi\\"": "v"}');
    expect(parse(after).members()[0]?.key).toBe('he said "hi"');
  });

  it('sets a string inside its quotes, or replaces another value with a string', () => {
    const doc = parse('{"email": "", "port": {{ port }}, "n": 1}\r\n');
    const email = setStringEdit(at(doc, ['email']), 'ops@example.org');
    expect(email).toEqual({ start: 11, end: 11, text: 'ops@example.org' });
    const after = applyEdits(doc.text, [email, setStringEdit(at(doc, ['port']), '{{ port }}'), setStringEdit(at(doc, ['n']), 'one', 'why')]);
    expect(after).toBe('{"email": "ops@example.org", "port": "{{ port }}", "n": "one"}\r\n');
    const reread = parse(after);
    expect([at(reread, ['email']), at(reread, ['port']), at(reread, ['n'])].map((v) => v.kind === 'string' && v.value)).toEqual([
      'ops@example.org',
      '{{ port }}',
      'one',
    ]);
  });
});
