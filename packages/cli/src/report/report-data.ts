/**
 * What the review report shows, as one JSON-able object: per stage its steps and changed files
 * (diff and rendered values per environment), the verification that ran, the ledger, totals.
 * The HTML page ({@link reportHtml}) only presents it.
 */
import * as path from 'node:path';
import { roleOfPath } from '@ansimod/core';
import { changesByStage, jobFollowUps, type JobResult } from '../job.js';
import { unifiedDiff } from '../commands/plan.js';
import { ledgerTotals, type LedgerEntry, type LedgerStatus } from './ledger.js';
import type { RenderedChange } from './rendered-values.js';
import { newValues, type NewValue } from '../review-values.js';

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
  /** Its new value in each environment: what the patch body and the PR description say ({@link newValues}). */
  newValues: NewValue[];
  /** Set when the edit is verified by structure alone: why. */
  unverified?: string;
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
  /** How much changed where: per role (`roles/<name>/…`), else per top folder, largest first. */
  areas: Array<{ name: string; files: number; additions: number; deletions: number }>;
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

/** Changed files grouped by role (or by top folder outside roles), the most lines changed first. */
function areasOf(files: readonly ReportFile[]): ReportData['areas'] {
  const byName = new Map<string, ReportData['areas'][number]>();
  for (const f of files) {
    const role = roleOfPath(f.path, ['roles']);
    const name = role ? `role ${role.name}` : f.path.includes('/') ? `${f.path.split('/')[0]}/` : f.path;
    const area = byName.get(name) ?? { name, files: 0, additions: 0, deletions: 0 };
    area.files++;
    area.additions += f.additions;
    area.deletions += f.deletions;
    byName.set(name, area);
  }
  return [...byName.values()].sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions) || a.name.localeCompare(b.name));
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
  // The review texts' own account of each file's new value, not a second one.
  const review = { rendered: renderedByPath };
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
        newValues: newValues(job, review, c.path),
        ...(c.unverified !== undefined ? { unverified: c.unverified } : {}),
      };
    }),
    notFound: plan.notFound.filter((n) => n.stage === stage).map((n) => n.target),
  }));
  const files = stages.flatMap((s) => s.files);
  return {
    areas: areasOf(files),
    title: `${recipe.displayName}: review`,
    recipe: { name: recipe.name, displayName: recipe.displayName, description: recipe.description.replace(/\s+/g, ' ').trim() },
    repository: path.basename(plan.root),
    generatedAt: now.toISOString(),
    environments: plan.environments.map((e) => ({ name: e.name, source: e.source, defaulted: e.defaulted === true })),
    verification: { renderer: RENDERER, checks: VERIFICATION_CHECKS, errors: plan.errors.map(message), warnings: plan.warnings.map(message) },
    stages,
    followUps: jobFollowUps(job),
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
