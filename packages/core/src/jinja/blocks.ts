import type { JinjaBlock, JinjaToken } from './types.js';
import type { ScanProblems } from './problems.js';

/** Statements that open a block closed by `end<keyword>`. `set` only without `=` (block set). */
const BLOCK_KEYWORDS: ReadonlySet<string> = new Set([
  'if',
  'for',
  'macro',
  'call',
  'filter',
  'set',
  'block',
  'with',
  'autoescape',
  'trans',
]);

/** Branch statements and the blocks that accept them. */
const BRANCHES: Readonly<Record<string, readonly string[]>> = {
  elif: ['if'],
  else: ['if', 'for'],
  pluralize: ['trans'],
};

/**
 * True for `{% set x %}…{% endset %}` (and `{% set x | filter %}`), false for `{% set x = 1 %}`:
 * Jinja2 parses an assignment target (names, commas, dots, parentheses) and then looks for `=`.
 *
 * @example
 * isBlockSet('set x | upper'); // => true
 * isBlockSet('set x = 1'); // => false
 */
export function isBlockSet(inner: string): boolean {
  const eq = inner.indexOf('=');
  if (eq < 0) return true;
  const pipe = inner.indexOf('|');
  return pipe >= 0 && pipe < eq;
}

/** The block keyword a statement opens, or undefined. */
function opens(token: JinjaToken, rawOpens: ReadonlySet<JinjaToken>): string | undefined {
  if (rawOpens.has(token)) return 'raw';
  const keyword = token.keyword ?? '';
  if (!BLOCK_KEYWORDS.has(keyword)) return undefined;
  if (keyword === 'set' && !isBlockSet(token.inner ?? '')) return undefined;
  return keyword;
}

function describe(keyword: string): string {
  return `{% ${keyword} %}`;
}

/**
 * Builds the block tree from statement tokens, reporting unclosed, mismatched and stray
 * end/branch tags into `problems`. Recovers like a person reading the template would: an end tag
 * that matches an outer block closes it (the inner ones are reported and abandoned); an end tag
 * that matches nothing is reported and ignored.
 *
 * @example
 * buildBlocks(scanJinja('{% if a %}{% endif %}').tokens, problems, 21, new Set())[0]?.keyword; // => 'if'
 */
export function buildBlocks(
  tokens: readonly JinjaToken[],
  problems: ScanProblems,
  textLength: number,
  /** The statements the lexer took as `{% raw %}` (a `{% raw +%}` or `{%raw"…` is not one). */
  rawOpens: ReadonlySet<JinjaToken>,
): JinjaBlock[] {
  const roots: JinjaBlock[] = [];
  const stack: JinjaBlock[] = [];
  const attach = (block: JinjaBlock): void => {
    const parent = stack[stack.length - 1];
    (parent ? parent.children : roots).push(block);
  };

  for (const token of tokens) {
    if (token.kind !== 'statement') continue;
    const keyword = token.keyword ?? '';
    const opened = opens(token, rawOpens);
    if (opened !== undefined) {
      const block: JinjaBlock = { keyword: opened, open: token, branches: [], children: [], end: textLength };
      attach(block);
      stack.push(block);
      continue;
    }
    const allowedIn = Object.hasOwn(BRANCHES, keyword) ? BRANCHES[keyword] : undefined;
    if (allowedIn) {
      branch(stack, token, keyword, allowedIn, problems);
      continue;
    }
    if (keyword.startsWith('end') && keyword.length > 3) {
      close(stack, token, keyword.slice(3), problems);
    }
  }
  for (const block of stack) {
    problems.add('JINJA_UNCLOSED_BLOCK', `${describe(block.keyword)} is never closed`, block.open.start);
  }
  return roots;
}

function branch(
  stack: JinjaBlock[],
  token: JinjaToken,
  keyword: string,
  allowedIn: readonly string[],
  problems: ScanProblems,
): void {
  const top = stack[stack.length - 1];
  if (!top || !allowedIn.includes(top.keyword)) {
    const where = top ? `inside ${describe(top.keyword)}` : 'outside any block';
    problems.add(
      'JINJA_UNEXPECTED_END',
      `${describe(keyword)} is ${where}; it belongs to ${allowedIn.map(describe).join(' or ')}`,
      token.start,
    );
    return;
  }
  // `else` and `pluralize` are the last branch of their block.
  const previous = top.branches[top.branches.length - 1]?.keyword;
  if (previous === 'else' || previous === 'pluralize') {
    problems.add(
      'JINJA_UNEXPECTED_END',
      `${describe(keyword)} after ${describe(previous)} of ${describe(top.keyword)}`,
      token.start,
    );
  }
  top.branches.push(token);
}

function close(stack: JinjaBlock[], token: JinjaToken, keyword: string, problems: ScanProblems): void {
  let depth = stack.length - 1;
  while (depth >= 0 && stack[depth]?.keyword !== keyword) depth--;
  if (depth < 0) {
    const top = stack[stack.length - 1];
    const context = top
      ? `; the innermost open block is ${describe(top.keyword)} from line ${problems.lineOf(top.open.start)}`
      : '';
    problems.add('JINJA_UNEXPECTED_END', `{% end${keyword} %} has no open ${describe(keyword)}${context}`, token.start);
    return;
  }
  while (stack.length - 1 > depth) {
    const abandoned = stack.pop() as JinjaBlock;
    abandoned.end = token.start;
    problems.add(
      'JINJA_MISMATCHED_BLOCK',
      `{% end${keyword} %} closes ${describe(abandoned.keyword)} opened at line ${problems.lineOf(abandoned.open.start)}`,
      token.start,
    );
  }
  const block = stack.pop() as JinjaBlock;
  block.close = token;
  block.end = token.end;
}
