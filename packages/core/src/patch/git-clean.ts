/**
 * What `git add` stores for a working-tree file under `.gitattributes`: a file git treats as
 * text (`text`, `text=auto`, or any `eol=`) is stored with LF line endings, whatever the working
 * tree has (`eol=crlf` checks it out with CRLF). A patch must be made of the stored form, or
 * `git am` finds neither its context nor its blob ids.
 */
import type { FileChange } from './types.js';

/**
 * The line-ending attributes of one path, as `git check-attr text eol` reports them.
 *
 * @example
 * const attrs: EolAttributes = { text: 'set', eol: 'crlf' };
 */
export interface EolAttributes {
  text: string;
  eol: string;
}

function isText(attrs: EolAttributes | undefined, bytes: Uint8Array): boolean {
  if (!attrs || attrs.text === 'unset') return false;
  if (attrs.text === 'set' || attrs.eol === 'crlf' || attrs.eol === 'lf') return attrs.text !== 'auto' || !bytes.includes(0);
  // text=auto: git's heuristic, a file with no NUL is text.
  return attrs.text === 'auto' && !bytes.includes(0);
}

function toLf(bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes);
  if (!b.includes(13)) return b;
  return Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

/**
 * Each change as git would store it: CRLF turned into LF in the files `attributes` make text.
 *
 * @example
 * cleanForGit([{ path: 'a.j2', before: Buffer.from('x\r\n'), after: Buffer.from('y\r\n') }], new Map([['a.j2', { text: 'set', eol: 'crlf' }]]));
 * // => [{ path: 'a.j2', before: <'x\n'>, after: <'y\n'> }]
 */
export function cleanForGit(changes: readonly FileChange[], attributes: ReadonlyMap<string, EolAttributes>): FileChange[] {
  return changes.map((c) => {
    const attrs = attributes.get(c.path);
    const sample = c.after ?? c.before ?? new Uint8Array();
    if (!isText(attrs, sample)) return c;
    return { ...c, before: c.before === null ? null : toLf(c.before), after: c.after === null ? null : toLf(c.after) };
  });
}
