import { describe, expect, it } from 'vitest';
import { toRenderedData } from '@ansimod/core';
import { iniSectionPath, isRecord } from './rendered-data.js';

describe('iniSectionPath', () => {
  it('finds a section where the ini package nests it', () => {
    const rendered = toRenderedData('ini', '[app:main]\na = 1\n[a.b\\.c]\nb = 2\n');
    const data = rendered.ok && rendered.data.format === 'ini' ? rendered.data.value : undefined;
    for (const [section, key] of [['app:main', 'a'], ['a.b\\.c', 'b']] as const) {
      let at: unknown = data;
      for (const part of iniSectionPath(section)) at = isRecord(at) ? at[part] : undefined;
      expect(isRecord(at) && key in at, section).toBe(true);
    }
    expect(iniSectionPath('a.b\\.c')).toEqual(['a', 'b.c']);
  });
});

describe('isRecord', () => {
  it('takes mappings, not arrays or null', () => {
    expect([isRecord({}), isRecord([]), isRecord(null), isRecord('x')]).toEqual([true, false, false, false]);
  });
});
