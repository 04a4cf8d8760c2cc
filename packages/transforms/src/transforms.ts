import type { AnyTransform } from '@ansimod/core';
import { insertRegistryRedirect } from './insert-registry-redirect/index.js';
import { renameFile } from './rename-file/index.js';
import { renameVariable } from './rename-variable/index.js';
import { replaceHost } from './replace-host/index.js';
import { setIniRegistryPerEnvironment } from './set-ini-registry-per-environment/index.js';
import { swapDockerAuthHost } from './swap-docker-auth-host/index.js';
import { swapRegistryEndpoint } from './swap-registry-endpoint/index.js';

/**
 * Every built-in transform, registered explicitly (one line each). The contract test checks that
 * each folder under src/ holding a transform is listed here and is complete.
 */
export const transforms: readonly AnyTransform[] = [
  setIniRegistryPerEnvironment,
  swapDockerAuthHost,
  insertRegistryRedirect,
  swapRegistryEndpoint,
  replaceHost,
  renameFile,
  renameVariable,
];
