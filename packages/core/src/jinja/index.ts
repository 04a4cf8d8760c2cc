/** Jinja layer: scan templates into tokens and blocks, query them, mask them for format parsers. */
export type { JinjaToken, JinjaTokenKind, JinjaTagKind, JinjaBlock, JinjaScan } from './types.js';
export { scanJinja } from './scanner.js';
export { isBlockSet } from './blocks.js';
export { tokenAt, firstEndingAfter, jinjaRanges, jinjaInRange, containsJinja, enclosingBlocks, isTag, type EnclosingBlock } from './query.js';
export { maskJinja, type MaskOptions } from './mask.js';
export { tokenizeExpression, variableNames, type ExpressionToken, type ExpressionTokenKind } from './expression.js';
