export type { RenderResult, RenderOptions, IncludeResolver } from './types.js';
export {
  renderTemplate,
  renderExpression,
  loadTemplateRenderer,
  resolveIncludePath,
  TemplateRenderer,
  MAX_VARIABLE_DEPTH,
} from './renderer.js';
export { pyStr, pyRepr, pyTruthy } from './python-values.js';
export { AnsibleBridge, findAnsiblePython, ansibleRenderScript } from './ansible-bridge.js';
export type { AnsibleVersions, AnsibleRenderAnswer, AnsibleRenderError, AnsibleRenderRequest, AnsibleBridgeOptions } from './ansible-bridge.js';
