import type { CST } from 'yaml';
import { enclosingBlocks } from '../../jinja/query.js';
import type { JinjaScan } from '../../jinja/types.js';
import type { JinjaTagIndex } from './jinja-context.js';
import { blockScalarLayout, decodeBlockScalar, decodeFlowScalar, type BlockScalarLayout } from './scalar-decode.js';
import type { TextRange, YamlItem, YamlNode, YamlPair, YamlPath, YamlScalarStyle } from './types.js';

/**
 * Builds the navigable model (pairs, items, roots) of a YAML stream from its CST. The CST was
 * parsed from the masked text, whose offsets equal the original's; values are decoded from the
 * original text, so Jinja reads as written.
 */

/**
 * What the model builder reads.
 *
 * @example
 * const src: ModelSource = { text, masked, tags: JinjaTagIndex.of(scan), jinja: scan, documents };
 */
export interface ModelSource {
  readonly text: string;
  readonly masked: string;
  readonly tags: JinjaTagIndex;
  readonly jinja: JinjaScan;
  readonly documents: readonly CST.Document[];
}

/**
 * Internal facts about a node that edits need (kept out of the public node).
 *
 * @example
 * model.facts.get(node)?.block?.indent; // a block scalar's content indentation
 */
export interface NodeFacts {
  readonly token?: CST.Token;
  readonly block?: BlockScalarLayout;
}

/**
 * The model of a stream.
 *
 * @example
 * const model = buildModel(source);
 * model.pairs.map((p) => p.path.join('.'));
 */
export interface YamlModel {
  readonly roots: readonly (YamlNode | undefined)[];
  readonly pairs: readonly YamlPair[];
  readonly items: readonly YamlItem[];
  readonly facts: WeakMap<YamlNode, NodeFacts>;
}

type SourceToken = CST.SourceToken;
type Props = { anchor?: string; tag?: string };

/**
 * Walks every document of the stream once.
 *
 * @example
 * buildModel({ text, masked, tags, blocks, documents }).pairs.length;
 */
export function buildModel(src: ModelSource): YamlModel {
  return new ModelBuilder(src).build();
}

class ModelBuilder {
  private readonly pairs: YamlPair[] = [];
  private readonly items: YamlItem[] = [];
  private readonly facts = new WeakMap<YamlNode, NodeFacts>();
  private doc = 0;

  constructor(private readonly src: ModelSource) {}

  build(): YamlModel {
    const roots: (YamlNode | undefined)[] = [];
    this.src.documents.forEach((d, i) => {
      this.doc = i;
      if (d.value === undefined) {
        roots.push(undefined);
        return;
      }
      const root = this.node(d.value, propsOf(d.start), false, false);
      roots.push(root);
      this.walk(d.value, []);
    });
    return { roots, pairs: this.pairs, items: this.items, facts: this.facts };
  }

  /** Records the entries of a collection token (and recursively their values). */
  private walk(token: CST.Token, path: YamlPath): void {
    switch (token.type) {
      case 'block-map':
        for (const item of token.items) this.entry(item, path, false);
        return;
      case 'block-seq':
        token.items.forEach((item, index) => this.item(item, path, index, false));
        return;
      case 'flow-collection': {
        if (token.start.type === 'flow-map-start') {
          for (const item of token.items) this.entry(item, path, true);
        } else {
          // `[a, b,]`: YAML ignores the comma after the last item; the CST keeps it as an item
          // holding only the comma (and blanks or comments), which is no entry.
          const items = token.items;
          const last = items.at(-1);
          const count = last !== undefined && isTrailingComma(last) ? items.length - 1 : items.length;
          for (let index = 0; index < count; index++) this.item(items[index] as CST.CollectionItem, path, index, true);
        }
        return;
      }
      default:
    }
  }

