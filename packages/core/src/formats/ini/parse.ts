import type { JinjaScan } from '../../jinja/types.js';
import { LineIndex } from '../../text/line-index.js';
import { enclosingBlocks } from '../../jinja/query.js';
import { jinjaTags, type JinjaTag } from '../common/jinja-tags.js';
import { onlyTags, skipBlanks, skipControlTags, splitSourceLines, trimBlanksEnd, trimControlTags, type SourceLine } from '../common/source-lines.js';
import { fallbackAt } from '../fallback.js';
import type { Fallback } from '../types.js';
import { IniDocument } from './document.js';
import type { IniContinuation, IniEntry, IniNode, IniSection } from './model.js';

/**
 * Parses an INI file (as Python's configparser reads it, plus entries before the first
 * section) into a lossless line model. Jinja tags are opaque: a `=` or `]` inside `{{ }}` is
 * not structure, and lines holding only tags are `jinja` nodes that do not end a value.
 *
 * Returns a {@link Fallback} with line and column for a section header without `]` or an
 * entry without a key.
 *
 * @example
 * const doc = parseIni('app.ini', '[app:main]\nuse = egg:bodhi\n', scanJinja('[app:main]\nuse = egg:bodhi\n'));
 * if (!isFallback(doc)) doc.find('use')[0]?.value; // => 'egg:bodhi'
 */
export function parseIni(path: string, text: string, jinja: JinjaScan): IniDocument | Fallback {
  const tags = jinjaTags(jinja);
  const lines = new LineIndex(text);
  const nodes: IniNode[] = [];
  const sections: IniSection[] = [];
  const entries: IniEntry[] = [];
  let section: IniSection = { name: null, header: null, entries: [], nodeFrom: 0, nodeTo: 0 };
  let entry: IniEntry | null = null;
  let entryIndent = 0;
  let values: string[] = [];
  let pendingBlanks = 0;

  for (const src of splitSourceLines(text, tags)) {
    const contentStart = skipBlanks(text, src.start, src.end);
    const lineStart = src.start === 0 && text.charCodeAt(0) === 0xfeff ? 1 : src.start;
    // Nodes are built as literals with all their fields (no spread of a shared base): object
    // spread is several times slower and this loop runs for every line of every file.
    const line = src.line;
    const start = src.start;
    const end = src.end;
    const next = src.next;
    const eol = src.eol;
    const indent = text.slice(lineStart, contentStart);
    if (contentStart >= src.end) {
      nodes.push({ line, start, end, next, eol, indent, kind: 'blank' });
      pendingBlanks++;
      continue;
    }
    const indentWidth = contentStart - lineStart;
    if (onlyTags(text, src.start, src.end, tags, src.tagFrom, src.tagTo)) {
      let output = false;
      for (let k = src.tagFrom; k < src.tagTo; k++) if ((tags[k] as JinjaTag).kind === 'expression') output = true;
      // An indented `{{ … }}` under an entry renders as more of its value.
      if (!output || entry === null || indentWidth <= entryIndent) {
        nodes.push({ line, start, end, next, eol, indent, kind: 'jinja', output });
        continue;
      }
    }
    const first = text.charCodeAt(contentStart);
    if (first === 35 /* # */ || first === 59 /* ; */) {
      nodes.push({ line, start, end, next, eol, indent, kind: 'comment', marker: first === 35 ? '#' : ';', body: text.slice(contentStart + 1, src.end) });
      continue;
    }
    const contentEnd = trimBlanksEnd(text, contentStart, src.end);
    if (entry !== null && indentWidth > entryIndent) {
      const valueEnd = trimControlTags(text, contentStart, contentEnd, tags, src.tagFrom, src.tagTo);
      const value = text.slice(contentStart, valueEnd);
      const cont: IniContinuation = { line, start, end, next, eol, indent, kind: 'continuation', value, valueSpan: { start: contentStart, end: valueEnd } };
      for (; pendingBlanks > 0; pendingBlanks--) values.push('');
      values.push(value);
      entry.continuations.push(cont);
      entry.valueSpan.end = valueEnd;
      entry.lastLine = src.line;
      nodes.push(cont);
      continue;
    }
    if (entry !== null) finishValue(entry, values);
    entry = null;
    pendingBlanks = 0;
    if (first === 91 /* [ */) {
      const close = lastOutsideTags(text, src, tags, contentStart + 1, contentEnd, 93 /* ] */);
      if (close < 0) return fallbackAt('ini', 'section header without a closing ]', lines, src.end);
      section.nodeTo = nodes.length;
      if (section.header !== null || section.entries.length > 0) sections.push(section);
      const header = { line, start, end, next, eol, indent, kind: 'section' as const, name: text.slice(contentStart + 1, close), nameSpan: { start: contentStart + 1, end: close } };
      nodes.push(header);
      section = { name: header.name, header, entries: [], nodeFrom: nodes.length - 1, nodeTo: 0 };
      continue;
    }
    // `{% if x %}key = value{% endif %}`: the tags around are not part of the key or value.
    const keyStart = skipControlTags(text, contentStart, contentEnd, tags, src.tagFrom);
    const dataEnd = trimControlTags(text, keyStart, contentEnd, tags, src.tagFrom, src.tagTo);
    const sep = firstOutsideTags(text, src, tags, keyStart, dataEnd);
    const keyEnd = sep < 0 ? dataEnd : trimBlanksEnd(text, keyStart, sep);
    if (keyEnd === keyStart) return fallbackAt('ini', 'entry without a key', lines, keyStart);
    const valueStart = sep < 0 ? dataEnd : skipBlanks(text, sep + 1, dataEnd);
    const created: IniEntry = {
      line,
      start,
      end,
      next,
      eol,
      indent,
      kind: 'entry',
      key: text.slice(keyStart, keyEnd),
      keySpan: { start: keyStart, end: keyEnd },
      separator: sep < 0 ? '' : text.charCodeAt(sep) === 61 ? '=' : ':',
      separatorSpan: sep < 0 ? { start: keyEnd, end: keyEnd } : { start: sep, end: sep + 1 },
      value: '',
      valueSpan: { start: valueStart, end: Math.max(valueStart, dataEnd) },
      continuations: [],
      section: section.name,
      jinja: enclosingBlocks(jinja, src.start),
      lastLine: src.line,
    };
    values = [text.slice(valueStart, Math.max(valueStart, dataEnd))];
    entry = created;
    entryIndent = indentWidth;
    nodes.push(created);
    entries.push(created);
    section.entries.push(created);
  }
  if (entry !== null) finishValue(entry, values);
  section.nodeTo = nodes.length;
  if (section.header !== null || section.entries.length > 0) sections.push(section);
  return new IniDocument(path, text, jinja, lines, nodes, sections, entries);
}

