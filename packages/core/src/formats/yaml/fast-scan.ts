import type { JinjaScan } from '../../jinja/types.js';
import type { YamlModel } from './build-model.js';
import type { JinjaTagIndex } from './jinja-context.js';
import { blockScalarLayout, decodeBlockScalar, decodeFlowScalar } from './scalar-decode.js';
import type { YamlItem, YamlNode, YamlPair, YamlPath, YamlScalarStyle } from './types.js';

/**
 * A fast, exact reader for the plain block-style YAML most Ansible task files and playbooks are
 * written in: block mappings and sequences (compact `- key: v` items included), one-line plain
 * and quoted scalars, block scalars (`|`, `>`, with chomping), comments, blank lines, `---`
 * document starts, and inline `{{ }}` expressions. It builds the same model ({@link YamlModel}:
 * roots, pairs, items, block scalar layouts) that the CST walk of `build-model.ts` builds, with
 * the same offsets and values, about twenty times faster.
 *
 * It answers undefined — the caller then parses the text the full way — for anything it does
 * not handle, and for anything YAML could reject: flow collections, anchors, aliases, tags,
 * complex (`?`) keys, multi-line plain or quoted scalars, explicit indentation indicators, Jinja
 * statements and comments, tabs, carriage returns, a byte order mark, characters YAML forbids,
 * `...` and directives, odd indentation. `yaml.fast-scan.property.test.ts` checks the model
 * against the full parse on generated and fixture inputs.
 *
 * @example
 * const model = scanBlockYaml(text, masked, scan, JinjaTagIndex.of(scan));
 * model?.documentCount; // => 1
 */
export function scanBlockYaml(text: string, masked: string, jinja: JinjaScan, tags: JinjaTagIndex): { documentCount: number; model: YamlModel } | undefined {
  if (!inSubset(text, jinja)) return undefined;
  try {
    return new Scanner(text, masked, tags).run();
  } catch (err) {
    if (err === OUTSIDE) return undefined;
    throw err;
  }
}

/** Thrown while scanning: the text is outside the subset. */
const OUTSIDE = new Error('outside the fast YAML subset');

/** Characters the scanner leaves to the full parser (YAML forbids some; the others it does not handle). */
const NOT_HANDLED = /[\t\r\uFEFF\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uD800-\uDFFF\uFFFE\uFFFF]/;

function inSubset(text: string, jinja: JinjaScan): boolean {
  if (NOT_HANDLED.test(text)) return false;
  if (!jinja.hasJinja) return true;
  if (jinja.blocks.length || jinja.errors.length) return false;
  // Only expressions inside a line: they mask to a run of letters, part of the scalar around them.
  for (const t of jinja.tokens) {
    if (t.kind === 'text') continue;
    if (t.kind !== 'expression' || t.ownLine) return false;
    for (let i = t.start; i < t.end; i++) if (text.charCodeAt(i) === LF) return false;
  }
  return true;
}

const LF = 10;
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const SQUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;

/** What a line is, outside block scalars. */
const BLANK = 0;
const COMMENT = 1;
const CONTENT = 2;
const DOC_START = 3;

/** Escapes a one-line double-quoted scalar may hold (anything else goes to the full parser). */
const SIMPLE_ESCAPES = new Set(['\\', '"', '/', 'n', 't', 'r', '0', ' ', 'a', 'b', 'e', 'f', 'v', 'N', '_', 'L', 'P']);

/** Where a mapping key is: its scalar and the offset of its `:`. */
interface KeyAt {
  readonly start: number;
  readonly end: number;
  readonly style: YamlScalarStyle;
  readonly colon: number;
}

class Scanner {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  private readonly kinds: number[] = [];
  private readonly pairs: YamlPair[] = [];
  private readonly items: YamlItem[] = [];
  private readonly facts: YamlModel['facts'] = new WeakMap();
  private doc = 0;

