import { describe, expect, it } from 'vitest';
import { parseDocument } from '../formats/index.js';
import { YamlDocument } from '../formats/yaml/index.js';
import { checkDataChange } from './data-change.js';
import { editedNodes } from './verify.js';

const text = 'app:\n  host: db01\n  port: 5432\nlist:\n  - a\n  - b\n';
const doc = parseDocument('vars.yml', text) as YamlDocument;
const span = (s: string, from = 0) => ({ start: text.indexOf(s, from), end: text.indexOf(s, from) + s.length });

describe('editedNodes: where an undeclared edit may change the data', () => {
  it('a value, a sequence entry, a key (its mapping), a deleted entry with its line break (its mapping)', () => {
    expect(doc).toBeInstanceOf(YamlDocument);
    expect(editedNodes(doc, [span('db01')])).toEqual([{ doc: 0, at: ['app', 'host'], line: 2 }]);
    expect(editedNodes(doc, [span('b\n', text.indexOf('- b'))])).toEqual([{ doc: 0, at: ['list', 1], line: 6 }]);
    expect(editedNodes(doc, [span('port')])).toEqual([{ doc: 0, at: ['app'], line: 3 }]);
    expect(editedNodes(doc, [span('  - b\n')])).toEqual([{ doc: 0, at: ['list'], line: 6 }]);
  });

  it('the data may change inside those nodes only', () => {
    const after = text.replace('db01', 'db02').replace('5432', '5433');
    expect(checkDataChange(text, after, [], editedNodes(doc, [span('db01')]))).toBe('the YAML data differ from the declared change (none declared, 1 edited node(s) free to change): [0].app.port: expected 5432, got 5433');
    expect(checkDataChange(text, text.replace('db01', 'db02'), [], editedNodes(doc, [span('db01')]))).toBeUndefined();
    expect(checkDataChange(text, text.replace('db01', 'db02'), [])).toContain('[0].app.host: expected "db01", got "db02"');
    // A key edit frees its mapping, not the document.
    expect(checkDataChange(text, text.replace('port', 'p').replace('- a', '- z'), [], editedNodes(doc, [span('port')]))).toContain('[0].list[0]: expected "a", got "z"');
  });

  it('an edited node that is gone from the data is named', () => {
    expect(checkDataChange(text, 'app: 1\nlist: []\n', [], editedNodes(doc, [span('db01')]))).toBe('the node the edit at line 2 changes (.app.host) is not at its place in the data');
  });
});
