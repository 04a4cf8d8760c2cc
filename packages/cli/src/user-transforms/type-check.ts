/**
 * Type-checks a user's TypeScript transform with ts-morph before anything runs, against the
 * public types of the installed `@ansimod/core`. This module imports ts-morph only inside
 * {@link typeCheckTransform} (a dynamic `import()`), so loading it costs nothing until a `.ts`
 * transform is actually given.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '@ansimod/core';
import type { InstalledPackage } from './installed-core.js';

/**
 * What the check needs to know about the file and the installation.
 *
 * @example
 * const target: TypeCheckTarget = { file: '/home/me/t.ts', shownAs: 't.ts', core: installedCore() };
 */
export interface TypeCheckTarget {
  /** Absolute path of the transform. */
  readonly file: string;
  /** The path as the user wrote it on the command line: diagnostics name the file this way. */
  readonly shownAs: string;
  /** The `@ansimod/core` the transform is checked against (its `.d.ts`). */
  readonly core: InstalledPackage;
  /** Where to look for `@types/node` (default: beside the installed core). */
  readonly typesFrom?: string;
}

/**
 * Type-checks the transform and every file it imports with strict settings, `@ansimod/core`
 * mapped to the installed declarations (so a transform outside any project still resolves it).
 * Returns one `TYPE_ERROR` diagnostic per compiler error, with 1-based line and column; an
 * empty list means the file may run.
 *
 * @example
 * const problems = await typeCheckTransform({ file: abs, shownAs: 'bad-transform.ts', core: installedCore() });
 * problems.map(formatDiagnostic); // => ["bad-transform.ts:3:33: Type 'number' is not assignable to type 'string'. (TS2322)"]
 */
export async function typeCheckTransform(target: TypeCheckTarget): Promise<Diagnostic[]> {
  const { Project, ts } = await import('ts-morph');
  const typeRoots = nodeTypeRoots(target.typesFrom ?? target.core.dir);
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      // The transform runs as an ES module (it is transpiled to .mjs), wherever it lives and
      // whatever the nearest package.json says; Bundler resolution checks it as that.
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      paths: { '@ansimod/core': [target.core.typesPath] },
      types: typeRoots.length ? ['node'] : [],
      ...(typeRoots.length ? { typeRoots } : {}),
      skipLibCheck: true,
      noEmit: true,
      isolatedModules: true,
      esModuleInterop: true,
    },
  });
  project.addSourceFileAtPath(target.file);
  project.resolveSourceFileDependencies();
  const cwd = process.cwd();
  return project
    .getPreEmitDiagnostics()
    .filter((d) => d.getCategory() === ts.DiagnosticCategory.Error)
    .map((d): Diagnostic => {
      const sf = d.getSourceFile();
      const message = `${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n  ')} (TS${d.getCode()})`;
      if (!sf) return { code: 'TYPE_ERROR', severity: 'error', path: target.shownAs, message };
      const file = sf.getFilePath();
      const shown = path.resolve(file) === path.resolve(target.file) ? target.shownAs : path.relative(cwd, file) || file;
      const start = d.getStart();
      const pos = start === undefined ? undefined : sf.getLineAndColumnAtPos(start);
      return { code: 'TYPE_ERROR', severity: 'error', path: shown, message, ...(pos ? { line: pos.line, column: pos.column } : {}) };
    });
}

/** The `node_modules/@types` directory holding `@types/node` nearest to `from`, if any. */
function nodeTypeRoots(from: string): string[] {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const types = path.join(dir, 'node_modules', '@types');
    if (existsSync(path.join(types, 'node', 'package.json'))) return [types];
    if (path.dirname(dir) === dir) return [];
  }
}
