import { scanJinja } from '../../jinja/index.js';
import type { TextEdit } from '../../text/edit.js';
import type { JsonMember, JsonValue } from './model.js';

/**
 * Escapes `s` for the inside of a JSON string, leaving Jinja tags in it as written
 * (escaping the quotes of `{{ "a" }}` would break the template).
 *
 * @example
 * escapeJsonString('a"b{{ "c" }}'); // => 'a\\"b{{ "c" }}'
 */
export function escapeJsonString(s: string): string {
  const scan = scanJinja(s);
  if (!scan.hasJinja) return JSON.stringify(s).slice(1, -1);
  const parts: string[] = [];
  for (const t of scan.tokens) {
    const piece = s.slice(t.start, t.end);
    parts.push(t.kind === 'text' || t.kind === 'raw' ? JSON.stringify(piece).slice(1, -1) : piece);
  }
  return parts.join('');
}

/**
 * An edit renaming a member's key (the new key JSON-escaped, Jinja kept as written).
 *
 * @example
 * const m = doc.get(['auths']) // object member 'candidate-registry.example.org'
 * renameKeyEdit(member, 'quay.io'); // => { start, end, text: '"quay.io"' }
 */
export function renameKeyEdit(member: JsonMember, newKey: string, reason?: string): TextEdit {
  const edit: TextEdit = { start: member.keySpan.start, end: member.keySpan.end, text: `"${escapeJsonString(newKey)}"` };
  if (reason !== undefined) edit.reason = reason;
  return edit;
}

/**
 * An edit setting a value to the string `s`: inside the quotes of a string value (so only the
 * content changes), or replacing any other value with a quoted string.
 *
 * @example
 * setStringEdit(doc.get(['auths', 'r', 'email'])!, 'ops@example.org');
 */
export function setStringEdit(value: JsonValue, s: string, reason?: string): TextEdit {
  const escaped = escapeJsonString(s);
  const edit: TextEdit =
    value.kind === 'string'
      ? { start: value.span.start + 1, end: value.span.end - 1, text: escaped }
      : { start: value.span.start, end: value.span.end, text: `"${escaped}"` };
  if (reason !== undefined) edit.reason = reason;
  return edit;
}