  constructor(
    private readonly text: string,
    private readonly m: string,
    private readonly tags: JinjaTagIndex,
  ) {
    const n = m.length;
    for (let s = 0; s <= n; ) {
      let e = m.indexOf('\n', s);
      if (e < 0) e = n;
      let k = s;
      while (k < e && m.charCodeAt(k) === SPACE) k++;
      this.starts.push(s);
      this.ends.push(e);
      this.indents.push(k - s);
      const c = m.charCodeAt(k);
      let kind = k === e ? BLANK : c === HASH ? COMMENT : CONTENT;
      if (k === s && m.startsWith('---', s) && (s + 3 === e || m.charCodeAt(s + 3) === SPACE)) {
        // `---` alone or before a comment starts a document; `--- value` is left to the parser.
        let r = s + 3;
        while (r < e && m.charCodeAt(r) === SPACE) r++;
        if (r < e && m.charCodeAt(r) !== HASH) throw OUTSIDE;
        kind = DOC_START;
      } else if (k === s && (c === 37 /* % */ || m.startsWith('...', s))) throw OUTSIDE;
      this.kinds.push(kind);
      if (e === n) break;
      s = e + 1;
    }
  }

  run(): { documentCount: number; model: YamlModel } {
    const roots: (YamlNode | undefined)[] = [];
    let li = this.nextContent(0);
    while (li < this.kinds.length) {
      this.doc = roots.length;
      if (this.kinds[li] === DOC_START) {
        const next = this.nextContent(li + 1);
        if (next >= this.kinds.length || this.kinds[next] === DOC_START) {
          roots.push(undefined);
          li = next;
          continue;
        }
        li = next;
      }
      const root = this.valueAtLine(li, -1, [], false);
      roots.push(root.node);
      li = root.next;
      if (li < this.kinds.length && this.kinds[li] !== DOC_START) throw OUTSIDE;
    }
    return { documentCount: roots.length, model: { roots, pairs: this.pairs, items: this.items, facts: this.facts } };
  }

  /** The first line at or after `li` that is content or a document start (past the last line when none). */
  private nextContent(li: number): number {
    const kinds = this.kinds;
    while (li < kinds.length) {
      const k = kinds[li];
      if (k === CONTENT) return li;
      if (k === DOC_START) return li;
      li++;
    }
    return li;
  }

  private lineOf(li: number): { start: number; end: number } {
    return { start: this.starts[li] as number, end: this.ends[li] as number };
  }

  /** The value starting on line `li` at its indentation (a collection or a one-line scalar), more indented than `parent`. */
  private valueAtLine(li: number, parent: number, path: YamlPath, sameIndentSeq: boolean): { node: YamlNode; next: number } {
    const indent = this.indents[li] as number;
    if (this.kinds[li] !== CONTENT || (indent <= parent && !sameIndentSeq)) throw OUTSIDE;
    const { start, end } = this.lineOf(li);
    const p = start + indent;
    if (this.isSeqIndicator(p, end)) return this.seq(li, p, indent, path);
    if (sameIndentSeq && indent <= parent) throw OUTSIDE;
    const key = this.keyAt(p, end);
    if (key) return this.map(li, p, indent, path, key);
    return this.scalarValue(li, p, end, parent);
  }

  /** Whether a comment line comes right before line `li` (blank lines between). */
  private commentBefore(li: number): boolean {
    for (let k = li - 1; k >= 0; k--) {
      if (this.kinds[k] === COMMENT) return true;
      if (this.kinds[k] !== BLANK) return false;
    }
    return false;
  }

  private isSeqIndicator(p: number, end: number): boolean {
    return this.m.charCodeAt(p) === DASH && (p + 1 === end || this.m.charCodeAt(p + 1) === SPACE);
  }

