/** `replace-host`: the transform and its host map. */
export { replaceHost, replaceHost as default } from './transform.js';
export { HostMap, hostMapFor, type HostRule } from './host-map.js';
export { parseKeepRules, type KeepRule } from './keep-rules.js';
