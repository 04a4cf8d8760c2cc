import { AnsimodError } from '../diagnostics.js';
import { validateOptions } from './options.js';
import { planSteps, type Plan, type PlanOptions, type PlanStep } from './engine.js';
import { componentErrors, promotionProblem } from './components.js';
import { resolveStepOptions, type Recipe } from './recipe.js';
import type { TransformRegistry } from './registry.js';

export interface RecipeRunOptions extends PlanOptions {
  /** Recipe option values that replace the defaults (e.g. `{ maps: { from: to } }`). */
  options?: Record<string, unknown>;
  /** Apply the inverse: every map-typed recipe option is inverted (`to` → `from`). */
  reverse?: boolean;
}

/**
 * Inverts a map for `--reverse`. Two sources mapped to one target cannot be told apart on the
 * way back, so a map that is not one-to-one is an error.
 *
 * @example
 * invertMap({ 'a.example': 'b.example/x' }); // => { 'b.example/x': 'a.example' }
 */
export function invertMap(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [from, to] of Object.entries(map)) {
    if (to in out) {
      throw new AnsimodError({
        code: 'INVALID_OPTION',
        message: `cannot reverse: both ${out[to]} and ${from} map to ${to}; give one-to-one --map values`,
      });
    }
    out[to] = from;
  }
  return out;
}

/**
 * Resolves a recipe's options and steps against a registry and plans it.
 *
 * @example
 * const plan = await planRecipe('/srv/ansible', registry.recipe('flatpaks-to-quay')!, registry, { options: { maps } });
 */
export async function planRecipe(root: string, recipe: Recipe, registry: TransformRegistry, opts: RecipeRunOptions = {}): Promise<Plan> {
  const specs = recipe.options ?? {};
  const validated = validateOptions(specs, opts.options ?? {}, `recipe ${recipe.name}`);
  if (!validated.ok) throw new AnsimodError(validated.diagnostics[0] as NonNullable<(typeof validated.diagnostics)[0]>);
  const recipeOptions: Record<string, unknown> = { ...validated.value };
  for (const [k, spec] of Object.entries(specs)) {
    const problem = spec.type === 'map' && recipeOptions[k] ? promotionProblem(recipe, recipeOptions[k] as Record<string, string>) : undefined;
    if (problem) throw new AnsimodError({ code: 'INVALID_OPTION', message: `recipe ${recipe.name}: ${problem}` });
  }
  if (opts.reverse) {
    for (const [k, spec] of Object.entries(specs)) {
      if (spec.type === 'map' && recipeOptions[k]) recipeOptions[k] = invertMap(recipeOptions[k] as Record<string, string>);
    }
  }
  // Steps whose transforms undo their own insertions refer to it as "$reverse".
  recipeOptions.reverse = opts.reverse === true;
  const steps: PlanStep[] = recipe.steps.map((s) => {
    const resolved = resolveStepOptions(s.options, recipeOptions);
    if (!resolved.ok) throw new AnsimodError({ ...resolved.diagnostic, message: `recipe ${recipe.name}, step "${s.target}": ${resolved.diagnostic.message}` });
    return {
      transform: registry.transform(s.transform),
      options: resolved.value,
      stage: s.stage,
      target: s.target,
      ...(s.why !== undefined ? { why: s.why } : {}),
      ...(s.required !== undefined ? { required: s.required } : {}),
    };
  });
  const plan = await planSteps(root, steps, opts);
  plan.errors.push(...componentErrors(recipe, plan));
  return plan;
}
