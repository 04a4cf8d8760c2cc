import { AnsimodError, type Diagnostic } from '../diagnostics.js';
import type { OptionSpec } from './options.js';

/**
 * A recipe is data: an ordered list of transform steps with their options, grouped in pipeline
 * stages, plus recipe-level options that steps refer to as `"$name"`. Recipes are YAML or JSON
 * files validated against `recipe.schema.json` (shipped with `@ansimod/transforms`).
 */
export interface RecipeStep {
  /** Registered transform name. */
  transform: string;
  /** Pipeline stage the step belongs to (one commit per stage with `patch --split`). */
  stage: string;
  /** What the step looks for, named in the report when it is not found. */
  target: string;
  /** Why the change is made: goes into the patch body. */
  why?: string;
  /** Option values; a string `"$name"` stands for the recipe option `name`. */
  options?: Record<string, unknown>;
  /** When false, not finding the target is not reported. Default true. */
  required?: boolean;
}

export interface Recipe {
  name: string;
  displayName: string;
  description: string;
  /** Recipe-level options (e.g. the endpoint map), same spec shape as transform options. */
  options?: Record<string, OptionSpec>;
  /** Work the recipe cannot do by editing files; listed in patch bodies and PR descriptions. */
  followUps?: string[];
  steps: RecipeStep[];
}

const STEP_KEYS = new Set(['transform', 'stage', 'target', 'why', 'options', 'required']);
const RECIPE_KEYS = new Set(['$schema', 'name', 'displayName', 'description', 'options', 'followUps', 'steps']);

/**
 * Checks that a parsed YAML/JSON value has the shape of a {@link Recipe} (the same rules as
 * `recipe.schema.json`). Throws an `INVALID_RECIPE` error naming the source and the field.
 *
 * @example
 * const recipe = validateRecipe(YAML.parse(text), 'my-recipe.yml');
 */
export function validateRecipe(value: unknown, source: string): Recipe {
  const problems: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(value)) throw invalid(source, 'a recipe must be a mapping');
  for (const k of Object.keys(value)) if (!RECIPE_KEYS.has(k)) problems.push(`unknown field "${k}"`);
  for (const k of ['name', 'displayName', 'description'] as const) {
    if (typeof value[k] !== 'string' || !(value[k] as string).length) problems.push(`"${k}" must be a non-empty string`);
  }
  if (value.followUps !== undefined && !(Array.isArray(value.followUps) && value.followUps.every((f) => typeof f === 'string'))) {
    problems.push('"followUps" must be a list of strings');
  }
  if (value.options !== undefined) {
    if (!isObj(value.options)) problems.push('"options" must be a mapping');
    else
      for (const [k, o] of Object.entries(value.options)) {
        if (!isObj(o) || typeof o.type !== 'string' || typeof o.description !== 'string' || typeof o.example !== 'string') {
          problems.push(`options.${k} needs "type", "description" and "example"`);
        }
      }
  }
  if (!Array.isArray(value.steps) || value.steps.length === 0) problems.push('"steps" must be a non-empty list');
  else
    value.steps.forEach((s: unknown, i: number) => {
      if (!isObj(s)) return problems.push(`steps[${i}] must be a mapping`);
      for (const k of Object.keys(s)) if (!STEP_KEYS.has(k)) problems.push(`steps[${i}]: unknown field "${k}"`);
      for (const k of ['transform', 'stage', 'target'] as const) {
        if (typeof s[k] !== 'string' || !(s[k] as string).length) problems.push(`steps[${i}].${k} must be a non-empty string`);
      }
      if (s.options !== undefined && !isObj(s.options)) problems.push(`steps[${i}].options must be a mapping`);
      if (s.required !== undefined && typeof s.required !== 'boolean') problems.push(`steps[${i}].required must be true or false`);
      return undefined;
    });
  if (problems.length) throw invalid(source, problems.join('; '));
  return value as unknown as Recipe;
}

function invalid(source: string, message: string): AnsimodError {
  return new AnsimodError({ code: 'INVALID_RECIPE', path: source, message: `invalid recipe: ${message}` });
}

/**
 * Substitutes `"$name"` option values of a step with the recipe's resolved options.
 *
 * @example
 * resolveStepOptions({ maps: '$maps' }, { maps: { a: 'b' } }); // => { maps: { a: 'b' } }
 */
export function resolveStepOptions(
  options: Readonly<Record<string, unknown>> | undefined,
  recipeOptions: Readonly<Record<string, unknown>>,
): { ok: true; value: Record<string, unknown> } | { ok: false; diagnostic: Diagnostic } {
  const value: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options ?? {})) {
    if (typeof v === 'string' && v.startsWith('$')) {
      const ref = v.slice(1);
      if (!(ref in recipeOptions)) {
        return { ok: false, diagnostic: { code: 'INVALID_RECIPE', severity: 'error', message: `option "${k}" refers to unknown recipe option "${ref}"` } };
      }
      value[k] = recipeOptions[ref];
    } else value[k] = v;
  }
  return { ok: true, value };
}
