/**
 * Lets a plain `.js`/`.mjs` transform import `@ansimod/core` from anywhere, as a `.ts` one can:
 * a module resolve hook (Node's `module.register`) sends the bare specifiers `@ansimod/core` and
 * `@ansimod/transforms` to the packages the CLI runs with. Registered only when a JavaScript
 * transform is loaded; a transform's own `node_modules` is never consulted for these two names,
 * so the transform and the engine share one copy of the core (one `AnsimodError` class).
 */
import * as module from 'node:module';
import { installedPackage, type InstalledPackage } from './installed-core.js';

// The hook runs on Node's loader thread; it gets the map through `data`, not through imports.
const HOOK = `
let map = {};
export async function initialize(data) { map = data.map; }
export async function resolve(specifier, context, next) {
  const url = map[specifier];
  return url ? { url, shortCircuit: true } : next(specifier, context);
}
`;

let registered = false;

/**
 * Registers the hook once per process (later calls do nothing). Returns false when this Node has
 * no `module.register` (before 20.6): the transform's imports then resolve as Node resolves them.
 *
 * @example
 * registerAnsimodResolution(installedCore());
 * await import(pathToFileURL('/home/me/transform.mjs').href); // its `@ansimod/core` is ours
 */
export function registerAnsimodResolution(core: InstalledPackage): boolean {
  if (registered) return true;
  const register = (module as { register?: (specifier: string, parentURL: string, options: { data: unknown }) => void }).register;
  if (typeof register !== 'function') return false;
  const map: Record<string, string> = { [core.name]: core.entryUrl };
  try {
    map['@ansimod/transforms'] = installedPackage('@ansimod/transforms').entryUrl;
  } catch {
    // Only the core is needed; a transform importing the transforms package then gets Node's error.
  }
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, import.meta.url, { data: { map } });
  registered = true;
  return true;
}
