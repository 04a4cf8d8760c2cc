export * from './model.js';
export * from './parse.js';
export * from './document.js';
export * from './edit.js';
export * from './commented.js';
export * from './validate.js';
