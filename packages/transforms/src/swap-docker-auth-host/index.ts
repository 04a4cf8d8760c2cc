/** `swap-docker-auth-host`: the transform. */
export { swapDockerAuthHost, swapDockerAuthHost as default } from './transform.js';