  private seq(li: number, p: number, col: number, path: YamlPath): { node: YamlNode; next: number } {
    const startOffset = p;
    let end = p;
    let index = 0;
    for (;;) {
      const { end: eol } = this.lineOf(li);
      const slot = this.items.length;
      this.items.push(undefined as unknown as YamlItem);
      const childPath = [...path, index];
      let q = p + 1;
      while (q < eol && this.m.charCodeAt(q) === SPACE) q++;
      let value: YamlNode;
      let next: number;
      if (q === eol || this.m.charCodeAt(q) === HASH) {
        const nl = this.nextContent(li + 1);
        if (nl < this.kinds.length && this.kinds[nl] === CONTENT && (this.indents[nl] as number) > col) {
          const r = this.valueAtLine(nl, col, childPath, false);
          value = r.node;
          next = r.next;
        } else {
          value = this.nullNode(p + 1);
          next = nl;
        }
      } else {
        const r = this.inline(li, q, eol, col, childPath, true);
        value = r.node;
        next = r.next;
      }
      this.items[slot] = { doc: this.doc, path: childPath, index, value, jinja: [] };
      end = value.kind === 'null' ? p + 1 : value.range.end;
      index++;
      const indent = next < this.kinds.length && this.kinds[next] === CONTENT ? (this.indents[next] as number) : -1;
      if (indent > col) throw OUTSIDE;
      const line = this.lineOf(next);
      if (indent < col || !this.isSeqIndicator(line.start + indent, line.end)) {
        // The CST gives an indented sequence that ends after a comment line an extra, empty
        // entry (and where exactly depends on the comments): the full parser decides.
        if (col > 0 && this.commentBefore(next)) throw OUTSIDE;
        return { node: this.collection('seq', startOffset, end), next };
      }
      li = next;
      p = line.start + indent;
    }
  }

  private map(li: number, p: number, col: number, path: YamlPath, first: KeyAt): { node: YamlNode; next: number } {
    const startOffset = p;
    let key = first;
    let end = p;
    for (;;) {
      const { end: eol } = this.lineOf(li);
      const keyNode = this.scalar(key.start, key.end, key.style);
      const name = keyNode.value as string;
      const childPath = [...path, name];
      const slot = this.pairs.length;
      this.pairs.push(undefined as unknown as YamlPair);
      let q = key.colon + 1;
      while (q < eol && this.m.charCodeAt(q) === SPACE) q++;
      let value: YamlNode;
      let next: number;
      if (q === eol || this.m.charCodeAt(q) === HASH) {
        const nl = this.nextContent(li + 1);
        const nlIndent = this.indents[nl] ?? -1;
        const sameIndentSeq = nl < this.kinds.length && this.kinds[nl] === CONTENT && nlIndent === col && this.isSeqIndicator((this.starts[nl] as number) + col, this.ends[nl] as number);
        if (nl < this.kinds.length && this.kinds[nl] === CONTENT && (nlIndent > col || sameIndentSeq)) {
          const r = this.valueAtLine(nl, col, childPath, sameIndentSeq);
          value = r.node;
          next = r.next;
        } else {
          value = this.nullNode(key.colon + 1);
          next = nl;
        }
      } else {
        const r = this.inline(li, q, eol, col, childPath, false);
        value = r.node;
        next = r.next;
      }
      this.pairs[slot] = { doc: this.doc, path: childPath, key: keyNode, keyText: this.text.slice(key.start, key.end), value, jinja: [] };
      end = value.kind === 'null' ? key.colon + 1 : value.range.end;
      if (next >= this.kinds.length || this.kinds[next] !== CONTENT) return { node: this.collection('map', startOffset, end), next };
      const indent = this.indents[next] as number;
      if (indent > col) throw OUTSIDE;
      if (indent < col) return { node: this.collection('map', startOffset, end), next };
      const line = this.lineOf(next);
      const k = this.keyAt(line.start + indent, line.end);
      if (!k) throw OUTSIDE;
      li = next;
      key = k;
    }
  }

  /**
   * A value written on the line of its `-` or `key:`, at `q`: a scalar, a block scalar, or
   * (after `-` only) a compact mapping.
   */
  private inline(li: number, q: number, eol: number, parent: number, path: YamlPath, compact: boolean): { node: YamlNode; next: number } {
    const c = this.m.charCodeAt(q);
    if (c === 124 /* | */ || c === 62 /* > */) return this.blockScalar(li, q, eol, parent);
    if (c === 91 /* [ */ || c === 123 /* { */) return this.flow(li, q, eol, parent, path);
    const key = this.keyAt(q, eol);
    if (key) {
      if (!compact) throw OUTSIDE;
      return this.map(li, q, q - (this.starts[li] as number), path, key);
    }
    if (this.isSeqIndicator(q, eol)) throw OUTSIDE;
    return this.scalarValue(li, q, eol, parent);
  }

