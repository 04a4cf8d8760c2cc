/**
 * Where the imports of a transpiled transform must point. The transpiled module is written to a
 * temporary directory, so every specifier that Node would resolve relative to the user's file is
 * made absolute here, and `@ansimod/*` points at the packages the CLI itself runs with.
 */
import { builtinModules, createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installedPackage, type InstalledPackage } from './installed-core.js';

/**
 * How one import specifier of a user's file is resolved:
 * - `url`: import this absolute URL instead (an installed package, a plain JS file);
 * - `typescript`: a TypeScript file of the user's, to transpile as well;
 * - `keep`: leave it as written (Node built-ins).
 *
 * @example
 * const r: ResolvedSpecifier = { kind: 'typescript', file: '/home/me/helpers.ts' };
 */
export type ResolvedSpecifier = { kind: 'url'; url: string } | { kind: 'typescript'; file: string } | { kind: 'keep' };

const TS_EXTENSIONS = ['.ts', '.mts', '.cts'] as const;
const builtins = new Set(builtinModules);

/**
 * True for files the CLI type-checks and transpiles (`.ts`, `.mts`, `.cts`, not `.d.ts`).
 *
 * @example
 * isTypeScriptFile('move-image-registry.ts'); // => true
 * isTypeScriptFile('transform.mjs');          // => false
 */
export function isTypeScriptFile(file: string): boolean {
  return TS_EXTENSIONS.some((e) => file.endsWith(e)) && !/\.d\.[cm]?ts$/.test(file);
}

/**
 * Resolves the specifier `spec` imported by `importer` (absolute path). `@ansimod/core` (and
 * `@ansimod/transforms`) resolve to the installed packages; `./x.js` resolves to `./x.ts` when
 * only the TypeScript source exists (the NodeNext convention); other packages resolve from the
 * importer's directory as Node would.
 *
 * @example
 * resolveSpecifier('@ansimod/core', '/tmp/t.ts', core); // => { kind: 'url', url: core.entryUrl }
 * resolveSpecifier('./helpers.js', '/tmp/t.ts', core);  // => { kind: 'typescript', file: '/tmp/helpers.ts' } (when only helpers.ts exists)
 */
export function resolveSpecifier(spec: string, importer: string, core: InstalledPackage): ResolvedSpecifier {
  if (spec === core.name) return { kind: 'url', url: core.entryUrl };
  if (spec === '@ansimod/transforms') return { kind: 'url', url: installedPackage(spec).entryUrl };
  if (spec.startsWith('node:') || builtins.has(spec)) return { kind: 'keep' };
  if (spec.startsWith('./') || spec.startsWith('../') || path.isAbsolute(spec)) return resolveRelative(spec, importer);
  try {
    return { kind: 'url', url: pathToFileURL(createRequire(importer).resolve(spec)).href };
  } catch {
    // Left as written: Node then reports the missing package by name when the module loads.
    return { kind: 'keep' };
  }
}

function resolveRelative(spec: string, importer: string): ResolvedSpecifier {
  const target = path.resolve(path.dirname(importer), spec);
  if (isTypeScriptFile(target) && existsSync(target)) return { kind: 'typescript', file: target };
  if (!existsSync(target)) {
    const stem = target.replace(/\.[cm]?js$/, '');
    for (const ext of TS_EXTENSIONS) {
      const candidate = stem + ext;
      if (stem !== target && existsSync(candidate)) return { kind: 'typescript', file: candidate };
    }
  }
  return { kind: 'url', url: pathToFileURL(target).href };
}
