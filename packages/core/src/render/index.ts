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
