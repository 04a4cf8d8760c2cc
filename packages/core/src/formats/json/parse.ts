import type { JinjaScan } from '../../jinja/types.js';
import { LineIndex } from '../../text/line-index.js';
import { jinjaTags, type JinjaTag } from '../common/jinja-tags.js';
import { fallbackAt } from '../fallback.js';
import type { Fallback } from '../types.js';
import { JsonDocument } from './document.js';
import type { JsonArray, JsonMember, JsonObject, JsonPath, JsonString, JsonValue } from './model.js';

/** Deeper nesting than this is refused (a fallback), not a stack overflow. */
const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class JsonSyntaxError {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {}
}

/**
 * Parses strict JSON (RFC 8259) into a tree of values with source spans and paths, treating
 * Jinja as opaque: tags inside strings are kept verbatim (a `"` inside `{{ }}` does not end
 * the string), an expression in value position is a `jinja` value, and statement/comment tags
 * between tokens are skipped like blanks. A BOM, CRLF and a missing final newline are fine.
 *
 * Comments, trailing commas and truncated text are a {@link Fallback} with line and column.
 *
 * @example
 * const text = '{"auths":{"registry.example.org":{"auth":"{{ token }}"}}}';
 * const doc = parseJson('dockercfg.j2', text, scanJinja(text));
 * if (!isFallback(doc)) doc.get(['auths'])?.kind; // => 'object'
 */
export function parseJson(path: string, text: string, jinja: JinjaScan): JsonDocument | Fallback {
  const lines = new LineIndex(text);
  try {
    const parser = new JsonParser(text, jinjaTags(jinja));
    const root = parser.parseDocument();
    return new JsonDocument(path, text, jinja, lines, root);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return fallbackAt('json', e.reason, lines, e.offset);
    throw e;
  }
}

class JsonParser {
  private pos = 0;
  private tag = 0;
  constructor(
    private readonly text: string,
    private readonly tags: readonly JinjaTag[],
  ) {}

  parseDocument(): JsonValue {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.skipTrivia();
    if (this.pos >= this.text.length) throw new JsonSyntaxError('empty JSON document', this.pos);
    const root = this.parseValue([], 0);
    this.skipTrivia();
    if (this.pos < this.text.length) throw new JsonSyntaxError('unexpected content after the JSON value', this.pos);
    return root;
  }

  /** The tag starting at `pos`, if any. */
  private tagHere(): JinjaTag | undefined {
    while (this.tag < this.tags.length && (this.tags[this.tag] as JinjaTag).end <= this.pos) this.tag++;
    const t = this.tags[this.tag];
    return t !== undefined && t.start === this.pos ? t : undefined;
  }

