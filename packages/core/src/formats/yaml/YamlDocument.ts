import type { CST } from 'yaml';
import { AnsimodError } from '../../diagnostics.js';
import { enclosingBlocks, type EnclosingBlock } from '../../jinja/query.js';
import type { JinjaScan } from '../../jinja/types.js';
import type { TextEdit } from '../../text/edit.js';
import { LineIndex } from '../../text/line-index.js';
import type { DocumentBase, FormatName } from '../types.js';
import { buildModel, type YamlModel } from './build-model.js';
import { JinjaTagIndex } from './jinja-context.js';
import { nestedFromBlock } from './nested-document.js';
import { guessNestedFormat } from './nested-format.js';
import { encodeBlock, encodeDouble, encodePlain, encodeSingle } from './scalar-encode.js';
import type { NestedDocument, YamlItem, YamlNode, YamlPair, YamlPath } from './types.js';

/** Map key for a (document, path) pair; numbers and strings must not collide (`0` vs `'0'`). */
function pathKey(doc: number, path: YamlPath): string {
  let key = String(doc);
  for (const p of path) key += typeof p === 'number' ? `\u0000#${p}` : `\u0000:${p}`;
  return key;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Path lookups, built on first use. */
interface PathIndex {
  readonly nodes: Map<string, YamlNode[]>;
  readonly pairs: Map<string, YamlPair[]>;
  readonly itemsOf: Map<string, YamlItem[]>;
  readonly pairsOf: Map<string, YamlPair[]>;
}

/**
 * A YAML stream (one or more `---` documents) parsed losslessly from Jinja-masked text.
 * `print()` is the source; the model (pairs, items, values) is built on first use and holds
 * offsets into the original text, so edits are splices the engine applies.
 *
 * @example
 * const text = 'image: "{{ registry }}/app"\n';
 * const doc = parseYaml('a.yml', text, scanJinja(text));
 * if (doc instanceof YamlDocument) {
 *   const node = doc.get(['image'])!;
 *   applyEdits(text, [doc.scalarEdit(node, 'quay.io/app')]); // => 'image: "quay.io/app"\n'
 * }
 */
export class YamlDocument implements DocumentBase {
  readonly format = 'yaml' as const;
  readonly structured = true as const;
  private lineIndex?: LineIndex;
  private modelCache?: YamlModel;
  private indexCache?: PathIndex;
  private tagsCache?: JinjaTagIndex;

  /** @internal Use {@link parseYaml}. */
  constructor(
    readonly path: string,
    readonly text: string,
    readonly jinja: JinjaScan,
    /** The text with Jinja tags masked (same length, same line breaks): what YAML parsed. */
    readonly masked: string,
    private readonly cst: readonly CST.Document[],
    /** The model already built (by the fast reader, `fast-scan.ts`) instead of from `cst`. */
    prebuilt?: { readonly documentCount: number; readonly model: YamlModel },
  ) {
    this.streamLength = prebuilt ? prebuilt.documentCount : cst.length;
    if (prebuilt) this.modelCache = prebuilt.model;
  }

  private readonly streamLength: number;

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  /** Number of YAML documents in the stream. */
  get documentCount(): number {
    return this.streamLength;
  }

  /** The line break the file uses (its first one; `\n` when it has none). */
  get lineBreak(): string {
    const i = this.text.search(/\r\n|\n|\r/);
    if (i < 0) return '\n';
    return this.text[i] === '\r' ? (this.text[i + 1] === '\n' ? '\r\n' : '\r') : '\n';
  }

  print(): string {
    return this.text;
  }

  private get tags(): JinjaTagIndex {
    return (this.tagsCache ??= JinjaTagIndex.of(this.jinja));
  }

  private get model(): YamlModel {
    return (this.modelCache ??= buildModel({
      text: this.text,
      masked: this.masked,
      tags: this.tags,
      jinja: this.jinja,
      documents: this.cst,
    }));
  }

  private get index(): PathIndex {
    if (this.indexCache) return this.indexCache;
    const nodes = new Map<string, YamlNode[]>();
    const pairs = new Map<string, YamlPair[]>();
    const itemsOf = new Map<string, YamlItem[]>();
    const pairsOf = new Map<string, YamlPair[]>();
    const model = this.model;
    model.roots.forEach((root, doc) => {
      if (root) push(nodes, pathKey(doc, []), root);
    });
    for (const p of model.pairs) {
      const key = pathKey(p.doc, p.path);
      push(nodes, key, p.value);
      push(pairs, key, p);
      push(pairsOf, pathKey(p.doc, p.path.slice(0, -1)), p);
    }
    for (const it of model.items) {
      push(nodes, pathKey(it.doc, it.path), it.value);
      push(itemsOf, pathKey(it.doc, it.path.slice(0, -1)), it);
    }
    return (this.indexCache = { nodes, pairs, itemsOf, pairsOf });
  }

  /**
   * The root node of document `doc` (undefined for an empty document).
   *
   * @example
   * doc.root(1)?.kind; // => 'map'
   */
  root(doc = 0): YamlNode | undefined {
    return this.model.roots[doc];
  }

  /**
   * Every mapping entry of every document, block and flow, in source order (outer entries
   * before the entries of their values).
   *
   * @example
   * doc.pairs().filter((p) => p.key.value === 'image');
   */
  pairs(): readonly YamlPair[] {
    return this.model.pairs;
  }

  /**
   * Every sequence entry of every document, in source order.
   *
   * @example
   * doc.allItems().length;
   */
  allItems(): readonly YamlItem[] {
    return this.model.items;
  }

  /**
   * The entries of the sequence at `path` (in document `doc`, or in every document when omitted).
   *
   * @example
   * doc.items(['roles']).map((i) => i.value.kind); // => ['map', 'map']
   */
  items(path: YamlPath, doc?: number): readonly YamlItem[] {
    return this.collect(this.index.itemsOf, path, doc);
  }

  /**
   * The entries of the mapping at `path` (in document `doc`, or in every document when
   * omitted), in source order; keys repeated in `{% if %}` branches appear once per branch.
   *
   * @example
   * doc.entries([0]).map((p) => p.key.value); // => ['name', 'copy', 'when'] for a task list
   */
  entries(path: YamlPath, doc?: number): readonly YamlPair[] {
    return this.collect(this.index.pairsOf, path, doc);
  }

  /**
   * The first node at `path` (searching document `doc`, or every document in order when omitted).
   * Keys repeated in `{% if %}` branches give several nodes: see {@link getAll}.
   *
   * @example
   * doc.get(['data', 'config.yaml'])?.kind; // => 'block-scalar'
   */
  get(path: YamlPath, doc?: number): YamlNode | undefined {
    return this.collect(this.index.nodes, path, doc)[0];
  }

  /**
   * Every node at `path`, in source order.
   *
   * @example
   * doc.getAll(['deltas_uri']).length; // => 2 (if and else branch)
   */
  getAll(path: YamlPath, doc?: number): readonly YamlNode[] {
    return this.collect(this.index.nodes, path, doc);
  }

  /**
   * The pairs whose value is at `path`, in source order.
   *
   * @example
   * doc.pairsAt(['deltas_uri']).map((p) => p.jinja[0]?.branch); // => [0, 1]
   */
  pairsAt(path: YamlPath, doc?: number): readonly YamlPair[] {
    return this.collect(this.index.pairs, path, doc);
  }

  private collect<T>(map: Map<string, T[]>, path: YamlPath, doc: number | undefined): readonly T[] {
    if (doc !== undefined) return map.get(pathKey(doc, path)) ?? [];
    if (this.streamLength === 1) return map.get(pathKey(0, path)) ?? [];
    const out: T[] = [];
    for (let d = 0; d < this.streamLength; d++) {
      const found = map.get(pathKey(d, path));
      if (found) out.push(...found);
    }
    return out;
  }

  /**
   * The Jinja block branches around `offset`, outermost first.
   *
   * @example
   * doc.jinjaAt(pair.key.range.start)[0]?.block.keyword; // => 'if'
   */
  jinjaAt(offset: number): EnclosingBlock[] {
    return enclosingBlocks(this.jinja, offset);
  }

  /**
   * An edit replacing a scalar's value, keeping its style: quotes stay, escapes are written as
   * needed, a block scalar keeps its indentation (its chomping indicator follows the new value's
   * trailing line breaks). A plain scalar that cannot hold the value (or would read as another
   * type) becomes double-quoted; so does a single-quoted one with line breaks. Jinja tags in
   * `newValue` are written verbatim. A `null` value (`key:`) gets the value inserted.
   *
   * @throws AnsimodError `TYPE_ERROR` for maps, sequences and aliases.
   * @example
   * applyEdits('a: "x"\n', [doc.scalarEdit(doc.get(['a'])!, 'say "hi"')]); // => 'a: "say \\"hi\\""\n'
   */
  scalarEdit(node: YamlNode, newValue: string, reason?: string): TextEdit {
    const withReason = (e: TextEdit): TextEdit => (reason === undefined ? e : { ...e, reason });
    const { start, end } = node.range;
    if (node.kind === 'scalar') {
      let written: string;
      if (node.value === newValue) written = this.text.slice(start, end);
      else if (node.style === 'plain') written = encodePlain(newValue, node.inFlow, node.value ?? '') ?? encodeDouble(newValue);
      else if (node.style === 'single') written = encodeSingle(newValue) ?? encodeDouble(newValue);
      else written = encodeDouble(newValue);
      return withReason({ start, end, text: written });
    }
    if (node.kind === 'block-scalar') return withReason(this.blockScalarEdit(node, newValue));
    if (node.kind === 'null') {
      const written = encodePlain(newValue, node.inFlow, '') ?? encodeDouble(newValue);
      const next = this.text[start];
      if (next === ' ' || next === '\t') return withReason({ start: start + 1, end: start + 1, text: written });
      return withReason({ start, end, text: ` ${written}` });
    }
    throw new AnsimodError({
      code: 'TYPE_ERROR',
      message: `cannot replace a YAML ${node.kind} as a scalar`,
      path: this.path,
      ...this.lines.position(start),
    });
  }

  private blockScalarEdit(node: YamlNode, newValue: string): TextEdit {
    const layout = this.model.facts.get(node)?.block;
    if (!layout) throw new AnsimodError({ code: 'INTERNAL', message: 'block scalar without layout', path: this.path });
    if (node.value === newValue) return { start: layout.contentStart, end: layout.contentEnd, text: this.text.slice(layout.contentStart, layout.contentEnd) };
    const lineBreak = this.lineBreak;
    const encoded = encodeBlock(newValue, { style: layout.style, indent: layout.indent, lineBreak });
    if (!encoded) return { start: layout.headerStart, end: layout.contentEnd, text: encodeDouble(newValue) };
    const oldHeader = this.text.slice(layout.headerStart, layout.headerEnd);
    const header = oldHeader.replace(/[-+]/, '').replace(/^([|>])/, `$1${encoded.chomp}`);
    let between = this.text.slice(layout.headerEnd, layout.contentStart);
    if (!/[\r\n]$/.test(between) && encoded.content !== '') between += lineBreak;
    if (header === oldHeader && between === this.text.slice(layout.headerEnd, layout.contentStart)) {
      return { start: layout.contentStart, end: layout.contentEnd, text: encoded.content };
    }
    return { start: layout.headerStart, end: layout.contentEnd, text: header + between + encoded.content };
  }

  /**
   * The content of a block scalar as a document of its own (a ConfigMap's `config.yaml: |-`),
   * de-indented, with a map back to this document. `format` defaults to a guess from the key
   * and the content (`text` when nothing fits). Undefined when the value is not a block scalar.
   *
   * @example
   * const pair = doc.pairsAt(['data', 'config.yaml'])[0]!;
   * const nested = doc.nestedDocument(pair)!;
   * const child = parseYaml('config.yaml', nested.text, nested.jinja);
   */
  nestedDocument(target: YamlPair | YamlNode, format?: FormatName): NestedDocument | undefined {
    const node = 'keyText' in target ? target.value : target;
    const layout = this.model.facts.get(node)?.block;
    if (node.kind !== 'block-scalar' || !layout) return undefined;
    const chosen = format ?? guessNestedFormat('keyText' in target ? (target.key.value ?? target.keyText) : '', node.value ?? '') ?? 'text';
    return nestedFromBlock(this.text, layout, chosen);
  }
}
