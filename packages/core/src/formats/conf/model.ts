import type { JinjaToken } from '../../jinja/types.js';
import type { JinjaEnclosure } from '../common/jinja-context.js';
import type { LineEnding } from '../common/line-ending.js';
import type { Span } from '../common/span.js';

/**
 * What every Apache conf line node shares. A node spans the physical lines joined by a
 * trailing `\` (and by a multi-line Jinja tag): `line`…`lastLine`.
 */
export interface ConfLineBase {
  /** 1-based first line. */
  line: number;
  /** 1-based last line (after `\` continuations). */
  lastLine: number;
  start: number;
  /** After the content of the last line, before its break. */
  end: number;
  /** After the break of the last line. */
  next: number;
  eol: LineEnding | '';
  /** Leading spaces and tabs. */
  indent: string;
}

/** One argument of a directive, split the way httpd does (`"…"` and `'…'` quoting). */
export interface ConfArg {
  /** Unquoted value (`\"` inside double quotes read as `"`); Jinja tags kept as written. */
  value: string;
  /** As written, quotes included. */
  raw: string;
  span: Span;
  quote: '"' | "'" | '';
}

/** `Name arg1 "arg 2"` */
export interface ConfDirective extends ConfLineBase {
  kind: 'directive';
  name: string;
  nameSpan: Span;
  args: ConfArg[];
  /** The argument text as written (from the first argument to the end, trimmed). */
  argsRaw: string;
  argsSpan: Span;
  /** Sections around the directive, outermost first. */
  sections: ConfSection[];
  jinja: JinjaEnclosure[];
}

/** `<Location /v2>` */
export interface ConfSectionOpen extends ConfLineBase {
  kind: 'open';
  name: string;
  nameSpan: Span;
  args: ConfArg[];
  argsRaw: string;
  argsSpan: Span;
  /** Sections around this one, outermost first. */
  sections: ConfSection[];
  jinja: JinjaEnclosure[];
}

/** `</Location>` */
export interface ConfSectionClose extends ConfLineBase {
  kind: 'close';
  name: string;
  nameSpan: Span;
}

export interface ConfComment extends ConfLineBase {
  kind: 'comment';
  /** Text after `#`. */
  body: string;
}

export interface ConfBlank extends ConfLineBase {
  kind: 'blank';
}

/** A line holding only Jinja tags; `include` is set for `{% include '…' %}`. */
export interface ConfJinjaLine extends ConfLineBase {
  kind: 'jinja';
  /** True when a tag is an expression (the rendered file gets text here). */
  output: boolean;
  include?: ConfInclude;
}

/** A Jinja `{% include %}` of another template. */
export interface ConfInclude {
  /** The included path when it is a string literal (`'./x.conf'`), else undefined. */
  target: string | undefined;
  /** The tag's inner text (`include './x.conf'`). */
  statement: string;
  tag: JinjaToken;
  line: number;
}

export type ConfNode = ConfDirective | ConfSectionOpen | ConfSectionClose | ConfComment | ConfBlank | ConfJinjaLine;

/** A `<Name args>` … `</Name>` section. */
export interface ConfSection {
  name: string;
  args: ConfArg[];
  open: ConfSectionOpen;
  /** Set once the close line is read (always set in a parsed document). */
  close: ConfSectionClose | undefined;
}
