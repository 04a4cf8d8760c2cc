#!/usr/bin/env node
/**
 * Bundles the command line for start-up: `packages/cli/bundle/main.js` holds the CLI with
 * `@ansimod/core`, `@ansimod/transforms`, `yaml`, `ini` and `diff` (one module graph instead of
 * ~180 files to resolve, read, compile and link on every run: about 60 ms of a 500 ms plan), with
 * code loaded on demand (nunjucks, the user-transform loader) kept in chunks of its own. The worker
 * threads' scripts are bundled beside it under the names the core looks for next to its code.
 *
 * Runs after `tsc -b` (it bundles the compiled `dist/` files). TypeScript and ts-morph stay
 * external: only `--transform FILE.ts` loads them, and `bin` runs such a command line unbundled,
 * so the user's transform and the engine share one `@ansimod/core` (see packages/cli/src/bin.ts).
 *
 * @example
 *   node scripts/bundle-cli.mjs   # after npm run build's tsc step
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'packages/cli/bundle');

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    main: join(root, 'packages/cli/dist/main.js'),
    'prescan-worker': join(root, 'packages/core/dist/repo/prescan-worker.js'),
    'roundtrip-worker': join(root, 'packages/core/dist/repo/roundtrip-worker.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // Loaded only for .ts transforms (never in a bundled run); nunjucks' optional file watcher.
  external: ['typescript', 'ts-morph', 'chokidar', 'fsevents'],
  // CommonJS dependencies (nunjucks, ini) call require(); give the ES module bundle one.
  banner: { js: "import { createRequire as __ansimodRequire } from 'node:module'; const require = __ansimodRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
