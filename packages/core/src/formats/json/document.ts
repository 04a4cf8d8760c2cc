import type { JinjaScan } from '../../jinja/types.js';
import type { LineIndex } from '../../text/line-index.js';
import { StructuredDocument } from '../common/structured-document.js';
import type { JsonMember, JsonPath, JsonValue } from './model.js';

/**
 * A parsed JSON file: the value tree with source spans. `print()` is the text; changes are
 * {@link TextEdit}s from `json/edit.ts`.
 *
 * @example
 * const doc = parseJson('a.json', '{"a":[1,2]}', scanJinja('{"a":[1,2]}')) as JsonDocument;
 * doc.get(['a', 1]); // => { kind: 'number', value: 2, raw: '2', span: { start: 8, end: 9 }, path: ['a', 1] }
 */
export class JsonDocument extends StructuredDocument {
  readonly format = 'json' as const;

  constructor(
    path: string,
    text: string,
    jinja: JinjaScan,
    lines: LineIndex,
    readonly root: JsonValue,
  ) {
    super(path, text, jinja, lines);
  }

  /** The value at `path` (the first member when an object repeats a key), or undefined. */
  get(path: JsonPath): JsonValue | undefined {
    let node: JsonValue | undefined = this.root;
    for (const step of path) {
      if (node === undefined) return undefined;
      if (typeof step === 'number') node = node.kind === 'array' ? node.items[step] : undefined;
      else node = node.kind === 'object' ? node.members.find((m) => m.key === step)?.value : undefined;
    }
    return node;
  }

  /** Every object member in the document, depth first in text order. */
  members(): JsonMember[] {
    const out: JsonMember[] = [];
    const visit = (v: JsonValue): void => {
      if (v.kind === 'object') {
        for (const m of v.members) {
          out.push(m);
          visit(m.value);
        }
      } else if (v.kind === 'array') v.items.forEach(visit);
    };
    visit(this.root);
    return out;
  }
}