  private entry(item: CST.CollectionItem, path: YamlPath, inFlow: boolean): void {
    // In a flow map `{ a }` the lone scalar is a key without a value.
    const keyToken = item.key === undefined && item.sep === undefined && inFlow ? item.value : item.key;
    if (keyToken === undefined && item.sep === undefined) return;
    const sep = item.sep ?? [];
    const keyNode = keyToken
      ? this.node(keyToken, propsOf(item.start), inFlow, false)
      : this.nullNode(afterIndicator(item.start, item.start[0]?.offset ?? 0), inFlow);
    const keyText = this.src.text.slice(keyNode.range.start, keyNode.range.end);
    const valueToken = keyToken === item.value ? undefined : item.value;
    const value = valueToken
      ? this.node(valueToken, propsOf(sep), inFlow, true)
      : this.nullNode(afterIndicator(sep, keyNode.range.end), inFlow);
    const key = keyNode.kind === 'scalar' || keyNode.kind === 'block-scalar' ? (keyNode.value as string) : keyText;
    const childPath = [...path, key];
    this.pairs.push({
      doc: this.doc,
      path: childPath,
      key: keyNode,
      keyText,
      value,
      jinja: enclosingBlocks(this.src.jinja, keyNode.range.start),
    });
    if (valueToken) this.walk(valueToken, childPath);
  }

  private item(item: CST.CollectionItem, path: YamlPath, index: number, inFlow: boolean): void {
    const childPath = [...path, index];
    let value: YamlNode;
    if (item.key !== undefined || item.sep !== undefined) {
      // `[ a: b ]`: a single-pair map inside a flow sequence.
      const keyStart = item.key ? item.key.offset : afterIndicator(item.start, 0);
      const end = item.value ? this.contentEnd(item.value) : afterIndicator(item.sep ?? [], keyStart);
      value = { kind: 'map', range: { start: keyStart, end }, flow: true, inFlow, doc: this.doc };
      this.facts.set(value, {});
      this.items.push({ doc: this.doc, path: childPath, index, value, jinja: enclosingBlocks(this.src.jinja, keyStart) });
      this.entry(item, childPath, true);
      return;
    }
    const start = afterIndicator(item.start, item.start[0]?.offset ?? 0);
    value = item.value ? this.node(item.value, propsOf(item.start), inFlow, true) : this.nullNode(start, inFlow);
    this.items.push({ doc: this.doc, path: childPath, index, value, jinja: enclosingBlocks(this.src.jinja, value.range.start) });
    if (item.value) this.walk(item.value, childPath);
  }

  private nullNode(at: number, inFlow: boolean): YamlNode {
    const node: YamlNode = { kind: 'null', range: { start: at, end: at }, inFlow, doc: this.doc };
    this.facts.set(node, {});
    return node;
  }

  /** A public node for a value token. `isValue`: plain values take adjacent inline Jinja in. */
  private node(token: CST.Token, props: Props, inFlow: boolean, isValue: boolean): YamlNode {
    const { text, tags } = this.src;
    const base = { inFlow, doc: this.doc, ...props };
    let node: YamlNode;
    let facts: NodeFacts = { token };
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar': {
        const style: YamlScalarStyle = token.type === 'scalar' ? 'plain' : token.type === 'single-quoted-scalar' ? 'single' : 'double';
        let start = token.offset;
        let end = token.offset + token.source.length;
        if (style === 'plain' && isValue && tags.size > 0) ({ start, end } = this.withAdjacentTags(start, end));
        const value = decodeFlowScalar(text, start, end, style, tags);
        node = { kind: 'scalar', range: { start, end }, style, value, ...base };
        break;
      }
      case 'block-scalar': {
        const layout = this.blockLayout(token);
        const value = decodeBlockScalar(text, layout);
        node = { kind: 'block-scalar', range: { start: layout.headerStart, end: layout.contentEnd }, style: layout.style, value, ...base };
        facts = { token, block: layout };
        break;
      }
      case 'alias':
        node = { kind: 'alias', range: { start: token.offset, end: token.offset + token.source.length }, value: token.source.slice(1), ...base };
        break;
      case 'block-map':
      case 'block-seq':
        node = { kind: token.type === 'block-map' ? 'map' : 'seq', range: { start: token.offset, end: this.contentEnd(token) }, flow: false, ...base };
        break;
      case 'flow-collection':
        node = {
          kind: token.start.type === 'flow-map-start' ? 'map' : 'seq',
          range: { start: token.offset, end: this.contentEnd(token) },
          flow: true,
          ...base,
        };
        break;
      default:
        // Error tokens never reach here: parseYaml falls back to text when there are any.
        node = { kind: 'null', range: { start: token.offset, end: token.offset }, ...base };
    }
    this.facts.set(node, facts);
    return node;
  }

  /**
   * An inline statement or comment masks to spaces, so `k: {% if a %}b{% endif %}` parses as the
   * scalar `b`; the value written in the source is the whole run of tags and text.
   */
  private withAdjacentTags(start: number, end: number): TextRange {
    const tags = this.src.tags;
    for (let t = tags.endingAt(start); t !== undefined && !t.ownLine; t = tags.endingAt(start)) start = t.start;
    for (let t = tags.startingAt(end); t !== undefined && !t.ownLine; t = tags.startingAt(end)) end = t.end;
    return { start, end };
  }

  private blockLayout(token: CST.BlockScalar): BlockScalarLayout {
    const header = token.props.find((p) => p.type === 'block-scalar-header');
    const last = token.props[token.props.length - 1];
    const contentStart = last ? endOf(last) : token.offset;
    const headerStart = header ? header.offset : token.offset;
    const headerEnd = header ? endOf(header) : token.offset;
    return blockScalarLayout(
      this.src.text,
      this.src.masked,
      headerStart,
      headerEnd,
      contentStart,
      contentStart + token.source.length,
      token.indent,
    );
  }

  /** Where the written content of a token ends (trailing comments, spaces, line breaks excluded). */
  private contentEnd(token: CST.Token): number {
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'alias': {
        const end = token.offset + token.source.length;
        return token.type === 'scalar' && this.src.tags.size > 0 ? this.withAdjacentTags(token.offset, end).end : end;
      }
      case 'block-scalar':
        return this.blockLayout(token).contentEnd;
      case 'block-map':
      case 'block-seq': {
        for (let k = token.items.length - 1; k >= 0; k--) {
          const end = this.itemEnd(token.items[k] as CST.CollectionItem);
          if (end !== undefined) return end;
        }
        return token.offset;
      }
      case 'flow-collection': {
        const close = token.end.find((t) => t.type === 'flow-map-end' || t.type === 'flow-seq-end');
        return close ? close.offset + close.source.length : token.offset + 1;
      }
      default:
        return token.offset + ('source' in token ? token.source.length : 0);
    }
  }

  private itemEnd(item: CST.CollectionItem): number | undefined {
    if (item.value) return this.contentEnd(item.value);
    const sepEnd = lastWritten(item.sep);
    if (sepEnd !== undefined) return sepEnd;
    if (item.key) return this.contentEnd(item.key);
    return lastWritten(item.start);
  }
}

