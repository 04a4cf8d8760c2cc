/**
 * The parts of nunjucks' internals we adjust to get Jinja2 semantics. Nunjucks exposes them on
 * its module object (`runtime`, `compiler`, `parser`, `lexer`, `nodes`) but does not type them;
 * this file states the shapes we rely on, in one place.
 */
import type * as Nunjucks from 'nunjucks';

/** A nunjucks AST node. */
export interface NjNode {
  lineno: number;
  colno: number;
  typename: string;
  children?: NjNode[];
  [field: string]: unknown;
}

/** A nunjucks AST node class. */
export interface NjNodeClass {
  new (lineno: number, colno: number, ...fields: unknown[]): NjNode;
  extend(name: string, props: { fields: string[] }): NjNodeClass;
}

/** The compiler methods we wrap or add (`this` is the compiler). */
export interface NjCompiler {
  _emit(code: string): void;
  _emitLine(code: string): void;
  _tmpid(): string;
  compile(node: unknown, frame: unknown): void;
  [method: string]: unknown;
}

/** The parser methods we wrap (`this` is the parser). */
export interface NjParser {
  parseCompare(): NjNode;
  skipSymbol(name: string): boolean;
  skip(type: string): boolean;
  peekToken(): { type: string; value: string; lineno: number; colno: number };
  nextToken(): { type: string; value: string; lineno: number; colno: number };
  [method: string]: unknown;
}

/** The lexer's tokenizer (`this` inside `nextToken`). */
export interface NjTokenizer {
  trimBlocks: boolean;
  /** Inside `{{ }}`/`{% %}` rather than text. */
  in_code: boolean;
  /** The source, the position in it, and that position's line and column (0-based). */
  str: string;
  index: number;
  lineno: number;
  colno: number;
  forwardN(n: number): void;
  /** Ours: reading text outside a comment (`#}` is text there). */
  pyText?: boolean;
  /** Ours: the `{` of dict literals open in the current tag. */
  pyBraces?: number;
  current(): string;
  forward(): void;
  isFinished(): boolean;
  [member: string]: unknown;
}

/** The runtime helpers compiled templates call through `runtime.*`. */
export interface NjRuntime {
  [helper: string]: unknown;
}

/** The environment methods for tests, which nunjucks has but its type definitions omit. */
export interface NjTestRegistry {
  addTest(name: string, test: (value: unknown, ...args: unknown[]) => boolean): unknown;
  getTest(name: string): (value: unknown, ...args: unknown[]) => unknown;
}

/** The nunjucks module object, with the internals it exports. */
export type NunjucksModule = Omit<typeof Nunjucks, 'installJinjaCompat'> & {
  runtime: NjRuntime;
  compiler: { Compiler: { prototype: NjCompiler } };
  parser: { Parser: { prototype: NjParser } };
  lexer: { lex(src: string, opts: object): object; TOKEN_COMMENT: string; TOKEN_LEFT_PAREN: string; TOKEN_LEFT_BRACKET: string; TOKEN_LEFT_CURLY: string; TOKEN_RIGHT_CURLY: string; TOKEN_BLOCK_END: string; TOKEN_OPERATOR: string; TOKEN_COMMA: string; TOKEN_COLON: string; TOKEN_SYMBOL: string; TOKEN_INT: string; TOKEN_FLOAT: string; TOKEN_STRING: string; TOKEN_NONE: string; TOKEN_BOOLEAN: string };
  nodes: Record<string, NjNodeClass> & { Node: NjNodeClass; Array: NjNodeClass };
  installJinjaCompat(): () => void;
};

let loading: Promise<NunjucksModule> | undefined;

/**
 * Loads nunjucks on first use and caches it. Commands that render nothing never pay for it.
 *
 * @example
 * const nunjucks = await loadNunjucks();
 */
export function loadNunjucks(): Promise<NunjucksModule> {
  loading ??= import('nunjucks').then((m) => ((m as { default?: unknown }).default ?? m) as NunjucksModule);
  return loading;
}
