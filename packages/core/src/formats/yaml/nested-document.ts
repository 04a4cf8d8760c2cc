import { scanJinja } from '../../jinja/scanner.js';
import type { TextEdit } from '../../text/edit.js';
import type { FormatName } from '../types.js';
import { splitBlockLines, type BlockScalarLayout } from './scalar-decode.js';
import type { NestedDocument, NestedLine, OffsetMap } from './types.js';

/**
 * The content of a block scalar as a document of its own: de-indented by the block's
 * indentation, with lines that are less indented (Jinja statement lines at column 0) kept as they
 * are, so the nested text parses with `parseYaml` or the INI adapter, and edits on it lift back
 * to the parent.
 *
 * @example
 * // parent: 'data:\n  a.yaml: |-\n    k: v\n'
 * const nested = nestedFromBlock(parent, layout, 'yaml');
 * nested.text; // => 'k: v\n'
 */
export function nestedFromBlock(text: string, layout: BlockScalarLayout, format: FormatName): NestedDocument {
  const { indent, contentStart, contentEnd, sourceEnd } = layout;
  // The nested text ends with the line break of its last content line; trailing blank lines
  // separate the scalar from what follows and stay in the parent.
  let end = contentEnd;
  if (end < sourceEnd) end += text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1;
  const lines: NestedLine[] = [];
  const parts: string[] = [];
  let childStart = 0;
  for (const line of splitBlockLines(text, contentStart, end, indent)) {
    const whitespaceOnly = line.start + line.spaces === line.end;
    const removed = line.spaces >= indent ? indent : whitespaceOnly ? line.spaces : 0;
    lines.push({ childStart, parentStart: line.start + removed, removed });
    parts.push(text.slice(line.start + removed, line.next));
    childStart += line.next - line.start - removed;
  }
  const nestedText = parts.join('');
  const offsetMap = new LineOffsetMap(lines, nestedText.length);
  const pad = ' '.repeat(indent);
  return {
    format,
    text: nestedText,
    jinja: scanJinja(nestedText),
    offsetMap,
    indent: pad,
    lift: (edit) => liftEdit(edit, offsetMap, nestedText, pad),
  };
}

class LineOffsetMap implements OffsetMap {
  constructor(
    readonly lines: readonly NestedLine[],
    /** Length of the nested text. */
    readonly length: number,
  ) {}

  /** Index of the line holding child offset `offset`. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lines[mid] as NestedLine).childStart <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  toParent(offset: number): number {
    const clamped = Math.max(0, Math.min(offset, this.length));
    const line = this.lines[this.lineAt(clamped)];
    return line === undefined ? 0 : line.parentStart + (clamped - line.childStart);
  }

  toChild(parentOffset: number): number | undefined {
    const lines = this.lines;
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const l = lines[mid] as NestedLine;
      if (l.parentStart - l.removed <= parentOffset) lo = mid;
      else hi = mid - 1;
    }
    const line = lines[lo];
    if (line === undefined || parentOffset < line.parentStart) return undefined;
    const next = lines[lo + 1];
    const lineLength = (next ? next.childStart : this.length) - line.childStart;
    const child = line.childStart + (parentOffset - line.parentStart);
    return child <= line.childStart + lineLength ? child : undefined;
  }
}

/**
 * Maps a nested edit to the parent so that the parent shows the edited nested text re-indented:
 * every line the edit's text starts gets the block's indentation; a line of the nested text the
 * edit leaves whole keeps its own indentation (removed, or none for a Jinja line kept at column 0);
 * the rest of a line that the edit moves to a line start gets that line's indentation back.
 */
function liftEdit(edit: TextEdit, map: LineOffsetMap, text: string, pad: string): TextEdit {
  const segments = edit.text.split(/(\r\n|\n|\r)/);
  const n = segments.length;
  const first = segments[0] as string;
  const last = segments[n - 1] as string;
  const startRemoved = removedAtLineStart(map, text, edit.start);
  // The edit starts at a line start: take the parent line from its real start, indentation included.
  const start = map.toParent(edit.start) - (startRemoved ?? 0);
  // Does what follows the edit begin a line of the result?
  const restStartsLine = (n > 1 && last === '') || (n === 1 && first === '' && startRemoved !== undefined);
  let end = map.toParent(edit.end);
  let tail = '';
  if (edit.end < text.length && restStartsLine) {
    const line = map.lines[map.lineAt(edit.end)] as NestedLine;
    if (line.childStart === edit.end) end -= line.removed;
    else tail = ' '.repeat(line.removed);
  }
  const out: string[] = [];
  out.push(startRemoved !== undefined && first !== '' ? pad + first : first);
  for (let k = 1; k < n; k += 2) {
    const seg = segments[k + 1] as string;
    out.push(segments[k] as string, seg === '' ? '' : pad + seg);
  }
  out.push(tail);
  return { ...edit, start, end, text: out.join('') };
}

/**
 * When `offset` starts a line of the nested text, how much indentation that line lost (0 for the
 * line after a final line break, which is not in the parent block yet); undefined mid-line.
 */
function removedAtLineStart(map: LineOffsetMap, text: string, offset: number): number | undefined {
  if (offset >= text.length) return /[\r\n]$/.test(text) || text === '' ? 0 : undefined;
  const line = map.lines[map.lineAt(offset)];
  return line !== undefined && line.childStart === offset ? line.removed : undefined;
}