/** Sets the value configparser reads: the lines joined with `\n`, trailing blank lines dropped. */
function finishValue(entry: IniEntry, values: readonly string[]): void {
  entry.value = values.join('\n').trimEnd();
}

/** Offset of the first `=` or `:` in `[from, to)` outside Jinja tags, or -1. */
function firstOutsideTags(text: string, src: SourceLine, tags: readonly JinjaTag[], from: number, to: number): number {
  return findOutsideTags(text, src, tags, from, to, isSeparator, true);
}

/** Offset of the last `code` char in `[from, to)` outside Jinja tags, or -1. */
function lastOutsideTags(text: string, src: SourceLine, tags: readonly JinjaTag[], from: number, to: number, code: number): number {
  return findOutsideTags(text, src, tags, from, to, (c) => c === code, false);
}

/** `=` or `:`, what configparser reads between key and value. */
function isSeparator(c: number): boolean {
  return c === 61 || c === 58;
}

/**
 * Offset of the first (`first`) or last char in `[from, to)` outside the line's Jinja tags that
 * `wanted` accepts, or -1.
 */
function findOutsideTags(
  text: string,
  src: SourceLine,
  tags: readonly JinjaTag[],
  from: number,
  to: number,
  wanted: (c: number) => boolean,
  first: boolean,
): number {
  let found = -1;
  let k = src.tagFrom;
  for (let i = from; i < to; i++) {
    while (k < src.tagTo && (tags[k] as JinjaTag).end <= i) k++;
    const t = tags[k];
    if (t !== undefined && k < src.tagTo && t.start <= i) {
      i = t.end - 1;
      continue;
    }
    if (wanted(text.charCodeAt(i))) {
      found = i;
      if (first) break;
    }
  }
  return found;
}
