import type { FileChange } from '../patch/types.js';
import type { RepoWrite } from '../repo/write.js';
import type { PlannedChange } from './engine.js';

/**
 * What writing a planned change means for the file system: the file's new bytes, or for a
 * renamed file the old name removed and the new one written (each checked against the bytes
 * the plan read, as {@link writeChangesAtomically} does). Kept apart from `repo/write.ts`, which
 * needs no notion of a rename.
 *
 * @example
 * await writeChangesAtomically(plan.root, plan.changes.flatMap(repoWritesOf));
 */
export function repoWritesOf(c: PlannedChange): RepoWrite[] {
  if (c.renamedFrom === undefined) return [{ path: c.path, before: c.beforeBytes, after: c.afterBytes, modeBefore: c.mode, modeAfter: c.mode }];
  return [
    { path: c.renamedFrom, before: c.beforeBytes, after: null, modeBefore: c.mode },
    { path: c.path, before: null, after: c.afterBytes, modeAfter: c.mode },
  ];
}

/**
 * A planned change as the patch layer takes it (a rename as a rename).
 *
 * @example
 * formatPatch({ …commit, changes: plan.changes.map(fileChangeOf) });
 */
export function fileChangeOf(c: PlannedChange): FileChange {
  return { path: c.path, ...(c.renamedFrom !== undefined ? { renamedFrom: c.renamedFrom } : {}), before: c.beforeBytes, after: c.afterBytes, modeBefore: c.mode, modeAfter: c.mode };
}
