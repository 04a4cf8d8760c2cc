import type { EnclosingBlock } from '../../jinja/query.js';
import type { JinjaScan } from '../../jinja/types.js';
import type { FormatName } from '../types.js';
import type { TextEdit } from '../../text/edit.js';

/**
 * Where a node sits: keys (decoded, Jinja kept verbatim) and sequence indices from the
 * document root.
 *
 * @example
 * const path: YamlPath = ['data', 'config.yaml'];
 */
export type YamlPath = readonly (string | number)[];

/**
 * A half-open range `[start, end)` of offsets into the ORIGINAL text (not the masked one).
 *
 * @example
 * const r: TextRange = { start: 3, end: 8 }; // text.slice(3, 8)
 */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * How a scalar is written: plain, `'single'`, `"double"`, `|` literal or `>` folded.
 *
 * @example
 * const s: YamlScalarStyle = 'double';
 */
export type YamlScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

/**
 * What a value is. `null` means no value is written at all (`key:`), not the word `null`
 * (which is a plain `scalar`).
 *
 * @example
 * const k: YamlValueKind = 'block-scalar';
 */
export type YamlValueKind = 'scalar' | 'block-scalar' | 'map' | 'seq' | 'alias' | 'null';

/**
 * One node of a YAML document, located in the original text.
 *
 * @example
 * // for `name: "web {{ env }}"`
 * // { kind: 'scalar', style: 'double', value: 'web {{ env }}', range: { start: 6, end: 21 }, … }
 */
export interface YamlNode {
  readonly kind: YamlValueKind;
  /**
   * The node itself, without its anchor/tag: a scalar's quotes included; a block scalar from its
   * `|`/`>` header to the end of its last non-blank content line; a collection from its first
   * indicator or key to the end of its last content (trailing comments and line breaks excluded).
   * For `null` an empty range just after the `:` or `-`.
   */
  readonly range: TextRange;
  /** Scalars and block scalars only. */
  readonly style?: YamlScalarStyle;
  /**
   * Scalars and block scalars: the value as the source spells it — quotes removed, YAML escapes
   * and line folding applied outside Jinja tags, Jinja tags (`{{ … }}`, `{% … %}`, `{# … #}`)
   * kept verbatim. Aliases: the anchor name. Undefined for collections and `null`.
   */
  readonly value?: string;
  /** Collections: written in flow style (`{ … }`, `[ … ]`). */
  readonly flow?: boolean;
  /** True when the node is inside a flow collection (plain scalars then cannot hold `,[]{}`). */
  readonly inFlow: boolean;
  readonly anchor?: string;
  readonly tag?: string;
  /** Index of the YAML document (`---`) the node belongs to, 0-based. */
  readonly doc: number;
}

/**
 * A mapping entry (block or flow) of any document in the stream.
 *
 * @example
 * // `  latest-{{ architecture }}:` gives key.value === 'latest-{{ architecture }}'
 */
export interface YamlPair {
  readonly doc: number;
  /** Path of the value: the path of the enclosing map plus this key. */
  readonly path: YamlPath;
  /** The key node; `key.value` is the decoded key (for a scalar key). */
  readonly key: YamlNode;
  /** The key exactly as written in the source (Jinja included, quotes kept). */
  readonly keyText: string;
  readonly value: YamlNode;
  /** Enclosing Jinja blocks of the key, outermost first (so if-branches that repeat keys differ here). */
  readonly jinja: readonly EnclosingBlock[];
}

/**
 * A sequence entry.
 *
 * @example
 * // `- { role: x }` gives value.kind === 'map', value.flow === true
 */
export interface YamlItem {
  readonly doc: number;
  /** Path of the item: the sequence's path plus its index. */
  readonly path: YamlPath;
  readonly index: number;
  readonly value: YamlNode;
  /** Enclosing Jinja blocks of the item, outermost first. */
  readonly jinja: readonly EnclosingBlock[];
}

/**
 * One line of a nested document and where it comes from in the parent.
 *
 * @example
 * // the child line starting at 0 comes from parent offset 120, after 4 removed spaces
 * const l: NestedLine = { childStart: 0, parentStart: 124, removed: 4 };
 */
export interface NestedLine {
  /** Offset of the line start in the nested text. */
  readonly childStart: number;
  /** Parent offset corresponding to `childStart` (after the removed indentation). */
  readonly parentStart: number;
  /** How many indentation characters were removed from this line (0 for lines kept as they are). */
  readonly removed: number;
}

/**
 * Maps offsets of a nested document to its parent and back.
 *
 * @example
 * nested.offsetMap.toParent(0); // where the nested text starts in the parent
 */
export interface OffsetMap {
  readonly lines: readonly NestedLine[];
  /** Parent offset of a child offset (0 ≤ offset ≤ text.length). */
  toParent(offset: number): number;
  /** Child offset of a parent offset, or undefined when it lies in removed indentation or outside. */
  toChild(parentOffset: number): number | undefined;
}

/**
 * A document embedded in a block scalar (a ConfigMap's `config.yaml: |-`), de-indented so it
 * can be parsed on its own, with a way back to the parent's offsets.
 *
 * @example
 * const nested = doc.nestedDocument(pair);
 * const child = parseYaml('config.yaml', nested.text, nested.jinja);
 * const parentEdit = nested.lift({ start: 0, end: 3, text: 'new' });
 */
export interface NestedDocument {
  /** The format the content is (given, or guessed). */
  readonly format: FormatName;
  /** The de-indented content; lines less indented than the block (Jinja statement lines) kept as they are. */
  readonly text: string;
  readonly jinja: JinjaScan;
  readonly offsetMap: OffsetMap;
  /** The block's content indentation in the parent (added back to inserted lines). */
  readonly indent: string;
  /** Maps an edit of `text` to an edit of the parent, re-indenting inserted lines. */
  lift(edit: TextEdit): TextEdit;
}
