import { describe, expect, it } from 'vitest';
import { validateRenderedIni } from './validate.js';

describe('validateRenderedIni', () => {
  it('reads values the way configparser does (":" separator, continuations, no inline comments, lower-cased keys)', () => {
    const r = validateRenderedIni('[app:main]\nContainer.Source_Registry = quay.io ; not a comment\nk: v\nincludes =\n    a\n    b\n');
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([]);
    expect([...(r.values.get('app:main') ?? new Map<string, string>())]).toEqual([
      ['container.source_registry', 'quay.io ; not a comment'],
      ['k', 'v'],
      ['includes', '\na\nb'],
    ]);
  });

  it('reports duplicate keys and sections, entries before a section and leftover Jinja', () => {
    const r = validateRenderedIni('top = 1\n[s]\nk = 1\nk = 2\n[s]\nx = {{ y }}\n');
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.message, p.line])).toEqual([
      ['unrendered Jinja in rendered INI', 6],
      ['entry before the first section header', 1],
      ['key k appears twice in section [s]', 4],
      ['section [s] appears twice', 5],
    ]);
  });

  it('reports a file that does not parse', () => {
    const r = validateRenderedIni('[s\n');
    expect([r.ok, r.problems.map((p) => [p.code, p.message, p.line, p.column])]).toEqual([false, [['VERIFY_FAILED', 'section header without a closing ]', 1, 3]]]);
  });

  it('defers to the npm ini package in the ini dialect', () => {
    const r = validateRenderedIni('top=1\n[push]\nregistry = "docker://quay.io"\na = b ; comment\n', 'ini');
    expect(r.ok).toBe(true);
    expect([...r.values].map(([s, m]) => [s, [...m]])).toEqual([
      ['', [['top', '1']]],
      ['push', [['registry', 'docker://quay.io'], ['a', 'b']]],
    ]);
  });
});
