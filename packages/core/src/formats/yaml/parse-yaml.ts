import { Composer, CST, Parser } from 'yaml';
import { maskJinja } from '../../jinja/mask.js';
import type { JinjaScan } from '../../jinja/types.js';
import { LineIndex } from '../../text/line-index.js';
import type { Fallback } from '../types.js';
import { YamlDocument } from './YamlDocument.js';

/**
 * Parses a (possibly Jinja-templated) YAML stream without losing a byte: Jinja tags are masked
 * to same-length filler, the masked text goes through the `yaml` CST parser (every document of
 * the stream), and the result must print back exactly. When YAML cannot read the masked text —
 * a CST or composition error, or a CST that does not print back — the answer is a
 * {@link Fallback} (the caller reads the file as text). Jinja block errors alone do not cause a
 * fallback; duplicate keys do not either (`{% if %}` branches repeat keys).
 *
 * @example
 * const text = 'name: web\nimage: "{{ registry }}/web"\n';
 * const doc = parseYaml('app.yml', text, scanJinja(text));
 * doc instanceof YamlDocument && doc.get(['image'])?.value; // => '{{ registry }}/web'
 * parseYaml('bad.yml', 'a: [1\n', scanJinja('a: [1\n')); // => { format: 'yaml', reason: …, line: 2, column: 1 }
 */
export function parseYaml(path: string, text: string, jinja: JinjaScan): YamlDocument | Fallback {
  const masked = jinja.hasJinja ? maskJinja(text, jinja) : text;
  const tokens: CST.Token[] = [];
  const documents: CST.Document[] = [];
  for (const token of new Parser().parse(masked)) {
    tokens.push(token);
    if (token.type === 'document') documents.push(token);
  }
  // Lossless guard: what we hold must be exactly the text we were given.
  let printed = '';
  for (const token of tokens) printed += CST.stringify(token);
  if (printed !== masked) {
    return { format: 'yaml', reason: 'YAML parser did not keep every character of the file' };
  }
  // The CST parser is lenient (`a: b: c` is no CST error); composing finds what YAML rejects.
  const composer = new Composer({ uniqueKeys: false });
  for (const doc of composer.compose(tokens, false, masked.length)) {
    const error = doc.errors[0];
    if (error) return fallbackAt(text, error.pos[0], `${error.code}: ${firstLine(error.message)}`);
  }
  return new YamlDocument(path, text, jinja, masked, documents);
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}

function fallbackAt(text: string, offset: number, reason: string): Fallback {
  const { line, column } = new LineIndex(text).position(Math.min(offset, text.length));
  return { format: 'yaml', reason: `invalid YAML: ${reason}`, line, column };
}
