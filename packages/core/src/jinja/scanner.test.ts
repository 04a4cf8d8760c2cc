import { describe, expect, test } from 'vitest';
import { scanJinja } from './scanner.js';
import type { JinjaScan } from './types.js';

/** [kind, source] for every token, which also proves the tiling when joined. */
function segments(text: string): Array<[string, string]> {
  return scanJinja(text).tokens.map((t) => [t.kind, text.slice(t.start, t.end)]);
}

function expectTiles(text: string, scan: JinjaScan = scanJinja(text)): void {
  let at = 0;
  for (const t of scan.tokens) {
    expect(t.start).toBe(at);
    expect(t.end).toBeGreaterThan(t.start);
    at = t.end;
  }
  expect(at).toBe(text.length);
}

describe('scanJinja tokens', () => {
  test('a text without { is one text token and costs no tag', () => {
    const scan = scanJinja('plain: value\n');
    expect(scan).toEqual({ tokens: [{ kind: 'text', start: 0, end: 13 }], blocks: [], errors: [], hasJinja: false });
  });

  test('empty text has no tokens', () => {
    expect(scanJinja('')).toEqual({ tokens: [], blocks: [], errors: [], hasJinja: false });
  });

  test('expression with all fields', () => {
    const scan = scanJinja('image: {{ registry }}/app');
    expect(scan.tokens).toEqual([
      { kind: 'text', start: 0, end: 7 },
      {
        kind: 'expression',
        start: 7,
        end: 21,
        inner: 'registry',
        trimLeft: false,
        trimRight: false,
        keepLeft: false,
        keepRight: false,
        ownLine: false,
      },
      { kind: 'text', start: 21, end: 25 },
    ]);
    expect(scan.hasJinja).toBe(true);
    expect(scan.errors).toEqual([]);
  });

  test('statement with whitespace control on both sides, own line', () => {
    const scan = scanJinja('a\n  {%- if x -%}  \nb');
    expect(scan.tokens[1]).toEqual({
      kind: 'statement',
      start: 4,
      end: 16,
      inner: 'if x',
      keyword: 'if',
      trimLeft: true,
      trimRight: true,
      keepLeft: false,
      keepRight: false,
      ownLine: true,
    });
  });

  test('{%+ and +%} are keep marks', () => {
    const [tag] = scanJinja('{%+ endif +%}').tokens;
    expect(tag).toMatchObject({ inner: 'endif', keyword: 'endif', keepLeft: true, keepRight: true, trimLeft: false });
  });

  test('{{- x -}} trims; `+}}` is not a mark in expressions (Jinja2 reads + as an operator)', () => {
    expect(scanJinja('{{- x -}}').tokens[0]).toMatchObject({ inner: 'x', trimLeft: true, trimRight: true });
    expect(scanJinja('{{+ x +}}').tokens[0]).toMatchObject({ inner: 'x +', keepLeft: true, keepRight: false });
    expect(scanJinja('{{ -1 }}').tokens[0]).toMatchObject({ inner: '-1', trimLeft: false });
  });

  test('comments: {#- … -#}, spanning lines, quotes ignored, first #} ends', () => {
    expect(segments('a {#- note\n "#}" -#} b')).toEqual([
      ['text', 'a '],
      ['comment', '{#- note\n "#}'],
      ['text', '" -#} b'],
    ]);
    expect(scanJinja('{#- a\nb -#}').tokens[0]).toMatchObject({
      kind: 'comment',
      inner: 'a\nb',
      trimLeft: true,
      trimRight: true,
      ownLine: true,
    });
  });

  test('quoted }} and %} inside tags do not close them, with backslash escapes', () => {
    expect(segments(`{{ "a }} b" }}x`)).toEqual([
      ['expression', '{{ "a }} b" }}'],
      ['text', 'x'],
    ]);
    expect(segments(`{{ 'it\\'s }}' }}x`)).toEqual([
      ['expression', `{{ 'it\\'s }}' }}`],
      ['text', 'x'],
    ]);
    expect(segments(`{% set a = "%}" %}x`)).toEqual([
      ['statement', '{% set a = "%}" %}'],
      ['text', 'x'],
    ]);
    expect(segments(`{{ "a\\"}}" }}`)).toEqual([['expression', '{{ "a\\"}}" }}']]);
  });

  test('brackets must balance before the closing delimiter counts', () => {
    expect(segments(`{{ {'a': 1}}}.`)).toEqual([
      ['expression', `{{ {'a': 1}}}`],
      ['text', '.'],
    ]);
    expect(segments(`{% set d = {'k': [1, (2)]}%}.`)).toEqual([
      ['statement', `{% set d = {'k': [1, (2)]}%}`],
      ['text', '.'],
    ]);
  });

  test('{{{ opens an expression at the first brace; lone braces are text', () => {
    expect(segments('{{{ "a": 1 } }}')).toEqual([['expression', '{{{ "a": 1 } }}']]);
    expect(segments('{ "a": {"b": 1} }')).toEqual([['text', '{ "a": {"b": 1} }']]);
    expect(segments('${x} {')).toEqual([['text', '${x} {']]);
  });

  test('raw: body is one raw token, tags are statements', () => {
    const text = 'a{% raw %}{{ x }}{% if %}{%- endraw -%}b';
    expect(segments(text)).toEqual([
      ['text', 'a'],
      ['statement', '{% raw %}'],
      ['raw', '{{ x }}{% if %}'],
      ['statement', '{%- endraw -%}'],
      ['text', 'b'],
    ]);
    const scan = scanJinja(text);
    expect(scan.tokens[3]).toMatchObject({ keyword: 'endraw', inner: 'endraw', trimLeft: true, trimRight: true });
    expect(scan.blocks).toHaveLength(1);
    expect(scan.blocks[0]).toMatchObject({ keyword: 'raw', end: text.length - 1, branches: [], children: [] });
    expect(scan.errors).toEqual([]);
  });

  test('raw without spaces and empty raw body', () => {
    expect(segments('{%raw%}{%endraw%}')).toEqual([
      ['statement', '{%raw%}'],
      ['statement', '{%endraw%}'],
    ]);
  });

  test("raw tags allow Python's whitespace (\\x1c-\\x1f, \\x85, U+3000), as Jinja2 3.1.6 does", () => {
    expect(segments('{%\x1craw\x85%}{{x}}{%\x0cendraw\x1f%}')).toEqual([
      ['statement', '{%\x1craw\x85%}'],
      ['raw', '{{x}}'],
      ['statement', '{%\x0cendraw\x1f%}'],
    ]);
    expect(segments('{%\u3000raw%}a{%endraw\u2028%}').map(([k]) => k)).toEqual(['statement', 'raw', 'statement']);
  });

  test('keyword is the first identifier', () => {
    const kws = scanJinja('{% for x in y %}{% endfor %}{% include "a" %}{%  %}').tokens.map((t) => t.keyword);
    expect(kws).toEqual(['for', 'endfor', 'include', '']);
  });

  test('ownLine: alone on its line(s), blanks around allowed, CRLF too', () => {
    const text = 'k: v\r\n  {% if a %}\r\nx {% endif %}\n{{ a\n}}  \n{#c#}{#d#}';
    const own = scanJinja(text)
      .tokens.filter((t) => t.kind !== 'text')
      .map((t) => [text.slice(t.start, t.end), t.ownLine]);
    expect(own).toEqual([
      ['{% if a %}', true],
      ['{% endif %}', false],
      ['{{ a\n}}', true],
      ['{#c#}', false],
      ['{#d#}', false],
    ]);
  });

  test('multi-line statement and expression', () => {
    expect(segments('{% if a and\n   b %}\n{{ c |\n d }}')).toEqual([
      ['statement', '{% if a and\n   b %}'],
      ['text', '\n'],
      ['expression', '{{ c |\n d }}'],
    ]);
  });
});

