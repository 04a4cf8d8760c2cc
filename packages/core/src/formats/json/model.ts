import type { Span } from '../common/span.js';

/**
 * Keys and indexes on the way from the root to a value.
 *
 * @example
 * const path: JsonPath = ['auths', 'registry.example.org', 'auth'];
 */
export type JsonPath = readonly (string | number)[];

/**
 * What every JSON value shares: its source span (quotes and brackets included) and its path.
 *
 * @example
 * text.slice(value.span.start, value.span.end); // '"{{ pw }}"'
 */
export interface JsonNodeBase {
  span: Span;
  path: JsonPath;
}

/**
 * `{ … }` with its members in order.
 *
 * @example
 * // '{"a":1}' => { kind: 'object', members: [{ key: 'a', … }], span: { start: 0, end: 7 }, path: [] }
 */
export interface JsonObject extends JsonNodeBase {
  kind: 'object';
  members: JsonMember[];
}

/**
 * `"key": value` inside an object. Duplicate keys are kept, in order.
 *
 * @example
 * // '{"auths":{}}' => { key: 'auths', keySpan: { start: 1, end: 8 }, value: { kind: 'object' }, path: ['auths'] }
 */
export interface JsonMember {
  /** The decoded key (Jinja tags inside kept as written). */
  key: string;
  /** The key string with its quotes. */
  keySpan: Span;
  value: JsonValue;
  /** Path of the value. */
  path: JsonPath;
}

/**
 * `[ … ]`
 *
 * @example
 * // '[1,2]' => { kind: 'array', items: [{ kind: 'number', value: 1 }, { kind: 'number', value: 2 }] }
 */
export interface JsonArray extends JsonNodeBase {
  kind: 'array';
  items: JsonValue[];
}

/**
 * A string value.
 *
 * @example
 * // '"{{ pw }}"' => { kind: 'string', value: '{{ pw }}', jinja: true }
 */
export interface JsonString extends JsonNodeBase {
  kind: 'string';
  /** The decoded string; Jinja tags inside are kept as written, never unescaped. */
  value: string;
  /** True when the string holds a Jinja tag (`"{{ password }}"`). */
  jinja: boolean;
}

/**
 * A number value.
 *
 * @example
 * // '1e3' => { kind: 'number', value: 1000, raw: '1e3' }
 */
export interface JsonNumber extends JsonNodeBase {
  kind: 'number';
  value: number;
  /** As written (`1.50`, `1e3`). */
  raw: string;
}

/**
 * `true`, `false` or `null`.
 *
 * @example
 * // 'null' => { kind: 'literal', value: null }
 */
export interface JsonLiteral extends JsonNodeBase {
  kind: 'literal';
  value: true | false | null;
}

/**
 * A Jinja expression standing for a value.
 *
 * @example
 * // '"port": {{ port }}' => the value is { kind: 'jinja', raw: '{{ port }}' }
 */
export interface JsonJinja extends JsonNodeBase {
  kind: 'jinja';
  /** The tag as written. */
  raw: string;
}

/**
 * Any JSON value; narrow on `kind`.
 *
 * @example
 * if (value.kind === 'string' && value.jinja) console.log('templated');
 */
export type JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonLiteral | JsonJinja;
