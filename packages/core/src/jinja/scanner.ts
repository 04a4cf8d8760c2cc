import { buildBlocks } from './blocks.js';
import { ScanProblems } from './problems.js';
import { findCommentClose, findTagClose, newTagClose, StringFinder, type TagClose } from './tag-lexer.js';
import type { JinjaScan, JinjaTagKind, JinjaToken } from './types.js';

const LBRACE = 123;
const PERCENT = 37;
const HASH = 35;
const MINUS = 45;
const PLUS = 43;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

/** Python's `\s` (Jinja2's regexes use it): JS `\s` minus U+FEFF, plus U+001C–U+001F and U+0085. */
const PY_SPACE = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** `{% raw %}` with Jinja2's whitespace control (`{%- raw -%}`; a `+%}` end does not start raw). */
const RAW_BEGIN = new RegExp(`\\{%[-+]?${PY_SPACE}*raw${PY_SPACE}*-?%\\}`, 'y');
/** `{% endraw %}`: the first one ends the raw body, whatever comes before it. */
const RAW_END = new RegExp(`\\{%[-+]?${PY_SPACE}*endraw${PY_SPACE}*[-+]?%\\}`, 'g');

const OPENER_TEXT: Record<JinjaTagKind, string> = { expression: '{{', statement: '{%', comment: '{#' };

/**
 * Scans a Jinja2 template into tokens that tile it exactly, plus its block structure and errors.
 * Follows Jinja2's own lexer (default delimiters): closing delimiters inside string literals or
 * open brackets do not end a tag, `{% raw %}` bodies are opaque, comments end at the first `#}`.
 * Never throws; problems are {@link JinjaScan.errors}.
 *
 * Cost: a text without `{` is one `indexOf`; otherwise linear in the text length.
 *
 * @example
 * const scan = scanJinja('image: "{{ registry }}/app:latest"\n');
 * scan.tokens.map((t) => t.kind); // => ['text', 'expression', 'text']
 * scan.tokens[1]?.inner; // => 'registry'
 */
export function scanJinja(text: string): JinjaScan {
  const n = text.length;
  const tokens: JinjaToken[] = [];
  let problems: ScanProblems | undefined;
  const report = (): ScanProblems => (problems ??= new ScanProblems(text));
  let strings: StringFinder | undefined;
  let hasJinja = false;
  const rawOpens = new Set<JinjaToken>();
  const close = newTagClose();

  /** Start of text not yet emitted as a token. */
  let pending = 0;
  let i = 0;
  while (i < n) {
    const brace = text.indexOf('{', i);
    if (brace < 0 || brace + 1 >= n) break;
    const next = text.charCodeAt(brace + 1);
    const kind: JinjaTagKind | undefined =
      next === LBRACE ? 'expression' : next === PERCENT ? 'statement' : next === HASH ? 'comment' : undefined;
    if (kind === undefined) {
      i = brace + 1;
      continue;
    }
    hasJinja = true;

    if (kind === 'statement' && mayOpenRaw(text, brace)) {
      RAW_BEGIN.lastIndex = brace;
      if (RAW_BEGIN.test(text)) {
        const openEnd = RAW_BEGIN.lastIndex;
        pushText(tokens, pending, brace);
        const open = makeTag(text, 'statement', brace, closeBefore(text, openEnd, close));
        tokens.push(open);
        rawOpens.add(open);
        RAW_END.lastIndex = openEnd;
        const endMatch = RAW_END.exec(text);
        if (!endMatch) {
          // The block builder reports the raw block as never closed.
          pushRaw(tokens, openEnd, n);
          pending = n;
          break;
        }
        pushRaw(tokens, openEnd, endMatch.index);
        const closeEnd = endMatch.index + endMatch[0].length;
        tokens.push(makeTag(text, 'statement', endMatch.index, closeBefore(text, closeEnd, close)));
        pending = closeEnd;
        i = closeEnd;
        continue;
      }
    }

    const innerStart = innerStartOf(text, brace);
    const closed =
      kind === 'comment'
        ? findCommentClose(text, innerStart, close)
        : findTagClose(text, innerStart, kind, (strings ??= new StringFinder(text)), close);
    if (!closed) {
      report().add('JINJA_UNTERMINATED', `${OPENER_TEXT[kind]} is never closed`, brace);
      break;
    }
    if (close.problem) {
      report().add(
        'JINJA_SYNTAX',
        `${close.problem.message} in ${OPENER_TEXT[kind]} … ${closingText(kind)}`,
        close.problem.offset,
      );
    }
    pushText(tokens, pending, brace);
    tokens.push(makeTag(text, kind, brace, close));
    const end = close.end;
    pending = end;
    i = end;
  }
  pushText(tokens, pending, n);

  const blocks = hasJinja ? buildBlocks(tokens, report(), n, rawOpens) : [];
  const errors = problems ? problems.diagnostics : [];
  if (errors.length > 1) {
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  }
  return { tokens, blocks, errors, hasJinja };
}

