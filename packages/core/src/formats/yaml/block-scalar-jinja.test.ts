import { describe, expect, it } from 'vitest';
import { parseDocument } from '../index.js';
import type { YamlDocument } from './YamlDocument.js';

describe('block scalars opening with a Jinja line at the holding column', () => {
  it.each([
    ['if block first', "data:\n  config.yaml: |-\n{% if env == 'staging' %}\n    a: 1\n{% endif %}\n    b: 2\n"],
    ['for block first, CRLF', 'k: |\r\n{% for x in y %}\r\n  - {{ x }}\r\n{% endfor %}\r\n'],
    ['two Jinja lines first', "k: >-\n{# note #}\n{% if a %}\n  text\n{% endif %}\n"],
  ])('%s: structured, printed back, nested document readable', (_name, text) => {
    const doc = parseDocument('t.yml', text);
    expect(doc.fallback).toBeUndefined();
    expect(doc.structured).toBe(true);
    expect(doc.print()).toBe(text);
    const pair = (doc as YamlDocument).pairs().find((p) => p.value.kind === 'block-scalar');
    expect(pair).toBeDefined();
  });

  it('still rejects a block whose real content is less indented than its first line', () => {
    const doc = parseDocument('t.yml', 'k: |\n    a\n  b\nc: [\n');
    expect(doc.structured).toBe(false);
  });
});
