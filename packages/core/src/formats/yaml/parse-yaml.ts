import { Composer, CST } from 'yaml';
import { maskJinja } from '../../jinja/mask.js';
import type { JinjaScan } from '../../jinja/types.js';
import { LineIndex } from '../../text/line-index.js';
import type { Fallback } from '../types.js';
import { createAnsibleYamlParser } from './ansible-lexer.js';
import { fillJinjaLinesInBlockScalars } from './block-scalar-mask.js';
import { unheldContent } from './cst-guard.js';
import { scanBlockYaml } from './fast-scan.js';
import { JinjaTagIndex } from './jinja-context.js';
import { YamlDocument } from './YamlDocument.js';

/** What the `yaml` parser made of a (masked) text. */
interface StreamRead {
  readonly tokens: CST.Token[];
  readonly documents: CST.Document[];
  /** The first problem: the CST does not print back, or YAML rejects the text. */
  readonly problem?: { readonly offset?: number; readonly reason: string };
}

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
 * parseYaml('bad.yml', 'a: 1\n- b\n', scanJinja('a: 1\n- b\n')); // => { format: 'yaml', reason: …, line: 2, column: 1 }
 *
 * Plain block-style text is read by {@link scanBlockYaml}, which builds the same model without
 * the CST; `{ fast: false }` always parses in full (the tests compare the two).
 */
export function parseYaml(path: string, text: string, jinja: JinjaScan, options: { readonly fast?: boolean } = {}): YamlDocument | Fallback {
  let masked = jinja.hasJinja ? maskJinja(text, jinja) : text;
  // Plain block-style YAML (most task files) is read by the fast reader, the rest in full.
  const fast = options.fast === false ? undefined : scanBlockYaml(text, masked, jinja, JinjaTagIndex.of(jinja));
  if (fast) return new YamlDocument(path, text, jinja, masked, [], fast);
  let read = readStream(masked);
  if (jinja.hasJinja) {
    // Lines of block scalars that start with Jinja mask to blanks, which YAML reads as deeper
    // indentation (or rejects); inside a block scalar they are content, so mask them as such and
    // read again. The second reading is the one that matches what the template produces.
    const repaired = fillJinjaLinesInBlockScalars(text, masked, read.tokens);
    if (repaired !== masked) {
      masked = repaired;
      read = readStream(repaired);
    }
  }
  if (read.problem) return fallbackAt(text, read.problem.offset, read.problem.reason);
  return new YamlDocument(path, text, jinja, masked, read.documents);
}

function readStream(masked: string): StreamRead {
  const tokens: CST.Token[] = [];
  const documents: CST.Document[] = [];
  // Indentation inside flow collections and quoted scalars is read as PyYAML (Ansible) reads it.
  for (const token of createAnsibleYamlParser().parse(masked)) {
    tokens.push(token);
    if (token.type === 'document') documents.push(token);
  }
  // Lossless guard: what we hold must be exactly the text we were given (or, where the parser
  // drops a line break token, every token must sit at its offset with only blanks between).
  let printed = '';
  for (const token of tokens) printed += CST.stringify(token);
  if (printed !== masked) {
    const offset = unheldContent(tokens, masked);
    if (offset !== undefined) return { tokens, documents, problem: { offset, reason: 'the YAML parser did not keep every character of the file' } };
  }
  // The CST parser is lenient (`a: b: c` is no CST error); composing finds what YAML rejects.
  // Only the errors are used, and under YAML 1.2 the core and failsafe schemas raise the same
  // ones (core only adds implicit int/float/bool/null typing, whose resolvers never fail, and
  // explicit tags it lacks are warnings either way); failsafe skips testing every plain scalar
  // against the core patterns. A `%YAML` directive can select the 1.1 schema, whose tags
  // (`!!omap`, `!!binary`, …) can fail, so such a stream keeps the default.
  const composer = new Composer(masked.includes('%YAML') ? { uniqueKeys: false } : { uniqueKeys: false, schema: 'failsafe' });
  for (const doc of composer.compose(tokens, false, masked.length)) {
    const error = doc.errors[0];
    if (error) return { tokens, documents, problem: { offset: error.pos[0], reason: `invalid YAML: ${error.code}: ${firstLine(error.message)}` } };
  }
  return { tokens, documents };
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}

function fallbackAt(text: string, offset: number | undefined, reason: string): Fallback {
  if (offset === undefined) return { format: 'yaml', reason };
  const { line, column } = new LineIndex(text).position(Math.min(offset, text.length));
  return { format: 'yaml', reason, line, column };
}
