import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { maskJinja } from './mask.js';
import { scanJinja } from './scanner.js';

const mask = (text: string, placeholder?: string): string =>
  maskJinja(text, scanJinja(text), placeholder === undefined ? {} : { placeholder });

const sp = (n: number): string => ' '.repeat(n);

describe('maskJinja', () => {
  test('text without Jinja comes back as is', () => {
    expect(mask('a: 1\n')).toBe('a: 1\n');
  });

  test('inline expressions become placeholder runs of the same length', () => {
    expect(mask('latest-{{ architecture }}: x')).toBe('latest-xxxxxxxxxxxxxxxxxx: x');
    expect(mask('a: "{{ a }}"')).toBe('a: "xxxxxxx"');
    expect(mask('architecture: {{ architecture }}')).toBe('architecture: xxxxxxxxxxxxxxxxxx');
    expect(mask('- {{ item }}')).toBe('- xxxxxxxxxx');
    expect(mask('k: {{ a }}', '1')).toBe('k: 1111111');
  });

  test('statements and comments become spaces, keeping line breaks', () => {
    expect(mask('{% if a %}\nk: v\n{% endif %}\n')).toBe('          \nk: v\n           \n');
    expect(mask('k: v {# note\r\nmore #}\n')).toBe('k: v        \r\n       \n');
    expect(mask('k: {% if a %}x{% else %}y{% endif %}')).toBe(`k: ${sp(10)}x${sp(10)}y${sp(11)}`);
  });

  test('an expression alone on its line (tags and blanks aside) becomes spaces', () => {
    expect(mask('a:\n  {{ extra | to_nice_yaml }}\nb: 1')).toBe(`a:\n${sp(2 + 26)}\nb: 1`);
    expect(mask('{% if a %}{{ b }}{% endif %}\n')).toBe(' '.repeat(28) + '\n');
    expect(mask('{{ a }}{{ b }}')).toBe(' '.repeat(14));
    expect(mask('{{ a }}: {{ b }}')).toBe('xxxxxxx: xxxxxxx');
  });

  test('multi-line inline expressions: placeholder where YAML continues the scalar, else spaces', () => {
    expect(mask('k: {{ a |\n     b }}\nn: 1')).toBe('k: xxxxxx\n     xxxx\nn: 1');
    expect(mask('  k: {{ a |\n  b }}\n')).toBe('  k: xxxxxx\n      \n');
    expect(mask('k: "{{ a\n}}"')).toBe('k: "xxxx\n  "');
  });

  test('non-BMP chars and lone surrogates survive (length counted in UTF-16 units)', () => {
    expect(mask('k: "\u{1F600}{{ a }}\uD800" # é')).toBe('k: "\u{1F600}xxxxxxx\uD800" # é');
    expect(mask('k: {{ "\u{1F600}" }}')).toBe('k: xxxxxxxxxx');
  });

  test('raw bodies are kept', () => {
    expect(mask('k: {% raw %}{{ a }}{% endraw %}')).toBe('k:          {{ a }}            ');
  });

  test('the masked YAML parses and keeps keys, scalars and offsets', () => {
    const text = [
      'images:',
      '{% for arch in archs %}',
      '  latest-{{ arch }}: "{{ registry }}/app:{{ tag }}"',
      '{% endfor %}',
      '  plain: {{ value | default("x") }}',
      '{# trailing comment #}',
      '',
    ].join('\n');
    const masked = mask(text);
    expect(masked.length).toBe(text.length);
    const doc = parseDocument(masked);
    expect(doc.errors).toEqual([]);
    const images = doc.toJS() as { images: Record<string, string> };
    expect(Object.keys(images.images)).toEqual(['latest-xxxxxxxxxx', 'plain']);
    const start = text.indexOf('"{{ registry');
    expect(masked.slice(start, start + 6)).toBe('"xxxxx');
  });

  test('rejects a placeholder that is not one non-break character', () => {
    expect(() => mask('a', 'xy')).toThrow(/placeholder/);
    expect(() => mask('a', '\n')).toThrow(/placeholder/);
  });
});
