import { describe, expect, it } from 'vitest';
import { scanJinja } from '../../jinja/index.js';
import { applyEdits } from '../../text/edit.js';
import { isFallback } from '../fallback.js';
import type { ConfDocument } from './document.js';
import { insertAfterEdit, insertBeforeEdit, removeNodeEdit, setArgEdit } from './edit.js';
import type { ConfDirective } from './model.js';
import { parseConf } from './parse.js';

function parse(text: string): ConfDocument {
  const doc = parseConf('test.conf', text, scanJinja(text));
  if (isFallback(doc)) throw new Error(`unexpected fallback: ${doc.reason} at ${doc.line}:${doc.column}`);
  return doc;
}

function one(list: ConfDirective[]): ConfDirective {
  expect(list).toHaveLength(1);
  return list[0] as ConfDirective;
}

const proxy = [
  'RewriteEngine on',
  '',
  'RewriteRule ^/v2/latest/(.*) /v2/f27/$1 [R,L]',
  '',
  '{% if env == "staging" %}',
  'RewriteRule ^/v2/(.*) /v2/fedora/$1',
  '{% endif %}',
  '',
  "{% include './generic.conf' %}",
  '',
  '# Write access to the deployer only',
  '{% if env == "staging" %}',
  '  <Location /v2/fedora>',
  '    <LimitExcept GET HEAD>',
  '      Require user deployer-stg',
  '    </LimitExcept>',
  '  </Location>',
  '{% else %}',
  '<Location /v2>',
  '  <Limit GET HEAD>',
  '    require all granted',
  '  </Limit>',
  '</Location>',
  '{% endif %}',
  '',
].join('\n');

