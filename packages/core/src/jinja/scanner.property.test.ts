import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { maskJinja } from './mask.js';
import { scanJinja } from './scanner.js';
import type { JinjaBlock } from './types.js';

/** A generated template: the segments it is made of (what the scanner must find) and its block shape. */
interface Piece {
  segments: Array<[kind: string, source: string]>;
  shape: unknown[];
}

const join = (pieces: readonly Piece[]): Piece => ({
  segments: pieces.flatMap((p) => p.segments),
  shape: pieces.flatMap((p) => p.shape),
});

/** Template data: never `{{`, `{%`, `{#`, and never ending in `{` (which would join the next tag). */
const textPiece = fc
  .array(fc.constantFrom('a', ' ', '\n', '\r\n', '\t', '}', '}}', '%}', '#}', '%', '#', '"', "'", '{ ', '{"k": 1}', '-', 'key: '), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts): Piece => ({ segments: [['text', parts.join('')]], shape: [] }));

/** A string literal holding delimiters, with backslash escapes. */
const stringLiteral = fc
  .tuple(
    fc.constantFrom('"', "'"),
    fc.array(fc.constantFrom('a', ' ', '}}', '%}', '{{', '{%', '#}', '\\\\', '\n', ')', ']', '}'), { maxLength: 5 }),
  )
  .map(([q, parts]) => q + parts.join('') + (q === '"' ? "\\\"'" : "\\'\"") + q);

/** Expression source with balanced brackets (which may hold `}}`, `%}`). */
const { expr } = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    fc.constantFrom('a', 'item.name', '1', '-1', '2.5e-3', 'x | default("}}")', 'a ~ b', 'c % d', 'e == f', 'not g'),
    stringLiteral,
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `${a} ~ ${b}`),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `[${e}, 1]`),
    tie('expr').map((e) => `{'k': ${e}}`),
    tie('expr').map((e) => `f(${e})`),
  ),
}));

const leftMark = fc.constantFrom('', '-', '+');
const statementRightMark = fc.constantFrom('', '-', '+');

const expression = fc
  .tuple(leftMark, expr, fc.constantFrom('', '-'), fc.constantFrom(' ', '\n  '))
  .map(([l, e, r, pad]): Piece => ({ segments: [['expression', `{{${l} ${e}${pad}${r}}}`]], shape: [] }));

const comment = fc
  .tuple(
    leftMark,
    fc.array(fc.constantFrom('note', ' ', '\n', '}}', '%}', '{{', '{%', '"', "'", '# ', '}'), { maxLength: 6 }),
    statementRightMark,
  )
  .map(([l, parts, r]): Piece => ({ segments: [['comment', `{#${l} ${parts.join('')} ${r}#}`]], shape: [] }));

const statementSource = (keywordAndArgs: string, l: string, r: string): string => `{%${l} ${keywordAndArgs} ${r}%}`;

const plainStatement = fc
  .tuple(
    fc.constantFrom('set x = "%}"', 'set a, b = 1, 2', 'include "x.j2"', 'do f("}}")', 'import "m" as m'),
    leftMark,
    statementRightMark,
  )
  .map(([s, l, r]): Piece => ({ segments: [['statement', statementSource(s, l, r)]], shape: [] }));

const raw = fc
  .tuple(fc.array(fc.constantFrom('a', '{{ x }}', '{% if %}', '{#', '\n', ' '), { maxLength: 5 }), leftMark)
  .map(([parts, l]): Piece => {
    const body = parts.join('');
    const segments: Piece['segments'] = [['statement', `{%${l} raw %}`]];
    if (body) segments.push(['raw', body]);
    segments.push(['statement', '{% endraw %}']);
    return { segments, shape: [['raw', [], []]] };
  });

/** Blocks with their branches; `{% block %}` names are unique per template in Jinja2, not for the scanner. */
const BLOCKS: ReadonlyArray<[open: string, branches: string[], end: string]> = [
  ['if a', ['elif b', 'else'], 'endif'],
  ['for x in xs', ['else'], 'endfor'],
  ['macro m(a, b="%}")', [], 'endmacro'],
  ['call(x) m(1)', [], 'endcall'],
  ['filter upper', [], 'endfilter'],
  ['set s', [], 'endset'],
  ['set t | trim', [], 'endset'],
  ['block b', [], 'endblock b'],
  ['with a = 1', [], 'endwith'],
  ['autoescape true', [], 'endautoescape'],
  ['trans count=n', ['pluralize'], 'endtrans'],
];