function closingText(kind: JinjaTagKind): string {
  return kind === 'expression' ? '}}' : kind === 'statement' ? '%}' : '#}';
}

/** Fills `out` for a tag whose delimiter ends at `end` (already matched by a regex). */
function closeBefore(text: string, end: number, out: TagClose): TagClose {
  const mark = text.charCodeAt(end - 3);
  const marked = mark === MINUS || mark === PLUS;
  out.innerEnd = marked ? end - 3 : end - 2;
  out.end = end;
  out.trimRight = mark === MINUS;
  out.keepRight = mark === PLUS;
  out.problem = undefined;
  return out;
}

/** Cheap pre-check before the raw regex: `{%`, a mark, blanks, then `r` (or a non-ASCII char: let the regex decide). */
function mayOpenRaw(text: string, brace: number): boolean {
  let p = innerStartOf(text, brace);
  let c = text.charCodeAt(p);
  while (c === SPACE || (c >= 9 && c <= 13) || (c >= 28 && c <= 31)) c = text.charCodeAt(++p);
  return c === 114 /* r */ || c > 127;
}

function pushText(tokens: JinjaToken[], start: number, end: number): void {
  if (end > start) tokens.push({ kind: 'text', start, end });
}

function pushRaw(tokens: JinjaToken[], start: number, end: number): void {
  if (end > start) tokens.push({ kind: 'raw', start, end });
}

/** Offset after the opening delimiter and its `-`/`+` mark. */
function innerStartOf(text: string, start: number): number {
  const sign = text.charCodeAt(start + 2);
  return sign === MINUS || sign === PLUS ? start + 3 : start + 2;
}

function makeTag(text: string, kind: JinjaTagKind, start: number, close: TagClose): JinjaToken {
  const sign = text.charCodeAt(start + 2);
  const inner = trimmedSlice(text, innerStartOf(text, start), close.innerEnd);
  // One literal per shape keeps V8's hidden classes stable on this hot path.
  if (kind === 'statement') {
    return {
      kind,
      start,
      end: close.end,
      inner,
      keyword: leadingName(inner),
      trimLeft: sign === MINUS,
      trimRight: close.trimRight,
      keepLeft: sign === PLUS,
      keepRight: close.keepRight,
      ownLine: isOwnLine(text, start, close.end),
    };
  }
  return {
    kind,
    start,
    end: close.end,
    inner,
    trimLeft: sign === MINUS,
    trimRight: close.trimRight,
    keepLeft: sign === PLUS,
    keepRight: close.keepRight,
    ownLine: isOwnLine(text, start, close.end),
  };
}

/** `text.slice(start, end).trim()` with one allocation instead of two. */
function trimmedSlice(text: string, start: number, end: number): string {
  while (start < end && isTrimmable(text.charCodeAt(start))) start++;
  while (end > start && isTrimmable(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** The whitespace String.prototype.trim removes, ASCII fast path first. */
function isTrimmable(c: number): boolean {
  if (c === SPACE || (c >= 9 && c <= 13)) return true;
  if (c < 128) return false;
  return String.fromCharCode(c).trim() === '';
}

/** The first identifier of a statement (`if`, `endfor`, …), or `''`. */
function leadingName(inner: string): string {
  let end = 0;
  while (end < inner.length) {
    const c = inner.charCodeAt(end);
    const isWord =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (end > 0 && c >= 48 && c <= 57);
    if (!isWord) break;
    end++;
  }
  return inner.slice(0, end);
}

/**
 * True when only spaces/tabs separate [start, end) from the line breaks (or text edges) around it.
 * Each blank run is walked by at most the tag before and the tag after it, so this stays linear.
 */
function isOwnLine(text: string, start: number, end: number): boolean {
  for (let p = start - 1; p >= 0; p--) {
    const c = text.charCodeAt(p);
    if (c === LF || c === CR) break;
    if (c !== SPACE && c !== TAB) return false;
  }
  for (let p = end; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === LF || c === CR) break;
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}
