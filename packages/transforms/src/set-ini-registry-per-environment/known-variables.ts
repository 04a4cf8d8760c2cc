import { AnsimodError, renderTemplate, type Environment } from '@ansimod/core';
import type { Evaluate } from '../endpoints/host-occurrences.js';

/**
 * Wraps an evaluator so that a template using a variable the environment does not define (a
 * host fact such as `inventory_hostname`, `group_names`, a play variable) is an error instead of
 * rendering as empty: its value on a real host is unknown here, and reading it as false would
 * silently pass over a branch that some hosts take. Guarded uses (`x is defined`,
 * `x | default(…)`) are fine.
 *
 * @example
 * const evaluate = knownVariablesOnly(ctx.evaluate, file.path);
 * await evaluate("{{ 'yes' if (inventory_hostname.startswith('bodhi')) else '' }}", production);
 * // throws RENDER_FAILED: it uses inventory_hostname, which production does not define …
 */
export function knownVariablesOnly(evaluate: Evaluate, path: string): Evaluate {
  return async (template: string, env: Environment) => {
    if (template.includes('{')) {
      const r = await renderTemplate(template, env.vars);
      if (r.ok && r.undefinedVars.length > 0) {
        throw new AnsimodError({
          code: 'RENDER_FAILED',
          path,
          message: `it uses ${r.undefinedVars.join(', ')}, which ${env.name} does not define (a host or play variable?)`,
        });
      }
    }
    return evaluate(template, env);
  };
}