describe('scanJinja errors', () => {
  test('unterminated expression: the rest is text, error at the opener', () => {
    const text = 'a: 1\nb: {{ c\nd: {% if %}';
    const scan = scanJinja(text);
    expectTiles(text, scan);
    expect(segments(text)).toEqual([['text', text]]);
    expect(scan.errors).toEqual([
      { code: 'JINJA_UNTERMINATED', message: '{{ is never closed', severity: 'error', line: 2, column: 4 },
    ]);
    expect(scan.hasJinja).toBe(true);
  });

  test('unterminated statement and comment', () => {
    expect(scanJinja('x {% if a').errors).toEqual([
      { code: 'JINJA_UNTERMINATED', message: '{% is never closed', severity: 'error', line: 1, column: 3 },
    ]);
    expect(scanJinja('\n\n  {# note').errors).toEqual([
      { code: 'JINJA_UNTERMINATED', message: '{# is never closed', severity: 'error', line: 3, column: 3 },
    ]);
  });

  test('a string that never closes inside a tag is reported; the tag still ends at its delimiter', () => {
    const scan = scanJinja(`{{ "abc }} rest`);
    expect(segments(`{{ "abc }} rest`)).toEqual([
      ['expression', '{{ "abc }}'],
      ['text', ' rest'],
    ]);
    expect(scan.errors).toEqual([
      { code: 'JINJA_SYNTAX', message: 'unterminated string " in {{ … }}', severity: 'error', line: 1, column: 4 },
    ]);
  });

  test('an unbalanced bracket is reported; recovery ends the tag at the next delimiter', () => {
    const text = 'a: {{ x }\n}}\nb: {{ y }}';
    expect(segments(text)).toEqual([
      ['text', 'a: '],
      ['expression', '{{ x }\n}}'],
      ['text', '\nb: '],
      ['expression', '{{ y }}'],
    ]);
    expect(scanJinja('{{ f( }} x')).toMatchObject({
      tokens: [{ kind: 'expression', start: 0, end: 8 }, { kind: 'text' }],
      errors: [{ code: 'JINJA_SYNTAX', message: "unexpected '}', expected ')' in {{ … }}", line: 1, column: 7 }],
    });
  });

  test('chars Jinja2 rejects inside tags are reported (the tag still closes)', () => {
    expect(scanJinja('{{ a \\ b }}').errors).toMatchObject([{ code: 'JINJA_SYNTAX', message: 'unexpected char "\\\\" in {{ … }}', column: 6 }]);
    expect(scanJinja('{% if a ! b %}{% endif %}').errors).toMatchObject([{ code: 'JINJA_SYNTAX', column: 9 }]);
    expect(scanJinja('{% if a != b %}{% endif %}').errors).toEqual([]);
    expect(scanJinja('{{ naïve_ünïcode }}').errors).toEqual([]);
  });

  test('a tag whose delimiter appears only inside brackets is reported', () => {
    expect(scanJinja('{% a {%} b').errors).toMatchObject([
      { code: 'JINJA_SYNTAX', message: 'no closing delimiter outside brackets in {% … %}', line: 1, column: 3 },
    ]);
  });

  test('unclosed block', () => {
    expect(scanJinja('a\n{% if x %}\nb').errors).toEqual([
      { code: 'JINJA_UNCLOSED_BLOCK', message: '{% if %} is never closed', severity: 'error', line: 2, column: 1 },
    ]);
  });

  test('mismatched block: the outer end closes the inner one', () => {
    const text = '{% for x in y %}\n\n  {% if x %}\n{% endfor %}';
    const scan = scanJinja(text);
    expect(scan.errors).toEqual([
      {
        code: 'JINJA_MISMATCHED_BLOCK',
        message: '{% endfor %} closes {% if %} opened at line 3',
        severity: 'error',
        line: 4,
        column: 1,
      },
    ]);
    const [forBlock] = scan.blocks;
    expect(forBlock?.close?.keyword).toBe('endfor');
    expect(forBlock?.children[0]).toMatchObject({ keyword: 'if', end: text.indexOf('{% endfor') });
    expect(forBlock?.children[0]?.close).toBeUndefined();
  });

  test('stray end and else tags', () => {
    expect(scanJinja('a\n{% endif %}').errors).toEqual([
      { code: 'JINJA_UNEXPECTED_END', message: '{% endif %} has no open {% if %}', severity: 'error', line: 2, column: 1 },
    ]);
    expect(scanJinja('{% if a %}{% endfor %}{% endif %}').errors).toEqual([
      {
        code: 'JINJA_UNEXPECTED_END',
        message: '{% endfor %} has no open {% for %}; the innermost open block is {% if %} from line 1',
        severity: 'error',
        line: 1,
        column: 11,
      },
    ]);
    expect(scanJinja('{% else %}').errors[0]).toMatchObject({
      code: 'JINJA_UNEXPECTED_END',
      message: '{% else %} is outside any block; it belongs to {% if %} or {% for %}',
    });
    expect(scanJinja('{% for a in b %}{% elif c %}{% endfor %}').errors[0]).toMatchObject({
      code: 'JINJA_UNEXPECTED_END',
      message: '{% elif %} is inside {% for %}; it belongs to {% if %}',
      column: 17,
    });
    expect(scanJinja('{% if a %}{% else %}{% elif b %}{% endif %}').errors[0]).toMatchObject({
      message: '{% elif %} after {% else %} of {% if %}',
    });
  });

  test('errors come out in text order', () => {
    const errors = scanJinja('{% if a %}\n{% endfor %}\n{{ x').errors.map((e) => [e.code, e.line]);
    expect(errors).toEqual([
      ['JINJA_UNCLOSED_BLOCK', 1],
      ['JINJA_UNEXPECTED_END', 2],
      ['JINJA_UNTERMINATED', 3],
    ]);
  });

  test('unclosed raw keeps the rest opaque', () => {
    const text = '{% raw %}{{ a }}';
    expect(segments(text)).toEqual([
      ['statement', '{% raw %}'],
      ['raw', '{{ a }}'],
    ]);
    expect(scanJinja(text).errors).toEqual([
      { code: 'JINJA_UNCLOSED_BLOCK', message: '{% raw %} is never closed', severity: 'error', line: 1, column: 1 },
    ]);
  });
});

