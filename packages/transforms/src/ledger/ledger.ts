import { matchesPaths, type Diagnostic, type Environment, type KeepRule, type PlanAnalysis, type PlannedChange } from '@ansimod/core';
import { auditRepository, type AuditReference } from '../audit/audit.js';
import type { ReferenceKind } from '../audit/classify.js';
import { unusedTemplates } from './unused-templates.js';

/**
 * What became of one reference to a mapped registry host: moved by a step of the recipe, left
 * alone on purpose by one of its keep rules, or neither (a reviewer must look at it).
 */
export type LedgerStatus = 'migrated' | 'kept' | 'unaccounted';

/** One reference to a mapped host in the repository, before the change, and what the plan does with it. */
export interface LedgerEntry {
  /** Repository-relative path. */
  path: string;
  /** 1-based line and column of the host as written. */
  line: number;
  column: number;
  /** The mapped host it names (in at least one environment). */
  host: string;
  /** The host as written, Jinja included. */
  source: string;
  /** Where it is (YAML key path, `section.key`, JSON path, Apache directive, `comment`). */
  context: string;
  /** What the audit takes it for. */
  kind: ReferenceKind;
  status: LedgerStatus;
  /** For `migrated`: the step that moved it, as `Stage: target`. */
  step?: string;
  /** For `kept`: the recipe's keep rule. */
  rule?: string;
  /** For `kept`: the rule's reason; for `unaccounted`: why no rule applies. */
  reason?: string;
  /** The mapped host per environment. */
  environments: Record<string, string>;
}

/** How many references have each status. */
export type LedgerCounts = Record<LedgerStatus, number>;

/**
 * Every reference to a mapped host, each accounted for (or not). What `check --strict`, `audit
 * --recipe`, the pull-request description and reports (SARIF) read.
 */
export interface Ledger {
  entries: LedgerEntry[];
  counts: LedgerCounts;
  filesScanned: number;
  /** Files not read (too large, not regular, read errors): their references are unknown, so they are named. */
  notRead?: Diagnostic[];
}

/** The parts of a planned change the ledger reads: where its edits are. */
export type LedgerChange = Pick<PlannedChange, 'path' | 'spans'>;

const regexCache = new Map<string, RegExp>();
function re(source: string): RegExp {
  let r = regexCache.get(source);
  if (!r) regexCache.set(source, (r = new RegExp(source, 'i')));
  return r;
}

/**
 * The first keep rule that covers a reference: every criterion the rule gives holds (`unused`:
 * the reference's file is in `unused`, the templates no playbook installs).
 *
 * @example
 * keepRuleFor(ref, [{ rule: 'base-images', reason: 'pulled through the proxy', kinds: ['image-reference'] }])?.rule; // => 'base-images'
 */
export function keepRuleFor(ref: Pick<AuditReference, 'path' | 'kind' | 'context' | 'source'>, rules: readonly KeepRule[], unused: ReadonlySet<string> = new Set()): KeepRule | undefined {
  return rules.find(
    (r) =>
      (!r.unused || unused.has(ref.path)) &&
      (!r.kinds || r.kinds.includes(ref.kind)) &&
      (!r.paths || matchesPaths(ref.path, r.paths)) &&
      (!r.contexts || r.contexts.some((c) => re(c).test(ref.context))) &&
      (!r.sources || r.sources.some((c) => re(c).test(ref.source))),
  );
}

/**
 * Accounts for each reference: `migrated` when an edit of the plan covers it (naming the step),
 * else `kept` when a keep rule covers it (naming the rule and its reason), else `unaccounted`.
 *
 * @example
 * const ledger = ledgerOf(references, plan.changes, recipe.keep ?? [], 33);
 * ledger.counts; // => { migrated: 6, kept: 40, unaccounted: 0 }
 */
export function ledgerOf(references: readonly AuditReference[], changes: readonly LedgerChange[], rules: readonly KeepRule[], filesScanned: number, unused: ReadonlySet<string> = new Set()): Ledger {
  const spansByPath = new Map(changes.map((c) => [c.path, c.spans]));
  const entries: LedgerEntry[] = references.map((ref) => {
    const base = {
      path: ref.path,
      line: ref.line,
      column: ref.column,
      host: ref.endpoint,
      source: ref.source,
      context: ref.context,
      kind: ref.kind,
      environments: ref.environments,
    };
    // An edit covers a reference when their ranges overlap (an insertion right at it does not).
    const { start, end } = ref;
    const span = start === undefined || end === undefined ? undefined : spansByPath.get(ref.path)?.find((s) => s.start < end && start < s.end);
    if (span) return { ...base, status: 'migrated', step: `${span.stage}: ${span.target}` };
    const rule = keepRuleFor(ref, rules, unused);
    if (rule) return { ...base, status: 'kept', rule: rule.rule, reason: rule.reason };
    return { ...base, status: 'unaccounted', reason: `a ${ref.kind} reference that no step moves and no keep rule covers` };
  });
  const counts: LedgerCounts = { migrated: 0, kept: 0, unaccounted: 0 };
  for (const e of entries) counts[e.status]++;
  return { entries, counts, filesScanned };
}

/** What {@link buildLedger} needs to know about the run. */
export interface LedgerOptions {
  /** The maps the plan ran with; their sources are the hosts accounted for. */
  maps: Readonly<Record<string, string>>;
  /** The recipe's keep rules. */
  keep?: readonly KeepRule[];
  /** The plan's changes (none for a plain audit). */
  changes?: readonly LedgerChange[];
  environments?: Environment[];
  /** The plan's reading of the tree ({@link analysisOf}), shared instead of walking and analysing it again. */
  analysis?: PlanAnalysis;
}

/**
 * The ledger of a plan on a repository: every reference to a mapped host, as the files were
 * before the plan, each marked migrated, kept or unaccounted.
 *
 * @example
 * const ledger = await buildLedger(plan.root, { maps, keep: recipe.keep, changes: plan.changes, environments: plan.environments, analysis: analysisOf(plan) });
 * if (ledger.counts.unaccounted) process.exitCode = 1;
 */
export async function buildLedger(root: string, opts: LedgerOptions): Promise<Ledger> {
  const report = await auditRepository(root, { maps: opts.maps, ...(opts.environments ? { environments: opts.environments } : {}) });
  const keep = opts.keep ?? [];
  // Which templates no playbook installs is asked only when a rule needs it, and only of the
  // files that hold a reference no edit covers.
  const edited = new Set((opts.changes ?? []).map((c) => c.path));
  const unused = keep.some((r) => r.unused)
    ? await unusedTemplates(root, [...new Set(report.references.map((r) => r.path).filter((p) => !edited.has(p)))], opts.environments ?? report.environments, opts.analysis)
    : new Set<string>();
  return { ...ledgerOf(report.references, opts.changes ?? [], keep, report.filesScanned, unused), notRead: report.notRead };
}

/**
 * One line summing up a ledger.
 *
 * @example
 * ledgerSummary(ledger); // => '46 references: 6 migrated, 40 kept, 0 unaccounted'
 */
export function ledgerSummary(ledger: Pick<Ledger, 'counts'>): string {
  const { migrated, kept, unaccounted } = ledger.counts;
  return `${migrated + kept + unaccounted} references: ${migrated} migrated, ${kept} kept, ${unaccounted} unaccounted`;
}
