/** `delete-yaml-key`: the transform. */
export { deleteYamlKey, deleteYamlKey as default } from './transform.js';
