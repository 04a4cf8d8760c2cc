/** `rename-file`: the transform and how it computes renames and new targets. */
export { renameFile, renameFile as default } from './transform.js';
export { renameSet, retarget, type PlannedRename, type RenameSpec } from './rename-set.js';
