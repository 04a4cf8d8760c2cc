export * from './text-document.js';
