import { applyPatch, createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLineRuns, lineHunks, twoFilesPatch } from './line-diff.js';

/** Files of a few short lines from a tiny alphabet, so diffs have many equal lines to align. */
const fileText = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'key: 1', '  - x', '', 'é'), fc.constantFrom('\n', '\r\n')), { maxLength: 30 }), fc.boolean())
  .map(([lines, finalNewline]) => {
    const text = lines.map(([l, eol]) => l + eol).join('');
    return finalNewline || text === '' ? text : text.replace(/\r?\n$/, '');
  });

/** An inventory of `n` unique host lines, the `moved` ones renamed, as a datacenter move changes it. */
function inventory(n: number, moved: (i: number) => boolean, shuffleTail = false): [string, string] {
  const before: string[] = [];
  const after: string[] = [];
  for (let i = 0; i < n; i++) {
    before.push(`host${i}.iad2.example.org: { slots: ${i % 7} }\n`);
    after.push(moved(i) ? `host${i}.rdu3.example.org: { slots: ${i % 7} }\n` : `host${i}.iad2.example.org: { slots: ${i % 7} }\n`);
    if (i % 50 === 0) {
      before.push('---\n');
      after.push('---\n');
    }
  }
  if (shuffleTail) after.push(...after.splice(0, 40).reverse());
  return [before.join(''), after.join('')];
}

describe('line diff', () => {
  it('is the diff package patch, hunk for hunk, where its Myers diff is within the edit limit', () => {
    fc.assert(
      fc.property(fileText, fileText, fc.constantFrom(0, 1, 3), (before, after, context) => {
        expect(twoFilesPatch('a/f', 'b/f', before, after, context)).toBe(createTwoFilesPatch('a/f', 'b/f', before, after, '', '', { context }));
      }),
      { numRuns: 400 },
    );
  });

  it('diffs a 12,000-line file with thousands of changed lines into a patch that applies to exactly the new text', () => {
    for (const [before, after] of [inventory(12_000, (i) => i % 3 === 0), inventory(12_000, (i) => i % 2 === 1, true), inventory(3_000, () => true)]) {
      const patch = twoFilesPatch('a/f', 'b/f', before, after, 3);
      expect(applyPatch(before, patch)).toBe(after);
      const runs = diffLineRuns(before, after);
      expect(runs.filter((r) => r.kind !== 'added').flatMap((r) => r.lines).join('')).toBe(before);
      expect(runs.filter((r) => r.kind !== 'removed').flatMap((r) => r.lines).join('')).toBe(after);
    }
  });

  it('keeps the lines no edit touched as context: only moved hosts are removed and added', () => {
    const [before, after] = inventory(9_000, (i) => i % 4 === 0);
    const changed = lineHunks(before, after, 0).flatMap((h) => h.lines);
    expect(changed.filter((l) => l.startsWith('-'))).toHaveLength(2_250);
    expect(changed.filter((l) => l.startsWith('+')).every((l) => l.includes('.rdu3.'))).toBe(true);
  });

  it('marks a last line without a line end', () => {
    expect(lineHunks('a\nb', 'a\nc', 1)).toEqual([{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, lines: [' a', '-b', '\\ No newline at end of file', '+c', '\\ No newline at end of file'] }]);
  });
});
