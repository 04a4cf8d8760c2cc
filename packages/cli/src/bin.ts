#!/usr/bin/env node
import { startPrescan } from '@ansimod/core/prescan';
import { prescanTarget } from './prescan-target.js';

// The commands that plan read the whole repository; a worker thread starts on that now, while
// this thread loads the rest of the CLI (modules, recipe, inventory) — the two no longer wait
// on each other. Nothing else is imported before it starts.
const argv = process.argv.slice(2);
// ANSIMOD_PRESCAN=0 turns it off (to compare, or where threads are scarce).
const target = process.env['ANSIMOD_PRESCAN'] === '0' ? undefined : prescanTarget(argv);
const prescan = target === undefined ? undefined : startPrescan(target);

// `ansimod … | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const { main } = await import('./main.js');
process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), ...(prescan ? { prescan } : {}) });
