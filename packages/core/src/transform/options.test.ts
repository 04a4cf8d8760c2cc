import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseMapPairs, validateOptions, type OptionSpecs } from './options.js';
import { resolveStepOptions, validateRecipe } from './recipe.js';
import { invertMap } from './run-recipe.js';
import { matchesPaths } from './select.js';
import { firstDifference, significantLines, toRenderedData } from './rendered.js';

const specs = {
  maps: { type: 'map', required: true, description: 'd', example: 'a=b' },
  keys: { type: 'string[]', default: ['registry'], description: 'd', example: 'registry' },
  mode: { type: 'string', choices: ['a', 'b'], description: 'd', example: 'a' },
  dry: { type: 'boolean', description: 'd', example: 'true' },
} satisfies OptionSpecs;

describe('validateOptions', () => {
  it('fills defaults and keeps given values', () => {
    expect(validateOptions(specs, { maps: { x: 'y' } }, 't')).toEqual({ ok: true, value: { maps: { x: 'y' }, keys: ['registry'] } });
  });
  it('reports unknown, missing and mistyped options, all at once', () => {
    const r = validateOptions(specs, { nope: 1, mode: 'c', dry: 'yes', keys: [1] }, 't');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.diagnostics.map((d) => d.message)).toEqual([
        't: unknown option "nope" (known: maps, keys, mode, dry)',
        't: option "maps" is required (d; e.g. a=b)',
        't: option "keys" must be a list of strings, got a list',
        't: option "mode" must be one of a, b, got "c"',
        't: option "dry" must be true or false, got "yes"',
      ]);
  });
});

describe('parseMapPairs / invertMap', () => {
  it('parses FROM=TO and refuses malformed pairs', () => {
    expect(parseMapPairs(['a.example=quay.io/x', ' b.example = c '])).toEqual({ ok: true, value: { 'a.example': 'quay.io/x', 'b.example': 'c' } });
    expect(parseMapPairs(['=x']).ok).toBe(false);
    expect(parseMapPairs(['novalue']).ok).toBe(false);
  });
  it('inverts one-to-one maps only', () => {
    expect(invertMap({ a: 'x', b: 'y' })).toEqual({ x: 'a', y: 'b' });
    expect(() => invertMap({ a: 'x', b: 'x' })).toThrow(/both a and b map to x/);
  });
});

describe('recipes', () => {
  const ok = { name: 'r', displayName: 'R', description: 'd', steps: [{ transform: 't', stage: 'S', target: 'T', options: { maps: '$maps' } }] };
  it('accepts a well-formed recipe and resolves $references', () => {
    expect(validateRecipe(ok, 'r.yml')).toBe(ok);
    expect(resolveStepOptions({ maps: '$maps', n: 1 }, { maps: { a: 'b' } })).toEqual({ ok: true, value: { maps: { a: 'b' }, n: 1 } });
    expect(resolveStepOptions({ maps: '$nope' }, {}).ok).toBe(false);
  });
  it('names every problem of a malformed recipe', () => {
    expect(() => validateRecipe({ name: 'r', steps: [{ transform: 't', extra: 1 }] }, 'bad.yml')).toThrow(
      'invalid recipe: "displayName" must be a non-empty string; "description" must be a non-empty string; steps[0]: unknown field "extra"; steps[0].stage must be a non-empty string; steps[0].target must be a non-empty string',
    );
  });
});

describe('matchesPaths', () => {
  it.each([
    ['roles/a/templates/x.conf', 'roles/*/templates/*.conf', true],
    ['roles/a/b/templates/x.conf', 'roles/*/templates/*.conf', false],
    ['roles/a/b/templates/x.conf', 'roles/**/templates/*.conf', true],
    ['x.conf', '**/x.conf', true],
    ['a.json', '?.json', true],
  ])('%s ~ %s = %s', (p, pattern, want) => expect(matchesPaths(p, [pattern])).toBe(want));
});

describe('rendered data', () => {
  it('parses each format and finds the first difference', () => {
    expect(toRenderedData('json', '{"a":{"b":1}}')).toEqual({ ok: true, data: { format: 'json', value: { a: { b: 1 } } } });
    expect(toRenderedData('json', '{"a":').ok).toBe(false);
    expect(toRenderedData('yaml', 'a: [1\n').ok).toBe(false);
    expect(significantLines('a  \n\n  b\r\n')).toEqual(['a', '  b']);
    expect(firstDifference({ a: { b: 1 } }, { a: { b: 2 } })).toBe('a.b: expected 1, got 2');
    expect(firstDifference([1], [1, 2])).toBe('[1]: unexpected 2');
    expect(firstDifference({ a: 1 }, { a: 1 })).toBeUndefined();
  });

  /** What the `yaml` documents alone make of a rendered YAML: the reference the quick js-yaml reading must match. */
  const byYamlDocuments = (text: string): ReturnType<typeof toRenderedData> => {
    const docs = parseAllDocuments(text, { uniqueKeys: false });
    const list = Array.isArray(docs) ? docs : [docs];
    const err = list.flatMap((d) => d.errors)[0];
    if (err) return { ok: false, reason: `rendered YAML does not parse: ${err.message.split('\n')[0]}` };
    return { ok: true, data: { format: 'yaml', value: list.map((d) => d.toJS({ maxAliasCount: 10_000 }) as unknown) } };
  };

  it.each([
    ['plain data', 'a: 1\nb: [x, "y"]\nc: {d: ~}\ne: |\n  one\n  two\n'],
    ['duplicate keys, the last wins', 'a: 1\na: 2\n'],
    ['1.2 core scalars', 'a: yes\nb: 0o17\nc: 017\nd: 1e3\ne: .inf\nf: 2001-12-14\ng: 1_000\nh: <<\n'],
    ['several documents', 'a: 1\n---\nb: 2\n...\n'],
    ['a multi-line quoted scalar indented past its key', 'a: "x\n  y"\n'],
    ['one not indented past it (yaml refuses, PyYAML reads)', 'a: "x\ny"\nb: 1\n'],
    ['a sequence item\'s', '- "a\nb"\n'],
    ['a flow sequence over lines, not indented past its key', 'a: [1,\n2]\n'],
    ['a flow mapping likewise', 'a: {b: 1,\nc: 2}\n'],
    ['a %YAML 1.1 directive', '%YAML 1.1\n---\na: yes\n'],
    ['null keys', '~: a\n{: b}\n'],
    ['a comment-only document', '# nothing\n'],
    ['an unknown tag', 'a: !unsafe x\n'],
    ['an explicit core tag', 'a: !!float 1\nb: !!str 2\n'],
    ['an anchor and aliases', 'a: &x [1]\nb: [*x, *x]\n'],
    ['a syntax error', 'a: b: c\n'],
  ])('reads rendered YAML as the yaml documents do: %s', (_what, text) => {
    expect(toRenderedData('yaml', text)).toEqual(byYamlDocuments(text));
  });

  it('reads a sequence longer than a call\'s arguments may be', () => {
    expect(toRenderedData('yaml', `a:\n${'- 1\n'.repeat(200_000)}`)).toEqual({ ok: true, data: { format: 'yaml', value: [{ a: new Array<number>(200_000).fill(1) }] } });
  });

  it('keeps the yaml documents\' diagnostic, with its line and column, where they refuse what js-yaml reads', () => {
    expect(toRenderedData('yaml', 'a: ok\nb: "x\ny"\n')).toEqual({ ok: false, reason: expect.stringMatching(/^rendered YAML does not parse: Missing closing "quote at line 2, column 6:$/) as unknown });
  });
});
