export type { Environment, InventoryReader, EnvironmentOverride } from './types.js';
export {
  discoverEnvironments,
  defaultEnvironments,
  environmentsFromOptions,
  fileSystemInventoryReader,
  DEFAULT_ENVIRONMENT_VARS,
} from './discover.js';
export { readGroupVars, composeVarsFile, type GroupVars } from './group-vars.js';
