/**
 * Turns a type-checked TypeScript transform (and the TypeScript files it imports) into ES modules
 * Node can import: each file's import specifiers are rewritten by exact splices (see
 * {@link resolveSpecifier}), then `transpileModule` from the TypeScript that ts-morph bundles
 * strips the types. Loaded with a dynamic `import()`, only when a `.ts` transform is given.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InstalledPackage } from './installed-core.js';
import { resolveSpecifier } from './module-specifiers.js';

type TypeScript = typeof import('ts-morph').ts;

/** A specifier's string literal in the source: the offsets of its text between the quotes. */
interface SpecifierSite {
  start: number;
  end: number;
  text: string;
}

/**
 * Transpiles `entry` and, recursively, the TypeScript files it imports into `outDir` as `.mjs`
 * files, and returns the path of the entry's module.
 *
 * @example
 * const mjs = await transpileTransform('/home/me/move-image-registry.ts', installedCore(), tmpDir);
 * const mod = await import(pathToFileURL(mjs).href);
 */
export async function transpileTransform(entry: string, core: InstalledPackage, outDir: string): Promise<string> {
  const { ts } = await import('ts-morph');
  const written = new Map<string, string>();
  const emit = (file: string): string => {
    const done = written.get(file);
    if (done) return done;
    const out = path.join(outDir, `${written.size}-${path.basename(file).replace(/\.[cm]?ts$/, '')}.mjs`);
    written.set(file, out); // before recursing: import cycles end here
    const source = readFileSync(file, 'utf8');
    const rewritten = spliceSpecifiers(source, specifierSites(ts, file, source), (spec) => {
      const r = resolveSpecifier(spec, file, core);
      if (r.kind === 'keep') return undefined;
      return r.kind === 'url' ? r.url : pathToFileURL(emit(r.file)).href;
    });
    const js = ts.transpileModule(rewritten, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, isolatedModules: true, sourceMap: false },
    }).outputText;
    writeFileSync(out, js);
    return out;
  };
  return emit(entry);
}

/** Every module specifier of static imports/exports and of `import('…')` calls with a literal. */
function specifierSites(ts: TypeScript, file: string, source: string): SpecifierSite[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const sites: SpecifierSite[] = [];
  const add = (node: import('ts-morph').ts.Node | undefined): void => {
    if (node && ts.isStringLiteral(node)) sites.push({ start: node.getStart(sf) + 1, end: node.getEnd() - 1, text: node.text });
  };
  const visit = (node: import('ts-morph').ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

/** Replaces each site whose specifier `replace` maps, back to front so earlier offsets stay valid. */
function spliceSpecifiers(source: string, sites: SpecifierSite[], replace: (spec: string) => string | undefined): string {
  let out = source;
  for (const site of [...sites].sort((a, b) => b.start - a.start)) {
    const to = replace(site.text);
    // Percent-encoding quotes and backslashes keeps the URL the same and the literal intact.
    if (to !== undefined) out = out.slice(0, site.start) + to.replace(/['"\\`]/g, encodeURIComponent) + out.slice(site.end);
  }
  return out;
}
