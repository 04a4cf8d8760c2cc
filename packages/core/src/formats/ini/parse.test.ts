import { describe, expect, it } from 'vitest';
import { scanJinja } from '../../jinja/index.js';
import { isFallback } from '../fallback.js';
import type { IniDocument } from './document.js';
import type { IniEntry } from './model.js';
import { parseIni } from './parse.js';

function parse(text: string): IniDocument {
  const doc = parseIni('test.ini', text, scanJinja(text));
  if (isFallback(doc)) throw new Error(`unexpected fallback: ${doc.reason}`);
  return doc;
}

function only(doc: IniDocument, key: string): IniEntry {
  const found = doc.find(key);
  expect(found).toHaveLength(1);
  return found[0] as IniEntry;
}

describe('parseIni constructs', () => {
  it('reads sections, the three separator styles and their exact spans', () => {
    const text = '[app:main]\nuse = egg:bodhi\nfilter-with=proxy\nk: v\n';
    const doc = parse(text);
    expect(doc.sections.map((s) => s.name)).toEqual(['app:main']);
    expect(doc.sections[0]?.header?.nameSpan).toEqual({ start: 1, end: 9 });
    expect(doc.entries.map((e) => [e.key, e.separator, e.value, e.section])).toEqual([
      ['use', '=', 'egg:bodhi', 'app:main'],
      ['filter-with', '=', 'proxy', 'app:main'],
      ['k', ':', 'v', 'app:main'],
    ]);
    const use = only(doc, 'use');
    expect(use.keySpan).toEqual({ start: 11, end: 14 });
    expect(use.separatorSpan).toEqual({ start: 15, end: 16 });
    expect(use.valueSpan).toEqual({ start: 17, end: 26 });
    expect(text.slice(use.valueSpan.start, use.valueSpan.end)).toBe('egg:bodhi');
    expect(use.line).toBe(2);
  });

  it('keeps dotted keys whole and splits at the first separator', () => {
    const doc = parse('[app:main]\ncontainer.destination_registry = registry.example.org\nurl = http://a:80/x=1\n');
    expect(only(doc, 'container.destination_registry').value).toBe('registry.example.org');
    expect(only(doc, 'url').value).toBe('http://a:80/x=1');
  });

  it('reads entries before any section with section null', () => {
    const doc = parse('top = 1\n[s]\nk = 2\n');
    expect(doc.sections.map((s) => s.name)).toEqual([null, 's']);
    expect(only(doc, 'top').section).toBeNull();
    expect(doc.section(null)?.entries.map((e) => e.key)).toEqual(['top']);
  });

  it('classifies comments, blank lines and Jinja lines', () => {
    const text = '# hash\n; semi\n\n  # indented\n{% if a %}\n{# note #}\n{{ extra }}\nk = v\n{% endif %}\n';
    const doc = parse(text);
    expect(doc.nodes.map((n) => n.kind)).toEqual(['comment', 'comment', 'blank', 'comment', 'jinja', 'jinja', 'jinja', 'entry', 'jinja']);
    expect(doc.nodes.filter((n) => n.kind === 'jinja').map((n) => n.kind === 'jinja' && n.output)).toEqual([false, false, true, false]);
    const comment = doc.nodes[0];
    expect(comment?.kind === 'comment' && [comment.marker, comment.body]).toEqual(['#', ' hash']);
  });

  it('does not take = or ] inside Jinja tags as structure', () => {
    const doc = parse("[s]\nf{{ x == 1 }}.status = {{ a | default('b=c') }}\n[{{ name ~ ']' }}]\n");
    const e = doc.entries[0] as IniEntry;
    expect(e.key).toBe('f{{ x == 1 }}.status');
    expect(e.value).toBe("{{ a | default('b=c') }}");
    expect(doc.sections.map((s) => s.name)).toEqual(['s', "{{ name ~ ']' }}"]);
  });

  it('leaves Jinja control tags around an entry out of its key and value', () => {
    const text = "[s]\n{% if env == 'staging' %}smtp_server = bastion{% endif %}\nk = v {# note #}\n";
    const doc = parse(text);
    const smtp = only(doc, 'smtp_server');
    expect([smtp.value, text.slice(smtp.valueSpan.start, smtp.valueSpan.end)]).toEqual(['bastion', 'bastion']);
    expect(only(doc, 'k').value).toBe('v');
  });

  it('reads continuation lines as configparser does', () => {
    const text = '[s]\npyramid.includes =\n    pyramid_sawing\n    # comment inside\n\n    pyramid_tm\nnext = 1\n';
    const doc = parse(text);
    const e = only(doc, 'pyramid.includes');
    expect(e.value).toBe('\npyramid_sawing\n\npyramid_tm');
    expect(e.continuations.map((c) => [c.line, c.value])).toEqual([
      [3, 'pyramid_sawing'],
      [6, 'pyramid_tm'],
    ]);
    expect(e.lastLine).toBe(6);
    expect(text.slice(e.valueSpan.start, e.valueSpan.end)).toBe('\n    pyramid_sawing\n    # comment inside\n\n    pyramid_tm');
    expect(only(doc, 'next').value).toBe('1');
  });

  it('reads an indented expression-only line under an entry as a continuation', () => {
    const doc = parse('[s]\nhosts =\n    {{ hosts | join("\\n    ") }}\n{{ extra }}\n');
    expect(doc.entries.map((e) => [e.key, e.value])).toEqual([['hosts', '\n{{ hosts | join("\\n    ") }}']]);
    expect(doc.nodes.map((n) => n.kind)).toEqual(['section', 'entry', 'continuation', 'jinja']);
  });

  it('ends a value at a line indented no deeper than its key', () => {
    const doc = parse('[s]\n  a = 1\n  b = 2\n    c\n');
    expect(doc.entries.map((e) => [e.key, e.value])).toEqual([
      ['a', '1'],
      ['b', '2\nc'],
    ]);
  });

  it('reads a bare key (allow_no_value) with an empty value span at its end', () => {
    const doc = parse('[mysqld]\nskip-networking\n');
    const e = only(doc, 'skip-networking');
    expect([e.separator, e.value, e.valueSpan]).toEqual(['', '', { start: 24, end: 24 }]);
  });

  it('gives the Jinja blocks and branch around each entry', () => {
    const text = "[app:main]\n{% if env == 'staging' %}\ncontainer.source_registry = stg\n{% else %}\ncontainer.source_registry = prod\n{% endif %}\nplain = 1\n";
    const doc = parse(text);
    const [stg, prod] = doc.find('container.source_registry');
    expect(stg?.jinja.map((j) => [j.block.keyword, j.branch, j.tag.inner])).toEqual([['if', 0, "if env == 'staging'"]]);
    expect(prod?.jinja.map((j) => [j.branch, j.tag.inner])).toEqual([[1, 'else']]);
    expect(only(doc, 'plain').jinja).toEqual([]);
  });

  it('recognises commented-out entries, not prose or URLs', () => {
    const text = [
      '[app:main]',
      '# Container hostnames. You can specify a port as well.',
      '# container.destination_registry = registry.example.org',
      '# compose_dir =',
      '# https://github.com/projectatomic/skopeo',
      '#    fedora_stable_master_repomd = http://dl.example.org/%%s',
      '; semi: colon-value',
      '',
    ].join('\n');
    const doc = parse(text);
    expect(doc.commentedEntries().map((c) => [c.key, c.separator, c.value, c.section, c.comment.line])).toEqual([
      ['container.destination_registry', '=', 'registry.example.org', 'app:main', 3],
      ['compose_dir', '=', '', 'app:main', 4],
      ['fedora_stable_master_repomd', '=', 'http://dl.example.org/%%s', 'app:main', 6],
      ['semi', ':', 'colon-value', 'app:main', 7],
    ]);
  });

  it('keeps text configparser ignores after a section header', () => {
    const doc = parse('[s] ; note\nk = v\n');
    expect(doc.sections[0]?.name).toBe('s');
  });

  it('keeps the nodes tiling the text', () => {
    const text = '\uFEFF[s]\r\nk = v \t\r\n\tcont\n\n{% if a %}\r# c\rlast=1';
    const doc = parse(text);
    expect(doc.nodes.map((n) => text.slice(n.start, n.next)).join('')).toBe(text);
    expect(doc.print()).toBe(text);
  });
});

