import { AnsimodError } from '../../diagnostics.js';
import type { TextEdit } from '../../text/edit.js';
import type { LineEnding } from '../common/line-ending.js';
import type { IniDocument } from './document.js';
import type { IniCommentedEntry, IniEntry, IniLineBase, IniNode, IniSection } from './model.js';

/**
 * The last line of an entry: its last continuation line, or the key line.
 *
 * @example
 * lastLineOf(entry).next; // where the line after the entry starts
 */
export function lastLineOf(entry: IniEntry): IniLineBase {
  return entry.continuations.at(-1) ?? entry;
}

/**
 * An edit replacing the value of `entry` (its continuation lines too) with `value`. A
 * multi-line value is written as continuation lines indented four blanks deeper than the key
 * (or like the existing continuation lines), with the entry's line ending. A bare key gets
 * ` = value`; an empty `key =` gets a blank before the value when the separator has one before it.
 *
 * @example
 * setValueEdit(doc.find('container.source_registry')[0]!, 'quay.io');
 * // => { start: 26, end: 66, text: 'quay.io' }
 */
export function setValueEdit(entry: IniEntry, value: string, reason?: string): TextEdit {
  const eol: LineEnding = lastLineOf(entry).eol || entry.eol || '\n';
  const contIndent = entry.continuations[0]?.indent ?? `${entry.indent}    `;
  const parts = value.split(/\r\n|\r|\n/);
  let written = parts.map((p, i) => (i === 0 ? p : p === '' ? '' : contIndent + p)).join(eol);
  if (entry.separator === '') {
    written = ` = ${written}`;
  } else if (entry.valueSpan.start === entry.separatorSpan.end && entry.keySpan.end < entry.separatorSpan.start && written !== '' && !written.startsWith(eol)) {
    written = ` ${written}`;
  }
  const edit: TextEdit = { start: entry.valueSpan.start, end: entry.valueSpan.end, text: written };
  if (reason !== undefined) edit.reason = reason;
  return edit;
}

/**
 * Where {@link insertEntryEdit} puts the new line.
 *
 * @example
 * const place: IniInsertPlace = { section: 'app:main' };
 */
export type IniInsertPlace =
  /** After an entry (and its continuation lines), a commented entry, or any line. */
  | { after: IniEntry | IniCommentedEntry | IniNode }
  /** Before an entry. */
  | { before: IniEntry }
  /**
   * At the end of a section: after its last entry, and after the end tags of Jinja blocks
   * opened in the section around that entry. A missing section is appended at the end of the file.
   */
  | { section: string | null };

/**
 * An edit inserting `key = value` as a new line. The line copies its spacing (indentation,
 * blanks around the separator, the separator itself) from the nearest entry and uses the file's
 * line ending; a file without a final newline keeps having none.
 *
 * @example
 * const [dest] = doc.commentedEntries().filter((c) => c.key === 'container.destination_registry');
 * applyEdits(doc.text, [insertEntryEdit(doc, { key: 'container.destination_registry', value: 'quay.io' }, { after: dest! })]);
 */
export function insertEntryEdit(doc: IniDocument, entry: { key: string; value: string }, place: IniInsertPlace, reason?: string): TextEdit {
  if (/[\r\n]/.test(entry.key) || /[\r\n]/.test(entry.value)) {
    throw new AnsimodError({ code: 'INVALID_OPTION', message: 'an INI key or value to insert cannot hold a line break', path: doc.path });
  }
  const edit = placeLine(doc, entry, place);
  if (reason !== undefined) edit.reason = reason;
  return edit;
}

function placeLine(doc: IniDocument, entry: { key: string; value: string }, place: IniInsertPlace): TextEdit {
  if ('before' in place) {
    const at = lineContentStart(doc, place.before);
    const line = formatEntry(doc, entry, place.before);
    return { start: at, end: at, text: line + (place.before.eol || doc.eol) };
  }
  if ('after' in place) {
    const anchor: IniLineBase = 'comment' in place.after ? place.after.comment : place.after.kind === 'entry' ? lastLineOf(place.after) : place.after;
    const style = nearestEntry(doc, anchor);
    return afterLine(doc, anchor, formatEntry(doc, entry, style));
  }
  const section = doc.section(place.section);
  if (section === undefined) return appendSection(doc, place.section, entry);
  const anchor = sectionEnd(doc, section);
  return afterLine(doc, anchor, formatEntry(doc, entry, section.entries.at(-1) ?? nearestEntry(doc, anchor)));
}

