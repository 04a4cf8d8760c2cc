import type { Diagnostic } from '../diagnostics.js';

/**
 * A segment of a template. Segments tile the text exactly:
 * `tokens.map(t => text.slice(t.start, t.end)).join('') === text`.
 *
 * - `text`: literal template data (including the body of `{% raw %}` blocks, which is `raw`)
 * - `expression`: `{{ … }}`
 * - `statement`: `{% … %}`
 * - `comment`: `{# … #}`
 * - `raw`: the literal body between `{% raw %}` and `{% endraw %}`
 */
export type JinjaTokenKind = 'text' | 'expression' | 'statement' | 'comment' | 'raw';

export interface JinjaToken {
  kind: JinjaTokenKind;
  /** Offset of the first char (of `{{`, `{%`, `{#` for tags). */
  start: number;
  /** Offset after the last char (after `}}`, `%}`, `#}` for tags). */
  end: number;
  /** For tags: the text between the delimiters and whitespace-control marks, trimmed. */
  inner?: string;
  /** For statements: the first word (`if`, `endif`, `for`, `set`, `include`, …). */
  keyword?: string;
  /** `{%-` / `{{-` / `{#-` */
  trimLeft?: boolean;
  /** `-%}` / `-}}` / `-#}` */
  trimRight?: boolean;
  /** `{%+` */
  keepLeft?: boolean;
  /** `+%}` */
  keepRight?: boolean;
  /** True when the tag is the only non-blank content of its line(s) (a "statement line"). */
  ownLine?: boolean;
}

/** A block statement with its branches and its end tag, nested by structure. */
export interface JinjaBlock {
  /** `if`, `for`, `macro`, `call`, `filter`, `set`, `block`, `with`, `raw`, … */
  keyword: string;
  open: JinjaToken;
  /** `elif`/`else` tags (or `else` of a `for`), in order. */
  branches: JinjaToken[];
  close?: JinjaToken;
  children: JinjaBlock[];
}

export interface JinjaScan {
  tokens: JinjaToken[];
  /** Top-level blocks (each with nested children). */
  blocks: JinjaBlock[];
  /** Unterminated tags, unclosed or mismatched blocks; line/column 1-based. */
  errors: Diagnostic[];
  /** True when the text holds at least one Jinja tag. */
  hasJinja: boolean;
}
