import type { Diagnostic } from '../diagnostics.js';

/**
 * A segment of a template. Segments tile the text exactly:
 * `tokens.map(t => text.slice(t.start, t.end)).join('') === text`. No token is empty.
 *
 * - `text`: literal template data
 * - `expression`: `{{ … }}`
 * - `statement`: `{% … %}`
 * - `comment`: `{# … #}`
 * - `raw`: the literal body between `{% raw %}` and `{% endraw %}` (both tags are statements)
 *
 * @example
 * scanJinja('a {{ b }}').tokens.map((t) => t.kind); // => ['text', 'expression']
 */
export type JinjaTokenKind = 'text' | 'expression' | 'statement' | 'comment' | 'raw';

/** The kinds of token that are Jinja tags (delimited by `{{ }}`, `{% %}` or `{# #}`). */
export type JinjaTagKind = 'expression' | 'statement' | 'comment';

/**
 * One token of a {@link JinjaScan}. Tag tokens (`expression`, `statement`, `comment`) always carry
 * `inner` and the whitespace-control flags; `text` and `raw` tokens carry only kind/start/end.
 *
 * @example
 * scanJinja('{%- if a %}').tokens[0];
 * // => { kind: 'statement', start: 0, end: 11, inner: 'if a', keyword: 'if', trimLeft: true, … }
 */
export interface JinjaToken {
  kind: JinjaTokenKind;
  /** Offset of the first char (of `{{`, `{%`, `{#` for tags). */
  start: number;
  /** Offset after the last char (after `}}`, `%}`, `#}` for tags). */
  end: number;
  /** For tags: the text between the delimiters and whitespace-control marks, trimmed. */
  inner?: string;
  /** For statements: the first word (`if`, `endif`, `for`, `set`, `include`, …); `''` when there is none. */
  keyword?: string;
  /** `{%-` / `{{-` / `{#-` */
  trimLeft?: boolean;
  /** `-%}` / `-}}` / `-#}` */
  trimRight?: boolean;
  /** `{%+` / `{{+` / `{#+` */
  keepLeft?: boolean;
  /** `+%}` / `+#}` (Jinja has no `+}}`: there `+` is an operator) */
  keepRight?: boolean;
  /** True when the tag is the only non-blank content of its line(s) (a "statement line"). */
  ownLine?: boolean;
}

/**
 * A block statement with its branches and its end tag, nested by structure.
 *
 * @example
 * const [block] = scanJinja('{% if a %}x{% else %}y{% endif %}').blocks;
 * block.keyword; // => 'if'
 * block.branches.length; // => 1
 */
export interface JinjaBlock {
  /** `if`, `for`, `macro`, `call`, `filter`, `set`, `block`, `with`, `autoescape`, `trans`, `raw` */
  keyword: string;
  open: JinjaToken;
  /** `elif`/`else` tags (or `else` of a `for`, `pluralize` of a `trans`), in order. */
  branches: JinjaToken[];
  /** The end tag; absent when the block is never closed (then `errors` says so). */
  close?: JinjaToken;
  children: JinjaBlock[];
  /**
   * Offset where the block ends: after its close tag; for an unclosed block, where it was
   * abandoned (the start of the end tag of an enclosing block, or the end of the text).
   */
  end: number;
}

/**
 * The result of {@link scanJinja}.
 *
 * @example
 * const scan = scanJinja('{% if a %}');
 * scan.errors[0]?.code; // => 'JINJA_UNCLOSED_BLOCK'
 */
export interface JinjaScan {
  tokens: JinjaToken[];
  /** Top-level blocks (each with nested children). */
  blocks: JinjaBlock[];
  /** Unterminated tags, unclosed or mismatched blocks; line/column 1-based. */
  errors: Diagnostic[];
  /** True when the text holds at least one Jinja tag (or an unterminated tag opener). */
  hasJinja: boolean;
}
