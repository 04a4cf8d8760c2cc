import { describe, expect, it } from 'vitest';
import { scanJinja } from '../../jinja/index.js';
import { fallbackDocument, TextDocument } from './text-document.js';

describe('TextDocument', () => {
  const cases: Record<string, string> = {
    crlf: 'a\r\nb\r\n',
    mixed: 'a\r\nb\nc\rd',
    bom: '\uFEFFhello\n',
    tabs: '\tx\t\n',
    'trailing whitespace': 'x   \n  ',
    'no final newline': 'x',
    'non-ASCII': 'café ☕ 𝄞\n',
    empty: '',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`prints back ${name} byte for byte`, () => {
      const doc = new TextDocument('motd', text, scanJinja(text));
      expect([doc.print(), doc.format, doc.structured, doc.fallback]).toEqual([text, 'text', false, undefined]);
    });
  }

  it('indexes lines of every ending style', () => {
    const doc = new TextDocument('f', 'a\r\nb\nc\rd', scanJinja('a\r\nb\nc\rd'));
    expect([1, 2, 3, 4].map((n) => doc.lines.lineText(n))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps the fallback of a file that did not parse as its format', () => {
    const doc = fallbackDocument('x.json', '{', scanJinja('{'), { format: 'json', reason: 'unexpected end of JSON', line: 1, column: 2 });
    expect([doc.format, doc.fallback]).toEqual(['text', { format: 'json', reason: 'unexpected end of JSON', line: 1, column: 2 }]);
  });
});
