import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { AnsimodError, TransformRegistry, validateRecipe, type AnyTransform, type Recipe } from '@ansimod/core';
import { transforms } from './transforms.js';

const recipesDir = shippedRecipesDir();

/**
 * The package's `recipes/` folder: beside `dist/` (or `src/`) of this module, or — when this
 * code runs bundled into the command line (`packages/cli/bundle`) — in the installed package.
 */
function shippedRecipesDir(): string {
  const beside = fileURLToPath(new URL('../recipes/', import.meta.url));
  if (existsSync(beside)) return beside;
  const pkg = createRequire(import.meta.url).resolve('@ansimod/transforms/package.json');
  return path.join(path.dirname(pkg), 'recipes') + path.sep;
}

/**
 * Reads and validates a recipe file (YAML or JSON).
 *
 * @example
 * const recipe = loadRecipeFile('my-recipe.yml');
 */
export function loadRecipeFile(file: string): Recipe {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AnsimodError({ code: 'IO_ERROR', path: file, message: `cannot read recipe: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  let value: unknown;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new AnsimodError({ code: 'INVALID_RECIPE', path: file, message: `recipe does not parse: ${(err as Error).message.split('\n')[0]}` });
  }
  return validateRecipe(value, file);
}

/** The recipes shipped with this package (`recipes/*.yml`). */
export function builtinRecipes(): Recipe[] {
  return readdirSync(recipesDir)
    .filter((f) => f.endsWith('.yml') || (f.endsWith('.json') && !f.endsWith('.schema.json')))
    .sort()
    .map((f) => loadRecipeFile(recipesDir + f));
}

/**
 * The registry of every built-in transform and recipe: what the CLI and `ansimod list` use.
 *
 * @example
 * const registry = builtinRegistry();
 * registry.recipe('flatpaks-to-quay');
 */
export function builtinRegistry(extra: readonly AnyTransform[] = []): TransformRegistry {
  const registry = new TransformRegistry();
  for (const t of [...transforms, ...extra]) registry.addTransform(t);
  for (const r of builtinRecipes()) registry.addRecipe(r);
  return registry;
}

/** Where the recipe JSON Schema lives, for editors and docs. */
export const recipeSchemaPath = `${recipesDir}recipe.schema.json`;
