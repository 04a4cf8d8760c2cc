import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJinja } from '../../jinja/index.js';
import { applyEdits } from '../../text/edit.js';
import { framing } from '../common/generators.js';
import { isFallback } from '../fallback.js';
import { renameKeyEdit, setStringEdit } from './edit.js';
import type { JsonValue } from './model.js';
import { parseJson } from './parse.js';

/** The plain JS value of a parsed tree (what `JSON.parse` gives for Jinja-free JSON). */
function plain(v: JsonValue): unknown {
  switch (v.kind) {
    case 'object':
      return Object.fromEntries(v.members.map((m) => [m.key, plain(m.value)]));
    case 'array':
      return v.items.map(plain);
    case 'jinja':
      return v.raw;
    default:
      return v.value;
  }
}

/**
 * Strings, some with Jinja tags (no `"` or `\` inside the tags, so JSON.stringify leaves them as
 * written). Random strings never hold a Jinja opener: in a template, `{{` starts a tag.
 */
const jsonString = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }).filter((s) => !/\{[{%#]/.test(s)), fc.constantFrom('{{ user }}', 'pre-{{ a | b64encode }}-post', '{{ x }}{{ y }}'));
const jsonTree = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    jsonString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(true, false, null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(jsonString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('JSON property', () => {
  it('prints generated documents back identically and reads the same values as JSON.parse', () => {
    fc.assert(
      fc.property(jsonTree, fc.constantFrom(0, 1, 2, '\t'), framing, fc.boolean(), (value, indent, f, notes) => {
        const eol = f.eols[0] as string;
        let body = JSON.stringify(value, null, indent);
        // Literal line breaks only occur between tokens (strings escape theirs).
        if (notes && indent !== 0) body = body.replaceAll(',\n', ',\n{# note #}\n');
        body = body.replaceAll('\n', eol);
        const text = (f.bom ? '\uFEFF' : '') + body + (f.finalNewline ? eol : '');
        const doc = parseJson('p.json', text, scanJinja(text));
        if (isFallback(doc)) throw new Error(`fallback ${doc.reason} at ${doc.line}:${doc.column} on ${JSON.stringify(text)}`);
        expect(doc.print()).toBe(text);
        expect(plain(doc.root)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('reads back renamed keys and set strings', () => {
    fc.assert(
      fc.property(fc.dictionary(jsonString, jsonString, { minKeys: 1, maxKeys: 5 }), jsonString, jsonString, fc.nat(), (obj, newKey, newValue, pick) => {
        const text = JSON.stringify(obj, null, 1);
        const doc = parseJson('p.json', text, scanJinja(text));
        if (isFallback(doc) || doc.root.kind !== 'object') throw new Error('not an object');
        const i = pick % doc.root.members.length;
        const member = doc.root.members[i]!;
        const after = applyEdits(text, [renameKeyEdit(member, newKey), setStringEdit(member.value, newValue)]);
        const reread = parseJson('p.json', after, scanJinja(after));
        if (isFallback(reread) || reread.root.kind !== 'object') throw new Error(`not an object: ${after}`);
        const got = reread.root.members[i]!;
        expect([got.key, got.value.kind === 'string' && got.value.value]).toEqual([newKey, newValue]);
      }),
      { numRuns: 200 },
    );
  });
});
