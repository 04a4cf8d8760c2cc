#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { startPrescan } from '@ansimod/core/prescan';
import type { LoadedBundle } from './bundle-loader.js';
import { maxFileSizeArg, parseSize } from './max-file-size.js';
import { BUNDLED_MAIN, cliEntry, prescanTarget, prescanWanted } from './prescan-target.js';

// The commands that plan read the whole repository; with cores to spare, a worker thread starts
// on that now, while this thread loads the rest of the CLI (modules, recipe, inventory). Nothing
// else is imported before it starts. See prescanWanted for when (ANSIMOD_PRESCAN=1/0 forces it).
const argv = process.argv.slice(2);
// The size limit reaches the prescan thread and every other reader through the environment
// (a bad value is reported by main, which then reads nothing).
const sizeLimit = maxFileSizeArg(argv);
const sizeBytes = sizeLimit === undefined ? undefined : parseSize(sizeLimit);
if (sizeBytes !== undefined) process.env['ANSIMOD_MAX_FILE_SIZE'] = String(sizeBytes);
const target = prescanWanted(process.env, availableParallelism()) ? prescanTarget(argv) : undefined;
const prescan = target === undefined ? undefined : startPrescan(target);

// A failed write to stdout/stderr is an 'error' event that the CLI's output (output.ts) listens
// to: `ansimod … | head` (EPIPE) ends quietly with the command's own exit code, other failures
// (ENOSPC, EIO) with exit code 4 — never in the middle of a write to the repository.

// The bundled CLI (scripts/bundle-cli.mjs, loaded with its code cache) starts faster; a run with
// `--transform` files loads the modules one by one, so that the user's `@ansimod/core` and the
// engine's are one module.
type Main = typeof import('./main.js');
const entry = cliEntry(argv, (url) => existsSync(new URL(url, import.meta.url)));
let main: Main['main'];
let bundle: LoadedBundle<Main> | undefined;
if (entry === BUNDLED_MAIN) {
  const { loadBundle } = await import('./bundle-loader.js');
  bundle = loadBundle<Main>(new URL(BUNDLED_MAIN, import.meta.url));
  main = bundle.exports.main;
} else {
  ({ main } = (await import(entry)) as Main);
}
process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), ...(prescan ? { prescan } : {}) });
// The build makes the code cache this way (see scripts/bundle-cli.mjs).
const cacheFile = process.env['ANSIMOD_WRITE_CODE_CACHE'];
if (cacheFile && bundle) bundle.writeCache(cacheFile);
