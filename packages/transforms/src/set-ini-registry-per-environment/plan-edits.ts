import {
  AnsimodError,
  insertEntryEdit,
  setValueEdit,
  type Environment,
  type IniDocument,
  type IniEntry,
  type IniNode,
  type JinjaBlock,
  type JinjaToken,
  type TextEdit,
} from '@ansimod/core';
import { perEnvironmentExpression } from '../endpoints/index.js';
import { branchEndTag, type BranchActivity } from './branch-activity.js';
import type { ManagedKey } from './managed-keys.js';

/**
 * The edits that make every managed key render to its mapped value, and what they set.
 *
 * @example
 * const { edits, setAfter } = await planRegistryEdits(doc, touched, pc);
 * setAfter.get('production'); // => Set { 'container.destination_registry', 'container.source_registry' }
 */
export interface RegistryEditPlan {
  edits: TextEdit[];
  /** Environment name → the managed keys the file sets there after the edits. */
  setAfter: Map<string, Set<string>>;
}

/**
 * What {@link planRegistryEdits} needs besides the document and the keys.
 *
 * @example
 * const pc: PlanContext = { section: 'app:main', environments, branches, managedKeys: Object.keys(defaults) };
 */
export interface PlanContext {
  section: string | null;
  environments: readonly Environment[];
  branches: BranchActivity;
  /** Every managed key's name (untouched ones too), to find the run of commented defaults. */
  managedKeys: readonly string[];
}

/** Where new lines for a key go, and the environments in which they are read. */
type Place =
  | { kind: 'plain'; anchor: IniNode | { section: string | null } }
  | { kind: 'branch'; block: JinjaBlock; index: number }
  | { kind: 'else'; block: JinjaBlock };

interface Insertion {
  place: Place;
  /** Lines in key order, each `key`/`value` with the entry to copy spacing from. */
  lines: Array<{ key: string; value: string; style: IniEntry | undefined }>;
}

/**
 * Plans the edits for the touched managed keys: the value of every entry that is the last
 * setting of its key in some environment is set to the mapped value (one Jinja expression on
 * `env` when environments differ); an environment with no setting gets one — in the taken
 * branch of the enclosing `{% if %}`, in a new `{% else %}` branch when none is taken, or as a
 * plain entry after the commented defaults when the key is set nowhere. New lines copy the
 * spacing of the neighbouring entry and use the file's line ending.
 *
 * @example
 * const plan = await planRegistryEdits(doc, keys.filter((k) => k.touched), { section: 'app:main', environments, branches, managedKeys });
 * applyEdits(doc.text, plan.edits);
 */
export async function planRegistryEdits(doc: IniDocument, keys: readonly ManagedKey[], pc: PlanContext): Promise<RegistryEditPlan> {
  const edits: TextEdit[] = [];
  const setAfter = new Map<string, Set<string>>(pc.environments.map((e) => [e.name, new Set<string>()]));
  const insertions = new Map<string, Insertion>();
  const markSet = (envs: readonly Environment[], key: string) => envs.forEach((e) => setAfter.get(e.name)?.add(key));

  for (const k of keys) {
    const wanted = (env: Environment) => k.byEnv.get(env.name)?.wanted ?? '';
    for (const entry of k.entries) {
      const won = pc.environments.filter((env) => k.byEnv.get(env.name)?.winner === entry);
      if (won.length === 0) continue;
      markSet(won, k.key);
      if (won.every((env) => k.byEnv.get(env.name)?.current === wanted(env))) continue;
      const value = perEnvironmentExpression(valuesFor(won, wanted), won);
      edits.push(setValueEdit(entry, value, reasonFor(k.key, won, wanted)));
    }
    const uncovered = pc.environments.filter((env) => {
      const s = k.byEnv.get(env.name);
      return s !== undefined && s.winner === undefined && s.wanted !== s.effective;
    });
    const done = new Set<string>();
    for (const env of uncovered) {
      if (done.has(env.name)) continue;
      const { place, id, envs } = await placeFor(doc, k, env, pc);
      envs.forEach((e) => done.add(e.name));
      markSet(envs, k.key);
      let ins = insertions.get(id);
      if (ins === undefined) insertions.set(id, (ins = { place, lines: [] }));
      ins.lines.push({ key: k.key, value: perEnvironmentExpression(valuesFor(envs, wanted), envs), style: k.entries.at(-1) });
    }
  }

  // Lines at the end of a taken branch go before a new `{% else %}` tag at the same place.
  const ordered = [...insertions.values()].sort((a, b) => Number(a.place.kind === 'else') - Number(b.place.kind === 'else'));
  for (const ins of ordered) edits.push(insertionEdit(doc, ins));
  return { edits, setAfter };
}

function valuesFor(envs: readonly Environment[], wanted: (env: Environment) => string): Record<string, string> {
  return Object.fromEntries(envs.map((e) => [e.name, wanted(e)]));
}

function reasonFor(key: string, envs: readonly Environment[], wanted: (env: Environment) => string): string {
  return `${key} → ${envs.map((e) => `${wanted(e)} (${e.name})`).join(', ')}`;
}

/**
 * Where the setting of `k` for `env` (which has none) goes, with an id shared by every key and
 * environment that go to the same place, and the environments that will read it.
 */
