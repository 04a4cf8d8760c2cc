#!/usr/bin/env node
/**
 * The `ansimod` command as npm links it (`node_modules/.bin/ansimod`, `npx ansimod`).
 *
 * This file is tracked, not built: npm links a package's bin at install time only when its
 * target exists, and in a clone `dist/` exists only after `npm run build`. It loads the built
 * entry point (dist/bin.js, which starts the prescan and picks the bundle, see src/bin.ts) and,
 * when that is missing, says what to do instead of failing with a stack trace.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bin.js', import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  process.stderr.write(
    `ansimod: the command line is not built yet (${fileURLToPath(entry)} is missing).\n` +
      'Run `npm run build` in the ansimod repository, then run ansimod again.\n',
  );
  process.exitCode = 4;
}
