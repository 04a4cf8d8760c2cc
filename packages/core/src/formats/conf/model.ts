import type { JinjaToken } from '../../jinja/types.js';
import type { EnclosingBlock } from '../../jinja/query.js';
import type { LineEnding } from '../common/line-ending.js';
import type { Span } from '../common/span.js';

/**
 * What every Apache conf line node shares. A node spans the physical lines joined by a
 * trailing `\` (and by a multi-line Jinja tag): `line`…`lastLine`.
 *
 * @example
 * text.slice(node.start, node.next); // the node's lines, line break included
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

/**
 * One argument of a directive, split the way httpd does (`"…"` and `'…'` quoting).
 *
 * @example
 * // '"&%{QUERY_STRING}"' => { value: '&%{QUERY_STRING}', raw: '"&%{QUERY_STRING}"', span, quote: '"' }
 */
export interface ConfArg {
  /** Unquoted value (`\"` inside double quotes read as `"`); Jinja tags kept as written. */
  value: string;
  /** As written, quotes included. */
  raw: string;
  span: Span;
  quote: '"' | "'" | '';
}

/**
 * What a directive line and a section opening line share: a name, arguments, and where the
 * line sits among sections and Jinja blocks.
 *
 * @example
 * // 'RewriteRule ^/v2/(.*) /v2/fedora/$1' => { name: 'RewriteRule', argsRaw: '^/v2/(.*) /v2/fedora/$1' }
 */
export interface ConfNamedLine extends ConfLineBase {
  name: string;
  nameSpan: Span;
  args: ConfArg[];
  /** The argument text as written (from the first argument to the end, trimmed). */
  argsRaw: string;
  argsSpan: Span;
  /** Sections around the line (for an opening line, around its section), outermost first. */
  sections: ConfSection[];
  /** Jinja blocks around the line, outermost first. */
  jinja: EnclosingBlock[];
}

/**
 * A directive line: `Name arg1 "arg 2"`.
 *
 * @example
 * // 'RewriteRule ^/v2/(.*) /v2/fedora/$1' inside <Location /v2>:
 * // { name: 'RewriteRule', args: [{ value: '^/v2/(.*)' }, { value: '/v2/fedora/$1' }], sections: [<Location>] }
 */
export interface ConfDirective extends ConfNamedLine {
  kind: 'directive';
}

/**
 * A section opening line.
 *
 * @example
 * // '<Location /v2>' => { kind: 'open', name: 'Location', args: [{ value: '/v2' }] }
 */
export interface ConfSectionOpen extends ConfNamedLine {
  kind: 'open';
}

/**
 * A section closing line.
 *
 * @example
 * // '</Location>' => { kind: 'close', name: 'Location' }
 */
export interface ConfSectionClose extends ConfLineBase {
  kind: 'close';
  name: string;
  nameSpan: Span;
}

/**
 * A `#` comment line (httpd has no comments after a directive).
 *
 * @example
 * // '# Write access only' => { kind: 'comment', body: ' Write access only' }
 */
export interface ConfComment extends ConfLineBase {
  kind: 'comment';
  /** Text after `#`. */
  body: string;
}

/**
 * An empty or blank-only line.
 *
 * @example
 * // '   ' => { kind: 'blank', indent: '   ' }
 */
export interface ConfBlank extends ConfLineBase {
  kind: 'blank';
}

/**
 * A line holding only Jinja tags; `include` is set for `{% include '…' %}`.
 *
 * @example
 * // '{% if env == "staging" %}' => { kind: 'jinja', output: false }
 */
export interface ConfJinjaLine extends ConfLineBase {
  kind: 'jinja';
  /** True when a tag is an expression (the rendered file gets text here). */
  output: boolean;
  include?: ConfInclude;
}

/**
 * A Jinja `{% include %}` of another template.
 *
 * @example
 * // "{% include './generic.conf' %}" => { target: './generic.conf', statement: "include './generic.conf'", line }
 */
export interface ConfInclude {
  /** The included path when it is a string literal (`'./x.conf'`), else undefined. */
  target: string | undefined;
  /** The tag's inner text (`include './x.conf'`). */
  statement: string;
  tag: JinjaToken;
  line: number;
}

/**
 * One node of an Apache conf document; narrow on `kind`.
 *
 * @example
 * doc.nodes.filter((n) => n.kind === 'comment').length;
 */
export type ConfNode = ConfDirective | ConfSectionOpen | ConfSectionClose | ConfComment | ConfBlank | ConfJinjaLine;

/**
 * A `<Name args>` … `</Name>` section.
 *
 * @example
 * doc.sections.filter((s) => s.name === 'Location' && s.args[0]?.value === '/v2');
 */
export interface ConfSection {
  name: string;
  args: ConfArg[];
  open: ConfSectionOpen;
  /** Set once the close line is read (always set in a parsed document). */
  close: ConfSectionClose | undefined;
}
