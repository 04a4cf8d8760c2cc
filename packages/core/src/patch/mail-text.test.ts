import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { binaryPatchBody, encodeBase85 } from './binary-patch.js';
import { encodeRfc2047, foldHeaderText, formatFromHeader, formatSubjectHeader } from './mail-header.js';
import { quoteGitPath } from './quote-path.js';
import { formatRfc2822Date } from './rfc2822-date.js';
import { wrapBody } from './wrap-body.js';

describe('wrapBody', () => {
  it('refills prose to the width without breaking words', () => {
    const text = 'Move every flatpak remote to the new registry because the old one is retired soon.';
    expect(wrapBody(text, 40)).toBe('Move every flatpak remote to the new\nregistry because the old one is retired\nsoon.');
    for (const line of wrapBody(text.repeat(5)).split('\n')) expect(line.length).toBeLessThanOrEqual(72);
  });

  it('keeps paragraphs, hangs list items, leaves indented blocks, fences, trailers and long URLs alone', () => {
    const url = 'https://example.org/' + 'x'.repeat(90);
    const text = [
      'First paragraph\nsplit over\nlines.',
      '',
      '',
      '- a list item that is long enough to need wrapping at the chosen width of thirty',
      '- short',
      '',
      '    indented   code   stays',
      '',
      '```',
      'fenced   text',
      '',
      'still fenced',
      '```',
      '',
      `See ${url} for details.`,
      '',
      'Signed-off-by: A <a@example.org>',
    ].join('\r\n');
    expect(wrapBody(text, 30)).toBe(
      [
        'First paragraph split over',
        'lines.',
        '',
        '- a list item that is long',
        '  enough to need wrapping at',
        '  the chosen width of thirty',
        '- short',
        '',
        '    indented   code   stays',
        '',
        '```\nfenced   text\n\nstill fenced\n```',
        '',
        `See\n${url}\nfor details.`,
        '',
        'Signed-off-by: A <a@example.org>',
      ].join('\n'),
    );
  });
});

describe('mail headers', () => {
  it('folds long ASCII subjects at 78 columns like git', () => {
    const header = formatSubjectHeader('[PATCH]', 'word '.repeat(30).trim());
    const lines = header.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    expect(lines.slice(1).every((l) => l.startsWith(' word'))).toBe(true);
    expect(foldHeaderText('short', 17)).toBe('short');
  });

  it('splits RFC 2047 words before 76 columns and never inside a character', () => {
    const encoded = encodeRfc2047('ü'.repeat(40), 'Subject: [PATCH] '.length, 'subject');
    const lines = encoded.split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]?.length).toBeLessThanOrEqual(76 - 'Subject: [PATCH] '.length);
    for (const line of lines) expect(line).toMatch(/^ ?=\?UTF-8\?q\?(=C3=BC)+\?=$/);
    expect(encodeRfc2047('a b_c=d?', 0, 'subject')).toBe('=?UTF-8?q?a=20b=5Fc=3Dd=3F?=');
    expect(encodeRfc2047('A.B', 0, 'address')).toBe('=?UTF-8?q?A=2EB?=');
  });

  it('writes From: headers for plain, quoted and encoded names', () => {
    expect(formatFromHeader({ name: 'Jane Doe', email: 'j@example.org' })).toBe('From: Jane Doe <j@example.org>\n');
    expect(formatFromHeader({ name: 'Doe, Jane', email: 'j@example.org' })).toBe('From: "Doe, Jane" <j@example.org>\n');
    expect(formatFromHeader({ name: 'Jörg', email: 'j@example.org' })).toBe('From: =?UTF-8?q?J=C3=B6rg?= <j@example.org>\n');
  });
});

describe('formatRfc2822Date', () => {
  it('writes the zone given, with an unpadded day', () => {
    const d = new Date('2005-04-07T22:13:13Z');
    expect(formatRfc2822Date(d, -420)).toBe('Thu, 7 Apr 2005 15:13:13 -0700');
    expect(formatRfc2822Date(d, 330)).toBe('Fri, 8 Apr 2005 03:43:13 +0530');
    expect(formatRfc2822Date(d, 0)).toBe('Thu, 7 Apr 2005 22:13:13 +0000');
  });
});

describe('binary patches', () => {
  it('base85-encodes groups of four bytes like git', () => {
    expect(encodeBase85(Uint8Array.of(0, 0, 0, 0))).toBe('00000');
    expect(encodeBase85(Uint8Array.of(255, 255, 255, 255))).toBe('|NsC0');
    expect(encodeBase85(Uint8Array.of(1))).toHaveLength(5);
  });

  it('writes forward and reverse literals whose lines decode to the deflated bytes', () => {
    const after = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256));
    const body = binaryPatchBody(Buffer.from('old'), after);
    const [head, forward] = body.split('\n\n')[0]!.split(/\n(?=literal)/);
    expect(head).toBe('GIT binary patch');
    const lines = forward!.split('\n').slice(1);
    const decoded = Buffer.concat(lines.map(decodeLine));
    expect(inflateSync(decoded).equals(after)).toBe(true);
    expect(body).toMatch(/\n\nliteral 3\n[A-Za-z][^\n]+\n\n$/);
  });
});

/** Git's decoding of one binary-patch line, written independently of the encoder. */
function decodeLine(line: string): Buffer {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~';
  const c = line.charCodeAt(0);
  const n = c <= 0x5a ? c - 0x40 : c - 0x60 + 26;
  const out: number[] = [];
  for (let i = 1; i < line.length; i += 5) {
    let acc = 0;
    for (const ch of line.slice(i, i + 5)) acc = acc * 85 + alphabet.indexOf(ch);
    out.push((acc >>> 24) & 255, (acc >>> 16) & 255, (acc >>> 8) & 255, acc & 255);
  }
  return Buffer.from(out.slice(0, n));
}

describe('quoteGitPath', () => {
  it('quotes like git with core.quotePath', () => {
    expect(quoteGitPath('roles/a.yml', 'a/')).toBe('a/roles/a.yml');
    expect(quoteGitPath('café.yml', 'b/')).toBe('"b/caf\\303\\251.yml"');
    expect(quoteGitPath('tab\there"q\\')).toBe('"tab\\there\\"q\\\\"');
  });
});