describe('parseConf constructs', () => {
  it('classifies every line', () => {
    const doc = parse(proxy);
    expect(doc.nodes.map((n) => n.kind)).toEqual([
      'directive', 'blank', 'directive', 'blank', 'jinja', 'directive', 'jinja', 'blank', 'jinja', 'blank', 'comment',
      'jinja', 'open', 'open', 'directive', 'close', 'close', 'jinja', 'open', 'open', 'directive', 'close', 'close', 'jinja',
    ]);
  });

  it('reads directive names, raw args, split args and spans', () => {
    const text = '  RewriteCond "&%{QUERY_STRING}" &label(%3A|:)org.flatpak.ref(%3A|:)exists=1\n';
    const d = one(parse(text).find('RewriteCond'));
    expect([d.name, d.indent, d.nameSpan, d.argsSpan, d.argsRaw]).toEqual([
      'RewriteCond',
      '  ',
      { start: 2, end: 13 },
      { start: 14, end: 76 },
      '"&%{QUERY_STRING}" &label(%3A|:)org.flatpak.ref(%3A|:)exists=1',
    ]);
    expect(d.args).toEqual([
      { value: '&%{QUERY_STRING}', raw: '"&%{QUERY_STRING}"', span: { start: 14, end: 32 }, quote: '"' },
      { value: '&label(%3A|:)org.flatpak.ref(%3A|:)exists=1', raw: '&label(%3A|:)org.flatpak.ref(%3A|:)exists=1', span: { start: 33, end: 76 }, quote: '' },
    ]);
  });

  it('splits quoted arguments with escapes and keeps Jinja tags whole', () => {
    const d = one(parse(`RewriteCond expr "! -R '10.3.169.0/24'" 'a \\' b' {{ x | default('a b') }}/y\n`).find('rewritecond'));
    expect(d.args.map((a) => [a.value, a.quote])).toEqual([
      ['expr', ''],
      ["! -R '10.3.169.0/24'", '"'],
      ["a ' b", "'"],
      ["{{ x | default('a b') }}/y", ''],
    ]);
  });

  it('gives each directive its section stack and Jinja branch', () => {
    const doc = parse(proxy);
    const stg = one(doc.find('Require', { args: ['user'] }));
    expect(stg.sections.map((s) => [s.name, s.args.map((a) => a.value), s.open.line, s.close?.line])).toEqual([
      ['Location', ['/v2/fedora'], 13, 17],
      ['LimitExcept', ['GET', 'HEAD'], 14, 16],
    ]);
    expect(stg.jinja.map((j) => [j.branch, j.tag.inner])).toEqual([[0, 'if env == "staging"']]);
    const prod = one(doc.find('require', { within: 'Limit' }));
    expect(prod.sections.map((s) => s.name)).toEqual(['Location', 'Limit']);
    expect(prod.jinja.map((j) => j.tag.inner)).toEqual(['else']);
    expect(doc.sections.map((s) => s.name)).toEqual(['Location', 'LimitExcept', 'Location', 'Limit']);
  });

  it('finds directives by name (case-insensitive) and leading arguments', () => {
    const doc = parse(proxy);
    expect(doc.find('rewriterule').map((d) => d.line)).toEqual([3, 6]);
    expect(doc.find('RewriteRule', { args: ['^/v2/(.*)'] }).map((d) => d.line)).toEqual([6]);
    expect(doc.find('RewriteRule', { args: [/latest/, '/v2/f27/$1'] }).map((d) => d.line)).toEqual([3]);
    expect(doc.find('RewriteRule', { args: ['^/v2/(.*)', 'x', 'y', 'z'] })).toEqual([]);
  });

  it('exposes Jinja includes', () => {
    const doc = parse(proxy);
    expect(doc.includes.map((i) => [i.target, i.statement, i.line])).toEqual([['./generic.conf', "include './generic.conf'", 9]]);
    const dynamic = parse('{% include tpl_name %}\n');
    expect(dynamic.includes.map((i) => i.target)).toEqual([undefined]);
  });

  it('joins \\ continuation lines into one directive', () => {
    const text = 'Header set X \\\n    "a b" \\\n    c\nNext 1\n';
    const doc = parse(text);
    const d = one(doc.find('Header'));
    expect([d.line, d.lastLine, d.args.map((a) => a.value)]).toEqual([1, 3, ['set', 'X', 'a b', 'c']]);
    expect(one(doc.find('Next')).line).toBe(4);
  });

  it('lets Jinja branches open the same section differently', () => {
    const doc = parse('{% if tls %}\n<VirtualHost *:443>\n{% else %}\n<VirtualHost *:80>\n{% endif %}\n  ServerName x\n</VirtualHost>\n');
    expect(one(doc.find('ServerName')).sections.map((s) => s.args[0]?.value)).toEqual(['*:80']);
    expect(doc.sections.map((s) => [s.args[0]?.value, s.close?.line])).toEqual([
      ['*:443', 7],
      ['*:80', 7],
    ]);
  });

  it('leaves Jinja control tags around a directive out of its name and arguments', () => {
    const text = '{% if tls %}SSLEngine on{% endif %}\nRequire all{% if x %} granted\n{% endif %}\n<Location />\n</Location>\n';
    const doc = parse(text);
    const ssl = one(doc.find('SSLEngine'));
    expect([ssl.argsRaw, ssl.args.map((a) => a.value)]).toEqual(['on', ['on']]);
    expect(one(doc.find('Require')).args.map((a) => a.value)).toEqual(['all{% if x %}', 'granted']);
    expect(doc.sections.map((s) => s.close?.line)).toEqual([5]);
  });

  it('keeps the nodes tiling the text', () => {
    const text = '\uFEFFA 1\r\n\t<If "%{X} == \'y\'">\r\n  B \\\r\n 2\n\t</If>\r# c';
    const doc = parse(text);
    expect(doc.nodes.map((n) => text.slice(n.start, n.next)).join('')).toBe(text);
    expect(doc.sections[0]?.args.map((a) => a.value)).toEqual(["%{X} == 'y'"]);
  });
});

describe('parseConf byte fidelity', () => {
  const cases: Record<string, string> = {
    crlf: 'A 1\r\n<Location />\r\n  B 2\r\n</Location>\r\n',
    mixed: 'A 1\r\nB 2\nC 3\rD 4',
    bom: '\uFEFFServerName x\n',
    tabs: '<Location />\n\tRequire\tall\tgranted\n</Location>\n',
    'trailing whitespace': 'A 1   \n# c  \n\t\n',
    'no final newline': 'A 1\nB 2',
    'non-ASCII': '# café ☕\nServerAdmin ü@example.org 𝄞\n',
    empty: '',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`prints back ${name} byte for byte`, () => {
      const doc = parse(text);
      expect(doc.print()).toBe(text);
      expect(doc.nodes.map((n) => text.slice(n.start, n.next)).join('')).toBe(text);
    });
  }

  it('reads names without the BOM and args without trailing whitespace', () => {
    expect(one(parse('\uFEFFServerName x\n').find('ServerName')).nameSpan).toEqual({ start: 1, end: 11 });
    expect(one(parse('A 1   \n').find('A')).argsRaw).toBe('1');
  });
});

