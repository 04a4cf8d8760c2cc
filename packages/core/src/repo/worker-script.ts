import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A worker thread's compiled script of this folder (`repo/<name>.js`), or undefined when there
 * is none. From `dist` (or the CLI bundle, which puts its worker scripts beside itself) it sits
 * next to this module; when this module runs from TypeScript sources (the vitest run) the
 * package's compiled copy in `dist` is used, since a worker thread cannot load `.ts` files.
 *
 * @example
 * compiledWorkerScript('prescan-worker'); // => URL('file:///…/packages/core/dist/repo/prescan-worker.js')
 */
export function compiledWorkerScript(name: string): URL | undefined {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith('.ts') ? new URL(`../../dist/repo/${name}.js`, here) : new URL(`./${name}.js`, here);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}