describe('parseIni byte fidelity', () => {
  const cases: Record<string, string> = {
    crlf: '[s]\r\nk = v\r\n',
    mixed: '[s]\r\na = 1\nb = 2\rc = 3\r\n',
    bom: '\uFEFF[s]\nk = v\n',
    tabs: '[s]\n\tk\t=\tv\n',
    'trailing whitespace': '[s]  \nk = v   \n',
    'no final newline': '[s]\nk = v',
    'non-ASCII': '[s]\n# café ☕\nname = Ünïcödé 𝄞\n',
    empty: '',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`prints back ${name} byte for byte`, () => {
      const doc = parse(text);
      expect(doc.print()).toBe(text);
      expect(doc.nodes.map((n) => text.slice(n.start, n.next)).join('')).toBe(text);
    });
  }

  it('reads values without the trailing whitespace, the BOM or the line ending', () => {
    expect(only(parse('[s]\r\nk = v   \r\n'), 'k').value).toBe('v');
    const bom = parse('\uFEFFk = v\n');
    expect([only(bom, 'k').key, only(bom, 'k').keySpan, only(bom, 'k').indent]).toEqual(['k', { start: 1, end: 2 }, '']);
    expect(only(parse('[s]\nname = Ünïcödé 𝄞'), 'name').value).toBe('Ünïcödé 𝄞');
  });

  it('records each line ending and the dominant one', () => {
    const doc = parse('[s]\r\na = 1\r\nb = 2\n');
    expect(doc.nodes.map((n) => n.eol)).toEqual(['\r\n', '\r\n', '\n']);
    expect(doc.eol).toBe('\r\n');
  });
});

describe('parseIni fallbacks', () => {
  it('refuses a section header without ]', () => {
    const text = '[s]\nk = v\n[broken\n';
    expect(parseIni('x.ini', text, scanJinja(text))).toEqual({ format: 'ini', reason: 'section header without a closing ]', line: 3, column: 8 });
  });

  it('refuses an entry without a key', () => {
    const text = '[s]\n  = v\n';
    expect(parseIni('x.ini', text, scanJinja(text))).toEqual({ format: 'ini', reason: 'entry without a key', line: 2, column: 3 });
  });
});
