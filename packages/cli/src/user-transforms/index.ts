/**
 * User-written transforms given with `--transform FILE`: loading (type-checked when TypeScript),
 * validation of the export, and the job they stand for.
 */
export { loadTransformFiles, TransformTypeError, type LoadTransformOptions } from './load.js';
export { userTransformJob, missingRequiredOptions } from './transform-steps.js';
export { transformsOfModule } from './transform-export.js';
export { installedCore, installedPackage, type InstalledPackage } from './installed-core.js';
export { isTypeScriptFile } from './module-specifiers.js';
