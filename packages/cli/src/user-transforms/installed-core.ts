/**
 * Where the `@ansimod/core` this CLI runs with is installed. A user's transform is type-checked
 * against that package's published `.d.ts` and runs against its `dist` — never against a copy the
 * user's own directory may (or may not) have — so what is checked is what runs.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AnsimodError } from '@ansimod/core';

/**
 * The installed `@ansimod/core`: its ESM entry (as a file URL, for rewritten imports) and its
 * type declarations (for the type check).
 *
 * @example
 * const core = installedCore();
 * core.entryUrl;  // => 'file:///usr/lib/node_modules/@ansimod/cli/node_modules/@ansimod/core/dist/index.js'
 * core.typesPath; // => '/usr/lib/node_modules/@ansimod/cli/node_modules/@ansimod/core/dist/index.d.ts'
 */
export interface InstalledPackage {
  readonly name: string;
  /** The package directory (symlinks resolved). */
  readonly dir: string;
  /** `file://` URL of the `import` entry of the `"."` export. */
  readonly entryUrl: string;
  /** Absolute path of the `types` entry of the `"."` export. */
  readonly typesPath: string;
}

interface PackageJson {
  main?: string;
  types?: string;
  exports?: Record<string, unknown> | string;
}

/**
 * Finds an `@ansimod/*` package the way Node would from the CLI's own location (walking up the
 * `node_modules` directories), and reads its `exports` map. Resolved from this module rather than
 * with `import.meta.resolve` so the lookup also works under test runners that rewrite modules.
 *
 * @throws AnsimodError `IO_ERROR` when the package is not installed or has not been built.
 * @example
 * installedPackage('@ansimod/core').typesPath.endsWith('dist/index.d.ts'); // => true
 */
export function installedPackage(name: string, from: string = fileURLToPath(import.meta.url)): InstalledPackage {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', ...name.split('/'));
    const pkgFile = path.join(candidate, 'package.json');
    if (existsSync(pkgFile)) return describePackage(name, candidate, pkgFile);
    if (path.dirname(dir) === dir) break;
  }
  throw new AnsimodError({ code: 'IO_ERROR', message: `${name} is not installed next to ansimod (looked from ${from})` });
}

function describePackage(name: string, candidate: string, pkgFile: string): InstalledPackage {
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as PackageJson;
  const root = typeof pkg.exports === 'object' ? pkg.exports['.'] : undefined;
  const conditions = root && typeof root === 'object' ? (root as Record<string, unknown>) : {};
  const entry = typeof conditions['import'] === 'string' ? conditions['import'] : (pkg.main ?? 'index.js');
  const types = typeof conditions['types'] === 'string' ? conditions['types'] : (pkg.types ?? 'index.d.ts');
  // Workspaces link packages; the compiler and the loader must both see the one real path.
  const dir = realpathSync(candidate);
  const entryPath = path.join(dir, entry);
  const typesPath = path.join(dir, types);
  for (const f of [entryPath, typesPath]) {
    if (!existsSync(f)) {
      throw new AnsimodError({ code: 'IO_ERROR', path: f, message: `${name} is installed but not built (missing ${path.relative(dir, f)}; run \`npm run build\`)` });
    }
  }
  return { name, dir, entryUrl: pathToFileURL(entryPath).href, typesPath };
}

/**
 * The installed `@ansimod/core`.
 *
 * @example
 * import(installedCore().entryUrl); // the same module the CLI uses
 */
export function installedCore(): InstalledPackage {
  return installedPackage('@ansimod/core');
}
