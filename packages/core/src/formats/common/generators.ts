import fc from 'fast-check';
import type { LineEnding } from './line-ending.js';

/**
 * fast-check building blocks shared by the format property tests (test support, not exported
 * from the package barrel): line endings, a BOM, Jinja snippets and plain words.
 */
export const lineEnding: fc.Arbitrary<LineEnding> = fc.constantFrom('\n', '\r\n', '\r');

/** A text's framing: optional BOM, the line ending of each line, and whether the last line ends. */
export interface Framing {
  bom: boolean;
  finalNewline: boolean;
  eols: LineEnding[];
}

export const framing: fc.Arbitrary<Framing> = fc.record({
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
  eols: fc.array(lineEnding, { minLength: 64, maxLength: 64 }),
});

/**
 * Joins lines with the framing's line endings (mixed when they differ). An empty line after a
 * `\r` never ends in `\n`: `\r` + `\n` would read as one `\r\n` break and lose the line.
 */
export function frame(lines: readonly string[], f: Framing): string {
  const parts: string[] = [];
  let previous = '';
  lines.forEach((line, i) => {
    parts.push(line);
    if (i < lines.length - 1 || f.finalNewline) {
      let eol = f.eols[i % f.eols.length] as string;
      if (line === '' && previous === '\r' && eol === '\n') eol = '\r\n';
      parts.push(eol);
      previous = eol;
    }
  });
  return (f.bom ? '\uFEFF' : '') + parts.join('');
}

export const word: fc.Arbitrary<string> = fc.stringMatching(/^[a-z][a-z0-9_.\-/]{0,11}$/);

/** Inline Jinja expressions, some holding blanks and quotes. */
export const jinjaExpression: fc.Arbitrary<string> = fc.constantFrom('{{ x }}', '{{env_suffix}}', "{{ a | default('b c') }}", '{{ n + 1 }}');

/** Lines a template may hold on their own. */
export const jinjaLine: fc.Arbitrary<string> = fc.constantFrom(
  "{% if env == 'staging' %}",
  '{% else %}',
  '{% endif %}',
  '{%- for h in hosts %}',
  '{% endfor -%}',
  '{# a note #}',
  '  {% if x %}',
);

/** A value: words, Jinja and non-ASCII, no leading or trailing blanks. */
export const valueText: fc.Arbitrary<string> = fc
  .array(fc.oneof(word, jinjaExpression, fc.constantFrom('é', '☕', '𝄞', 'a:b', 'x=y', '%%s')), { minLength: 0, maxLength: 4 })
  .map((parts) => parts.join(''));

export const trailingBlanks: fc.Arbitrary<string> = fc.constantFrom('', '', ' ', '\t', '  ');
