import type { Diagnostic } from '../diagnostics.js';
import type { Plan, StepReport } from './engine.js';
import type { Recipe, RecipeComponent } from './recipe.js';

/**
 * Why a map is refused for a recipe's promotions: both ends of a promotion (Bodhi's copy from
 * the candidate registry to the registry) sent to the same place make the copy a no-op, so
 * every build would be public as soon as it is pushed. Undefined when the map keeps them apart.
 *
 * @example
 * promotionProblem(recipe, { 'candidate.example.org': 'quay.io/x', 'registry.example.org': 'quay.io/x' });
 * // => 'Bodhi promotes builds from candidate.example.org to registry.example.org, …'
 */
export function promotionProblem(recipe: Pick<Recipe, 'promotions'>, maps: Readonly<Record<string, string>>): string | undefined {
  const target = (host: string): string | undefined => {
    const key = Object.keys(maps).find((k) => k.toLowerCase() === host.toLowerCase());
    return key === undefined ? undefined : (maps[key] as string).replace(/\/+$/, '').toLowerCase();
  };
  for (const p of recipe.promotions ?? []) {
    const from = target(p.source);
    const to = target(p.destination);
    if (from !== undefined && from === to) {
      return (
        `${p.by} promotes builds from ${p.source} to ${p.destination}, and the map sends both to ${from}: ` +
        `the copy would do nothing (${p.reason}); map them to two different namespaces`
      );
    }
  }
  return undefined;
}

type Side = { steps: StepReport[]; moved: StepReport[]; settled: boolean; errored: boolean };

function side(plan: Plan, targets: readonly string[] | undefined): Side {
  const steps = plan.steps.filter((s) => targets?.includes(s.target));
  const moved = steps.filter((s) => s.outcomes.some((o) => o.outcome === 'changed'));
  // Found and already in the wanted state (a second run, or a migration done by hand).
  const settled = steps.some((s) => s.found && s.outcomes.some((o) => o.outcome === 'nochange'));
  // A side that failed already has its own error; a split reported on top would only repeat it.
  const errored = steps.some((s) => s.outcomes.some((o) => o.outcome === 'error'));
  return { steps, moved, settled, errored };
}

function places(s: Side, outcome?: 'changed'): string {
  const paths = [...new Set(s.steps.flatMap((r) => r.outcomes.filter((o) => !outcome || o.outcome === outcome).map((o) => o.path)))];
  const what = s.steps.map((r) => r.target).join(', ');
  return paths.length ? `${what} (${paths.join(', ')})` : `${what} (not found)`;
}

/**
 * Components whose two sides would not move together: what the component pushes to moves and
 * the credentials or login it uses for that do not, or the reverse. Each is an error naming
 * both places.
 *
 * @example
 * componentErrors(recipe, plan); // => [{ code: 'COMPONENT_SPLIT', message: 'OSBS: … moves … but … does not …' }]
 */
export function componentErrors(recipe: Pick<Recipe, 'components'>, plan: Plan): Diagnostic[] {
  const errors: Diagnostic[] = [];
  for (const c of recipe.components ?? []) {
    if (!c.credentials?.length) continue;
    const pushes = side(plan, c.pushes);
    const creds = side(plan, c.credentials);
    const split = (a: Side, b: Side, aName: string, bName: string): void => {
      if (!a.moved.length || b.moved.length || b.settled || a.errored || b.errored) return;
      const path = a.moved.flatMap((s) => s.outcomes.filter((o) => o.outcome === 'changed').map((o) => o.path))[0];
      errors.push({
        code: 'COMPONENT_SPLIT',
        severity: 'error',
        ...(path ? { path } : {}),
        message:
          `${c.name}: ${aName} ${aName === 'its credentials' ? 'move' : 'moves'} (${places(a, 'changed')}) but ${bName} ${bName === 'its credentials' ? 'stay' : 'stays'} (${places(b)}); ` +
          `what ${c.name} pushes to and the credentials it pushes with must move together`,
      });
    };
    split(pushes, creds, 'what it pushes to', 'its credentials');
    split(creds, pushes, 'its credentials', 'what it pushes to');
  }
  return errors;
}

/**
 * The components of which at least one step found a target (for follow-ups that concern only those).
 *
 * @example
 * foundComponents(recipe, plan).map((c) => c.name); // => ['OSBS', 'Koji', 'Bodhi']
 */
export function foundComponents(recipe: Pick<Recipe, 'components'>, plan: Pick<Plan, 'steps'>): RecipeComponent[] {
  return (recipe.components ?? []).filter((c) =>
    plan.steps.some((s) => s.found && [...c.pushes, ...(c.credentials ?? [])].includes(s.target)),
  );
}
