/** `swap-registry-endpoint`: the transform and the pieces it is built from. */
export { swapRegistryEndpoint, swapRegistryEndpoint as default } from './transform.js';
export { rewriteHosts, type HostReplacement, type RewrittenValue } from './host-rewrite.js';
export { resolveVariable, hostVariables, type VariableDefinition, type VariableResolution, type DefinitionKind } from './variable-definitions.js';
export { templatingTasks, type TemplatingTask } from './templating-tasks.js';