const { template } = fc.letrec<{ template: Piece; node: Piece; block: Piece }>((tie) => ({
  template: fc.array(tie('node'), { maxLength: 5 }).map(join),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    textPiece,
    expression,
    comment,
    plainStatement,
    raw,
    tie('block'),
  ),
  block: fc
    .tuple(
      fc.constantFrom(...BLOCKS),
      fc.nat(2),
      fc.array(tie('template'), { minLength: 3, maxLength: 3 }),
      leftMark,
      statementRightMark,
    )
    .map(([[open, branches, end], branchCount, bodies, l, r]): Piece => {
      const used = branches.slice(branches.length - Math.min(branchCount, branches.length));
      const parts: Piece[] = [{ segments: [['statement', statementSource(open, l, r)]], shape: [] }, bodies[0] as Piece];
      used.forEach((b, k) => {
        parts.push({ segments: [['statement', statementSource(b, r, l)]], shape: [] }, bodies[k + 1] as Piece);
      });
      parts.push({ segments: [['statement', statementSource(end, l, r)]], shape: [] });
      const inner = join(parts);
      const keyword = open.split(/[ (]/)[0] as string;
      const children = bodies.slice(0, used.length + 1).flatMap((b) => b.shape);
      return { segments: inner.segments, shape: [[keyword, used.map((b) => b.split(' ')[0]), children]] };
    }),
}));

/** Adjacent text segments are one token. */
function mergeText(segments: Piece['segments']): Piece['segments'] {
  const out: Piece['segments'] = [];
  for (const [kind, source] of segments) {
    const last = out[out.length - 1];
    if (kind === 'text' && last?.[0] === 'text') last[1] += source;
    else out.push([kind, source]);
  }
  return out;
}

const shapeOf = (b: JinjaBlock): unknown => [b.keyword, b.branches.map((t) => t.keyword), b.children.map(shapeOf)];

const lineBreaks = (s: string): number[] => [...s.matchAll(/\r\n?|\n/g)].map((m) => m.index);

describe('scanJinja on generated well-formed templates', () => {
  test('finds exactly the generated segments and blocks, tiles the text, reports no error', () => {
    fc.assert(
      fc.property(template, (piece) => {
        const text = piece.segments.map(([, s]) => s).join('');
        const scan = scanJinja(text);
        expect(scan.errors).toEqual([]);
        expect(scan.tokens.map((t) => [t.kind, text.slice(t.start, t.end)])).toEqual(mergeText(piece.segments));
        let at = 0;
        for (const t of scan.tokens) {
          expect(t.start).toBe(at);
          at = t.end;
        }
        expect(at).toBe(text.length);
        expect(scan.blocks.map(shapeOf)).toEqual(piece.shape);
      }),
      { numRuns: 1500 },
    );
  });

  test('masking keeps the length and every line break', () => {
    fc.assert(
      fc.property(template, fc.constantFrom('x', '1', '_'), (piece, placeholder) => {
        const text = piece.segments.map(([, s]) => s).join('');
        const masked = maskJinja(text, scanJinja(text), { placeholder });
        expect(masked.length).toBe(text.length);
        expect(lineBreaks(masked)).toEqual(lineBreaks(text));
      }),
      { numRuns: 1000 },
    );
  });

  test('any string at all: tokens tile it, no throw, masking keeps length and line breaks', () => {
    const noisy = fc
      .array(fc.constantFrom('{', '}', '{{', '}}', '{%', '%}', '{#', '#}', '-', '+', '"', "'", '\\', '(', ']', '\n', '\r', 'a', ' raw ', 'endraw', 'if'), {
        maxLength: 40,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(noisy, fc.string({ maxLength: 60 })), (text) => {
        const scan = scanJinja(text);
        expect(scan.tokens.map((t) => text.slice(t.start, t.end)).join('')).toBe(text);
        expect(scan.tokens.every((t) => t.end > t.start)).toBe(true);
        const masked = maskJinja(text, scan);
        expect(masked.length).toBe(text.length);
        expect(lineBreaks(masked)).toEqual(lineBreaks(text));
        for (const e of scan.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
