import type { Span } from '../common/span.js';

/** A key or index on the way from the root to a value: `['auths', 'registry.example.org', 'auth']`. */
export type JsonPath = readonly (string | number)[];

/** What every JSON value shares: its source span (quotes and brackets included) and its path. */
export interface JsonNodeBase {
  span: Span;
  path: JsonPath;
}

export interface JsonObject extends JsonNodeBase {
  kind: 'object';
  members: JsonMember[];
}

/** `"key": value` inside an object. Duplicate keys are kept, in order. */
export interface JsonMember {
  /** The decoded key (Jinja tags inside kept as written). */
  key: string;
  /** The key string with its quotes. */
  keySpan: Span;
  value: JsonValue;
  /** Path of the value. */
  path: JsonPath;
}

export interface JsonArray extends JsonNodeBase {
  kind: 'array';
  items: JsonValue[];
}

export interface JsonString extends JsonNodeBase {
  kind: 'string';
  /** The decoded string; Jinja tags inside are kept as written, never unescaped. */
  value: string;
  /** True when the string holds a Jinja tag (`"{{ password }}"`). */
  jinja: boolean;
}

export interface JsonNumber extends JsonNodeBase {
  kind: 'number';
  value: number;
  /** As written (`1.50`, `1e3`). */
  raw: string;
}

export interface JsonLiteral extends JsonNodeBase {
  kind: 'literal';
  value: true | false | null;
}

/** A Jinja expression standing for a value: `"port": {{ port }}`. */
export interface JsonJinja extends JsonNodeBase {
  kind: 'jinja';
  /** The tag as written. */
  raw: string;
}

export type JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonLiteral | JsonJinja;
