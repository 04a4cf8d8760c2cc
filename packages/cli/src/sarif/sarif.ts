/**
 * SARIF 2.1.0 logs, the format code-scanning UIs (GitHub, GitLab, Forgejo) read:
 * `audit --format sarif` (the ledger's kept and unaccounted references) and
 * `check --format sarif` (the changes still pending, at their lines).
 */
import type { PlannedChange, StepReport } from '@ansimod/core';
import type { LedgerEntry } from '../report/ledger.js';
import { lineRuns } from '../report/line-runs.js';

/** The parts of a SARIF 2.1.0 log that ansimod writes. */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

/** One run of one tool. */
export interface SarifRun {
  tool: { driver: { name: string; semanticVersion: string; rules: SarifRule[] } };
  results: SarifResult[];
  columnKind: 'utf16CodeUnits';
}

/** A rule a result refers to. */
export interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  defaultConfiguration: { level: SarifLevel };
}

export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

/** One finding at one place. */
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
      region: { startLine: number; startColumn?: number; endLine?: number; endColumn?: number };
    };
  }>;
  /** A kept reference: suppressed, with the rule's justification (code scanning lists it as dismissed). */
  suppressions?: Array<{ kind: 'external'; status: 'accepted'; justification: string }>;
  properties?: Record<string, string | number | boolean | string[]>;
}

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A repository-relative path as a URI reference (each segment percent-encoded). */
function uri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Collects rules in first-use order and gives each result its index. */
class Rules {
  readonly list: SarifRule[] = [];
  index(rule: SarifRule): number {
    const at = this.list.findIndex((r) => r.id === rule.id);
    return at >= 0 ? at : this.list.push(rule) - 1;
  }
}

function log(version: string, rules: Rules, results: SarifResult[]): SarifLog {
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'ansimod', semanticVersion: version, rules: rules.list } }, results, columnKind: 'utf16CodeUnits' }],
  };
}

/**
 * The ledger's kept and unaccounted references as results: an unaccounted one is a warning, a
 * kept one a note suppressed with its rule's reason. Rule ids are the ledger's rules.
 *
 * @example
 * JSON.stringify(auditSarif(ledgerFromAudit(report.references), '0.1.0'));
 */
export function auditSarif(ledger: readonly LedgerEntry[], version: string): SarifLog {
  const rules = new Rules();
  const results: SarifResult[] = [];
  for (const e of ledger) {
    if (e.status === 'migrated') continue;
    const level: SarifLevel = e.status === 'unaccounted' ? 'warning' : 'note';
    const ruleIndex = rules.index({ id: e.rule, shortDescription: { text: e.reason }, defaultConfiguration: { level } });
    const singleLine = !e.source.includes('\n');
    results.push({
      ruleId: e.rule,
      ruleIndex,
      level,
      message: { text: `${e.status}: ${e.source} (${e.kind}) at ${e.context}: ${e.reason}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uri(e.path), uriBaseId: '%SRCROOT%' },
            region: { startLine: e.line, startColumn: e.column, ...(singleLine ? { endColumn: e.column + e.source.length } : {}) },
          },
        },
      ],
      ...(e.status === 'kept' ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: e.reason }] } : {}),
      properties: { status: e.status, kind: e.kind, host: e.source, context: e.context },
    });
  }
  return log(version, rules, results);
}

/**
 * The plan's pending changes as results, one per run of changed lines, under the rule of the
 * transform that changes the file.
 *
 * @example
 * JSON.stringify(checkSarif(job.plan.changes, job.plan.steps, '0.1.0'));
 */
export function checkSarif(changes: readonly PlannedChange[], steps: readonly StepReport[], version: string): SarifLog {
  const rules = new Rules();
  const results: SarifResult[] = [];
  for (const c of changes) {
    const step = steps.find((s) => s.outcomes.some((o) => o.path === c.path && o.outcome === 'changed'));
    const id = step ? `pending/${step.transform}` : 'pending/change';
    const ruleIndex = rules.index({
      id,
      shortDescription: { text: step ? `${step.transform} has a change to make` : 'a change to make' },
      defaultConfiguration: { level: 'warning' },
    });
    const lastLine = Math.max(1, c.before.split('\n').length - (c.before.endsWith('\n') ? 1 : 0));
    for (const run of lineRuns(c.before, c.after)) {
      const startLine = Math.min(run.line, lastLine);
      const endLine = run.before.length ? run.line + run.before.length - 1 : startLine;
      const what = run.before.length ? `would rewrite ${run.before.length === 1 ? 'this line' : `${run.before.length} lines`}` : `would insert ${run.after.length} line${run.after.length === 1 ? '' : 's'} here`;
      results.push({
        ruleId: id,
        ruleIndex,
        level: 'warning',
        message: { text: `${c.stages.join(', ')}: ${what}${c.reasons.length ? ` (${c.reasons.join('; ')})` : ''}. Run \`ansimod apply\` or \`ansimod plan\` to see it.` },
        locations: [{ physicalLocation: { artifactLocation: { uri: uri(c.path), uriBaseId: '%SRCROOT%' }, region: { startLine, endLine } } }],
        properties: { stages: c.stages, after: run.after.join('\n') },
      });
    }
  }
  return log(version, rules, results);
}
