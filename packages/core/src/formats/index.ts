/**
 * Format adapters: each parses a file (Jinja tags opaque) into a lossless model whose
 * `print()` is the source text, with helpers that produce {@link TextEdit} splices.
 */
export * from './types.js';
export * from './fallback.js';
export * from './detect.js';
export * from './parse-document.js';
export * from './common/span.js';
export * from './common/line-ending.js';
export * from './text/index.js';
export * from './ini/index.js';
export * from './json/index.js';
export * from './conf/index.js';
export * from './yaml/index.js';
