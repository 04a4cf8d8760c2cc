/**
 * Loading the bundled CLI (`bundle/main.cjs`, see scripts/bundle-cli.mjs) with V8's code cache:
 * the script is compiled from the bytecode cached beside it instead of from source, which saves
 * the compilation of what a run executes (~30 ms of a 400 ms plan). Node 20 has no compile cache
 * for ES modules, hence a CommonJS bundle run through `node:vm` like Node runs any CommonJS file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/**
 * A loaded bundle: its exports, and a way to write the code cache after a run (used by the
 * build, which runs the bundle once to make it).
 *
 * @example
 * const bundle = loadBundle(new URL('../bundle/main.cjs', import.meta.url));
 * await bundle.exports.main(argv);
 */
export interface LoadedBundle<T> {
  readonly exports: T;
  /** Whether V8 took the cache (false: none, or made by another V8 or with other flags). */
  readonly cacheUsed: boolean;
  /** Writes the code cache as it stands now (after a run it covers what the run compiled). */
  writeCache(file: string): void;
}

/**
 * @param url - the bundle; its code cache is read from the same path plus `.cache`.
 */
export function loadBundle<T>(url: URL): LoadedBundle<T> {
  const filename = fileURLToPath(url);
  const source = readFileSync(filename, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${filename}.cache`);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename, ...(cachedData ? { cachedData } : {}) });
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename));
  return {
    exports: module.exports as T,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    writeCache(file) {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, file);
    },
  };
}
