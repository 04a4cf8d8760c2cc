/**
 * The ledger as the review report and SARIF show it: one row per reference to a mapped host,
 * with what became of it (migrated, kept, unaccounted), the rule that decided it and why.
 * The ledger itself is the engine's (`@ansimod/transforms` `buildLedger`); this names, for a
 * reader, the rule of a reference no keep rule covers.
 */
import type { Ledger, LedgerStatus } from '@ansimod/transforms';
import type { ReferenceKind } from '@ansimod/transforms';

export type { LedgerStatus } from '@ansimod/transforms';

/** One reference, accounted for, as shown. */
export interface LedgerEntry {
  status: LedgerStatus;
  /** The recipe's keep rule; `step/<Stage: target>` for a migrated one; `unaccounted` otherwise. */
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

/**
 * The rows of a ledger.
 *
 * @example
 * ledgerRows(await jobLedger(job)).filter((e) => e.status === 'unaccounted');
 */
export function ledgerRows(ledger: Pick<Ledger, 'entries'>): LedgerEntry[] {
  return ledger.entries.map((e) => ({
    status: e.status,
    rule: e.rule ?? (e.step ? `step/${e.step}` : 'unaccounted'),
    reason: e.reason ?? (e.step ? `moved by ${e.step}` : 'no step of the recipe moves it and no keep rule covers it'),
    path: e.path,
    line: e.line,
    column: e.column,
    source: e.source,
    context: e.context,
    kind: e.kind,
  }));
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