  /** A one-line plain or quoted scalar at `q`, nothing after it but a comment; no continuation line. */
  private scalarValue(li: number, q: number, eol: number, parent: number): { node: YamlNode; next: number } {
    const c = this.m.charCodeAt(q);
    let end: number;
    let style: YamlScalarStyle;
    if (c === SQUOTE || c === DQUOTE) {
      end = this.quotedEnd(q, eol);
      style = c === SQUOTE ? 'single' : 'double';
      let r = end;
      while (r < eol && this.m.charCodeAt(r) === SPACE) r++;
      if (r < eol && (this.m.charCodeAt(r) !== HASH || r === end)) throw OUTSIDE;
    } else {
      end = this.plainEnd(q, eol);
      style = 'plain';
    }
    const next = this.nextContent(li + 1);
    // A more indented line would continue the scalar (or be an error): the full parser decides.
    if (next < this.kinds.length && this.kinds[next] === CONTENT && (this.indents[next] as number) > parent) throw OUTSIDE;
    return { node: this.scalar(q, end, style), next };
  }

  /** End of a one-line plain scalar starting at `q` (before a comment and trailing blanks). */
  private plainEnd(q: number, eol: number): number {
    const m = this.m;
    const c = m.charCodeAt(q);
    // Indicators a plain scalar cannot start with (or that this reader leaves to the parser).
    if ('[]{},#&*!|>\'"%@`?:'.includes(m[q] as string) || (c === DASH && (q + 1 === eol || m.charCodeAt(q + 1) === SPACE))) throw OUTSIDE;
    let end = q;
    for (let i = q; i < eol; i++) {
      const d = m.charCodeAt(i);
      if (d === HASH && m.charCodeAt(i - 1) === SPACE) break;
      if (d === COLON && (i + 1 === eol || m.charCodeAt(i + 1) === SPACE)) throw OUTSIDE;
      if (d !== SPACE) end = i + 1;
    }
    return end;
  }

  /** End (after the closing quote) of a quoted scalar at `q` closed on its line. */
  private quotedEnd(q: number, eol: number): number {
    const m = this.m;
    const quote = m.charCodeAt(q);
    for (let i = q + 1; i < eol; i++) {
      const d = m.charCodeAt(i);
      if (quote === SQUOTE && d === SQUOTE) {
        if (m.charCodeAt(i + 1) === SQUOTE) {
          i++;
          continue;
        }
        return i + 1;
      }
      if (quote === DQUOTE && d === BACKSLASH) {
        if (!SIMPLE_ESCAPES.has(m[i + 1] as string)) throw OUTSIDE;
        i++;
        continue;
      }
      if (quote === DQUOTE && d === DQUOTE) return i + 1;
    }
    throw OUTSIDE;
  }

