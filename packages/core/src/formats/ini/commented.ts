import { enclosingBlocks } from '../../jinja/query.js';
import type { IniDocument } from './document.js';
import type { IniCommentedEntry } from './model.js';

/**
 * A commented-out entry: one key token (letters, digits, `_ . - { } % ( ) $ @ /`, Jinja
 * braces included), then `=`, or `:` followed by a blank or the end. So `# compose_dir =`
 * and `#    fedora_stable_master_repomd = http://…` match, while prose (`# Where to …`) and
 * URLs (`# https://…`) do not.
 */
const COMMENTED_ENTRY = /^[ \t]*([A-Za-z0-9_.\-{}%()$@/]+)[ \t]*(=|:(?=[ \t]|$))[ \t]*(.*)$/;

/**
 * The comment lines of `doc` that read like entries, with the section they are in.
 *
 * @example
 * // '# container.destination_registry = registry.example.org'
 * findCommentedEntries(doc)[0]; // => { key: 'container.destination_registry', separator: '=', value: 'registry.example.org', … }
 */
export function findCommentedEntries(doc: IniDocument): IniCommentedEntry[] {
  const out: IniCommentedEntry[] = [];
  let section: string | null = null;
  for (const node of doc.nodes) {
    if (node.kind === 'section') section = node.name;
    if (node.kind !== 'comment') continue;
    const m = COMMENTED_ENTRY.exec(node.body);
    if (m === null) continue;
    out.push({
      comment: node,
      key: m[1] as string,
      separator: m[2] === '=' ? '=' : ':',
      value: (m[3] as string).trimEnd(),
      section,
      jinja: enclosingBlocks(doc.jinja, node.start),
    });
  }
  return out;
}
