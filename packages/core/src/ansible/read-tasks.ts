import type { TextRange, YamlDocument, YamlNode, YamlPair, YamlPath } from '../formats/yaml/index.js';
import { ansibleCore, builtinModuleName, isTaskKeyword } from './ansible-core-data.js';
import { parseFreeForm, splitTaskArgs } from './free-form.js';
import type { AnsibleBlock, AnsibleModuleRef, AnsibleProblem, AnsibleTask, TaskArgs, TaskListEntry, TaskSection } from './types.js';

/** What reading a task list needs besides the document. */
interface ListContext {
  readonly doc: YamlDocument;
  readonly index: number;
  readonly handler: boolean;
  readonly problems: AnsibleProblem[];
}

const BLOCK_KEYS = new Set(ansibleCore.blockKeys);

/**
 * Reads the task list at `path` of document `index` (a tasks file's root, a play's `tasks:`),
 * blocks included, as ansible-core's `load_list_of_blocks` reads it: an entry with `block`,
 * `rescue` or `always` is a block, any other mapping a task. Problems (an entry that is not a
 * mapping, a task without a module) are pushed to `problems`; the entry is then left out or
 * kept without a module.
 *
 * @example
 * const problems: AnsibleProblem[] = [];
 * const entries = readTaskList(doc, [], 0, 'tasks', false, problems);
 * entries[0]?.kind; // => 'task'
 */
export function readTaskList(doc: YamlDocument, path: YamlPath, index: number, section: TaskSection, handler: boolean, problems: AnsibleProblem[]): TaskListEntry[] {
  return listAt({ doc, index, handler, problems }, path, section);
}

function listAt(ctx: ListContext, path: YamlPath, section: TaskSection): TaskListEntry[] {
  const node = ctx.doc.get(path, ctx.index);
  if (!node || node.kind === 'null') return [];
  if (node.kind !== 'seq') {
    ctx.problems.push({ offset: node.range.start, message: `${section}: a task list must be a sequence, not a ${node.kind}` });
    return [];
  }
  const out: TaskListEntry[] = [];
  for (const item of ctx.doc.items(path, ctx.index)) {
    if (item.value.kind !== 'map') {
      if (item.value.kind !== 'null') ctx.problems.push({ offset: item.value.range.start, message: `${section}: a task list entry must be a mapping, not a ${item.value.kind}` });
      continue;
    }
    const pairs = ctx.doc.entries(item.path, ctx.index);
    out.push(pairs.some((p) => BLOCK_KEYS.has(p.key.value ?? '')) ? readBlock(ctx, item.path, item.value, pairs, section) : readTask(ctx, item.path, item.value, pairs, section));
  }
  return out;
}

function nameOf(pairs: readonly YamlPair[]): string | undefined {
  const p = pairs.find((x) => x.key.value === 'name');
  return p?.value.kind === 'scalar' || p?.value.kind === 'block-scalar' ? p.value.value : undefined;
}