/** End offset of a token that carries its own source (props of a block scalar do). */
function endOf(token: CST.Token): number {
  return token.offset + ('source' in token ? token.source.length : 0);
}

const LAYOUT_TYPES = new Set(['space', 'newline', 'comment', 'comma']);

/** End of the last token of a list that is not layout (indicators, anchors, tags). */
function lastWritten(list: readonly SourceToken[] | undefined): number | undefined {
  if (!list) return undefined;
  for (let k = list.length - 1; k >= 0; k--) {
    const t = list[k] as SourceToken;
    if (!LAYOUT_TYPES.has(t.type)) return t.offset + t.source.length;
  }
  return undefined;
}

/**
 * Whether a flow-sequence item is only the comma YAML allows after the last entry: no key, no
 * separator, no value, and nothing but the comma, blanks and comments before it (an anchor or a
 * tag there would make it a null entry).
 *
 * @example
 * // the CST of `[a, b,]` ends with an item whose `start` is just the `,` token
 */
function isTrailingComma(item: CST.CollectionItem): boolean {
  if (item.key !== undefined || item.sep !== undefined || item.value !== undefined) return false;
  return item.start.every((t) => t.type === 'comma' || t.type === 'space' || t.type === 'newline' || t.type === 'comment');
}

/** Offset after the last indicator (`:`, `-`, `?`) of a list, else `fallback`. */
function afterIndicator(list: readonly SourceToken[], fallback: number): number {
  for (let k = list.length - 1; k >= 0; k--) {
    const t = list[k] as SourceToken;
    if (t.type === 'map-value-ind' || t.type === 'seq-item-ind' || t.type === 'explicit-key-ind') return t.offset + t.source.length;
  }
  return fallback;
}

/** The anchor and tag written in a list of source tokens (the last ones win, as in YAML). */
function propsOf(list: readonly CST.Token[] | undefined): Props {
  const props: Props = {};
  if (!list) return props;
  for (const t of list) {
    if (t.type === 'anchor') props.anchor = t.source.slice(1);
    else if (t.type === 'tag') props.tag = t.source;
    else if (t.type === 'map-value-ind' || t.type === 'seq-item-ind') {
      // Props before an indicator belong to the key/collection, not to this value.
      delete props.anchor;
      delete props.tag;
    }
  }
  return props;
}
