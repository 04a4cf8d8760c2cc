/** `rename-variable`: the transform and the sites it renames. */
export { renameVariable, renameVariable as default } from './transform.js';
export { jinjaUses, yamlSites, type VariableSite } from './edits.js';
