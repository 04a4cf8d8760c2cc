/** `set-ini-registry-per-environment`: the transform and the pieces it is built from. */
export { setIniRegistryPerEnvironment, setIniRegistryPerEnvironment as default } from './transform.js';
