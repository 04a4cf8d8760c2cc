import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenizeExpression, variableNames } from './expression.js';

const names = (expr: string) => variableNames(tokenizeExpression(expr)).map((t) => t.text);

describe('tokenizeExpression', () => {
  it('tiles the expression exactly', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const tokens = tokenizeExpression(s);
        expect(tokens.map((t) => t.text).join('')).toBe(s);
        for (const t of tokens) expect(s.slice(t.start, t.end)).toBe(t.text);
      }),
    );
  });

  it('reads strings with escapes, numbers and two-character operators', () => {
    const kinds = tokenizeExpression(`'a\\'b' ~ "c" ** 1.5 // 2 != x`).filter((t) => t.kind !== 'space').map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual(["string:'a\\'b'", 'operator:~', 'string:"c"', 'operator:**', 'number:1.5', 'operator://', 'number:2', 'operator:!=', 'name:x']);
  });

  it('marks an unterminated string as an error token', () => {
    expect(tokenizeExpression("x ~ 'oops").at(-1)?.kind).toBe('error');
  });

  it('works on a range of a larger text, with offsets into it', () => {
    const text = 'key: "{{ foo }}"';
    const [t] = variableNames(tokenizeExpression(text, 8, 13));
    expect(t).toMatchObject({ text: 'foo', start: 9, end: 12 });
  });
});

describe('variableNames', () => {
  it('finds the variable foo, not foo_bar, x.foo, the string foo, a filter, a test or a keyword argument', () => {
    expect(names("foo ~ foo_bar ~ x.foo ~ 'foo'")).toEqual(['foo', 'foo_bar', 'x']);
    expect(names('foo | foo | default(foo)')).toEqual(['foo', 'foo']);
    expect(names('bar is foo and baz is not foo')).toEqual(['bar', 'baz']);
    expect(names("dict(foo=1, bar=foo) | combine({'foo': foo})")).toEqual(['dict', 'foo', 'foo']);
    expect(names('x if foo is defined else none')).toEqual(['x', 'foo']);
    expect(names('x[foo] == y["foo"]')).toEqual(['x', 'foo', 'y']);
  });

  it('reads the names of a statement after its keyword (set targets, for loop variables)', () => {
    expect(names('a = foo')).toEqual(['a', 'foo']);
    expect(names('item in foo | sort')).toEqual(['item', 'foo']);
  });
});
