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
  /**
   * The pipeline's components: for each, the steps that move what it pushes to and the steps
   * that move the credentials or login it uses for that. Both sides move together or not at all.
   */
  components?: RecipeComponent[];
  /**
   * Copies from one registry to another that gate a release (Bodhi's skopeo copy from the
   * candidate registry after testing): a map sending both ends to one place is refused.
   */
  promotions?: RecipePromotion[];
  /** Rules for references to a mapped host that stay on purpose (the ledger's "kept", with the reason). */
  keep?: KeepRule[];
  steps: RecipeStep[];
}

/** A component of the pipeline and the steps (by `target`) that move each side of it. */
export interface RecipeComponent {
  name: string;
  /** Steps that move where the component pushes to (or pulls from). */
  pushes: string[];
  /** Steps that move the credentials or the login it uses for that. */
  credentials?: string[];
  /** Follow-ups that concern this component: listed only when one of its steps found a target. */
  followUps?: string[];
}

/** A promotion between two mapped hosts: `source` and `destination` must stay distinct places. */
export interface RecipePromotion {
  /** Who promotes (`Bodhi`). */
  by: string;
  source: string;
  destination: string;
  /** What the copy guards, for the refusal's message. */
  reason: string;
}

/**
 * A reference to a mapped host that is left alone on purpose. Every given criterion must hold;
 * `kinds` are the audit's reference kinds, `paths` path patterns, `contexts` regular
 * expressions on the reference's context (key path, directive) and `sources` on the host as written.
 */
export interface KeepRule {
  rule: string;
  reason: string;
  kinds?: string[];
  paths?: string[];
  contexts?: string[];
  sources?: string[];
  /**
   * When true, only references in templates no playbook installs, decided by reference from the
   * playbooks (roles they name, `template:` sources, role parameters, includes), never by name.
   */
  unused?: boolean;
}

const STEP_KEYS = new Set(['transform', 'stage', 'target', 'why', 'options', 'required']);
const RECIPE_KEYS = new Set(['$schema', 'name', 'displayName', 'description', 'options', 'followUps', 'components', 'promotions', 'keep', 'steps']);

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
  const strList = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if (value.components !== undefined) {
    if (!Array.isArray(value.components)) problems.push('"components" must be a list');
    else
      value.components.forEach((c: unknown, i: number) => {
        if (!isObj(c) || typeof c.name !== 'string' || !Array.isArray(c.pushes) || !strList(c.pushes) || !strList(c.credentials) || !strList(c.followUps)) {
          problems.push(`components[${i}] needs "name" and "pushes" (a list of step targets), optionally "credentials" and "followUps"`);
        }
      });
  }
  if (value.promotions !== undefined) {
    if (!Array.isArray(value.promotions)) problems.push('"promotions" must be a list');
    else
      value.promotions.forEach((c: unknown, i: number) => {
        if (!isObj(c) || !['by', 'source', 'destination', 'reason'].every((f) => typeof c[f] === 'string')) {
          problems.push(`promotions[${i}] needs "by", "source", "destination" and "reason"`);
        }
      });
  }
  if (value.keep !== undefined) {
    if (!Array.isArray(value.keep)) problems.push('"keep" must be a list');
    else
      value.keep.forEach((k: unknown, i: number) => {
        if (!isObj(k) || typeof k.rule !== 'string' || typeof k.reason !== 'string' || !['kinds', 'paths', 'contexts', 'sources'].every((f) => strList(k[f])) || (k.unused !== undefined && typeof k.unused !== 'boolean')) {
          problems.push(`keep[${i}] needs "rule" and "reason", lists of strings for "kinds", "paths", "contexts", "sources", and true or false for "unused"`);
        } else
          for (const f of ['contexts', 'sources'] as const)
            for (const re of (k[f] as string[] | undefined) ?? []) {
              try {
                new RegExp(re);
              } catch {
                problems.push(`keep[${i}].${f}: "${re}" is not a regular expression`);
              }
            }
      });
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
