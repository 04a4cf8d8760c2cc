/**
 * @ansimod/transforms — the built-in transforms, the endpoint model they share, the audit,
 * and the shipped recipes (first of all `flatpaks-to-quay`).
 */
export * from './endpoints/index.js';
export * from './registry.js';
export { transforms } from './transforms.js';
export * from './audit/index.js';
export * from './ledger/index.js';
