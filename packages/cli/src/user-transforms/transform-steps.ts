/**
 * The job a set of `--transform` files stands for: each transform one step, run with its option
 * defaults, described as a recipe so `plan`, `patch` and the pull-request text treat it like any other.
 */
import { AnsimodError, type AnyTransform, type PlanStep, type Recipe } from '@ansimod/core';

/**
 * Options a transform needs that nobody gives on the command line: required, without a default.
 *
 * @example
 * missingRequiredOptions(t); // => ['hosts'] when `hosts` is required and has no default
 */
export function missingRequiredOptions(t: AnyTransform, given: Readonly<Record<string, unknown>> = {}): string[] {
  return Object.entries(t.options)
    .filter(([name, spec]) => spec.required === true && spec.default === undefined && given[name] === undefined)
    .map(([name]) => name);
}

/**
 * The transform with a `visit` whose crashes become errors of the file it was visiting. A user's
 * transform that throws is a bug in that transform, not in ansimod: the plan reports it with the
 * file (and nothing is written) instead of ending in an internal error.
 *
 * @example
 * const step = { transform: guarded(userTransform), options: {}, stage: 'x', target: 'y' };
 */
export function guarded(t: AnyTransform): AnyTransform {
  return {
    ...t,
    async visit(file, ctx) {
      try {
        return await t.visit(file, ctx);
      } catch (e) {
        if (e instanceof AnsimodError) throw e;
        const message = e instanceof Error ? e.message : String(e);
        return { outcome: 'error', diagnostic: { code: 'INTERNAL', severity: 'error', path: file.path, message: `transform ${t.name} failed on this file: ${message}` } };
      }
    },
  };
}

/**
 * One step per transform (stage = its display name, target = its name), with the options given
 * for it (`--option`, by transform name; the rest take their defaults), and the recipe that
 * describes them.
 *
 * @throws AnsimodError `INVALID_OPTION` when a transform has required options without defaults,
 *   naming them; `UNKNOWN_TRANSFORM` when two files define the same transform name.
 * @example
 * const { recipe, steps } = userTransformJob([moveImageRegistry]);
 * steps[0]; // => { transform: moveImageRegistry, options: {}, stage: 'Move image registry', target: 'move-image-registry' }
 */
export function userTransformJob(
  transforms: readonly AnyTransform[],
  options: ReadonlyMap<string, Readonly<Record<string, unknown>>> = new Map(),
): { recipe: Recipe; steps: PlanStep[] } {
  const seen = new Set<string>();
  for (const t of transforms) {
    if (seen.has(t.name)) throw new AnsimodError({ code: 'UNKNOWN_TRANSFORM', message: `transform "${t.name}" is given twice` });
    seen.add(t.name);
    const missing = missingRequiredOptions(t, options.get(t.name));
    if (missing.length) {
      const which = missing.map((m) => `"${m}" (${t.options[m]?.description ?? ''} e.g. ${t.options[m]?.example ?? ''})`).join(', ');
      throw new AnsimodError({
        code: 'INVALID_OPTION',
        message: `transform ${t.name} has required option${missing.length > 1 ? 's' : ''} without a default: ${which}; give ${missing.length > 1 ? 'them' : 'it'} with --option NAME=VALUE`,
      });
    }
  }
  const steps: PlanStep[] = transforms.map((t) => ({ transform: guarded(t), options: { ...options.get(t.name) }, stage: t.displayName, target: t.name }));
  const recipe: Recipe = {
    name: transforms.map((t) => t.name).join('+'),
    displayName: transforms.map((t) => t.displayName).join('; '),
    description: transforms.map((t) => t.description).join(' '),
    steps: steps.map((s) => ({ transform: s.transform.name, stage: s.stage, target: s.target })),
  };
  return { recipe, steps };
}
