/** `rename-yaml-key`: the transform. */
export { renameYamlKey, renameYamlKey as default } from './transform.js';
