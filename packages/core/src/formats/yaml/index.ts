/** YAML format adapter: a lossless, Jinja-aware YAML document model and nested documents. */
export { parseYaml } from './parse-yaml.js';
export { YamlDocument } from './YamlDocument.js';
export { guessNestedFormat } from './nested-format.js';
export { resolvesToNonString } from './scalar-encode.js';
export type {
  YamlPath,
  TextRange,
  YamlScalarStyle,
  YamlValueKind,
  YamlNode,
  YamlPair,
  YamlItem,
  NestedLine,
  OffsetMap,
  NestedDocument,
} from './types.js';
export { pairDeleteEdit } from './pair-delete.js';
export { parseYamlSelector, matchesYamlSelector, selectPairs, type YamlSelector, type YamlSelectorStep } from './yaml-selector.js';
