/** `set-yaml-value`: the transform. */
export { setYamlValue, setYamlValue as default } from './transform.js';