  /** The mapping key at `p` (a one-line plain or quoted scalar followed by `:` and a blank or the line end), or undefined. */
  private keyAt(p: number, eol: number): KeyAt | undefined {
    const m = this.m;
    const c = m.charCodeAt(p);
    if (c === SQUOTE || c === DQUOTE) {
      const end = this.quotedEnd(p, eol);
      let r = end;
      while (r < eol && m.charCodeAt(r) === SPACE) r++;
      if (m.charCodeAt(r) !== COLON || !(r + 1 === eol || m.charCodeAt(r + 1) === SPACE)) return undefined;
      if (end - p > 1000) throw OUTSIDE;
      return { start: p, end, style: c === SQUOTE ? 'single' : 'double', colon: r };
    }
    let end = p;
    for (let i = p; i < eol; i++) {
      const d = m.charCodeAt(i);
      if (d === HASH && i > p && m.charCodeAt(i - 1) === SPACE) return undefined;
      if (d === COLON && (i + 1 === eol || m.charCodeAt(i + 1) === SPACE)) {
        if (end === p) throw OUTSIDE; // an empty key
        // Keys this reader does not handle: indicators first, flow characters inside, very long.
        const text = m.slice(p, end);
        if (/^[-?:,[\]{}#&*!|>'"%@`]|[[\]{},]/.test(text) || end - p > 1000) throw OUTSIDE;
        return { start: p, end, style: 'plain', colon: i };
      }
      if (d !== SPACE) end = i + 1;
    }
    return undefined;
  }

  /** A block scalar whose header is at `q` (on line `li`), its content on the lines below, more indented than `parent`. */
  private blockScalar(li: number, q: number, eol: number, parent: number): { node: YamlNode; next: number } {
    const m = this.m;
    let h = q + 1;
    while (h < eol && (m.charCodeAt(h) === DASH || m.charCodeAt(h) === 43 /* + */)) h++;
    if (h > q + 2) throw OUTSIDE;
    const headerEnd = h;
    while (h < eol && m.charCodeAt(h) === SPACE) h++;
    if (h < eol && (m.charCodeAt(h) !== HASH || h === headerEnd)) throw OUTSIDE; // an indentation digit, or anything else
    if (eol >= m.length) throw OUTSIDE;
    const contentStart = eol + 1;
    // Content lines: blank ones, and those at least as indented as the first non-blank one.
    let k = li + 1;
    let indent = -1;
    let leading = 0;
    let last = li;
    for (; k < this.kinds.length; k++) {
      if (this.kinds[k] === DOC_START) break;
      const s = this.starts[k] as number;
      const e = this.ends[k] as number;
      let i = s;
      while (i < e && m.charCodeAt(i) === SPACE) i++;
      if (i === e) {
        // A line of spaces beyond the indentation is content (spaces), and one at the end of the
        // text without a line break ends the scalar in ways the CST decides: both go to the parser.
        if ((indent >= 0 && e - s > indent) || (e === m.length && e > s)) throw OUTSIDE;
        if (indent < 0) leading = Math.max(leading, e - s);
        continue;
      }
      const spaces = i - s;
      if (indent < 0) {
        if (spaces <= parent || spaces < leading) throw OUTSIDE; // empty, or spaces YAML rejects
        indent = spaces;
      }
      if (spaces >= indent) {
        last = k;
        continue;
      }
      if (spaces > parent && this.kinds[k] !== COMMENT) throw OUTSIDE;
      break;
    }
    if (indent < 0) throw OUTSIDE;
    // The scalar's source (as the CST holds it) ends after its last content line's break; with
    // `+` (keep), trailing blank lines are its content too.
    const keep = m.charCodeAt(q + 1) === 43 || m.charCodeAt(q + 2) === 43;
    const lastEnd = this.ends[last] as number;
    const sourceEnd = keep ? (k < this.kinds.length ? (this.starts[k] as number) : m.length) : Math.min(lastEnd + 1, m.length);
    const layout = blockScalarLayout(this.text, m, q, headerEnd, contentStart, sourceEnd, parent);
    const node: YamlNode = { kind: 'block-scalar', range: { start: q, end: layout.contentEnd }, style: layout.style, value: decodeBlockScalar(this.text, layout), inFlow: false, doc: this.doc };
    this.facts.set(node, { block: layout });
    const next = this.nextContent(k);
    return { node, next };
  }

  /**
   * A flow collection written on one line (`[a, b]`, `{ role: x, tags: y }`) whose entries are
   * one-line scalars, followed by nothing but a comment; nested collections, empty or lone keys
   * and anything else are the full parser's.
   */
  private flow(li: number, q: number, eol: number, parent: number, path: YamlPath): { node: YamlNode; next: number } {
    const node = this.flowCollection(q, eol, path, false);
    const end = node.range.end;
    let r = end;
    while (r < eol && this.m.charCodeAt(r) === SPACE) r++;
    if (r < eol && (this.m.charCodeAt(r) !== HASH || r === end)) throw OUTSIDE;
    const next = this.nextContent(li + 1);
    if (next < this.kinds.length && this.kinds[next] === CONTENT && (this.indents[next] as number) > parent) throw OUTSIDE;
    return { node, next };
  }

  /** The flow collection opening at `q`, closed on its line; its entries recorded as the CST walk records them. */
  private flowCollection(q: number, eol: number, path: YamlPath, inFlow: boolean): YamlNode {
    const m = this.m;
    const isMap = m.charCodeAt(q) === 123;
    const close = isMap ? 125 : 93;
    const skip = (i: number): number => {
      while (i < eol && m.charCodeAt(i) === SPACE) i++;
      return i;
    };
    let i = skip(q + 1);
    let index = 0;
    while (m.charCodeAt(i) !== close) {
      if (isMap) {
        const key = this.flowScalar(i, eol);
        i = skip(key.end);
        if (m.charCodeAt(i) !== COLON || m.charCodeAt(i + 1) !== SPACE) throw OUTSIDE;
        const keyNode = this.scalar(key.start, key.end, key.style, true);
        const childPath = [...path, keyNode.value as string];
        const slot = this.pairs.length;
        this.pairs.push(undefined as unknown as YamlPair);
        const value = this.flowValue(skip(i + 1), eol, childPath);
        this.pairs[slot] = { doc: this.doc, path: childPath, key: keyNode, keyText: this.text.slice(key.start, key.end), value, jinja: [] };
        i = skip(value.range.end);
      } else {
        const childPath = [...path, index];
        const slot = this.items.length;
        this.items.push(undefined as unknown as YamlItem);
        const value = this.flowValue(i, eol, childPath);
        this.items[slot] = { doc: this.doc, path: childPath, index, value, jinja: [] };
        index++;
        i = skip(value.range.end);
      }
      if (m.charCodeAt(i) === 44 /* , */) {
        i = skip(i + 1);
        if (m.charCodeAt(i) === close && isMap) throw OUTSIDE;
      } else if (m.charCodeAt(i) !== close) throw OUTSIDE;
    }
    const node: YamlNode = { kind: isMap ? 'map' : 'seq', range: { start: q, end: i + 1 }, flow: true, inFlow, doc: this.doc };
    this.facts.set(node, {});
    return node;
  }

  /** A value inside a flow collection: a nested one, or a non-empty one-line scalar. */
  private flowValue(i: number, eol: number, path: YamlPath): YamlNode {
    const c = this.m.charCodeAt(i);
    if (c === 91 || c === 123) return this.flowCollection(i, eol, path, true);
    const v = this.flowScalar(i, eol);
    return this.scalar(v.start, v.end, v.style, true);
  }

  /** A non-empty one-line scalar inside a flow collection at `i`: quoted, or plain without `:` and flow characters. */
  private flowScalar(i: number, eol: number): { start: number; end: number; style: YamlScalarStyle } {
    const m = this.m;
    const c = m.charCodeAt(i);
    if (c === SQUOTE || c === DQUOTE) return { start: i, end: this.quotedEnd(i, eol), style: c === SQUOTE ? 'single' : 'double' };
    if (i >= eol || '[]{},#&*!|>%@`?:-'.includes(m[i] as string)) throw OUTSIDE;
    let end = i;
    for (let k = i; k < eol; k++) {
      const d = m.charCodeAt(k);
      if (d === 44 || d === 93 || d === 125) break;
      if (d === COLON) return { start: i, end, style: 'plain' };
      if (d === 91 || d === 123 || d === SQUOTE || d === DQUOTE || (d === HASH && m.charCodeAt(k - 1) === SPACE)) throw OUTSIDE;
      if (d !== SPACE) end = k + 1;
    }
    return { start: i, end, style: 'plain' };
  }

  private scalar(start: number, end: number, style: YamlScalarStyle, inFlow = false): YamlNode {
    const node: YamlNode = { kind: 'scalar', range: { start, end }, style, value: decodeFlowScalar(this.text, start, end, style as 'plain' | 'single' | 'double', this.tags), inFlow, doc: this.doc };
    this.facts.set(node, {});
    return node;
  }

  private nullNode(at: number): YamlNode {
    const node: YamlNode = { kind: 'null', range: { start: at, end: at }, inFlow: false, doc: this.doc };
    this.facts.set(node, {});
    return node;
  }

  private collection(kind: 'map' | 'seq', start: number, end: number): YamlNode {
    const node: YamlNode = { kind, range: { start, end }, flow: false, inFlow: false, doc: this.doc };
    this.facts.set(node, {});
    return node;
  }
}
