import type { EnclosingBlock } from '../../jinja/query.js';
import type { LineEnding } from '../common/line-ending.js';
import type { Span } from '../common/span.js';

/**
 * What every INI line node shares: where the line is and how it ends.
 *
 * @example
 * text.slice(node.start, node.next); // the line, line break included
 */
export interface IniLineBase {
  /** 1-based line number. */
  line: number;
  /** Offset of the first char of the line. */
  start: number;
  /** Offset after the content, before the line break. */
  end: number;
  /** Offset after the line break. */
  next: number;
  eol: LineEnding | '';
  /** Leading spaces and tabs (the BOM of a first line is not part of it). */
  indent: string;
}

/**
 * `[name]`, possibly followed by text configparser ignores (`[name] ; note`).
 *
 * @example
 * // '[app:main]' => { kind: 'section', name: 'app:main', nameSpan: { start: 1, end: 9 } }
 */
export interface IniSectionHeader extends IniLineBase {
  kind: 'section';
  name: string;
  /** The name between the brackets. */
  nameSpan: Span;
}

/**
 * `key = value`, `key=value`, `key: value`, or a bare `key` (configparser's `allow_no_value`).
 * Like every node, `start`/`end`/`next`/`eol` describe its own (key) line, so the nodes tile
 * the text; its continuation lines follow it as nodes of their own and are listed in
 * `continuations` (the last line of the entry is `continuations.at(-1) ?? entry`).
 *
 * @example
 * // 'container.source_registry = candidate-registry.example.org' in [app:main], inside
 * // {% if env == 'staging' %}: { key: 'container.source_registry', separator: '=',
 * //   value: 'candidate-registry.example.org', section: 'app:main', jinja: [{ block, branch: 0, tag }] }
 */
export interface IniEntry extends IniLineBase {
  kind: 'entry';
  /** The key as written (Jinja included), without surrounding blanks. */
  key: string;
  keySpan: Span;
  /** `''` for a bare key. */
  separator: '=' | ':' | '';
  /** The separator char (empty at the key's end for a bare key). */
  separatorSpan: Span;
  /**
   * The value as configparser reads it: the first line's value and each continuation line,
   * stripped, joined with `\n` (comment lines inside skipped, blank lines kept between lines).
   */
  value: string;
  /** From the first value char to the last value char of the last continuation line. */
  valueSpan: Span;
  continuations: IniContinuation[];
  /** The section the entry is in; `null` before the first section header. */
  section: string | null;
  /** Jinja blocks around the entry, outermost first, with the branch it is in. */
  jinja: EnclosingBlock[];
  /** 1-based line of the last continuation line (`=== line` without continuations). */
  lastLine: number;
}

/**
 * An indented line continuing the value of the entry before it.
 *
 * @example
 * // 'pyramid.includes =\n    pyramid_sawing': the second line is { kind: 'continuation', value: 'pyramid_sawing' }
 */
export interface IniContinuation extends IniLineBase {
  kind: 'continuation';
  /** The stripped text of the line. */
  value: string;
  valueSpan: Span;
}

/**
 * A full-line `#` or `;` comment (indented or not).
 *
 * @example
 * // '# compose_dir =' => { kind: 'comment', marker: '#', body: ' compose_dir =' }
 */
export interface IniComment extends IniLineBase {
  kind: 'comment';
  /** `#` or `;` */
  marker: '#' | ';';
  /** The text after the marker. */
  body: string;
}

/**
 * An empty or blank-only line.
 *
 * @example
 * // '' => { kind: 'blank', indent: '' }
 */
export interface IniBlank extends IniLineBase {
  kind: 'blank';
}

/**
 * A line holding only Jinja tags (`{% if %}`, `{# note #}`, `{{ extra_settings }}`).
 * `output` is true when a tag is an expression, so the rendered file gets text here. (An
 * expression-only line indented deeper than the entry above it is a continuation instead.)
 *
 * @example
 * // "{% if env == 'staging' %}" => { kind: 'jinja', output: false }
 */
export interface IniJinjaLine extends IniLineBase {
  kind: 'jinja';
  output: boolean;
}

/**
 * One line of an INI file; narrow on `kind`. Continuation lines appear both here and in their entry.
 *
 * @example
 * doc.nodes.filter((n) => n.kind === 'jinja').length;
 */
export type IniNode = IniSectionHeader | IniEntry | IniContinuation | IniComment | IniBlank | IniJinjaLine;

/**
 * A section: its header (absent for entries before the first header) and its entries.
 *
 * @example
 * doc.section('app:main')?.entries.map((e) => e.key);
 */
export interface IniSection {
  /** `null` for the entries before the first header. */
  name: string | null;
  header: IniSectionHeader | null;
  entries: IniEntry[];
  /** Index in `nodes` of the header (or 0) and after the last line of the section. */
  nodeFrom: number;
  nodeTo: number;
}

/**
 * A comment that reads like an entry, `# container.destination_registry = registry.example.org`:
 * the documented default a recipe may place a new key next to.
 *
 * @example
 * doc.commentedEntries().find((c) => c.key === 'container.destination_registry')?.comment.line;
 */
export interface IniCommentedEntry {
  comment: IniComment;
  key: string;
  separator: '=' | ':';
  value: string;
  section: string | null;
  jinja: EnclosingBlock[];
}