  private skipTrivia(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        this.pos++;
        continue;
      }
      if (c === 123 /* { */) {
        const t = this.tagHere();
        if (t !== undefined && t.kind !== 'expression') {
          this.pos = t.end;
          continue;
        }
      }
      if (c === 47 /* / */ && (text.charCodeAt(this.pos + 1) === 47 || text.charCodeAt(this.pos + 1) === 42)) {
        throw new JsonSyntaxError('comments are not allowed in JSON', this.pos);
      }
      return;
    }
  }

  private unexpected(expected: string): JsonSyntaxError {
    if (this.pos >= this.text.length) return new JsonSyntaxError('unexpected end of JSON', this.pos);
    const ch = String.fromCodePoint(this.text.codePointAt(this.pos) as number);
    return new JsonSyntaxError(`unexpected ${JSON.stringify(ch)}, expected ${expected}`, this.pos);
  }

  private parseValue(path: JsonPath, depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`JSON nested deeper than ${MAX_DEPTH} levels`, this.pos);
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    switch (c) {
      case 123 /* { */: {
        const t = this.tagHere();
        if (t !== undefined) {
          this.pos = t.end;
          return { kind: 'jinja', raw: text.slice(t.start, t.end), span: { start, end: t.end }, path };
        }
        return this.parseObject(path, depth);
      }
      case 91 /* [ */:
        return this.parseArray(path, depth);
      case 34 /* " */:
        return this.parseString(path);
      case 116 /* t */:
        return this.parseLiteral('true', true, path);
      case 102 /* f */:
        return this.parseLiteral('false', false, path);
      case 110 /* n */:
        return this.parseLiteral('null', null, path);
      default: {
        NUMBER.lastIndex = start;
        const m = NUMBER.exec(text);
        if (m === null) throw this.unexpected('a JSON value');
        this.pos = start + m[0].length;
        return { kind: 'number', value: Number(m[0]), raw: m[0], span: { start, end: this.pos }, path };
      }
    }
  }

  private parseLiteral(word: 'true' | 'false' | 'null', value: true | false | null, path: JsonPath): JsonValue {
    const start = this.pos;
    if (!this.text.startsWith(word, start)) throw this.unexpected('a JSON value');
    this.pos += word.length;
    return { kind: 'literal', value, span: { start, end: this.pos }, path };
  }

  private parseObject(path: JsonPath, depth: number): JsonObject {
    const start = this.pos;
    this.pos++;
    const members: JsonMember[] = [];
    this.skipTrivia();
    if (this.text.charCodeAt(this.pos) === 125 /* } */) {
      this.pos++;
      return { kind: 'object', members, span: { start, end: this.pos }, path };
    }
    for (;;) {
      this.skipTrivia();
      if (this.text.charCodeAt(this.pos) !== 34) {
        if (this.text.charCodeAt(this.pos) === 125 && members.length > 0) throw new JsonSyntaxError('trailing comma in object', this.pos);
        throw this.unexpected('a string key');
      }
      const key = this.parseString(path);
      this.skipTrivia();
      if (this.text.charCodeAt(this.pos) !== 58 /* : */) throw this.unexpected('":"');
      this.pos++;
      this.skipTrivia();
      const valuePath = [...path, key.value];
      const value = this.parseValue(valuePath, depth + 1);
      members.push({ key: key.value, keySpan: key.span, value, path: valuePath });
      this.skipTrivia();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 125 /* } */) return { kind: 'object', members, span: { start, end: this.pos }, path };
      if (c !== 44 /* , */) {
        this.pos--;
        throw this.unexpected('"," or "}"');
      }
    }
  }

  private parseArray(path: JsonPath, depth: number): JsonArray {
    const start = this.pos;
    this.pos++;
    const items: JsonValue[] = [];
    this.skipTrivia();
    if (this.text.charCodeAt(this.pos) === 93 /* ] */) {
      this.pos++;
      return { kind: 'array', items, span: { start, end: this.pos }, path };
    }
    for (;;) {
      this.skipTrivia();
      if (this.text.charCodeAt(this.pos) === 93 && items.length > 0) throw new JsonSyntaxError('trailing comma in array', this.pos);
      items.push(this.parseValue([...path, items.length], depth + 1));
      this.skipTrivia();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 93 /* ] */) return { kind: 'array', items, span: { start, end: this.pos }, path };
      if (c !== 44 /* , */) {
        this.pos--;
        throw this.unexpected('"," or "]"');
      }
    }
  }

  private parseString(path: JsonPath): JsonString {
    const text = this.text;
    const start = this.pos;
    // Most strings have no escape: their value is one slice of the text, and `parts` (one array
    // and a join per string) is made only at the first backslash.
    let parts: string[] | undefined;
    let jinja = false;
    let i = start + 1;
    let segment = i;
    for (;;) {
      if (i >= text.length) throw new JsonSyntaxError('unexpected end of JSON', text.length);
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) break;
      if (c === 123 /* { */) {
        this.pos = i;
        const t = this.tagHere();
        if (t !== undefined) {
          jinja = true;
          i = t.end;
          continue;
        }
      }
      if (c === 92 /* \ */) {
        parts ??= [];
        parts.push(text.slice(segment, i));
        i = this.readEscape(i, parts);
        segment = i;
        continue;
      }
      if (c < 32) {
        throw new JsonSyntaxError(c === 10 || c === 13 ? 'unterminated string' : 'control character in string', i);
      }
      i++;
    }
    const tail = text.slice(segment, i);
    this.pos = i + 1;
    const value = parts === undefined ? tail : (parts.push(tail), parts.join(''));
    return { kind: 'string', value, jinja, span: { start, end: this.pos }, path };
  }

  /** Decodes the escape at `i` (a backslash) into `parts`; returns the offset after it. */
  private readEscape(i: number, parts: string[]): number {
    const text = this.text;
    const e = text.charCodeAt(i + 1);
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      parts.push(simple);
      return i + 2;
    }
    if (e === 117 /* u */) {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError('invalid \\u escape in string', i);
      parts.push(String.fromCharCode(parseInt(hex, 16)));
      return i + 6;
    }
    if (i + 1 >= text.length) throw new JsonSyntaxError('unexpected end of JSON', text.length);
    throw new JsonSyntaxError('invalid escape in string', i);
  }
}

const ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};
