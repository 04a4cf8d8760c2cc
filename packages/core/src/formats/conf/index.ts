export * from './model.js';
export * from './args.js';
export * from './parse.js';
export * from './document.js';
export * from './edit.js';