describe('parseConf fallbacks', () => {
  const cases: [string, string, string, number, number][] = [
    ['mismatched close', '<Location /v2>\n  <Limit GET>\n  </Location>\n</Limit>\n', '</Location> closes <Limit> opened at line 2', 3, 3],
    ['close without open', 'A 1\n</Location>\n', '</Location> closes no open section', 2, 1],
    ['unclosed', 'A\n  <Location />\n  B\n', '<Location> opened at line 2 is never closed', 2, 3],
    ['open without >', '<Location /\n</Location>\n', 'section opening without a closing >', 1, 12],
    ['section opened in one branch only', '{% if a %}\n<A>\n{% else %}\n{% endif %}\n</A>\n', '</A> closes no open section', 5, 1],
  ];
  for (const [name, text, reason, line, column] of cases) {
    it(`falls back on ${name}`, () => {
      expect(parseConf('x.conf', text, scanJinja(text))).toEqual({ format: 'conf', reason, line, column });
    });
  }
});

describe('conf edits', () => {
  it('inserts lines before a directive with its indentation and line ending, then re-parses', () => {
    const text = '<Location /v2>\r\n  AuthName "Registry"\r\n</Location>\r\n';
    const doc = parse(text);
    const edit = insertBeforeEdit(doc, one(doc.find('AuthName')), ['RewriteRule ^/v2/(.*) https://quay.io/v2/$1 [R]', '']);
    const after = applyEdits(text, [edit]);
    expect(after).toBe('<Location /v2>\r\n  RewriteRule ^/v2/(.*) https://quay.io/v2/$1 [R]\r\n\r\n  AuthName "Registry"\r\n</Location>\r\n');
    const rule = one(parse(after).find('RewriteRule'));
    expect([rule.args[1]?.value, rule.sections.map((s) => s.name)]).toEqual(['https://quay.io/v2/$1', ['Location']]);
  });

  it('inserts after a directive, also on a last line without a break', () => {
    const text = 'A 1\n  B 2';
    const doc = parse(text);
    expect(applyEdits(text, [insertAfterEdit(doc, one(doc.find('A')), ['C 3'])])).toBe('A 1\nC 3\n  B 2');
    expect(applyEdits(text, [insertAfterEdit(doc, one(doc.find('B')), ['C 3'])])).toBe('A 1\n  B 2\n  C 3');
  });

  it('sets an argument keeping or adding quotes', () => {
    const text = 'RewriteRule "^/index/static$" /index/a.json [L,PT]\n';
    const d = one(parse(text).find('RewriteRule'));
    const after = applyEdits(text, [setArgEdit(d.args[0]!, '^/v2/"x"$'), setArgEdit(d.args[1]!, '/index/b c.json')]);
    expect(after).toBe('RewriteRule "^/v2/\\"x\\"$" "/index/b c.json" [L,PT]\n');
    expect(one(parse(after).find('RewriteRule')).args.map((a) => a.value)).toEqual(['^/v2/"x"$', '/index/b c.json', '[L,PT]']);
  });

  it('does not quote a value whose blanks are all inside Jinja tags', () => {
    const text = 'ProxyPass /v2 http://old/v2\n';
    const d = one(parse(text).find('ProxyPass'));
    expect(applyEdits(text, [setArgEdit(d.args[1]!, 'https://{{ registry_host }}/v2')])).toBe('ProxyPass /v2 https://{{ registry_host }}/v2\n');
  });

  it('removes a directive', () => {
    const text = 'A 1\r\nB 2\r\n';
    const doc = parse(text);
    expect(applyEdits(text, [removeNodeEdit(doc, one(doc.find('A')))])).toBe('B 2\r\n');
    expect(applyEdits(text, [removeNodeEdit(doc, one(doc.find('B')))])).toBe('A 1\r\n');
    const last = parse('A 1\nB 2');
    expect(applyEdits(last.text, [removeNodeEdit(last, one(last.find('B')))])).toBe('A 1');
  });
});
