/**
 * Type-checks a user's TypeScript transform with ts-morph before anything runs, against the
 * public types of the installed `@ansimod/core`. This module imports ts-morph only inside
 * {@link typeCheckTransform} (a dynamic `import()`), so loading it costs nothing until a `.ts`
 * transform is actually given.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '@ansimod/core';
import { installedPackage, type InstalledPackage } from './installed-core.js';

/**
 * A transform file to check: its absolute path, and the path as the user wrote it on the command
 * line (diagnostics name the file that way).
 *
 * @example
 * const file: TransformFile = { file: '/home/me/t.ts', shownAs: 't.ts' };
 */
export interface TransformFile {
  readonly file: string;
  readonly shownAs: string;
}

/**
 * Options of {@link typeCheckTransforms}.
 *
 * @example
 * const opts: TypeCheckOptions = { core: installedCore() };
 */
export interface TypeCheckOptions {
  /** The `@ansimod/core` the transforms are checked against (its `.d.ts`). */
  readonly core: InstalledPackage;
  /** Where to look for `@types/node` (default: from the installed core upwards). */
  readonly typesFrom?: string;
}

/**
 * Type-checks the transforms, and every file they import, in one program with strict settings
 * and `@ansimod/core` mapped to the installed declarations (so a transform outside any project
 * still resolves it). Returns one `TYPE_ERROR` diagnostic per compiler error, with 1-based line
 * and column, grouped by the transform file they were found through; an empty map means every
 * file may run.
 *
 * @example
 * const problems = await typeCheckTransforms([{ file: abs, shownAs: 'bad-transform.ts' }], { core: installedCore() });
 * problems.get('bad-transform.ts')?.map(formatDiagnostic);
 * // => ["bad-transform.ts:3:34: Type 'number' is not assignable to type 'string'. (TS2322)"]
 */
export async function typeCheckTransforms(files: readonly TransformFile[], opts: TypeCheckOptions): Promise<Map<string, Diagnostic[]>> {
  const { Project, ts } = await import('ts-morph');
  const typeRoots = nodeTypeRoots(opts.typesFrom ?? opts.core.dir);
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
      paths: ansimodPaths(opts.core),
      types: typeRoots.length ? ['node'] : [],
      ...(typeRoots.length ? { typeRoots } : {}),
      skipLibCheck: true,
      noEmit: true,
      isolatedModules: true,
      esModuleInterop: true,
    },
  });
  const shownAs = new Map(files.map((f) => [path.resolve(f.file), f.shownAs]));
  for (const f of files) project.addSourceFileAtPath(f.file);
  project.resolveSourceFileDependencies();
  const cwd = process.cwd();
  const byTransform = new Map<string, Diagnostic[]>();
  const first = files[0]?.shownAs ?? '';
  for (const d of project.getPreEmitDiagnostics()) {
    if (d.getCategory() !== ts.DiagnosticCategory.Error) continue;
    const sf = d.getSourceFile();
    const message = `${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n  ')} (TS${d.getCode()})`;
    const file = sf ? path.resolve(sf.getFilePath()) : undefined;
    const shown = file === undefined ? first : (shownAs.get(file) ?? (path.relative(cwd, file) || file));
    const start = d.getStart();
    const pos = sf && start !== undefined ? sf.getLineAndColumnAtPos(start) : undefined;
    // A helper's error counts against the first transform file given that imports it, or the first one.
    const owner = (file && shownAs.get(file)) ?? files.find((f) => sf && importsFile(project, f.file, sf.getFilePath()))?.shownAs ?? first;
    const list = byTransform.get(owner) ?? [];
    list.push({ code: 'TYPE_ERROR', severity: 'error', path: shown, message, ...(pos ? { line: pos.line, column: pos.column } : {}) });
    byTransform.set(owner, list);
  }
  return byTransform;
}

/** Whether `target` is among the files `from` imports, directly or not. */
function importsFile(project: import('ts-morph').Project, from: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [project.getSourceFile(from)];
  while (stack.length) {
    const sf = stack.pop();
    if (!sf || seen.has(sf.getFilePath())) continue;
    seen.add(sf.getFilePath());
    if (sf.getFilePath() === target) return true;
    for (const dep of sf.getReferencedSourceFiles()) stack.push(dep);
  }
  return false;
}

/** `@ansimod/core`, and `@ansimod/transforms` when it is installed too, mapped to their declarations. */
function ansimodPaths(core: InstalledPackage): Record<string, string[]> {
  const paths: Record<string, string[]> = { [core.name]: [core.typesPath] };
  try {
    paths['@ansimod/transforms'] = [installedPackage('@ansimod/transforms').typesPath];
  } catch {
    // Not installed: a transform importing it gets "cannot find module", which is the truth.
  }
  return paths;
}

/** The `node_modules/@types` directory holding `@types/node` nearest to `from`, if any. */
function nodeTypeRoots(from: string): string[] {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const types = path.join(dir, 'node_modules', '@types');
    if (existsSync(path.join(types, 'node', 'package.json'))) return [types];
    if (path.dirname(dir) === dir) return [];
  }
}
