/**
 * Mail header encoding exactly as `git format-patch` does it (git's pretty.c and utf8.c):
 * RFC 2047 "Q" encoded words for non-ASCII text, RFC 822 quoting for names with specials,
 * and folding of long ASCII headers at 78 columns. `git mailinfo` (inside `git am`) decodes
 * and unfolds all of these back to the original text.
 */

/**
 * Where an encoded word stands; an address phrase allows fewer literal characters.
 *
 * @example
 * encodeRfc2047('A.B', 0, 'address'); // => '=?UTF-8?q?A=2EB?=' ('.' is literal in a subject)
 */
export type Rfc2047Context = 'subject' | 'address';

/** Git's header line budget (RFC 2822 recommends 78). */
const HEADER_WIDTH = 78;
/** RFC 2047's limit for an encoded-word line. */
const ENCODED_WIDTH = 76;

const utf8 = new TextEncoder();

/**
 * True when git would RFC 2047-encode this header text: it has a non-ASCII character, an
 * ESC, a newline, or something that looks like the start of an encoded word (`=?`).
 *
 * @example
 * needsRfc2047('Jörg'); // => true
 * needsRfc2047('Jane Doe'); // => false
 */
export function needsRfc2047(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || c === 0x1b || c === 0x0a) return true;
    if (c === 0x3d && text.charCodeAt(i + 1) === 0x3f) return true;
  }
  return false;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Git's `is_rfc2047_special` for one ASCII byte. */
function isRfc2047Special(c: number, context: Rfc2047Context): boolean {
  if (c > 0x7e || c < 0x20 || c === 0x1b) return true;
  if (c === 0x20 || c === 0x3d || c === 0x3f || c === 0x5f) return true;
  if (context !== 'address') return false;
  return !(isAlnum(c) || c === 0x21 || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2f);
}

function hexByte(b: number): string {
  return `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Encodes `text` as RFC 2047 `=?UTF-8?q?…?=` words the way git's `add_rfc2047` does: every
 * special byte (including space) as `=XX`, multi-byte characters never split across words, and
 * a fold (`?=\n =?UTF-8?q?`) before a word would pass 76 columns. `column` is the length of
 * the header line already written (e.g. `"Subject: [PATCH] ".length`).
 *
 * @example
 * encodeRfc2047('Jörg', 'From: '.length, 'address'); // => '=?UTF-8?q?J=C3=B6rg?='
 */
export function encodeRfc2047(text: string, column: number, context: Rfc2047Context): string {
  const open = '=?UTF-8?q?';
  const parts: string[] = [open];
  let lineLength = column + open.length;
  for (const ch of text) {
    const bytes = utf8.encode(ch);
    const first = bytes[0] as number;
    const special = bytes.length > 1 || isRfc2047Special(first, context);
    const encoded = special ? Array.from(bytes, hexByte).join('') : ch;
    if (lineLength + encoded.length + 2 > ENCODED_WIDTH) {
      parts.push(`?=\n ${open}`);
      lineLength = open.length + 1;
    }
    parts.push(encoded);
    lineLength += encoded.length;
  }
  parts.push('?=');
  return parts.join('');
}

const RFC822_SPECIALS = new Set('()<>@,;:\\".[]');

/**
 * True when a display name must be quoted in an address header (it holds an RFC 822 special).
 *
 * @example
 * needsRfc822Quoting('A. U. Thor'); // => true
 */
export function needsRfc822Quoting(name: string): boolean {
  for (const ch of name) if (RFC822_SPECIALS.has(ch)) return true;
  return false;
}

/**
 * Quotes a display name: `"…"` with `"` and `\` escaped by a backslash.
 *
 * @example
 * quoteRfc822('A. "Al" Thor'); // => '"A. \\"Al\\" Thor"'
 */
export function quoteRfc822(name: string): string {
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Folds ASCII header text at whitespace the way git's `strbuf_add_wrapped_text` does:
 * lines up to `width` columns, continuation lines indented by `indent` spaces. `column` is the
 * length of the line already written before `text`.
 *
 * @example
 * foldHeaderText('a short subject', 'Subject: [PATCH] '.length); // => 'a short subject'
 */
export function foldHeaderText(text: string, column: number, indent = 1, width = HEADER_WIDTH): string {
  // A direct port of git's loop: `w` counts columns on the current line, `space` is where the
  // last gap started (or the text start while continuing an already-written first line).
  const out: string[] = [];
  let bol = 0;
  let w = column;
  // git passes the already-written column as a negative first indent; only then does the
  // first line continue the text start instead of beginning with an indent.
  let space: number | null = column > 0 ? 0 : null;
  let lineIndent = 0;
  let i = 0;
  for (;;) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const isSpace = c === 0x20 || (c >= 0x09 && c <= 0x0d);
    if (c === 0 || isSpace) {
      if (w <= width || space === null) {
        let start = bol;
        if (c === 0 && i === start) return out.join('');
        if (space !== null) start = space;
        else out.push(' '.repeat(lineIndent));
        out.push(text.slice(start, i));
        if (c === 0) return out.join('');
        space = i;
        if (c === 0x09) w |= 0x07;
        w++;
        i++;
      } else {
        out.push('\n');
        const sp = text.charCodeAt(space);
        const spIsSpace = sp === 0x20 || (sp >= 0x09 && sp <= 0x0d);
        i = bol = space + (spIsSpace ? 1 : 0);
        space = null;
        w = lineIndent = indent;
      }
      continue;
    }
    w++;
    i++;
  }
}

/**
 * The `From:` header line (with its newline) exactly as `git format-patch` writes it.
 *
 * @example
 * formatFromHeader({ name: 'Jörg Doe', email: 'j@example.org' });
 * // => 'From: =?UTF-8?q?J=C3=B6rg=20Doe?= <j@example.org>\n'
 */
export function formatFromHeader(person: { name: string; email: string }): string {
  const head = 'From: ';
  let maxLength = HEADER_WIDTH;
  let name: string;
  if (needsRfc2047(person.name)) {
    name = encodeRfc2047(person.name, head.length, 'address');
    maxLength = ENCODED_WIDTH;
  } else if (needsRfc822Quoting(person.name)) {
    name = foldHeaderText(quoteRfc822(person.name), head.length);
  } else {
    name = foldHeaderText(person.name, head.length);
  }
  const sofar = head + name;
  const lastLine = sofar.length - (sofar.lastIndexOf('\n') + 1);
  const fold = maxLength < lastLine + 2 + utf8.encode(person.email).length + 1 ? '\n' : '';
  return `${sofar}${fold} <${person.email}>\n`;
}

/**
 * The `Subject:` header line (with its newline): the prefix (`[PATCH]`, `[PATCH 2/3]`), then
 * the subject encoded or folded as git does.
 *
 * @example
 * formatSubjectHeader('[PATCH]', 'Move flatpak registries'); // => 'Subject: [PATCH] Move flatpak registries\n'
 */
export function formatSubjectHeader(prefix: string, subject: string): string {
  const head = `Subject: ${prefix} `;
  const body = needsRfc2047(subject)
    ? encodeRfc2047(subject, head.length, 'subject')
    : foldHeaderText(subject, head.length);
  return `${head}${body}\n`;
}
