import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJinja } from '../../jinja/index.js';
import { applyEdits } from '../../text/edit.js';
import { frame, framing, jinjaExpression, jinjaLine, trailingBlanks, valueText, word } from '../common/generators.js';
import { isFallback } from '../fallback.js';
import { setValueEdit } from './edit.js';
import { parseIni } from './parse.js';

type Spec =
  | { kind: 'header'; name: string }
  | { kind: 'entry'; key: string; value: string; line: string }
  | { kind: 'cont'; value: string; line: string }
  | { kind: 'other'; line: string };

const key = fc.oneof({ weight: 4, arbitrary: word }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom('f'), jinjaExpression, word).map((p) => p.join('')) });

const spec: fc.Arbitrary<Spec> = fc.oneof(
  word.map((name): Spec => ({ kind: 'header', name })),
  fc
    .tuple(key, fc.constantFrom(' = ', '=', ': ', ' : ', '\t=\t', ' ='), valueText, trailingBlanks)
    .map(([k, sep, value, tail]): Spec => ({ kind: 'entry', key: k, value, line: `${k}${sep}${value}${tail}` })),
  fc
    .tuple(fc.constantFrom('  ', '    ', '\t'), valueText.filter((v) => v !== '' && !v.startsWith('#') && !v.startsWith(';')), trailingBlanks)
    .map(([indent, value, tail]): Spec => ({ kind: 'cont', value, line: `${indent}${value}${tail}` })),
  fc.constantFrom('# comment', '; semi', '  # indented note', '# container.destination_registry = registry.example.org', '', '  ').map((line): Spec => ({ kind: 'other', line })),
  jinjaLine.map((line): Spec => ({ kind: 'other', line })),
);

/** What configparser reads from the specs: [key, value] in order. */
function expected(specs: readonly Spec[]): [string, string][] {
  const out: [string, string[]][] = [];
  let current: string[] | null = null;
  let blanks = 0;
  for (const s of specs) {
    if (s.kind === 'header') current = null;
    else if (s.kind === 'entry') {
      current = [s.value];
      blanks = 0;
      out.push([s.key, current]);
    } else if (s.kind === 'cont' && current !== null) {
      for (; blanks > 0; blanks--) current.push('');
      current.push(s.value);
    } else if (s.kind === 'other' && s.line.trim() === '') blanks++;
  }
  return out.map(([k, parts]) => [k, parts.join('\n').trimEnd()]);
}

describe('INI property', () => {
  it('prints generated documents back identically, tiles them, and reads every entry', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 40 }), framing, (raw, f) => {
        // A continuation with no entry above it would be read as an entry: drop those.
        const specs: Spec[] = [];
        let inEntry = false;
        for (const s of raw) {
          if (s.kind === 'cont' && !inEntry) continue;
          if (s.kind === 'header') inEntry = false;
          if (s.kind === 'entry') inEntry = true;
          specs.push(s);
        }
        const text = frame(
          specs.map((s) => (s.kind === 'header' ? `[${s.name}]` : s.line)),
          f,
        );
        const doc = parseIni('p.ini', text, scanJinja(text));
        if (isFallback(doc)) throw new Error(`fallback ${doc.reason} on ${JSON.stringify(text)}`);
        expect(doc.print()).toBe(text);
        expect(doc.nodes.map((n) => text.slice(n.start, n.next)).join('')).toBe(text);
        expect(doc.entries.map((e) => [e.key, e.value])).toEqual(expected(specs));
        expect(doc.sections.filter((s) => s.header !== null).map((s) => s.name)).toEqual(
          specs.flatMap((s) => (s.kind === 'header' ? [s.name] : [])),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('reads back a value set on any generated entry, leaving the rest unchanged', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 20 }), framing, word, fc.nat(), (specs, f, newValue, pick) => {
        const lines = specs.filter((s) => s.kind !== 'cont').map((s) => (s.kind === 'header' ? `[${s.name}]` : s.line));
        const text = frame(lines, f);
        const doc = parseIni('p.ini', text, scanJinja(text));
        if (isFallback(doc) || doc.entries.length === 0) return;
        const index = pick % doc.entries.length;
        const after = applyEdits(text, [setValueEdit(doc.entries[index]!, newValue)]);
        const reread = parseIni('p.ini', after, scanJinja(after));
        if (isFallback(reread)) throw new Error(reread.reason);
        expect(reread.entries.map((e) => [e.key, e.value])).toEqual(
          doc.entries.map((e, i) => (i === index ? [e.key, newValue] : [e.key, e.value])),
        );
      }),
      { numRuns: 200 },
    );
  });
});
