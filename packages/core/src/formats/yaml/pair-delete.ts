import type { TextEdit } from '../../text/edit.js';
import type { YamlDocument } from './YamlDocument.js';
import type { YamlPair } from './types.js';

function lineStart(text: string, at: number): number {
  let i = at;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

function nextLineStart(text: string, at: number): number {
  let i = at;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  if (text[i] === '\r' && text[i + 1] === '\n') return i + 2;
  return i < text.length ? i + 1 : i;
}

/**
 * An edit removing one mapping entry, every other byte kept:
 *
 * - a block entry on its own lines: its lines (the key's line to the value's last line, with its
 *   line break and any comment ending that line);
 * - the first entry of a sequence item (`- key: v`) followed by others: up to the next key, so
 *   that key moves up behind the `- `;
 * - the only entry of a mapping: the mapping becomes `{}` (it stays a mapping);
 * - in a flow mapping: the entry and the comma after it (or before it, for the last).
 *
 * @example
 * applyEdits('a: 1\nb: 2\n', [pairDeleteEdit(doc, doc.pairsAt(['a'])[0]!)]); // => 'b: 2\n'
 */
export function pairDeleteEdit(doc: YamlDocument, pair: YamlPair, reason?: string): TextEdit {
  const text = doc.text;
  const siblings = doc.entries(pair.path.slice(0, -1), pair.doc);
  const i = siblings.indexOf(pair);
  const next = siblings[i + 1];
  const prev = siblings[i - 1];
  const parent = doc.get(pair.path.slice(0, -1), pair.doc);
  const withReason = (e: TextEdit): TextEdit => (reason === undefined ? e : { ...e, reason });
  if (parent?.flow || pair.value.inFlow && parent?.kind === 'map' && parent.flow) {
    if (next) return withReason({ start: pair.key.range.start, end: next.key.range.start, text: '' });
    if (prev) return withReason({ start: prev.value.range.end, end: pair.value.range.end, text: '' });
    return withReason({ start: pair.key.range.start, end: pair.value.range.end, text: '' });
  }
  const start = lineStart(text, pair.key.range.start);
  const before = text.slice(start, pair.key.range.start);
  const end = nextLineStart(text, Math.max(pair.value.range.end, pair.key.range.end));
  const only = siblings.length === 1;
  if (/^[ \t]*$/.test(before) && !only) return withReason({ start, end, text: '' });
  // `- key: value` (the item's first entry): the next entry takes its place after the dash.
  if (next && !only) return withReason({ start: pair.key.range.start, end: next.key.range.start, text: '' });
  return withReason({ start: pair.key.range.start, end: Math.max(pair.value.range.end, pair.key.range.end), text: '{}' });
}