async function placeFor(
  doc: IniDocument,
  k: ManagedKey,
  env: Environment,
  pc: PlanContext,
): Promise<{ place: Place; id: string; envs: Environment[] }> {
  const ref = k.entries.at(-1);
  if (ref === undefined) {
    const anchor = plainAnchor(doc, k, pc);
    const id = 'section' in anchor ? `section:${String(anchor.section)}` : `after:${anchor.start}`;
    return { place: { kind: 'plain', anchor }, id, envs: [...pc.environments] };
  }
  // The outermost block around the last entry that does not take the entry's branch in `env`:
  // its enclosing blocks do, so a line in the branch it does take (or in a new `else`) is read in `env`.
  for (let depth = 0; depth < ref.jinja.length; depth++) {
    const { block, branch } = ref.jinja[depth] as (typeof ref.jinja)[number];
    const taken = await pc.branches.takenBranch(block, env);
    if (taken === branch) continue;
    const outer = ref.jinja.slice(0, depth);
    const envs: Environment[] = [];
    for (const e of pc.environments) {
      if ((await pc.branches.isActive(outer, e)) && (await pc.branches.takenBranch(block, e)) === taken) envs.push(e);
    }
    return taken < 0
      ? { place: { kind: 'else', block }, id: `else:${block.open.start}`, envs }
      : { place: { kind: 'branch', block, index: taken }, id: `branch:${block.open.start}:${taken}`, envs };
  }
  // Unreachable: an entry outside every block is read in every environment.
  throw new AnsimodError({ code: 'INTERNAL', path: doc.path, message: `${k.key} has an unconditional entry yet no value in ${env.name}` });
}

/**
 * Where a plain entry for a key set nowhere goes: after the run of managed commented defaults
 * holding its own (else the first such run), else after the last unconditional managed entry,
 * else at the end of the section.
 */
function plainAnchor(doc: IniDocument, k: ManagedKey, pc: PlanContext): IniNode | { section: string | null } {
  const managed = new Set(pc.managedKeys);
  const commented = doc.commentedEntries().filter((c) => c.section === pc.section && managed.has(c.key));
  const own = k.commented ?? commented[0];
  if (own !== undefined) {
    const isManagedComment = new Set<IniNode>(commented.map((c) => c.comment));
    let i = doc.nodes.indexOf(own.comment);
    while (i + 1 < doc.nodes.length && isManagedComment.has(doc.nodes[i + 1] as IniNode)) i++;
    return doc.nodes[i] as IniNode;
  }
  const entry = doc.entries.filter((e) => e.section === pc.section && managed.has(e.key) && e.jinja.length === 0).at(-1);
  if (entry !== undefined) return entry.continuations.at(-1) ?? entry;
  return { section: pc.section };
}

/** The text of one new entry line (with its line break), spaced like the key's last entry. */
function entryLine(doc: IniDocument, line: Insertion['lines'][number]): string {
  const style = line.style ?? doc.entries.find((e) => e.separator !== '');
  if (style === undefined) return `${line.key} = ${line.value}${doc.eol}`;
  return insertEntryEdit(doc, line, { before: style }).text;
}

function insertionEdit(doc: IniDocument, ins: Insertion): TextEdit {
  const reason = `set ${ins.lines.map((l) => l.key).join(', ')} where no environment-specific value was set`;
  const place = ins.place;
  if (place.kind === 'plain') {
    const parts = ins.lines.map((l) => insertEntryEdit(doc, l, 'section' in place.anchor ? place.anchor : { after: place.anchor }));
    const first = parts[0] as TextEdit;
    return { start: first.start, end: first.end, text: parts.map((p) => p.text).join(''), reason };
  }
  const body = ins.lines.map((l) => entryLine(doc, l)).join('');
  if (place.kind === 'branch') {
    const tag = ownLineTag(doc, branchEndTag(place.block, place.index), place.block);
    return { start: lineStartOf(doc, tag), end: lineStartOf(doc, tag), text: body, reason };
  }
  const close = ownLineTag(doc, place.block.close, place.block);
  const at = lineStartOf(doc, close);
  const closeText = doc.text.slice(close.start, close.end);
  const elseTag = closeText.replace(/\bendif\b/, 'else');
  return { start: at, end: at, text: `${doc.text.slice(at, close.start)}${elseTag}${doc.eol}${body}`, reason: `${reason} (new else branch)` };
}

function ownLineTag(doc: IniDocument, tag: JinjaToken | undefined, block: JinjaBlock): JinjaToken {
  if (tag === undefined || !tag.ownLine) {
    const { line } = doc.lines.position(block.open.start);
    throw new AnsimodError({
      code: 'UNSUPPORTED_TEMPLATE',
      path: doc.path,
      line,
      message: `cannot add lines to the {% ${block.open.inner ?? 'if'} %} block at line ${line}: its ${tag === undefined ? 'end tag is missing' : `{% ${tag.inner ?? ''} %} tag shares its line with other text`}`,
    });
  }
  return tag;
}

function lineStartOf(doc: IniDocument, tag: JinjaToken): number {
  return doc.lines.lineStart(doc.lines.position(tag.start).line);
}
