/**
 * Wrapping a commit message body for a mail: prose paragraphs and list items are refilled to
 * a width; anything that looks laid out by hand (indented lines, code fences, trailers such as
 * `Signed-off-by:`) is kept exactly; words longer than the width (URLs) are never broken.
 */

const LIST_ITEM = /^(\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+)/;
const TRAILER = /^[A-Za-z0-9][A-Za-z0-9-]*: \S/;

function fill(words: readonly string[], width: number, firstPrefix: string, restPrefix: string): string[] {
  const lines: string[] = [];
  let line = firstPrefix;
  let lineHasWord = false;
  for (const word of words) {
    if (lineHasWord && line.length + 1 + word.length > width) {
      lines.push(line);
      line = restPrefix + word;
    } else {
      line = lineHasWord ? `${line} ${word}` : line + word;
    }
    lineHasWord = true;
  }
  if (lineHasWord) lines.push(line);
  return lines;
}

function isVerbatimBlock(lines: readonly string[]): boolean {
  return lines.every((l) => TRAILER.test(l)) || lines.some((l) => (/^[ \t]/.test(l) && !LIST_ITEM.test(l)) || l.startsWith('```'));
}

function wrapBlock(lines: readonly string[], width: number): string[] {
  if (isVerbatimBlock(lines)) return [...lines];
  const out: string[] = [];
  let words: string[] = [];
  let marker = '';
  const flush = () => {
    if (words.length > 0) out.push(...fill(words, width, marker, ' '.repeat(marker.length)));
    words = [];
    marker = '';
  };
  for (const line of lines) {
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      marker = item[1] as string;
      words = line.slice(marker.length).split(/\s+/).filter(Boolean);
      marker = marker.trimEnd() + ' ';
    } else {
      words.push(...line.split(/\s+/).filter(Boolean));
    }
  }
  flush();
  return out;
}

/**
 * Refills `text` to lines of at most `width` columns (72 by default, git's convention),
 * paragraph by paragraph. Blank lines between paragraphs are kept (runs of them become one);
 * list items (`- `, `* `, `1. `) get a hanging indent; indented blocks, fenced code and
 * trailer blocks are left untouched. Line endings become `\n`; no trailing newline.
 *
 * @example
 * wrapBody('Move every flatpak remote to the new registry because the old one is retired soon.', 40);
 * // => 'Move every flatpak remote to the new\nregistry because the old one is retired\nsoon.'
 */
export function wrapBody(text: string, width = 72): string {
  const blocks: string[][] = [];
  let current: string[] = [];
  let inFence = false;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/[ \t]+$/, '');
    if (line.startsWith('```')) inFence = !inFence;
    if (line === '' && !inFence) {
      if (current.length > 0) blocks.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks.map((b) => wrapBlock(b, width).join('\n')).join('\n\n');
}
