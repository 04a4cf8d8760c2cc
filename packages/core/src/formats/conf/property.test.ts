import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJinja } from '../../jinja/index.js';
import { applyEdits } from '../../text/edit.js';
import { frame, framing, jinjaExpression, jinjaLine, trailingBlanks, word } from '../common/generators.js';
import { isFallback } from '../fallback.js';
import { insertBeforeEdit } from './edit.js';
import { parseConf } from './parse.js';

/** An argument as written and the value httpd reads. */
const arg: fc.Arbitrary<{ raw: string; value: string }> = fc.oneof(
  word.map((w) => ({ raw: w, value: w })),
  fc.constantFrom('[R,L]', '^/v2/(.*)$', '%{HTTP:VIA}', '!cloudfront', 'https://cdn.example.org/v2/$1').map((w) => ({ raw: w, value: w })),
  fc.tuple(word, word).map(([a, b]) => ({ raw: `"${a} ${b}"`, value: `${a} ${b}` })),
  fc.tuple(word, word).map(([a, b]) => ({ raw: `'${a} ${b}'`, value: `${a} ${b}` })),
  fc.tuple(word, jinjaExpression).map(([a, j]) => ({ raw: `${a}${j}`, value: `${a}${j}` })),
);

interface Directive {
  kind: 'directive';
  name: string;
  args: { raw: string; value: string }[];
  continued: boolean;
}
interface Section {
  kind: 'section';
  name: string;
  args: { raw: string; value: string }[];
  children: Item[];
}
type Item = Directive | Section | { kind: 'other'; line: string };

const name = fc.constantFrom('RewriteRule', 'RewriteCond', 'Require', 'ProxyPass', 'Header', 'SSLVerifyDepth');
const directive: fc.Arbitrary<Item> = fc.record({ kind: fc.constant('directive' as const), name, args: fc.array(arg, { maxLength: 4 }), continued: fc.boolean() });
const other: fc.Arbitrary<Item> = fc.oneof(
  fc.constantFrom('# comment', '#', '', '  ').map((line) => ({ kind: 'other' as const, line })),
  jinjaLine.filter((l) => !/\b(if|else|endif|for|endfor)\b/.test(l)).map((line) => ({ kind: 'other' as const, line })),
  fc.constantFrom("{% include './x.conf' %}", '{{ extra_config }}').map((line) => ({ kind: 'other' as const, line })),
);
const tree = fc.letrec((tie) => ({
  items: fc.array(tie('item'), { maxLength: 5 }),
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    directive,
    other,
    fc.record({
      kind: fc.constant('section' as const),
      name: fc.constantFrom('Location', 'Directory', 'Limit', 'IfModule'),
      args: fc.array(arg, { minLength: 1, maxLength: 2 }),
      children: tie('items') as fc.Arbitrary<Item[]>,
    }),
  ),
})).items as fc.Arbitrary<Item[]>;

function render(items: readonly Item[], depth: number, lines: string[], tail: string): void {
  const indent = '  '.repeat(depth);
  for (const item of items) {
    if (item.kind === 'other') lines.push(item.line === '' ? '' : indent + item.line);
    else if (item.kind === 'section') {
      lines.push(`${indent}<${item.name} ${item.args.map((a) => a.raw).join(' ')}>`);
      render(item.children, depth + 1, lines, tail);
      lines.push(`${indent}</${item.name}>${tail}`);
    } else if (item.continued && item.args.length > 0) {
      lines.push(`${indent}${item.name} \\`);
      lines.push(`${indent}    ${item.args.map((a) => a.raw).join(' ')}${tail}`);
    } else lines.push(`${indent}${[item.name, ...item.args.map((a) => a.raw)].join(' ')}${tail}`);
  }
}

function expected(items: readonly Item[], stack: string[], out: [string, string[], string[]][]): [string, string[], string[]][] {
  for (const item of items) {
    if (item.kind === 'directive') out.push([item.name, item.args.map((a) => a.value), stack]);
    if (item.kind === 'section') expected(item.children, [...stack, item.name], out);
  }
  return out;
}

describe('Apache conf property', () => {
  it('prints generated documents back identically, tiles them, and reads directives with their sections', () => {
    fc.assert(
      fc.property(tree, framing, trailingBlanks, (items, f, tail) => {
        const lines: string[] = [];
        render(items, 0, lines, tail);
        const text = frame(lines, f);
        const doc = parseConf('p.conf', text, scanJinja(text));
        if (isFallback(doc)) throw new Error(`fallback ${doc.reason} at ${doc.line} on ${JSON.stringify(text)}`);
        expect(doc.print()).toBe(text);
        expect(doc.nodes.map((n) => text.slice(n.start, n.next)).join('')).toBe(text);
        expect(doc.directives.map((d) => [d.name, d.args.map((a) => a.value), d.sections.map((s) => s.name)])).toEqual(expected(items, [], []));
      }),
      { numRuns: 300 },
    );
  });

  it('re-parses after inserting a line before any directive', () => {
    fc.assert(
      fc.property(tree, framing, fc.nat(), (items, f, pick) => {
        const lines: string[] = [];
        render(items, 0, lines, '');
        const text = frame(lines, f);
        const doc = parseConf('p.conf', text, scanJinja(text));
        if (isFallback(doc) || doc.directives.length === 0) return;
        const target = doc.directives[pick % doc.directives.length]!;
        const after = applyEdits(text, [insertBeforeEdit(doc, target, ['Added yes'])]);
        const reread = parseConf('p.conf', after, scanJinja(after));
        if (isFallback(reread)) throw new Error(reread.reason);
        const added = reread.find('Added');
        expect(added.map((d) => [d.indent, d.sections.map((s) => s.name)])).toEqual([[target.indent, target.sections.map((s) => s.name)]]);
      }),
      { numRuns: 200 },
    );
  });
});
