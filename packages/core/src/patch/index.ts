/**
 * Patch layer: `git format-patch` mails from commit data, git's diffstat, git object ids,
 * and the safe, atomic writes and git queries the CLI needs around them (those live in
 * `../repo/` and are re-exported here).
 */
export { gitBlobId, gitFileMode, NULL_BLOB_ID, type GitFileMode } from './git-object.js';
export type { PatchPerson, FileChange, PatchCommit, CrlfMode, FormatPatchOptions } from './types.js';
export { commitMessage, formatPatch, formatPatchSeries, subjectSlug, type PatchMail } from './format-patch.js';
export { diffstat, diffstatSummary, modeSummary, type DiffstatOptions } from './diffstat.js';
export { wrapBody } from './wrap-body.js';
export { formatRfc2822Date } from './rfc2822-date.js';
export { encodeRfc2047, formatFromHeader, formatSubjectHeader, type Rfc2047Context } from './mail-header.js';
export { quoteGitPath } from './quote-path.js';
export { encodeBase85 } from './binary-patch.js';
// Safe writes and git queries (files in ../repo/ owned with this layer; exported from here so
// that the repo barrel stays with its own owner).
export { resolveInsideRepo, resolveEntryInsideRepo } from '../repo/safe-path.js';
export {
  writeFileAtomic,
  writeChangesAtomically,
  recoverInterruptedWrite,
  WriteInterrupted,
  type Recovery,
  type WriteFileAtomicOptions,
  type WriteChangesOptions,
  type RepoWrite,
  type WrittenChange,
} from '../repo/write.js';
export { isGitRepo, gitUserIdentity, gitDirtyPaths, gitTrackedPaths, gitEolAttributes, type GitIdentity } from '../repo/git.js';
export { cleanForGit, type EolAttributes } from './git-clean.js';