describe('scanJinja blocks', () => {
  test('all block kinds nest and close', () => {
    const text = [
      '{% if a %}1{% elif b %}2{% else %}3{% endif %}',
      '{% for x in y %}{% else %}{% endfor %}',
      '{% macro m(a) %}{% call(x) m(1) %}{% endcall %}{% endmacro %}',
      '{% filter upper %}{% endfilter %}',
      '{% set s %}v{% endset %}{% set t = 1 %}{% set u | trim %} w {% endset %}',
      '{% block b %}{% endblock b %}',
      '{% with a = 1 %}{% endwith %}',
      '{% autoescape true %}{% endautoescape %}',
      '{% trans count=n %}one{% pluralize %}many{% endtrans %}',
    ].join('\n');
    const scan = scanJinja(text);
    expect(scan.errors).toEqual([]);
    const shape = (b: JinjaScan['blocks'][number]): unknown => [
      b.keyword,
      b.branches.map((t) => t.keyword),
      b.close?.keyword,
      b.children.map(shape),
    ];
    expect(scan.blocks.map(shape)).toEqual([
      ['if', ['elif', 'else'], 'endif', []],
      ['for', ['else'], 'endfor', []],
      ['macro', [], 'endmacro', [['call', [], 'endcall', []]]],
      ['filter', [], 'endfilter', []],
      ['set', [], 'endset', []],
      ['set', [], 'endset', []],
      ['block', [], 'endblock', []],
      ['with', [], 'endwith', []],
      ['autoescape', [], 'endautoescape', []],
      ['trans', ['pluralize'], 'endtrans', []],
    ]);
  });

  test('block end offsets', () => {
    const text = '{% if a %}{% for b in c %}x{% endfor %}{% endif %}';
    const [ifBlock] = scanJinja(text).blocks;
    expect(ifBlock?.end).toBe(text.length);
    expect(ifBlock?.children[0]?.end).toBe(text.indexOf('{% endif'));
  });
});
