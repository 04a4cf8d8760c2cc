import { AnsimodError } from '../diagnostics.js';
import type { Recipe } from './recipe.js';
import type { AnyTransform } from './types.js';

/**
 * The one place transforms and recipes are registered (after Renovate's `api.ts`): the CLI,
 * `ansimod list` and the contract test all read it.
 *
 * @example
 * const registry = new TransformRegistry();
 * registry.addTransform(myTransform);
 * registry.transform('my-transform');
 */
export class TransformRegistry {
  private readonly transforms = new Map<string, AnyTransform>();
  private readonly recipes = new Map<string, Recipe>();

  addTransform(t: AnyTransform): this {
    if (this.transforms.has(t.name)) throw new AnsimodError({ code: 'INTERNAL', message: `transform "${t.name}" registered twice` });
    this.transforms.set(t.name, t);
    return this;
  }

  addRecipe(r: Recipe): this {
    if (this.recipes.has(r.name)) throw new AnsimodError({ code: 'INTERNAL', message: `recipe "${r.name}" registered twice` });
    this.recipes.set(r.name, r);
    return this;
  }

  transform(name: string): AnyTransform {
    const t = this.transforms.get(name);
    if (!t) {
      throw new AnsimodError({ code: 'UNKNOWN_TRANSFORM', message: `unknown transform "${name}" (known: ${[...this.transforms.keys()].join(', ')})` });
    }
    return t;
  }

  recipe(name: string): Recipe | undefined {
    return this.recipes.get(name);
  }

  listTransforms(): AnyTransform[] {
    return [...this.transforms.values()];
  }

  listRecipes(): Recipe[] {
    return [...this.recipes.values()];
  }
}
