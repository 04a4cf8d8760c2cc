export * from './classify.js';
export * from './audit.js';
