import { scanJinja, tokenizeExpression, variableNames, YamlDocument, type ExpressionToken, type FileEdit, type YamlNode, type YamlPair } from '@ansimod/core';

/** One renamed occurrence of a variable: a definition (a key, `register:`), or a use in an expression. */
export interface VariableSite {
  edit: FileEdit;
  kind: 'definition' | 'use';
  /** For a use: the expression (a Jinja tag, or a bare `when:` condition) before and after, for the render check. */
  expression?: { before: string; after: string; bare: boolean };
}

/** Keys whose values are bare Jinja expressions (Ansible templates them as `{{ … }}`). */
const BARE_EXPRESSION_KEYS = new Set(['when', 'failed_when', 'changed_when', 'until', 'that']);
/** Keys whose value names a variable. */
const NAME_VALUE_KEYS = new Set(['register', 'loop_var', 'index_var']);
/** Keys under which every key defines a variable. */
const DEFINING_PARENTS = new Set(['vars', 'set_fact', 'ansible.builtin.set_fact', 'ansible.legacy.set_fact']);

/** Lookups whose terms name variables: `lookup('vars', 'foo')`, `query('vars', 'foo', 'bar')`. */
const VARS_LOOKUPS = new Set(['lookup', 'query', 'q']);
const VARS_PLUGINS = new Set(['vars', 'ansible.builtin.vars', 'ansible.legacy.vars']);

/** The name a string token holds, without its quotes, when it has no escapes. */
function stringValue(t: ExpressionToken | undefined): string | undefined {
  if (t?.kind !== 'string' || t.text.includes('\\')) return undefined;
  return t.text.slice(1, -1);
}

/** The index of the bracket closing the one at `k`, or -1. */
function closing(tokens: readonly ExpressionToken[], k: number): number {
  let depth = 0;
  for (let i = k; i < tokens.length; i++) {
    const t = (tokens[i] as ExpressionToken).text;
    if (t === '(' || t === '[' || t === '{') depth++;
    else if ((t === ')' || t === ']' || t === '}') && --depth === 0) return i;
  }
  return -1;
}

/**
 * The tokens of an expression that name variables: its variables (see `variableNames`), and the
 * names Ansible reads from a mapping of variables — `vars.foo`, `vars['foo']`,
 * `hostvars[h].foo`, `hostvars[h]['foo']` — or from the terms of the `vars` lookup
 * (`lookup('vars', 'foo')`, `query('vars', 'foo')`). A string token is returned whole (quotes
 * included); any other `'foo'` is a string, not a use.
 *
 * @example
 * variableTokens(tokenizeExpression("vars['foo'] ~ 'foo'")).map((t) => t.text); // => ['vars', "'foo'"]
 */
export function variableTokens(tokens: readonly ExpressionToken[]): ExpressionToken[] {
  const out = variableNames(tokens);
  const sig = tokens.filter((t) => t.kind !== 'space');
  const isVariable = new Set(out.map((t) => t.start));
  // `M.foo` or `M['foo']` after a mapping of variables ending at index k.
  const member = (k: number): void => {
    const [op, name, close] = [sig[k + 1], sig[k + 2], sig[k + 3]];
    if (op?.text === '.' && name?.kind === 'name') out.push(name);
    else if (op?.text === '[' && stringValue(name) !== undefined && close?.text === ']') out.push(name as ExpressionToken);
  };
  sig.forEach((t, k) => {
    if (!isVariable.has(t.start)) return;
    if (t.text === 'vars') member(k);
    else if (t.text === 'hostvars' && sig[k + 1]?.text === '[') {
      const end = closing(sig, k + 1);
      if (end > 0) member(end);
    } else if (VARS_LOOKUPS.has(t.text) && sig[k + 1]?.text === '(' && VARS_PLUGINS.has(stringValue(sig[k + 2]) ?? '')) {
      // Every term written as a lone string: `'foo'` followed by `,` or `)`.
      const end = closing(sig, k + 1);
      for (let i = k + 3; i < end; i++) {
        const term = sig[i] as ExpressionToken;
        if (stringValue(term) !== undefined && sig[i - 1]?.text === ',' && (sig[i + 1]?.text === ',' || i + 1 === end)) out.push(term);
        else if (term.text === '(' || term.text === '[' || term.text === '{') i = closing(sig, i);
      }
    }
  });
  return out.sort((a, b) => a.start - b.start);
}

function renamedText(text: string, start: number, end: number, names: ReadonlyMap<string, string>): { text: string; changed: boolean } {
  const parts: string[] = [];
  let at = start;
  let changed = false;
  for (const t of variableTokens(tokenizeExpression(text, start, end))) {
    const quoted = t.kind === 'string';
    const to = names.get(quoted ? t.text.slice(1, -1) : t.text);
    if (to === undefined) continue;
    parts.push(text.slice(at, t.start), quoted ? `${t.text[0]}${to}${t.text[0]}` : to);
    at = t.end;
    changed = true;
  }
  parts.push(text.slice(at, end));
  return { text: parts.join(''), changed };
}