/**
 * An edit removing `entry` with its continuation lines and line break. On a last line without
 * a break, the break before it goes instead, so the file still ends without one.
 *
 * @example
 * applyEdits('a = 1\nb = 2\n', [removeEntryEdit(doc, doc.find('a')[0]!)]); // => 'b = 2\n'
 */
export function removeEntryEdit(doc: IniDocument, entry: IniEntry, reason?: string): TextEdit {
  const last = lastLineOf(entry);
  let start = lineContentStart(doc, entry);
  let end = last.next;
  if (last.eol === '' && start > 0 && isBreakAt(doc.text, start - 1)) {
    const prevBreak = doc.text.charCodeAt(start - 1) === 10 && doc.text.charCodeAt(start - 2) === 13 ? 2 : 1;
    start -= prevBreak;
    end = last.end;
  }
  const edit: TextEdit = { start, end, text: '' };
  if (reason !== undefined) edit.reason = reason;
  return edit;
}

/**
 * Alias of {@link removeEntryEdit}.
 *
 * @example
 * removeEntry(doc, entry);
 */
export const removeEntry = removeEntryEdit;

/** Where a line's text starts (after the byte-order mark on the first line). */
function lineContentStart(doc: IniDocument, node: IniLineBase): number {
  return node.start === 0 && doc.text.charCodeAt(0) === 0xfeff ? 1 : node.start;
}

function afterLine(doc: IniDocument, anchor: IniLineBase, line: string): TextEdit {
  if (anchor.eol === '') return { start: anchor.next, end: anchor.next, text: doc.eol + line };
  return { start: anchor.next, end: anchor.next, text: line + anchor.eol };
}

function appendSection(doc: IniDocument, name: string | null, entry: { key: string; value: string }): TextEdit {
  const eol = doc.eol;
  const line = formatEntry(doc, entry, doc.entries[0]);
  if (name === null) {
    const at = doc.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    return { start: at, end: at, text: line + eol };
  }
  const end = doc.text.length;
  const last = doc.nodes.at(-1);
  if (last === undefined) return { start: end, end, text: `[${name}]${eol}${line}${eol}` };
  const unterminated = last.eol === '';
  const lead = (unterminated ? eol : '') + (last.kind === 'blank' ? '' : eol);
  return { start: end, end, text: `${lead}[${name}]${eol}${line}${unterminated ? '' : eol}` };
}

/** The line after which a new entry goes at the end of a section. */
function sectionEnd(doc: IniDocument, section: IniSection): IniLineBase {
  const last = section.entries.at(-1);
  const header = section.header;
  if (last === undefined) return header ?? (doc.nodes[section.nodeTo - 1] as IniNode);
  let anchor: IniLineBase = lastLineOf(last);
  const sectionStart = header?.start ?? 0;
  for (const enclosure of last.jinja) {
    const close = enclosure.block.close;
    if (enclosure.block.open.start < sectionStart || close === undefined) continue;
    for (let k = section.nodeFrom; k < section.nodeTo; k++) {
      const node = doc.nodes[k] as IniNode;
      if (node.start <= close.start && close.start < node.next && node.next > anchor.next) anchor = node;
    }
    break;
  }
  return anchor;
}

/** The entry nearest to a line (before it first, then after), to copy spacing from. */
function nearestEntry(doc: IniDocument, line: IniLineBase): IniEntry | undefined {
  let before: IniEntry | undefined;
  for (const e of doc.entries) {
    if (e.separator === '') continue;
    if (e.start <= line.start) before = e;
    else return before ?? e;
  }
  return before;
}

function formatEntry(doc: IniDocument, entry: { key: string; value: string }, style: IniEntry | undefined): string {
  if (style === undefined || style.separator === '') return `${entry.key} = ${entry.value}`;
  const beforeSep = doc.text.slice(style.keySpan.end, style.separatorSpan.start);
  let afterSep = doc.text.slice(style.separatorSpan.end, style.valueSpan.start);
  if (afterSep === '' && doc.text.slice(style.valueSpan.start, style.end).trim() === '') afterSep = beforeSep;
  return `${style.indent}${entry.key}${beforeSep}${style.separator}${afterSep}${entry.value}`;
}

function isBreakAt(text: string, offset: number): boolean {
  const c = text.charCodeAt(offset);
  return c === 10 || c === 13;
}
