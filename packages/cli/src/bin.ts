#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { startPrescan } from '@ansimod/core/prescan';
import { cliEntry, prescanTarget } from './prescan-target.js';

// The commands that plan read the whole repository; a worker thread starts on that now, while
// this thread loads the rest of the CLI (modules, recipe, inventory) — the two no longer wait
// on each other. Nothing else is imported before it starts. ANSIMOD_PRESCAN=0 turns it off.
const argv = process.argv.slice(2);
const target = process.env['ANSIMOD_PRESCAN'] === '0' ? undefined : prescanTarget(argv);
const prescan = target === undefined ? undefined : startPrescan(target);

// `ansimod … | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// The bundled CLI (scripts/bundle-cli.mjs) starts faster; a run with `--transform` files loads
// the modules one by one, so that the user's `@ansimod/core` and the engine's are one module.
const entry = cliEntry(argv, (url) => existsSync(new URL(url, import.meta.url)));
const { main } = (await import(entry)) as typeof import('./main.js');
process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), ...(prescan ? { prescan } : {}) });
