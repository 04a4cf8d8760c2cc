import { describe, expect, test } from 'vitest';
import { JINJA2_GOLDEN } from './__fixtures__/jinja2-golden.js';
import { scanJinja } from './scanner.js';

/** Our tags, normalised the way Jinja2 reports them: `\n` line breaks, trimmed raw bodies. */
function tags(text: string): Array<[string, string]> {
  return scanJinja(text)
    .tokens.filter((t) => t.kind !== 'text')
    .map((t) => {
      const source = text.slice(t.start, t.end).replace(/\r\n?/g, '\n');
      return [t.kind, t.kind === 'raw' ? source.trim() : source];
    });
}

describe('segmentation agrees with Jinja2 3.1.6 on golden samples', () => {
  test.each(JINJA2_GOLDEN.map((g) => [JSON.stringify(g.template).slice(0, 60), g] as const))('%s', (_, golden) => {
    expect(tags(golden.template)).toEqual(golden.tags);
  });
});
