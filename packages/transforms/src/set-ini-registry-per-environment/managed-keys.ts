import { AnsimodError, type Environment, type IniCommentedEntry, type IniDocument, type IniEntry } from '@ansimod/core';
import type { Evaluate } from '../endpoints/host-occurrences.js';
import type { BranchActivity } from './branch-activity.js';
import type { EndpointMap } from '../endpoints/endpoint-map.js';

/**
 * A managed key in one environment: what the template sets today and what it should set.
 *
 * @example
 * // production, relying on the commented default:
 * const s: KeyInEnvironment = { effective: 'registry.fedoraproject.org', from: 'commented default', wanted: 'quay.io/fedora' };
 */
export interface KeyInEnvironment {
  /** The entry whose value the rendered file ends up with (the last active one), if any. */
  winner?: IniEntry;
  /** The rendered value of the winner, if any. */
  current?: string;
  /** The value the application uses: the winner's, else the commented default, else the `defaults` option. */
  effective: string;
  /** Where `effective` comes from. */
  from: 'file' | 'commented default' | 'defaults option';
  /** `effective` with its registry moved by the maps. */
  wanted: string;
}

/**
 * One managed key of the file: where it is written and its values per environment.
 *
 * @example
 * const [dest] = await readManagedKeys(doc, rc);
 * dest.entries.length; // => 1 (the entry in the staging branch)
 */
export interface ManagedKey {
  key: string;
  /** Its entries in the managed section, in order (one per `if` branch, for example). */
  entries: IniEntry[];
  /** Its last commented default in the managed section (`# key = value`), if any. */
  commented?: IniCommentedEntry;
  /** By environment name. */
  byEnv: Map<string, KeyInEnvironment>;
  /** True when the maps concern the key: some environment's value moves or already names a target. */
  touched: boolean;
}

/**
 * The section the managed keys live in: the given one, else the section of the first entry or
 * commented default of a managed key; undefined when the file has neither.
 *
 * @example
 * managedSection(doc, ['container.source_registry']); // => 'app:main'
 */
export function managedSection(doc: IniDocument, keys: readonly string[], section?: string): string | null | undefined {
  const wanted = new Set(keys);
  const inSection = (s: string | null) => section === undefined || s === section;
  const entry = doc.entries.find((e) => wanted.has(e.key) && inSection(e.section));
  const commented = doc.commentedEntries().find((c) => wanted.has(c.key) && inSection(c.section));
  if (entry === undefined && commented === undefined) return undefined;
  if (entry === undefined) return (commented as IniCommentedEntry).section;
  if (commented === undefined) return entry.section;
  return entry.start < commented.comment.start ? entry.section : commented.section;
}

/**
 * What {@link readManagedKeys} needs besides the document.
 *
 * @example
 * const rc: ReadContext = { section: 'app:main', defaults, environments, branches, evaluate, map };
 */
export interface ReadContext {
  section: string | null;
  defaults: Readonly<Record<string, string>>;
  environments: readonly Environment[];
  branches: BranchActivity;
  evaluate: Evaluate;
  map: EndpointMap;
}

/**
 * Reads each managed key's value in each environment: the value set in the branch of the
 * template's `{% if %}` blocks that is active there (the last one, as an INI reader keeps the
 * last), else the commented default in the file, else the `defaults` option; and the value it
 * should have once its registry moves.
 *
 * @example
 * const [dest] = await readManagedKeys(doc, { section: 'app:main', defaults, environments, branches, evaluate, map });
 * dest.byEnv.get('production')?.wanted; // => 'quay.io/fedora'
 */
export async function readManagedKeys(doc: IniDocument, rc: ReadContext): Promise<ManagedKey[]> {
  const out: ManagedKey[] = [];
  const commentedAll = doc.commentedEntries();
  for (const [key, fallback] of Object.entries(rc.defaults)) {
    const entries = doc.find(key, rc.section);
    const commented = commentedAll.filter((c) => c.key === key && c.section === rc.section).at(-1);
    const byEnv = new Map<string, KeyInEnvironment>();
    let touched = false;
    for (const env of rc.environments) {
      let winner: IniEntry | undefined;
      for (const e of entries) if (await rc.branches.isActive(e.jinja, env)) winner = e;
      let state: Omit<KeyInEnvironment, 'wanted'>;
      if (winner !== undefined) {
        const current = await valueIn(winner.value, env, rc, doc, winner.line, key);
        state = { winner, current, effective: current, from: 'file' };
      } else if (commented !== undefined && commented.value !== '') {
        state = { effective: await valueIn(commented.value, env, rc, doc, commented.comment.line, key), from: 'commented default' };
      } else {
        state = { effective: fallback, from: 'defaults option' };
      }
      const wanted = rc.map.mapValue(state.effective);
      if (wanted !== state.effective || rc.map.isTarget(state.effective)) touched = true;
      byEnv.set(env.name, { ...state, wanted });
    }
    const managed: ManagedKey = { key, entries, byEnv, touched };
    if (commented !== undefined) managed.commented = commented;
    out.push(managed);
  }
  return out;
}

/** A value as rendered in `env`; a value that cannot be rendered is an error naming the key and line. */
async function valueIn(template: string, env: Environment, rc: ReadContext, doc: IniDocument, line: number, key: string): Promise<string> {
  try {
    return await rc.evaluate(template, env);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AnsimodError({ code: 'RENDER_FAILED', path: doc.path, line, message: `cannot tell the value of ${key} in ${env.name}: ${why}` });
  }
}
