/**
 * Finds where a Jinja tag ends, the way Jinja2's lexer does: the closing delimiter only counts
 * at a token boundary, outside string literals, and only while brackets are balanced
 * (`{{ {'a': 1}}}` ends at the last `}}`).
 */

/** Where a tag's closing delimiter was found. */
export interface TagClose {
  /** Offset of the closing delimiter including its `-`/`+` mark (end of the tag's inner text). */
  innerEnd: number;
  /** Offset after the closing delimiter. */
  end: number;
  trimRight: boolean;
  keepRight: boolean;
  /** Set when the tag is not valid Jinja (unbalanced bracket, unterminated string) but still closes. */
  problem?: { offset: number; message: string };
}

const BACKSLASH = 92;
const QUOTE = 39;
const DQUOTE = 34;
const LPAREN = 40;
const RPAREN = 41;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const PERCENT = 37;
const MINUS = 45;
const PLUS = 43;

/**
 * Caches, per scan, the last offset of each quote char so that an unterminated string is detected
 * in O(1) instead of by scanning to the end of the text again for every stray quote.
 */
export class StringFinder {
  private lastQuote = -2;
  private lastDquote = -2;
  constructor(private readonly text: string) {}

  /** Offset after the string literal opened at `at`, or -1 when it is never closed. */
  end(at: number): number {
    const text = this.text;
    const quote = text.charCodeAt(at);
    let last: number;
    if (quote === QUOTE) {
      if (this.lastQuote === -2) this.lastQuote = text.lastIndexOf("'");
      last = this.lastQuote;
    } else {
      if (this.lastDquote === -2) this.lastDquote = text.lastIndexOf('"');
      last = this.lastDquote;
    }
    if (last <= at) return -1;
    for (let i = at + 1; i <= last; i++) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === quote) return i + 1;
    }
    return -1;
  }
}

/** The closing delimiter at `i` for a tag of the given kind, or undefined. */
function closeAt(text: string, i: number, kind: 'expression' | 'statement'): TagClose | undefined {
  const c = text.charCodeAt(i);
  if (kind === 'expression') {
    if (c === RBRACE && text.charCodeAt(i + 1) === RBRACE) {
      return { innerEnd: i, end: i + 2, trimRight: false, keepRight: false };
    }
    if (c === MINUS && text.charCodeAt(i + 1) === RBRACE && text.charCodeAt(i + 2) === RBRACE) {
      return { innerEnd: i, end: i + 3, trimRight: true, keepRight: false };
    }
    return undefined;
  }
  if (c === PERCENT && text.charCodeAt(i + 1) === RBRACE) {
    return { innerEnd: i, end: i + 2, trimRight: false, keepRight: false };
  }
  if ((c === MINUS || c === PLUS) && text.charCodeAt(i + 1) === PERCENT && text.charCodeAt(i + 2) === RBRACE) {
    return { innerEnd: i, end: i + 3, trimRight: c === MINUS, keepRight: c === PLUS };
  }
  return undefined;
}

/**
 * Finds the end of an expression or statement whose inner text starts at `from`.
 * Returns undefined when the tag is never closed. When Jinja2 would reject the tag but a closing
 * delimiter exists outside strings, returns that close with a `problem`, so that one typo does
 * not swallow the rest of the file.
 *
 * @example
 * findTagClose('{{ "}}" }}', 2, 'expression', new StringFinder('{{ "}}" }}'))?.end; // => 10
 */
export function findTagClose(
  text: string,
  from: number,
  kind: 'expression' | 'statement',
  strings: StringFinder,
): TagClose | undefined {
  const n = text.length;
  /** Offsets of the open brackets. */
  const open: number[] = [];
  let problem: { offset: number; message: string } | undefined;
  let i = from;
  scan: while (i < n) {
    if (open.length === 0) {
      const close = closeAt(text, i, kind);
      if (close) return close;
    }
    const c = text.charCodeAt(i);
    switch (c) {
      case QUOTE:
      case DQUOTE: {
        const end = strings.end(i);
        if (end < 0) {
          problem = { offset: i, message: `unterminated string ${String.fromCharCode(c)}` };
          break scan;
        }
        i = end;
        continue;
      }
      case LPAREN:
      case LBRACKET:
      case LBRACE:
        open.push(i);
        break;
      case RPAREN:
      case RBRACKET:
      case RBRACE: {
        const at = open.pop();
        const expected = at === undefined ? undefined : closerOf(text.charCodeAt(at));
        if (expected !== c) {
          const got = String.fromCharCode(c);
          problem = {
            offset: i,
            message:
              expected === undefined
                ? `unexpected '${got}'`
                : `unexpected '${got}', expected '${String.fromCharCode(expected)}'`,
          };
          break scan;
        }
        break;
      }
      default:
        if (isRejected(c, text.charCodeAt(i + 1))) {
          problem = { offset: i, message: `unexpected char ${JSON.stringify(String.fromCharCode(c))}` };
          break scan;
        }
    }
    i++;
  }
  if (!problem) {
    const unclosed = open[0];
    problem =
      unclosed === undefined
        ? { offset: from, message: 'no closing delimiter outside brackets' }
        : { offset: unclosed, message: `unclosed '${text.charAt(unclosed)}'` };
  }
  // Jinja2 fails here; recover at the first closing delimiter outside terminated strings.
  const close = findCloseIgnoringBrackets(text, from, kind, strings);
  if (close) close.problem = problem;
  return close;
}

function closerOf(opener: number): number {
  return opener === LPAREN ? RPAREN : opener === LBRACKET ? RBRACKET : RBRACE;
}

/**
 * ASCII chars that no rule of Jinja2's tag lexer accepts (it raises "unexpected char"):
 * `\ $ ? @ ` & ^ #`, a `!` not followed by `=`, and control chars other than whitespace.
 * Non-ASCII chars are left alone (Jinja2 accepts Unicode identifiers).
 */
function isRejected(c: number, next: number): boolean {
  switch (c) {
    case 92: // \
    case 36: // $
    case 63: // ?
    case 64: // @
    case 96: // `
    case 38: // &
    case 94: // ^
    case 35: // #
    case 127:
      return true;
    case 33: // !
      return next !== 61;
    default:
      // Python's \s also matches \x1c-\x1f.
      return c < 32 && !(c >= 9 && c <= 13) && !(c >= 28 && c <= 31);
  }
}

function findCloseIgnoringBrackets(
  text: string,
  from: number,
  kind: 'expression' | 'statement',
  strings: StringFinder,
): TagClose | undefined {
  const n = text.length;
  for (let i = from; i < n; i++) {
    const close = closeAt(text, i, kind);
    if (close) return close;
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === DQUOTE) {
      const end = strings.end(i);
      if (end >= 0) i = end - 1;
    }
  }
  return undefined;
}

/**
 * Finds the end of a comment whose inner text starts at `from`: the first `#}` (Jinja2 does not
 * look at quotes inside comments), with `-#}` / `+#}` marks.
 *
 * @example
 * findCommentClose('{# a -#}', 2)?.trimRight; // => true
 */
export function findCommentClose(text: string, from: number): TagClose | undefined {
  const at = text.indexOf('#}', from);
  if (at < 0) return undefined;
  const mark = at > from ? text.charCodeAt(at - 1) : 0;
  if (mark === MINUS || mark === PLUS) {
    return { innerEnd: at - 1, end: at + 2, trimRight: mark === MINUS, keepRight: mark === PLUS };
  }
  return { innerEnd: at, end: at + 2, trimRight: false, keepRight: false };
}