function readBlock(ctx: ListContext, path: YamlPath, node: YamlNode, pairs: readonly YamlPair[], section: TaskSection): AnsibleBlock {
  return {
    kind: 'block',
    doc: ctx.index,
    path,
    node,
    section,
    handler: ctx.handler,
    ...optional('name', nameOf(pairs)),
    keywords: pairs,
    block: listAt(ctx, [...path, 'block'], 'block'),
    rescue: listAt(ctx, [...path, 'rescue'], 'rescue'),
    always: listAt(ctx, [...path, 'always'], 'always'),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Reads one task mapping: its module (as a key, or in `action:`/`local_action:`), its
 * arguments and its keywords. Keys are told apart as ansible-core's `ModuleArgsParser` does:
 * a task or handler keyword, `local_action`, `static` and `with_*` are keywords; of the other
 * keys, the module is the one key, or — when there are several — the one that is a builtin
 * module or a fully qualified name.
 */
function readTask(ctx: ListContext, path: YamlPath, node: YamlNode, pairs: readonly YamlPair[], section: TaskSection): AnsibleTask {
  const keywords: YamlPair[] = [];
  const candidates: YamlPair[] = [];
  let actionPair: YamlPair | undefined;
  for (const p of pairs) {
    const key = p.key.value ?? p.keyText;
    if (isTaskKeyword(key)) {
      keywords.push(p);
      if (key === 'action' || key === 'local_action') actionPair ??= p;
    } else candidates.push(p);
  }
  let module: AnsibleModuleRef | undefined;
  let args: TaskArgs = { form: 'none' };
  let problem: string | undefined;
  let unknown: YamlPair[] = candidates;
  if (actionPair) {
    const read = readAction(ctx, actionPair);
    if (read.module) module = read.module;
    else problem = read.problem;
    args = read.args;
  } else {
    const chosen = candidates.length === 1 ? candidates : candidates.filter((p) => isModuleName(p.key.value ?? ''));
    if (chosen.length === 1) {
      const p = chosen[0] as YamlPair;
      unknown = candidates.filter((c) => c !== p);
      module = keyModule(p);
      args = argsOf(ctx.doc, p.value, p.value.kind === 'map' ? ctx.doc.entries(p.path, ctx.index) : [], p.value.kind === 'scalar' || p.value.kind === 'block-scalar' ? (p.value.value ?? '') : undefined);
    } else {
      problem = candidates.length === 0 ? 'no module/action detected in task' : `conflicting action statements: ${candidates.map((c) => c.key.value ?? c.keyText).join(', ')}`;
    }
  }
  if (problem) ctx.problems.push({ offset: node.range.start, message: problem });
  return {
    kind: 'task',
    doc: ctx.index,
    path,
    node,
    section,
    handler: ctx.handler,
    ...optional('name', nameOf(pairs)),
    keywords,
    ...(module ? { module } : {}),
    args,
    unknown,
    ...optional('problem', problem),
  };
}

/** A builtin module, or a fully qualified collection name. */
function isModuleName(key: string): boolean {
  return builtinModuleName(key) !== undefined || /^[A-Za-z_]\w*\.[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(key);
}

function keyModule(p: YamlPair): AnsibleModuleRef {
  const name = p.key.value ?? p.keyText;
  return { name, ...optional('builtin', builtinModuleName(name)), form: 'key', range: p.key.range, node: p.key, pair: p };
}

function argsOf(doc: YamlDocument, node: YamlNode, pairs: readonly YamlPair[], raw: string | undefined): TaskArgs {
  if (node.kind === 'map') return { form: 'mapping', node, pairs };
  if (raw !== undefined) return { form: 'free-form', node, raw, ...parseFreeForm(raw) };
  void doc;
  return { form: 'none' };
}

function readAction(ctx: ListContext, p: YamlPair): { module?: AnsibleModuleRef; args: TaskArgs; problem?: string } {
  const form = (p.key.value === 'local_action' ? 'local_action' : 'action') as 'action' | 'local_action';
  const v = p.value;
  if (v.kind === 'scalar' || v.kind === 'block-scalar') {
    const text = v.value ?? '';
    const token = splitTaskArgs(text)[0];
    if (!token) return { args: { form: 'none' }, problem: `${form}: names no module` };
    const raw = text.slice(text.indexOf(token) + token.length).trim();
    const range = leadingTokenRange(ctx.doc.text, v, token);
    return {
      module: { name: token, ...optional('builtin', builtinModuleName(token)), form, ...(range ? { range } : {}), node: v, pair: p },
      args: { form: 'free-form', node: v, raw, ...parseFreeForm(raw) },
    };
  }
  if (v.kind === 'map') {
    const pairs = ctx.doc.entries(p.path, ctx.index);
    const m = pairs.find((x) => x.key.value === 'module');
    const name = m && m.value.kind === 'scalar' ? m.value.value : undefined;
    if (!m || name === undefined) return { args: { form: 'mapping', node: v, pairs }, problem: `${form}: a mapping needs a module: key` };
    const range = scalarContentRange(ctx.doc.text, m.value, name);
    return {
      module: { name, ...optional('builtin', builtinModuleName(name)), form, ...(range ? { range } : {}), node: m.value, pair: p },
      args: { form: 'mapping', node: v, pairs: pairs.filter((x) => x !== m) },
    };
  }
  return { args: { form: 'none' }, problem: `${form}: must be a string or a mapping, not a ${v.kind}` };
}

/** Where a scalar's value is written when it is written as it reads (no escapes): inside the quotes. */
function scalarContentRange(text: string, node: YamlNode, value: string): TextRange | undefined {
  const start = node.style === 'single' || node.style === 'double' ? node.range.start + 1 : node.range.start;
  return text.startsWith(value, start) && (node.style === 'plain' || text[start + value.length] === text[node.range.start]) ? { start, end: start + value.length } : undefined;
}

/** Where the first token of an `action:` string is written (after quotes, a block header, blanks). */
function leadingTokenRange(text: string, node: YamlNode, token: string): TextRange | undefined {
  let i = node.range.start;
  if (node.kind === 'block-scalar') {
    while (i < node.range.end && text[i] !== '\n' && text[i] !== '\r') i++;
  } else if (node.style === 'single' || node.style === 'double') i++;
  while (i < node.range.end && /\s/.test(text[i] as string)) i++;
  const end = i + token.length;
  if (!text.startsWith(token, i) || end > node.range.end) return undefined;
  const after = text[end];
  return after === undefined || /[\s'"]/.test(after) || end === node.range.end ? { start: i, end } : undefined;
}

/**
 * Every task of a task list, blocks opened (their `block`, `rescue` and `always` tasks), in
 * source order.
 *
 * @example
 * allTasks(play.tasks).filter((t) => t.module?.builtin === 'copy').length;
 */
export function allTasks(entries: readonly TaskListEntry[]): AnsibleTask[] {
  const out: AnsibleTask[] = [];
  const walk = (list: readonly TaskListEntry[]): void => {
    for (const e of list) {
      if (e.kind === 'task') out.push(e);
      else {
        walk(e.block);
        walk(e.rescue);
        walk(e.always);
      }
    }
  };
  walk(entries);
  return out;
}
