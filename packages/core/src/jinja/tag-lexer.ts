/**
 * Finds where a Jinja tag ends, the way Jinja2's lexer does: the closing delimiter only counts
 * at a token boundary, outside string literals, and only while brackets are balanced
 * (`{{ {'a': 1}}}` ends at the last `}}`).
 */

/** Where a tag's closing delimiter was found. Reused between calls: copy what you keep. */
export interface TagClose {
  /** Offset of the closing delimiter including its `-`/`+` mark (end of the tag's inner text). */
  innerEnd: number;
  /** Offset after the closing delimiter. */
  end: number;
  trimRight: boolean;
  keepRight: boolean;
  /** Set when the tag is not valid Jinja (unbalanced bracket, unterminated string, bad char) but still closes. */
  problem: { offset: number; message: string } | undefined;
}

/** A fresh {@link TagClose} to pass to the finders. */
export function newTagClose(): TagClose {
  return { innerEnd: 0, end: 0, trimRight: false, keepRight: false, problem: undefined };
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
const BANG = 33;
const EQUALS = 61;

/** Char classes of the tag loop, so ordinary chars cost one table lookup. */
const MAY_CLOSE = 1;
const SPECIAL = 2;
const CHAR_CLASS = (() => {
  const table = new Uint8Array(128);
  const mark = (c: number, cls: number): void => {
    table[c] = (table[c] ?? 0) | cls;
  };
  for (const c of '}-%+') mark(c.charCodeAt(0), MAY_CLOSE);
  // Quotes, brackets, and the ASCII chars no rule of Jinja2's tag lexer accepts ("unexpected char").
  for (const c of `'"()[]{}\\$?@\`&^#!`) mark(c.charCodeAt(0), SPECIAL);
  for (let c = 0; c < 32; c++) {
    // Python's \s matches \t\n\v\f\r and \x1c-\x1f; other control chars are rejected.
    if (!(c >= 9 && c <= 13) && !(c >= 28 && c <= 31)) mark(c, SPECIAL);
  }
  mark(127, SPECIAL);
  return table;
})();

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

/** Sets `out` and returns true when a closing delimiter of `kind` starts at `i`. */
function closeAt(text: string, i: number, kind: 'expression' | 'statement', out: TagClose): boolean {
  const c = text.charCodeAt(i);
  let length = 0;
  let mark = 0;
  if (kind === 'expression') {
    if (c === RBRACE) {
      if (text.charCodeAt(i + 1) === RBRACE) length = 2;
    } else if (c === MINUS && text.charCodeAt(i + 1) === RBRACE && text.charCodeAt(i + 2) === RBRACE) {
      length = 3;
      mark = MINUS;
    }
  } else if (c === PERCENT) {
    if (text.charCodeAt(i + 1) === RBRACE) length = 2;
  } else if ((c === MINUS || c === PLUS) && text.charCodeAt(i + 1) === PERCENT && text.charCodeAt(i + 2) === RBRACE) {
    length = 3;
    mark = c;
  }
  if (length === 0) return false;
  setClose(out, i, i + length, mark);
  return true;
}

/** Records in `out` a closing delimiter (with its `-`/`+` mark, 0 for none) found without a problem. */
function setClose(out: TagClose, innerEnd: number, end: number, mark: number): void {
  out.innerEnd = innerEnd;
  out.end = end;
  out.trimRight = mark === MINUS;
  out.keepRight = mark === PLUS;
  out.problem = undefined;
}

/** Offsets of open brackets; shared because scanning is synchronous and never re-entered. */
const openBrackets: number[] = [];

/**
 * Finds the end of an expression or statement whose inner text starts at `from`, into `out`.
 * Returns false when the tag is never closed. When Jinja2 would reject the tag but a closing
 * delimiter exists outside strings, returns true with `out.problem` set, so that one typo does
 * not swallow the rest of the file.
 *
 * @example
 * const out = newTagClose();
 * findTagClose('{{ "}}" }}', 2, 'expression', new StringFinder('{{ "}}" }}'), out); // => true
 * out.end; // => 10
 */
export function findTagClose(
  text: string,
  from: number,
  kind: 'expression' | 'statement',
  strings: StringFinder,
  out: TagClose,
): boolean {
  const n = text.length;
  let depth = 0;
  let problem: { offset: number; message: string } | undefined;
  let i = from;
  scan: while (i < n) {
    const c = text.charCodeAt(i);
    const cls = c < 128 ? (CHAR_CLASS[c] as number) : 0;
    if (cls === 0) {
      i++;
      continue;
    }
    if (depth === 0 && cls & MAY_CLOSE && closeAt(text, i, kind, out)) return true;
    if (cls & SPECIAL) {
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
          openBrackets[depth++] = i;
          break;
        case RPAREN:
        case RBRACKET:
        case RBRACE: {
          const expected = depth === 0 ? undefined : closerOf(text.charCodeAt(openBrackets[--depth] as number));
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
        case BANG:
          if (text.charCodeAt(i + 1) === EQUALS) break;
        // falls through: a lone `!` is no Jinja2 token
        default:
          problem = { offset: i, message: `unexpected char ${JSON.stringify(String.fromCharCode(c))}` };
          break scan;
      }
    }
    i++;
  }
  problem ??=
    depth === 0
      ? { offset: from, message: 'no closing delimiter outside brackets' }
      : { offset: openBrackets[0] as number, message: `unclosed '${text.charAt(openBrackets[0] as number)}'` };
  // Jinja2 fails here; recover at the first closing delimiter outside terminated strings.
  if (!findCloseIgnoringBrackets(text, from, kind, strings, out)) return false;
  out.problem = problem;
  return true;
}

function closerOf(opener: number): number {
  return opener === LPAREN ? RPAREN : opener === LBRACKET ? RBRACKET : RBRACE;
}

function findCloseIgnoringBrackets(
  text: string,
  from: number,
  kind: 'expression' | 'statement',
  strings: StringFinder,
  out: TagClose,
): boolean {
  const n = text.length;
  for (let i = from; i < n; i++) {
    if (closeAt(text, i, kind, out)) return true;
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === DQUOTE) {
      const end = strings.end(i);
      if (end >= 0) i = end - 1;
    }
  }
  return false;
}

/**
 * Finds the end of a comment whose inner text starts at `from`, into `out`: the first `#}`
 * (Jinja2 does not look at quotes inside comments), with `-#}` / `+#}` marks.
 *
 * @example
 * const out = newTagClose();
 * findCommentClose('{# a -#}', 2, out); // => true
 * out.trimRight; // => true
 */
export function findCommentClose(text: string, from: number, out: TagClose): boolean {
  const at = text.indexOf('#}', from);
  if (at < 0) return false;
  const mark = at > from ? text.charCodeAt(at - 1) : 0;
  const marked = mark === MINUS || mark === PLUS;
  setClose(out, marked ? at - 1 : at, at + 2, mark);
  return true;
}
