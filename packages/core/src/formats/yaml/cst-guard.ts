import type { CST } from 'yaml';

/**
 * A second, offset-based lossless check for when `CST.stringify` does not give the text back.
 *
 * The `yaml` parser (2.9) drops tokens in a few layouts after a key without a value at the end of
 * a document — `a:\n\n---\n` stringifies to `a:\n---\n`, and `a:\n  \n# c\n---` loses the
 * comment — while every token it does keep carries its correct offset. Offsets are what the model
 * uses, so the CST is still trustworthy when every token's source is the text at its offset,
 * tokens come in order without overlapping, and the characters no token holds are only blanks,
 * line breaks and comments. Returns the offset of the first character that breaks this, or
 * undefined when the CST is sound.
 *
 * @example
 * const text = 'a:\n\n---\nb: 1\n';
 * unheldContent([...new Parser().parse(text)], text); // => undefined
 */
export function unheldContent(tokens: readonly CST.Token[], text: string): number | undefined {
  let pos = 0;
  let bad: number | undefined;
  const take = (offset: number, source: string): void => {
    if (bad !== undefined) return;
    if (offset < pos || text.slice(offset, offset + source.length) !== source || !onlyBlanks(text, pos, offset)) {
      bad = Math.min(pos, offset);
      return;
    }
    pos = offset + source.length;
  };
  const token = (t: CST.Token | null | undefined): void => {
    if (!t || bad !== undefined) return;
    switch (t.type) {
      case 'document':
        list(t.start);
        token(t.value);
        list(t.end);
        return;
      case 'doc-end':
        take(t.offset, t.source);
        list(t.end);
        return;
      case 'block-scalar': {
        list(t.props);
        const last = t.props[t.props.length - 1];
        take(last ? last.offset + ('source' in last ? last.source.length : 0) : t.offset, t.source);
        return;
      }
      case 'block-map':
      case 'block-seq':
        for (const item of t.items) collectionItem(item);
        return;
      case 'flow-collection':
        token(t.start);
        for (const item of t.items) collectionItem(item);
        list(t.end);
        return;
      case 'alias':
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        take(t.offset, t.source);
        list(t.end);
        return;
      default:
        take(t.offset, t.source);
    }
  };
  const list = (ts: readonly CST.Token[] | undefined): void => {
    if (ts) for (const t of ts) token(t);
  };
  const collectionItem = (item: CST.CollectionItem): void => {
    list(item.start);
    token(item.key);
    list(item.sep);
    token(item.value);
  };
  for (const t of tokens) token(t);
  if (bad === undefined && !onlyBlanks(text, pos, text.length)) bad = pos;
  return bad;
}

/** Whether [from, to) holds only blanks, line breaks and `#` comments (nothing YAML reads). */
function onlyBlanks(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 35) {
      const before = i === 0 ? 10 : text.charCodeAt(i - 1);
      if (before !== 32 && before !== 9 && before !== 10 && before !== 13) return false;
      while (i + 1 < to && text.charCodeAt(i + 1) !== 10 && text.charCodeAt(i + 1) !== 13) i++;
      continue;
    }
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}
