/**
 * Jinja expressions as tokens (after Jinja2's lexer inside a tag): names, strings, numbers,
 * operators and white space, each with offsets into the text, so a variable can be found and
 * renamed as a name — never inside a string, an attribute (`x.foo`), a longer name (`foo_bar`),
 * a filter or test name, or a keyword argument.
 */

/** The kinds of expression token. */
export type ExpressionTokenKind = 'name' | 'string' | 'number' | 'operator' | 'space' | 'error';

/**
 * One token of a Jinja expression.
 *
 * @example
 * tokenizeExpression("foo | default('x')")[0]; // => { kind: 'name', start: 0, end: 3, text: 'foo' }
 */
export interface ExpressionToken {
  kind: ExpressionTokenKind;
  start: number;
  end: number;
  text: string;
}

const OPERATORS = ['**', '//', '==', '!=', '>=', '<=', '+', '-', '*', '/', '%', '~', '<', '>', '=', '(', ')', '[', ']', '{', '}', ',', '.', ':', '|'];

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Splits the Jinja expression `text.slice(start, end)` into tokens with offsets into `text`.
 * An unterminated string or a character Jinja rejects is an `error` token (to the end, or one
 * character), so callers can refuse to edit what they cannot read.
 *
 * @example
 * tokenizeExpression('x.foo + foo_bar').filter((t) => t.kind === 'name').map((t) => t.text); // => ['x', 'foo', 'foo_bar']
 */
export function tokenizeExpression(text: string, start = 0, end = text.length): ExpressionToken[] {
  const out: ExpressionToken[] = [];
  let i = start;
  const push = (kind: ExpressionTokenKind, to: number): void => {
    out.push({ kind, start: i, end: to, text: text.slice(i, to) });
    i = to;
  };
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      let j = i + 1;
      while (j < end && /\s/.test(text[j] as string)) j++;
      push('space', j);
    } else if (isNameStart(c)) {
      let j = i + 1;
      while (j < end && isNameChar(text.charCodeAt(j))) j++;
      push('name', j);
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)) && out[out.length - 1]?.text !== '.')) {
      let j = i + 1;
      while (j < end && (isNameChar(text.charCodeAt(j)) || (text[j] === '.' && isDigit(text.charCodeAt(j + 1))))) j++;
      push('number', j);
    } else if (c === 39 || c === 34) {
      let j = i + 1;
      while (j < end && text.charCodeAt(j) !== c) j += text.charCodeAt(j) === 92 ? 2 : 1;
      push(j < end ? 'string' : 'error', Math.min(j + 1, end));
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i) && i + o.length <= end);
      push(op ? 'operator' : 'error', i + (op?.length ?? 1));
    }
  }
  return out;
}

/** Words that are Jinja operators or literals, never variables. */
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'true', 'false', 'none', 'True', 'False', 'None', 'recursive']);

/**
 * The name tokens of an expression that refer to variables: not attributes (`x.foo`), not
 * filter names (`| foo`), not test names (`is foo`, `is not foo`), not keyword arguments
 * (`f(foo=1)`), not keywords or literals. A statement's own keyword (`for`, `set`…) is left to
 * the caller (pass the tokens after it).
 *
 * @example
 * variableNames(tokenizeExpression("foo | default(bar) if x.foo is defined else 'foo'")).map((t) => t.text); // => ['foo', 'bar', 'x']
 */
export function variableNames(tokens: readonly ExpressionToken[]): ExpressionToken[] {
  const out: ExpressionToken[] = [];
  const significant = tokens.filter((t) => t.kind !== 'space');
  let depth = 0;
  const parens: boolean[] = [];
  for (let k = 0; k < significant.length; k++) {
    const t = significant[k] as ExpressionToken;
    if (t.kind === 'operator') {
      if (t.text === '(' || t.text === '[' || t.text === '{') {
        parens.push(t.text === '(');
        depth++;
      } else if (t.text === ')' || t.text === ']' || t.text === '}') {
        parens.pop();
        depth = Math.max(0, depth - 1);
      }
      continue;
    }
    if (t.kind !== 'name' || KEYWORDS.has(t.text)) continue;
    const prev = significant[k - 1];
    const prev2 = significant[k - 2];
    const next = significant[k + 1];
    if (prev?.text === '.' || prev?.text === '|') continue;
    if (prev?.text === 'is' || (prev?.text === 'not' && prev2?.text === 'is')) continue;
    if (next?.text === '=' && parens[parens.length - 1] === true) continue;
    out.push(t);
  }
  return out;
}
