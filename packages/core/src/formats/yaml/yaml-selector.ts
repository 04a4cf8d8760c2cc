import { AnsimodError } from '../../diagnostics.js';
import type { YamlDocument } from './YamlDocument.js';
import type { YamlPair, YamlPath } from './types.js';

/**
 * One step of a {@link YamlSelector}: a key (Jinja kept verbatim: `latest-{{ arch }}`), any key
 * (`*`), any index (`[*]`), an index (`[2]`), or any depth (`**`, zero or more steps).
 *
 * @example
 * const s: YamlSelectorStep = { kind: 'key', key: 'vars' };
 */
export type YamlSelectorStep =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'any-key' }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'any-index' }
  | { readonly kind: 'any-depth' };

/**
 * A path selector over YAML documents, after OpenRewrite's rewrite-yaml paths:
 * `tasks[*].vars.registry`, `**.public_url`, `data["config.yaml"]`, `images["latest-{{ arch }}"]`.
 * Keys are matched as the document spells them (quotes removed, Jinja kept), so a key written
 * with Jinja is selected by that same text; keys repeated in `{% if %}` / `{% else %}` branches
 * are each selected (every branch's own entry).
 *
 * @example
 * const sel = parseYamlSelector('tasks[*].vars.registry');
 * selectPairs(doc, sel).map((p) => p.path.join('.'));
 */
export interface YamlSelector {
  readonly text: string;
  readonly steps: readonly YamlSelectorStep[];
}

/**
 * Parses a selector: steps separated by `.`; `[n]`, `[*]`, `["key"]` or `['key']` brackets; `*`
 * and `**`; a leading `$.` is allowed. Dots inside `{{ }}` or quotes do not separate steps.
 *
 * @throws AnsimodError `INVALID_OPTION` naming the column of the problem.
 * @example
 * parseYamlSelector('**.public_url').steps; // => [{ kind: 'any-depth' }, { kind: 'key', key: 'public_url' }]
 */
export function parseYamlSelector(text: string): YamlSelector {
  const steps: YamlSelectorStep[] = [];
  const fail = (at: number, why: string): never => {
    throw new AnsimodError({ code: 'INVALID_OPTION', message: `YAML path "${text}", column ${at + 1}: ${why}` });
  };
  let i = text.startsWith('$.') ? 2 : text === '$' ? 1 : 0;
  const plain = (): void => {
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const two = text.slice(i, i + 2);
      if (two === '{{' || two === '{%') {
        depth++;
        i += 2;
        continue;
      }
      if (depth > 0 && (two === '}}' || two === '%}')) {
        depth--;
        i += 2;
        continue;
      }
      const c = text[i];
      if (depth === 0 && (c === '.' || c === '[')) break;
      i++;
    }
    const word = text.slice(start, i);
    if (word === '') fail(start, 'empty key');
    steps.push(word === '**' ? { kind: 'any-depth' } : word === '*' ? { kind: 'any-key' } : { kind: 'key', key: word });
  };
  while (i < text.length) {
    if (text[i] === '[') {
      const close = bracketEnd(text, i);
      if (close < 0) fail(i, 'unclosed [');
      const inner = text.slice(i + 1, close).trim();
      if (inner === '*') steps.push({ kind: 'any-index' });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^(["']).*\1$/s.test(inner)) steps.push({ kind: 'key', key: inner.slice(1, -1) });
      else fail(i, `[${inner}] is not an index, [*] or a quoted key`);
      i = close + 1;
    } else plain();
    if (i < text.length) {
      if (text[i] === '.') {
        i++;
        if (i >= text.length) fail(i, 'a path cannot end with .');
      } else if (text[i] !== '[') fail(i, `unexpected ${text[i]}`);
    }
  }
  if (steps.length === 0) fail(0, 'empty path');
  return { text, steps };
}

function bracketEnd(text: string, open: number): number {
  const q = text[open + 1];
  if (q === '"' || q === "'") {
    const end = text.indexOf(q, open + 2);
    return end < 0 || text[end + 1] !== ']' ? -1 : end + 1;
  }
  return text.indexOf(']', open);
}

/**
 * Whether a node path (keys and indices from a document root) is selected.
 *
 * @example
 * matchesYamlSelector(parseYamlSelector('tasks[*].vars.registry'), ['tasks', 3, 'vars', 'registry']); // => true
 */
export function matchesYamlSelector(selector: YamlSelector, path: YamlPath): boolean {
  return matchFrom(selector.steps, 0, path, 0);
}

function matchFrom(steps: readonly YamlSelectorStep[], s: number, path: YamlPath, p: number): boolean {
  if (s === steps.length) return p === path.length;
  const step = steps[s] as YamlSelectorStep;
  if (step.kind === 'any-depth') {
    for (let q = p; q <= path.length; q++) if (matchFrom(steps, s + 1, path, q)) return true;
    return false;
  }
  if (p === path.length) return false;
  const seg = path[p];
  const ok =
    step.kind === 'key' ? seg === step.key : step.kind === 'any-key' ? typeof seg === 'string' : step.kind === 'index' ? seg === step.index : typeof seg === 'number';
  return ok && matchFrom(steps, s + 1, path, p + 1);
}

/**
 * The mapping entries of every document whose path the selector selects, in source order.
 * A root-level sequence's items are indices (`[*].name`).
 *
 * @example
 * selectPairs(doc, parseYamlSelector('**.public_url')).map((p) => p.value.value);
 */
export function selectPairs(doc: YamlDocument, selector: YamlSelector): YamlPair[] {
  return doc.pairs().filter((p) => matchesYamlSelector(selector, p.path));
}
