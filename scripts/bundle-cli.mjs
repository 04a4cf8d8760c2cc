#!/usr/bin/env node
/**
 * Bundles the command line for start-up, into `packages/cli/bundle/`:
 *
 * - `main.cjs`: the CLI with `@ansimod/core`, `@ansimod/transforms`, `yaml`, `ini`, `diff` and
 *   `nunjucks` — one script instead of ~180 module files to resolve, read, compile and link on
 *   every run. CommonJS, so that `bin` can compile it with V8's code cache (`node:vm`, Node 20
 *   has no compile cache for ES modules).
 * - `main.cjs.cache`: that code cache, made here by running the bundle once on the fixture
 *   repository (`plan`), so it holds the functions a plan compiles. V8 refuses a cache made by
 *   another V8 or with other flags; `bin` then simply compiles as usual.
 * - `roundtrip-worker.js`, `prescan-worker.js`, `yaml-check-worker.js`: the worker threads' scripts, where the core
 *   looks for them (next to the code that starts them).
 *
 * Runs after `tsc -b` (it bundles the compiled `dist/` files). TypeScript and ts-morph stay
 * external: only `--transform FILE.ts` loads them, and `bin` runs such a command line unbundled,
 * so the user's transform and the engine share one `@ansimod/core` (see packages/cli/src/bin.ts).
 *
 * @example
 *   node scripts/bundle-cli.mjs   # after npm run build's tsc step
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'packages/cli/bundle');

/** What the bundled modules read as `import.meta.url`: the bundle's own URL. */
const IMPORT_META_URL = '__ansimodBundleUrl';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Loaded only for .ts transforms (never in a bundled run); nunjucks' optional file watcher.
  external: ['typescript', 'ts-morph', 'chokidar', 'fsevents'],
  legalComments: 'linked',
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [join(root, 'packages/cli/dist/main.js')],
  outfile: join(outdir, 'main.cjs'),
  format: 'cjs',
  define: { 'import.meta.url': IMPORT_META_URL },
  banner: { js: `const ${IMPORT_META_URL} = require('node:url').pathToFileURL(__filename).href;` },
});
await build({
  ...common,
  entryPoints: {
    'prescan-worker': join(root, 'packages/core/dist/repo/prescan-worker.js'),
    'roundtrip-worker': join(root, 'packages/core/dist/repo/roundtrip-worker.js'),
    'yaml-check-worker': join(root, 'packages/core/dist/repo/yaml-check-worker.js'),
  },
  outdir,
  format: 'esm',
  // CommonJS dependencies call require(); give the ES module bundles one.
  banner: { js: "import { createRequire as __ansimodRequire } from 'node:module'; const require = __ansimodRequire(import.meta.url);" },
});

// The code cache: one plan on the fixture repository, through bin (which writes the cache when
// ANSIMOD_WRITE_CODE_CACHE names the file).
execFileSync(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'plan', '--repo', join(root, 'fixtures/ansible'), '--quiet'], {
  env: { ...process.env, ANSIMOD_PRESCAN: '0', ANSIMOD_WRITE_CODE_CACHE: join(outdir, 'main.cjs.cache') },
  stdio: ['ignore', 'ignore', 'inherit'],
});
