import { describe, expect, it } from 'vitest';
import { AnsimodError, formatDiagnostic } from '../diagnostics.js';
import { applyEdits } from './edit.js';

const conflict = (text: string, edits: Parameters<typeof applyEdits>[1], path?: string): AnsimodError => {
  try {
    applyEdits(text, edits, path);
  } catch (e) {
    if (e instanceof AnsimodError) return e;
    throw e;
  }
  throw new Error('no conflict');
};

describe('applyEdits', () => {
  it('splices non-overlapping edits and keeps two inserts at one offset in order', () => {
    expect(applyEdits('hello world', [{ start: 6, end: 11, text: 'there' }, { start: 0, end: 0, text: '> ' }, { start: 0, end: 0, text: '» ' }])).toBe('> » hello there');
  });

  it('reports overlapping edits as path:line:column for both, with their reasons', () => {
    const text = 'a: 1\nimage: registry.example.org/app\n';
    const e = conflict(text, [
      { start: 12, end: 32, text: 'quay.io', reason: 'move the host' },
      { start: 7, end: 36, text: 'x', reason: 'replace the image' },
    ], 'roles/app/tasks/main.yml');
    expect(e.diagnostic).toMatchObject({ code: 'EDIT_CONFLICT', path: 'roles/app/tasks/main.yml', line: 2, column: 8 });
    expect(formatDiagnostic(e.diagnostic)).toBe(
      'roles/app/tasks/main.yml:2:8: two edits overlap: roles/app/tasks/main.yml:2:3-2:32 (replace the image) and roles/app/tasks/main.yml:2:8-2:28 (move the host)',
    );
  });

  it('names an insert inside another edit by its one position; an edit outside the text by its range', () => {
    expect(conflict('abc\ndef', [{ start: 4, end: 7, text: 'x' }, { start: 5, end: 5, text: 'y' }]).message).toBe('two edits overlap: 2:1-2:4 and 2:2');
    expect(conflict('abc', [{ start: 2, end: 9, text: 'x' }]).message).toBe('edit [2,9) lies outside the text (3 characters)');
  });
});
