/**
 * Repository layer: walking a tree, reading files without losing a byte, loading documents,
 * and the round-trip check over a whole repository.
 */
export { walkRepository, resolveRoot, isInside, sortByPath, SkipReason, WalkedFile, escapeName } from './walk.js';
export { notReadDiagnostics } from './not-read.js';
export type { RepoEntry, SkippedFile, WalkResult, WalkOptions } from './walk.js';
export { readRepoFile, repoEntryForPath } from './read.js';
export type { RepoFile } from './read.js';
export { loadDocument } from './load.js';
export type { LoadedDocument } from './load.js';
export { roundtripFile } from './roundtrip-file.js';
export type { FileRoundtrip } from './roundtrip-file.js';
export { roundtripRepository, buildRoundtripReport } from './roundtrip.js';
export type { RoundtripReport, RoundtripOptions, FormatTally, FallbackEntry } from './roundtrip.js';
export { mapLimit } from './map-limit.js';
export { ByteCorpus } from './corpus.js';
export type { CorpusScanOptions, CorpusState } from './corpus.js';
export { startPrescan } from './prescan.js';
export type { Prescan, PrescanMessage } from './prescan.js';
export { isTemplatePath, readByAnsible } from './ansible-files.js';
