/**
 * The ledger the review report and SARIF show: every remaining reference to a mapped registry
 * host, with what happened to it (migrated, kept, unaccounted), the rule that decided it and why.
 *
 * Until the recipe's keep rules and the engine's typed ledger are in place, it is derived from
 * `audit`'s classification: a reference the plan's edits remove is `migrated`, a kind the
 * migration leaves alone by design is `kept` under the rule `kind/<kind>`, and a registry
 * endpoint (or an unclassified reference) the plan did not touch is `unaccounted`.
 */
import type { AuditReference, ReferenceKind } from '@ansimod/transforms';
import type { Plan } from '@ansimod/core';
import { lineRuns } from './line-runs.js';

/** What happened to a reference. */
export type LedgerStatus = 'migrated' | 'kept' | 'unaccounted';

/** One reference, accounted for. */
export interface LedgerEntry {
  status: LedgerStatus;
  /** The rule that decided the status (e.g. `kind/vhost-or-host-name`). */
  rule: string;
  /** Why, in words. */
  reason: string;
  path: string;
  line: number;
  column: number;
  /** The host as written (Jinja included). */
  source: string;
  /** Where: YAML key path, INI `section.key`, Apache directive, `comment`. */
  context: string;
  kind: ReferenceKind;
}

/** What each reference kind means for the migration: data, not code paths. */
const KIND_RULES: Readonly<Record<ReferenceKind, { status: Exclude<LedgerStatus, 'migrated'>; reason: string }>> = {
  'registry-endpoint': { status: 'unaccounted', reason: 'a registry endpoint the plan does not change: migrate it or add a keep rule' },
  'image-reference': { status: 'kept', reason: 'a container image reference, not the registry the pipeline pushes to or pulls from' },
  'web-content-url': { status: 'kept', reason: 'static web content the proxies serve, not registry content' },
  'file-path': { status: 'kept', reason: 'a path on disk that contains the host name' },
  'vhost-or-host-name': { status: 'kept', reason: 'a virtual host, certificate or machine name, not an endpoint' },
  comment: { status: 'kept', reason: 'a comment; documents, does not configure' },
  documentation: { status: 'kept', reason: 'documentation text' },
  other: { status: 'unaccounted', reason: 'not classified: review it' },
};

/**
 * The ledger of audited references; with a plan, references on lines its edits remove are `migrated`.
 *
 * @example
 * const ledger = ledgerFromAudit(report.references, job.plan);
 * ledger.filter((e) => e.status === 'unaccounted').length; // what still needs a decision
 */
export function ledgerFromAudit(references: readonly AuditReference[], plan?: Pick<Plan, 'changes'>): LedgerEntry[] {
  const removed = plan ? removedLines(plan) : new Map<string, Set<number>>();
  return references.map((r) => {
    const base = { path: r.path, line: r.line, column: r.column, source: r.source, context: r.context, kind: r.kind };
    if (removed.get(r.path)?.has(r.line)) return { status: 'migrated', rule: 'plan', reason: 'changed by this plan', ...base };
    const rule = KIND_RULES[r.kind];
    return { status: rule.status, rule: `kind/${r.kind}`, reason: rule.reason, ...base };
  });
}

/** The 1-based line numbers (in the before text) each change removes or rewrites, by path. */
function removedLines(plan: Pick<Plan, 'changes'>): Map<string, Set<number>> {
  const byPath = new Map<string, Set<number>>();
  for (const c of plan.changes) {
    const lines = new Set<number>();
    for (const run of lineRuns(c.before, c.after)) for (let i = 0; i < run.before.length; i++) lines.add(run.line + i);
    byPath.set(c.path, lines);
  }
  return byPath;
}

/**
 * Totals per status.
 *
 * @example
 * ledgerTotals(ledger); // => { migrated: 6, kept: 30, unaccounted: 2 }
 */
export function ledgerTotals(ledger: readonly LedgerEntry[]): Record<LedgerStatus, number> {
  const totals: Record<LedgerStatus, number> = { migrated: 0, kept: 0, unaccounted: 0 };
  for (const e of ledger) totals[e.status]++;
  return totals;
}
