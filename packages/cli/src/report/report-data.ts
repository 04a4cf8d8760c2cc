/**
 * What the review report shows, as one JSON-able object: per stage its steps and changed files
 * (diff and rendered values per environment), the verification that ran, the ledger, totals.
 * The HTML page ({@link reportHtml}) only presents it.
 */
import * as path from 'node:path';
import { changesByStage, type JobResult } from '../job.js';
import { unifiedDiff } from '../commands/plan.js';
import { ledgerTotals, type LedgerEntry, type LedgerStatus } from './ledger.js';
import type { RenderedChange } from './rendered-values.js';

/** One changed file in the report. */
export interface ReportFile {
  path: string;
  /** Every stage whose steps edited it (the file is listed under the first). */
  stages: string[];
  reasons: string[];
  /** Unified diff, `a/` and `b/` prefixed. */
  diff: string;
  additions: number;
  deletions: number;
  rendered: RenderedChange;
}

/** One pipeline stage. */
export interface ReportStage {
  name: string;
  why: string[];
  steps: Array<{ target: string; transform: string; found: boolean; outcomes: Record<string, number> }>;
  files: ReportFile[];
  notFound: string[];
}

/** The whole report. */
export interface ReportData {
  title: string;
  recipe: { name: string; displayName: string; description: string };
  /** The repository's folder name (never the full path: the report is shared). */
  repository: string;
  generatedAt: string;
  environments: Array<{ name: string; source: string[]; defaulted: boolean }>;
  verification: {
    renderer: string;
    checks: string[];
    errors: Array<{ path?: string; line?: number; message: string }>;
    warnings: Array<{ path?: string; line?: number; message: string }>;
  };
  stages: ReportStage[];
  followUps: string[];
  ledger: LedgerEntry[];
  totals: { files: number; additions: number; deletions: number; filesScanned: number; stages: number; ledger: Record<LedgerStatus, number> };
}

/** The checks every planned edit passed (see core `transform/verify.ts`). */
const VERIFICATION_CHECKS = [
  'each edited file re-parsed in its format; a structured file may not fall back to text',
  'Jinja blocks and expressions stay balanced',
  'each template rendered before and after for every environment; the after render parses in its format',
  "each transform's render checks: the rendered difference is exactly the intended change, nothing more",
];

const RENDERER = "ansimod's Jinja2 renderer (nunjucks with Ansible's filters and tests, Python string semantics)";

function lineCounts(diff: string): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const l of diff.split('\n')) {
    if (l.startsWith('+') && !l.startsWith('+++')) additions++;
    else if (l.startsWith('-') && !l.startsWith('---')) deletions++;
  }
  return { additions, deletions };
}

function message(d: { path?: string; line?: number; message: string }): { path?: string; line?: number; message: string } {
  return { ...(d.path ? { path: d.path } : {}), ...(d.line ? { line: d.line } : {}), message: d.message };
}

/**
 * Puts the report together.
 *
 * @example
 * const data = reportData(job, await renderedChanges(root, job.plan.changes, job.plan.environments), ledger);
 * writeFileSync('review.html', reportHtml(data));
 */
export function reportData(job: JobResult, rendered: readonly RenderedChange[], ledger: readonly LedgerEntry[], now = new Date()): ReportData {
  const { plan, recipe } = job;
  const renderedByPath = new Map(rendered.map((r) => [r.path, r]));
  const changeByPath = new Map(plan.changes.map((c) => [c.path, c]));
  const stages: ReportStage[] = changesByStage(job).map(({ stage, paths }) => ({
    name: stage,
    why: recipe.steps.filter((s) => s.stage === stage && s.why).map((s) => (s.why as string).replace(/\s+/g, ' ').trim()),
    steps: plan.steps
      .filter((s) => s.stage === stage)
      .map((s) => {
        const outcomes: Record<string, number> = {};
        for (const o of s.outcomes) outcomes[o.outcome] = (outcomes[o.outcome] ?? 0) + 1;
        return { target: s.target, transform: s.transform, found: s.found, outcomes };
      }),
    files: paths.map((p) => {
      const c = changeByPath.get(p)!;
      const diff = unifiedDiff(c.path, c.before, c.after);
      return {
        path: c.path,
        stages: c.stages,
        reasons: c.reasons,
        diff,
        ...lineCounts(diff),
        rendered: renderedByPath.get(c.path) ?? { path: c.path, templated: false, environments: [] },
      };
    }),
    notFound: plan.notFound.filter((n) => n.stage === stage).map((n) => n.target),
  }));
  const files = stages.flatMap((s) => s.files);
  return {
    title: `${recipe.displayName}: review`,
    recipe: { name: recipe.name, displayName: recipe.displayName, description: recipe.description.replace(/\s+/g, ' ').trim() },
    repository: path.basename(plan.root),
    generatedAt: now.toISOString(),
    environments: plan.environments.map((e) => ({ name: e.name, source: e.source, defaulted: e.defaulted === true })),
    verification: { renderer: RENDERER, checks: VERIFICATION_CHECKS, errors: plan.errors.map(message), warnings: plan.warnings.map(message) },
    stages,
    followUps: recipe.followUps ?? [],
    ledger: [...ledger],
    totals: {
      files: files.length,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      filesScanned: plan.filesScanned,
      stages: stages.length,
      ledger: ledgerTotals(ledger),
    },
  };
}
