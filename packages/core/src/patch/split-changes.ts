import { applyEdits } from '../text/edit.js';
import { encodeSource } from '../text/source.js';
import type { PlannedChange, PlannedEdit } from '../transform/engine.js';
import type { FileChange } from './types.js';

/**
 * One commit's worth of a split plan: its group, the file changes (each from the state the
 * previous groups left to the state with this group's edits too), and how many edits it holds.
 *
 * @example
 * const g: ChangeGroup = { group: 'copy', changes: [...], edits: 12 };
 */
export interface ChangeGroup {
  readonly group: string;
  readonly changes: FileChange[];
  readonly edits: number;
}

/**
 * Splits planned changes into groups of edits (by the module a key names, by role, …), in the
 * order `order` gives (default: by name), each group a commit applied on top of the previous
 * ones: commit k holds exactly the edits of group k, and all commits together give the plan's
 * `after` bytes. Edits of one file never overlap, so any subset of them applies.
 *
 * @example
 * splitChanges(plan.changes, (e) => e.topic ?? e.stage).map((g) => `${g.group}: ${g.edits}`); // ['copy: 12', 'file: 30']
 */
export function splitChanges(
  changes: readonly PlannedChange[],
  groupOf: (edit: PlannedEdit, change: PlannedChange) => string,
  order: (a: string, b: string) => number = (a, b) => (a < b ? -1 : a > b ? 1 : 0),
): ChangeGroup[] {
  const groups = new Map<string, Map<PlannedChange, PlannedEdit[]>>();
  const editsOf = new Map(changes.map((c) => [c, c.edits ?? [{ start: 0, end: c.before.length, text: c.after, stage: c.stages[0] ?? '' }]]));
  for (const c of changes) {
    for (const e of editsOf.get(c) as PlannedEdit[]) {
      const g = groupOf(e, c);
      let byChange = groups.get(g);
      if (!byChange) groups.set(g, (byChange = new Map()));
      const list = byChange.get(c) ?? [];
      list.push(e);
      byChange.set(c, list);
    }
  }
  const applied = new Map<PlannedChange, PlannedEdit[]>();
  const out: ChangeGroup[] = [];
  for (const g of [...groups.keys()].sort(order)) {
    const byChange = groups.get(g) as Map<PlannedChange, PlannedEdit[]>;
    const files: FileChange[] = [];
    let count = 0;
    for (const c of changes) {
      const mine = byChange.get(c);
      if (!mine) continue;
      const done = applied.get(c) ?? [];
      const next = [...done, ...mine];
      applied.set(c, next);
      const before = done.length ? encodeSource(applyEdits(c.before, done), c.encoding) : c.beforeBytes;
      const after = next.length === (editsOf.get(c) as PlannedEdit[]).length ? c.afterBytes : encodeSource(applyEdits(c.before, next), c.encoding);
      files.push({ path: c.path, before, after, modeBefore: c.mode, modeAfter: c.mode });
      count += mine.length;
    }
    out.push({ group: g, changes: files, edits: count });
  }
  return out;
}
