/**
 * Loads the transforms of `--transform FILE` options: every TypeScript file is type-checked
 * first (all of them, before any user code runs), then each file is imported — `.ts` through a
 * transpiled temporary `.mjs`, `.js`/`.mjs` as they are.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnsimodError, type AnyTransform, type Diagnostic } from '@ansimod/core';
import { installedCore } from './installed-core.js';
import { isTypeScriptFile } from './module-specifiers.js';
import { registerAnsimodResolution } from './package-resolution.js';
import { transformsOfModule } from './transform-export.js';

/** Signals that end a run while a transform loads; its temporary folder is removed first. */
const CLEANUP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The type check of a transform failed: `diagnostics` holds every compiler error (printed one
 * per line as `file:line:col: message`); nothing was run.
 *
 * @example
 * try { await loadTransformFiles(['bad-transform.ts']); }
 * catch (e) { if (e instanceof TransformTypeError) e.diagnostics.forEach((d) => console.error(formatDiagnostic(d))); }
 */
export class TransformTypeError extends AnsimodError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(shownAs: string, diagnostics: readonly Diagnostic[]) {
    const n = diagnostics.length;
    super({ code: 'TYPE_ERROR', path: shownAs, message: `${n} type error${n === 1 ? '' : 's'} in the transform; nothing was run` });
    this.name = 'TransformTypeError';
    this.diagnostics = diagnostics;
  }
}

/**
 * Options of {@link loadTransformFiles}.
 *
 * @example
 * const opts: LoadTransformOptions = { cwd: process.cwd() };
 */
export interface LoadTransformOptions {
  /** Directory relative paths are resolved from (default: the process's). */
  cwd?: string;
}

/**
 * Loads the transforms of the given files, in order.
 *
 * @throws TransformTypeError when a TypeScript file does not type-check;
 *   AnsimodError `IO_ERROR` for a missing file, `UNKNOWN_TRANSFORM` when a module fails to load
 *   or its default export is not a transform.
 * @example
 * const transforms = await loadTransformFiles(['examples/transforms/move-image-registry.ts']);
 * transforms[0]?.name; // => 'move-image-registry'
 */
export async function loadTransformFiles(files: readonly string[], opts: LoadTransformOptions = {}): Promise<AnyTransform[]> {
  const cwd = opts.cwd ?? process.cwd();
  const targets = files.map((shownAs) => ({ shownAs, file: path.resolve(cwd, shownAs) }));
  for (const t of targets) {
    if (!existsSync(t.file) || !statSync(t.file).isFile()) throw new AnsimodError({ code: 'IO_ERROR', path: t.shownAs, message: 'no such transform file' });
    if (!/\.(?:[cm]?ts|m?js)$/.test(t.file) || /\.d\.[cm]?ts$/.test(t.file)) {
      throw new AnsimodError({ code: 'USAGE', path: t.shownAs, message: 'a transform file must be .ts, .mts, .js or .mjs' });
    }
  }
  const typescript = targets.filter((t) => isTypeScriptFile(t.file));
  if (typescript.length < targets.length) registerAnsimodResolution(installedCore());
  if (!typescript.length) return (await Promise.all(targets.map((t) => importTransforms(pathToFileURL(t.file).href, t.shownAs)))).flat();

  // Only now: TypeScript and ts-morph are heavy, and a run without .ts transforms never needs them.
  const [{ typeCheckTransforms }, { transpileTransform }] = await Promise.all([import('./type-check.js'), import('./transpile.js')]);
  const core = installedCore();
  const problems = await typeCheckTransforms(typescript, { core });
  if (problems.size) {
    const all = [...problems.values()].flat();
    throw new TransformTypeError([...problems.keys()].join(', '), all);
  }
  const outDir = mkdtempSync(path.join(tmpdir(), 'ansimod-transform-'));
  const removeOutDir = (): void => rmSync(outDir, { recursive: true, force: true });
  // A signal (Ctrl-C, SIGTERM) while the transpiled modules load would end the process before
  // `finally` runs: remove the folder then too, and exit as the signal would (128 + its number).
  const onSignal = (signal: NodeJS.Signals): void => {
    removeOutDir();
    process.exit(128 + (osConstants.signals[signal] ?? 0));
  };
  for (const s of CLEANUP_SIGNALS) process.on(s, onSignal);
  process.on('exit', removeOutDir);
  try {
    const loaded: AnyTransform[] = [];
    for (const t of targets) {
      const url = isTypeScriptFile(t.file) ? pathToFileURL(await transpileTransform(t.file, core, outDir)).href : pathToFileURL(t.file).href;
      loaded.push(...(await importTransforms(url, t.shownAs)));
    }
    return loaded;
  } finally {
    // The modules are in memory once imported; the files are not needed any more.
    for (const s of CLEANUP_SIGNALS) process.off(s, onSignal);
    process.off('exit', removeOutDir);
    removeOutDir();
  }
}

async function importTransforms(url: string, shownAs: string): Promise<AnyTransform[]> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new AnsimodError({ code: 'UNKNOWN_TRANSFORM', path: shownAs, message: `cannot load the transform: ${message}` });
  }
  return transformsOfModule(mod, shownAs);
}
