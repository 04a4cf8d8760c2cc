export * from './ledger.js';
export { unusedTemplates } from './unused-templates.js';
