/** `insert-registry-redirect`: the transform and how it finds the vhost template. */
export { insertRegistryRedirect, insertRegistryRedirect as default, REDIRECT_MARKER } from './transform.js';
export { vhostLinks, servedDestnames, type VhostLink } from './vhost-templates.js';
