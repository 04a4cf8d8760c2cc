/**
 * @ansimod/core — lossless, Jinja-aware documents for Ansible repositories, and the engine
 * that applies typed transforms to them.
 *
 * Layers (each in its own folder): `text` (bytes, lines, splices) → `jinja` (template scanner)
 * → `formats` (YAML, INI, JSON, Apache conf, text adapters) → `ansible` (plays, tasks, roles, file
 * kinds) → `repo` (walk, read, write)
 * → `env` + `render` (environments, template rendering) → `transform` (transforms, recipes,
 * verification) → `patch` (git format-patch mails).
 */
export * from './diagnostics.js';
export * from './text/line-index.js';
export * from './text/line-diff.js';
export * from './text/edit.js';
export * from './text/source.js';
export * from './jinja/index.js';
export * from './formats/index.js';
export * from './ansible/index.js';
export * from './repo/index.js';
export * from './env/index.js';
export * from './render/index.js';
export * from './transform/index.js';
export * from './patch/index.js';
