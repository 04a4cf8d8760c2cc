/**
 * A line break as it appears in the file.
 *
 * @example
 * const eol: LineEnding = doc.eol; // '\r\n' for a Windows-edited file
 */
export type LineEnding = '\n' | '\r\n' | '\r';

/**
 * The line ending used most often in `text` (ties go to the one seen first); `'\n'` when the
 * text has no line break at all. New lines written by edits use it, so a CRLF file stays CRLF.
 *
 * @example
 * dominantLineEnding('a\r\nb\r\nc\n'); // => '\r\n'
 */
export function dominantLineEnding(text: string): LineEnding {
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  let first: LineEnding | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lf++;
      first ??= '\n';
    } else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++;
        first ??= '\r\n';
        i++;
      } else {
        cr++;
        first ??= '\r';
      }
    }
  }
  const best = Math.max(lf, crlf, cr);
  if (best === 0 || first === undefined) return '\n';
  const counts: Record<LineEnding, number> = { '\n': lf, '\r\n': crlf, '\r': cr };
  if (counts[first] === best) return first;
  return lf === best ? '\n' : crlf === best ? '\r\n' : '\r';
}
