import { scanJinja } from '../../jinja/index.js';
import type { TextEdit } from '../../text/edit.js';
import type { ConfDocument } from './document.js';
import type { ConfArg, ConfLineBase } from './model.js';

/**
 * An edit inserting `lines` before `node` (a directive, section line, comment or Jinja line),
 * each indented like it and ended with its line ending (the file's when it has none).
 * Empty strings become empty lines, without indentation.
 *
 * @example
 * const [rule] = doc.find('RewriteRule', { args: ['^/v2/(.*)'] });
 * insertBeforeEdit(doc, rule!, ['RewriteRule ^/v2/(.*) https://quay.io/v2/fedora/$1 [R,L]']);
 */
export function insertBeforeEdit(doc: ConfDocument, node: ConfLineBase, lines: readonly string[], reason?: string): TextEdit {
  const eol = node.eol || doc.eol;
  const at = node.start === 0 && doc.text.charCodeAt(0) === 0xfeff ? 1 : node.start;
  const text = lines.map((l) => (l === '' ? '' : node.indent + l) + eol).join('');
  const edit: TextEdit = { start: at, end: at, text };
  if (reason !== undefined) edit.reason = reason;
  return edit;
}

/**
 * An edit inserting `lines` after `node` (after its continuation lines), indented like it. On a
 * last line without a break, the lines are put after a new break and the file still ends without one.
 *
 * @example
 * insertAfterEdit(doc, doc.find('ProxyPreserveHost')[0]!, ['ProxyTimeout 60']);
 */
export function insertAfterEdit(doc: ConfDocument, node: ConfLineBase, lines: readonly string[], reason?: string): TextEdit {
  const body = lines.map((l) => (l === '' ? '' : node.indent + l));
  const text = node.eol === '' ? body.map((l) => doc.eol + l).join('') : body.map((l) => l + node.eol).join('');
  const edit: TextEdit = { start: node.next, end: node.next, text };
  if (reason !== undefined) edit.reason = reason;
  return edit;
}

/**
 * An edit replacing one argument. The value keeps the argument's quotes; an unquoted argument
 * gets double quotes when the value holds blanks or quotes outside Jinja tags (or is empty):
 * `{{ registry }}/v2` stays unquoted, its blanks are inside the tag.
 *
 * @example
 * setArgEdit(rule.args[1]!, 'https://quay.io/v2/fedora/$1'); // => { start, end, text: 'https://quay.io/v2/fedora/$1' }
 */
export function setArgEdit(arg: ConfArg, value: string, reason?: string): TextEdit {
  let quote = arg.quote;
  if (quote === '' && (value === '' || /[\s"']/.test(outsideJinja(value)))) quote = '"';
  const body = quote === '' ? value : value.replaceAll(quote, `\\${quote}`);
  const edit: TextEdit = { start: arg.span.start, end: arg.span.end, text: quote + body + quote };
  if (reason !== undefined) edit.reason = reason;
  return edit;
}

/**
 * An edit removing a node (its continuation lines and line break included); on a last line
 * without a break, the break before it goes instead.
 *
 * @example
 * applyEdits(doc.text, [removeNodeEdit(doc, doc.find('ProxyPreserveHost')[0]!)]);
 */
export function removeNodeEdit(doc: ConfDocument, node: ConfLineBase, reason?: string): TextEdit {
  let start = node.start === 0 && doc.text.charCodeAt(0) === 0xfeff ? 1 : node.start;
  let end = node.next;
  if (node.eol === '' && start > 0 && isBreakAt(doc.text, start - 1)) {
    start -= doc.text.charCodeAt(start - 1) === 10 && doc.text.charCodeAt(start - 2) === 13 ? 2 : 1;
    end = node.end;
  }
  const edit: TextEdit = { start, end, text: '' };
  if (reason !== undefined) edit.reason = reason;
  return edit;
}

function isBreakAt(text: string, offset: number): boolean {
  const c = text.charCodeAt(offset);
  return c === 10 || c === 13;
}

/** The text of `value` with its Jinja tags left out. */
function outsideJinja(value: string): string {
  const scan = scanJinja(value);
  if (!scan.hasJinja) return value;
  return scan.tokens
    .filter((t) => t.kind === 'text' || t.kind === 'raw')
    .map((t) => value.slice(t.start, t.end))
    .join('');
}
