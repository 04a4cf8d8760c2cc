export * from './registry-ref.js';
export * from './endpoint-map.js';
export * from './host-occurrences.js';
export * from './per-environment.js';
export * from './rendered-hosts.js';
