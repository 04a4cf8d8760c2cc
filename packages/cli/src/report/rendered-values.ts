/**
 * The rendered before and after of each changed file, per environment: what Ansible would
 * produce from the file for that environment, reduced to the lines that differ. This is what a
 * reviewer wants to see of a templated value (`{{ 'quay.io/fedora-testing' if env == 'staging' … }}`)
 * rather than the template itself.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderTemplate, resolveIncludePath, type Environment, type PlannedChange } from '@ansimod/core';
import { lineRuns } from './line-runs.js';

/** One run of changed lines: what was rendered before, what is rendered after. */
export interface RenderedHunk {
  before: string[];
  after: string[];
}

/** A changed file as rendered for one or more environments (those that render it alike share one entry). */
export interface RenderedEnvironment {
  /** The environments, in inventory order; `['*']` for a file without Jinja. */
  environments: string[];
  /** The rendered lines that differ; empty when the edit renders the same in this environment. */
  hunks: RenderedHunk[];
  /** Why there is nothing to show: the before or after state did not render. */
  error?: string;
}

/** A changed file's rendered values: per environment when it holds Jinja, else once. */
export interface RenderedChange {
  path: string;
  /** False for a file without Jinja: its text is what every environment gets. */
  templated: boolean;
  environments: RenderedEnvironment[];
}

/** Adds one environment's render, joining the entry of an environment that rendered alike (a report of a large change stays small). */
function addAlike(envs: RenderedEnvironment[], entry: RenderedEnvironment): void {
  const same = (e: RenderedEnvironment): boolean => e.error === entry.error && JSON.stringify(e.hunks) === JSON.stringify(entry.hunks);
  const alike = envs.find(same);
  if (alike) alike.environments.push(...entry.environments);
  else envs.push(entry);
}

function isJinja(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

/**
 * The runs of lines that differ between two texts.
 *
 * @example
 * changedRuns('a\nb\n', 'a\nc\n'); // => [{ before: ['b'], after: ['c'] }]
 */
export function changedRuns(before: string, after: string): RenderedHunk[] {
  return lineRuns(before, after).map((r) => ({ before: r.before, after: r.after }));
}

/**
 * Renders every changed file before and after for each environment (includes resolved in the
 * same state: an included file the plan also changes is read in its after state).
 *
 * @example
 * const rendered = await renderedChanges('/srv/ansible', plan.changes, plan.environments);
 * rendered[0].environments.map((e) => e.hunks); // per environment, the rendered lines that changed
 */
export async function renderedChanges(root: string, changes: readonly PlannedChange[], environments: readonly Environment[]): Promise<RenderedChange[]> {
  const afterTexts = new Map(changes.map((c) => [c.path, c.after]));
  const readRepo = (rel: string): string | undefined => {
    try {
      return readFileSync(path.join(root, rel), 'utf8');
    } catch {
      return undefined;
    }
  };
  const out: RenderedChange[] = [];
  for (const c of changes) {
    if (!isJinja(c.before) && !isJinja(c.after)) {
      out.push({ path: c.path, templated: false, environments: [{ environments: ['*'], hunks: changedRuns(c.before, c.after) }] });
      continue;
    }
    const envs: RenderedEnvironment[] = [];
    for (const env of environments) {
      const render = async (text: string, phase: 'before' | 'after') => {
        const read = (rel: string) => (phase === 'after' ? afterTexts.get(rel) : undefined) ?? readRepo(rel);
        return renderTemplate(text, env.vars, {
          path: c.path,
          resolveInclude: (name, from) => read(resolveIncludePath(name, from)),
          readFile: read,
          root: path.resolve(root),
        });
      };
      const b = await render(c.before, 'before');
      const a = await render(c.after, 'after');
      if (!b.ok || !a.ok) {
        const failed = !b.ok ? b : (a as Extract<typeof a, { ok: false }>);
        addAlike(envs, { environments: [env.name], hunks: [], error: `the ${!b.ok ? 'before' : 'after'} state does not render: ${failed.diagnostic.message}` });
        continue;
      }
      addAlike(envs, { environments: [env.name], hunks: changedRuns(b.output, a.output) });
    }
    out.push({ path: c.path, templated: true, environments: envs });
  }
  return out;
}