/**
 * The renamed uses in every Jinja tag of a text (`{{ … }}`, `{% … %}`; comments and raw blocks
 * are not expressions), each as an edit of the whole tag.
 *
 * @example
 * jinjaUses('{{ foo ~ foo_bar }}', new Map([['foo', 'x_foo']]))[0].edit.text; // => '{{ x_foo ~ foo_bar }}'
 */
export function jinjaUses(text: string, names: ReadonlyMap<string, string>): VariableSite[] {
  const out: VariableSite[] = [];
  for (const tag of scanJinja(text).tokens) {
    if (tag.kind !== 'expression' && tag.kind !== 'statement') continue;
    if (![...names.keys()].some((n) => text.slice(tag.start, tag.end).includes(n))) continue;
    const r = renamedText(text, tag.start + 2, tag.end - 2, names);
    if (!r.changed) continue;
    const after = text.slice(tag.start, tag.start + 2) + r.text + text.slice(tag.end - 2, tag.end);
    out.push({ kind: 'use', edit: { start: tag.start, end: tag.end, text: after, reason: 'variable renamed in an expression' }, ...(tag.kind === 'expression' ? { expression: { before: text.slice(tag.start, tag.end), after, bare: false } } : {}) });
  }
  return out;
}

/** Where a scalar's value is written verbatim (quotes excluded), or undefined. */
function verbatim(text: string, node: YamlNode): { start: number; end: number } | undefined {
  if (node.value === undefined || node.kind !== 'scalar') return undefined;
  const raw = text.slice(node.range.start, node.range.end);
  if (node.style === 'plain' && raw === node.value) return node.range;
  if ((node.style === 'single' || node.style === 'double') && raw.slice(1, -1) === node.value) return { start: node.range.start + 1, end: node.range.end - 1 };
  return undefined;
}

function parentKey(pair: YamlPair): string | number | undefined {
  return pair.path[pair.path.length - 2];
}

/**
 * The definitions and bare-expression uses of renamed variables in a YAML file Ansible reads:
 * keys of `vars:`, `set_fact:` and argument specs' `options:`, top-level keys of a vars file,
 * role parameters (`roles:` entries, `dependencies:`), `register:`/`loop_var:` values, and the
 * conditions of `when:`, `failed_when:`, `changed_when:`, `until:` and `that:`. Jinja tags are
 * left to {@link jinjaUses}.
 *
 * @example
 * yamlSites(text, doc, names, { varsFile: true }).map((s) => s.kind); // => ['definition']
 */
export function yamlSites(text: string, doc: YamlDocument, names: ReadonlyMap<string, string>, opts: { varsFile: boolean }): VariableSite[] {
  const out: VariableSite[] = [];
  const define = (node: YamlNode, reason: string): void => {
    const span = verbatim(text, node);
    const to = node.value === undefined ? undefined : names.get(node.value);
    if (span && to !== undefined) out.push({ kind: 'definition', edit: { start: span.start, end: span.end, text: to, reason } });
  };
  const bare = (node: YamlNode): void => {
    const span = verbatim(text, node);
    if (!span || /[{][{%]/.test(node.value ?? '')) return;
    const r = renamedText(text, span.start, span.end, names);
    if (r.changed) out.push({ kind: 'use', edit: { start: span.start, end: span.end, text: r.text, reason: 'variable renamed in a condition' }, expression: { before: text.slice(span.start, span.end), after: r.text, bare: true } });
  };
  for (const pair of doc.pairs()) {
    const key = pair.key.value;
    if (key === undefined) continue;
    const parent = parentKey(pair);
    const grand = pair.path[pair.path.length - 3];
    const inRoleEntry = typeof parent === 'number' && (grand === 'roles' || grand === 'dependencies') && key !== 'role' && key !== 'name';
    // A role's argument specs: `argument_specs: {main: {options: {name: …}}}`.
    const argumentSpec = parent === 'options' && pair.path.includes('argument_specs');
    if ((opts.varsFile && pair.path.length === 1) || (typeof parent === 'string' && DEFINING_PARENTS.has(parent)) || inRoleEntry || argumentSpec) define(pair.key, 'variable definition renamed');
    if (NAME_VALUE_KEYS.has(key)) define(pair.value, `${key} renamed`);
    if (BARE_EXPRESSION_KEYS.has(key)) {
      if (pair.value.kind === 'scalar') bare(pair.value);
      else if (pair.value.kind === 'seq') for (const item of doc.items(pair.path, pair.doc)) if (item.value.kind === 'scalar') bare(item.value);
    }
  }
  return out;
}
