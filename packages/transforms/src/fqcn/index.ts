/** `fqcn`: the transform. */
export { fqcn, fqcn as default } from './transform.js';
