export type { RenderResult, RenderOptions, IncludeResolver, RenderFailure } from './types.js';
export {
  renderTemplate,
  holdRenderSemantics,
  renderExpression,
  loadTemplateRenderer,
  resolveIncludePath,
  TemplateRenderer,
  MAX_VARIABLE_DEPTH,
  setRenderBackend,
  renderBackendName,
} from './renderer.js';
export { ansibleBackend, type RenderBackend } from './ansible-renderer.js';
export { RENDER_BUDGET } from './render-session.js';
export { pyStr, pyRepr, pyTruthy } from './python-values.js';
export { AnsibleBridge, findAnsiblePython, ansibleRenderScript } from './ansible-bridge.js';
export type { AnsibleVersions, AnsibleRenderAnswer, AnsibleRenderError, AnsibleRenderRequest, AnsibleBridgeOptions } from './ansible-bridge.js';
export { unverifiableHere, whereAnsibleLooks } from './undefined-variables.js';
export { lookupSearchBases, lookupSearchPaths, REFUSED_LOOKUPS } from './ansible-lookups.js';
