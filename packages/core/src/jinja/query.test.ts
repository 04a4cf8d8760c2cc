import { describe, expect, test } from 'vitest';
import { containsJinja, enclosingBlocks, jinjaInRange, jinjaRanges, tokenAt } from './query.js';
import { scanJinja } from './scanner.js';

describe('tokenAt', () => {
  const text = 'a {{ b }} c';
  const scan = scanJinja(text);
  test('finds the covering token by binary search', () => {
    expect(tokenAt(scan, 0)?.kind).toBe('text');
    expect(tokenAt(scan, 2)?.kind).toBe('expression');
    expect(tokenAt(scan, 8)?.kind).toBe('expression');
    expect(tokenAt(scan, 9)?.kind).toBe('text');
    expect(tokenAt(scan, text.length)).toBeUndefined();
  });
});

describe('jinjaRanges / jinjaInRange / containsJinja', () => {
  const text = 'k: pre-{{ v }}-post {# c #}\n{% raw %}{{ r }}{% endraw %}\nplain: 1\n';
  const scan = scanJinja(text);
  test('jinjaRanges lists tags only, not raw bodies', () => {
    expect(jinjaRanges(scan).map((t) => text.slice(t.start, t.end))).toEqual([
      '{{ v }}',
      '{# c #}',
      '{% raw %}',
      '{% endraw %}',
    ]);
  });
  test('jinjaInRange returns overlapping tags; edges do not overlap', () => {
    expect(jinjaInRange(scan, 3, 19).map((t) => t.inner)).toEqual(['v']);
    expect(jinjaInRange(scan, 14, 19)).toEqual([]);
    expect(jinjaInRange(scan, 10, 10).map((t) => t.inner)).toEqual(['v']);
    expect(jinjaInRange(scan, 0, text.length)).toHaveLength(4);
  });
  test('containsJinja', () => {
    const plain = text.indexOf('plain');
    expect(containsJinja(scan, 3, 19)).toBe(true);
    expect(containsJinja(scan, plain, plain + 8)).toBe(false);
    expect(containsJinja(scanJinja('no tags'), 0, 7)).toBe(false);
  });
});

describe('enclosingBlocks', () => {
  const text = '{% for x in y %}A{% if x %}B{% elif z %}C{% else %}D{% endif %}E{% else %}F{% endfor %}G';
  const scan = scanJinja(text);
  const at = (ch: string): Array<[string, number]> =>
    enclosingBlocks(scan, text.indexOf(ch)).map((e) => [e.block.keyword, e.branch]);
  test('outermost first, with branch numbers', () => {
    expect(at('A')).toEqual([['for', 0]]);
    expect(at('B')).toEqual([
      ['for', 0],
      ['if', 0],
    ]);
    expect(at('C')).toEqual([
      ['for', 0],
      ['if', 1],
    ]);
    expect(at('D')).toEqual([
      ['for', 0],
      ['if', 2],
    ]);
    expect(at('E')).toEqual([['for', 0]]);
    expect(at('F')).toEqual([['for', 1]]);
    expect(at('G')).toEqual([]);
  });
  test('each level names the tag opening the branch that holds the offset', () => {
    const tags = (ch: string): string[] => enclosingBlocks(scan, text.indexOf(ch)).map((e) => e.tag.inner ?? '');
    expect(tags('B')).toEqual(['for x in y', 'if x']);
    expect(tags('C')).toEqual(['for x in y', 'elif z']);
    expect(tags('D')).toEqual(['for x in y', 'else']);
    expect(tags('F')).toEqual(['else']);
    expect(enclosingBlocks(scan, text.indexOf('{% elif') + 1).map((e) => e.tag.inner)).toEqual(['for x in y', 'if x']);
  });
  test('open and close tags are outside; branch tags count toward the branch before', () => {
    expect(enclosingBlocks(scan, 1)).toEqual([]);
    expect(enclosingBlocks(scan, text.indexOf('{% endfor')).map((e) => e.block.keyword)).toEqual([]);
    expect(enclosingBlocks(scan, text.indexOf('{% elif') + 1).map((e) => e.branch)).toEqual([0, 0]);
  });
  test('an unclosed block runs to the end of the text', () => {
    const open = scanJinja('{% if a %}\nx');
    expect(enclosingBlocks(open, 11).map((e) => e.block.keyword)).toEqual(['if']);
  });
});

describe('enclosingBlocks on many siblings and damaged structure', () => {
  test('finds the right sibling among thousands', () => {
    const text = '{% if a %}x{% endif %}\n'.repeat(3000);
    const scan = scanJinja(text);
    const offset = text.length - 23 + 10; // the last 'x'
    expect(text[offset]).toBe('x');
    const found = enclosingBlocks(scan, offset);
    expect(found.map((e) => e.block.open.start)).toEqual([text.length - 23]);
    expect(enclosingBlocks(scan, text.length - 1)).toEqual([]);
  });
  test('an abandoned block ends where the outer end tag starts', () => {
    const text = '{% for a in b %}{% if c %}x{% endfor %}y';
    const scan = scanJinja(text);
    expect(enclosingBlocks(scan, text.indexOf('x')).map((e) => e.block.keyword)).toEqual(['for', 'if']);
    expect(enclosingBlocks(scan, text.indexOf('{% endfor'))).toEqual([]);
    expect(enclosingBlocks(scan, text.indexOf('y'))).toEqual([]);
  });
});
