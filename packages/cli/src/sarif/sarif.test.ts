import { describe, expect, it } from 'vitest';
import type { PlannedChange, StepReport } from '@ansimod/core';
import { sarifSchemaErrors } from '../../../../test/support/sarif-schema.js';
import type { LedgerEntry } from '../report/ledger.js';
import { auditSarif, checkSarif } from './sarif.js';
import { outputFormat } from './output-format.js';

const entry = (status: LedgerEntry['status'], rule: string, line: number): LedgerEntry => ({
  status,
  rule,
  reason: `because ${rule}`,
  path: 'roles/a b/templates/x.conf',
  line,
  column: 5,
  source: 'registry{{ env_suffix }}.example.org',
  context: 'ServerName',
  kind: 'vhost-or-host-name',
});

function change(path: string, before: string, after: string): PlannedChange {
  return { path, before, after, beforeBytes: Buffer.from(before), afterBytes: Buffer.from(after), mode: 0o100644, encoding: 'utf8', stages: ['Bodhi'], reasons: ['registry → quay.io'] };
}

describe('auditSarif', () => {
  it('gives kept references as suppressed notes and unaccounted ones as warnings, under their rules', () => {
    const log = auditSarif([entry('kept', 'keep/vhosts', 3), entry('unaccounted', 'unaccounted', 7), entry('migrated', 'plan', 9), entry('kept', 'keep/vhosts', 11)], '1.2.3');
    expect(sarifSchemaErrors(log)).toEqual([]);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['keep/vhosts', 'unaccounted']);
    expect(run.results.map((r) => [r.ruleId, r.ruleIndex, r.level, r.locations[0]?.physicalLocation.region.startLine, r.suppressions?.[0]?.justification])).toEqual([
      ['keep/vhosts', 0, 'note', 3, 'because keep/vhosts'],
      ['unaccounted', 1, 'warning', 7, undefined],
      ['keep/vhosts', 0, 'note', 11, 'because keep/vhosts'],
    ]);
    const loc = run.results[0]!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toBe('roles/a%20b/templates/x.conf');
    expect(loc.region).toEqual({ startLine: 3, startColumn: 5, endColumn: 5 + 'registry{{ env_suffix }}.example.org'.length });
  });
});

describe('checkSarif', () => {
  it('gives one warning per run of changed lines, at the lines of the file as it is', () => {
    const steps: StepReport[] = [{ stage: 'Bodhi', target: 'ini', transform: 'set-ini', found: true, outcomes: [{ path: 'p.ini', outcome: 'changed' }] }];
    const log = checkSarif([change('p.ini', 'a\nb\nc\nd\n', 'a\nB\nc\nd\ne\nf\n')], steps, '1.2.3');
    expect(sarifSchemaErrors(log)).toEqual([]);
    const results = log.runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.locations[0]?.physicalLocation.region])).toEqual([
      ['pending/set-ini', { startLine: 2, endLine: 2 }],
      ['pending/set-ini', { startLine: 4, endLine: 4 }], // an addition at the end: at the last line
    ]);
    expect(results[1]?.message.text).toContain('would insert 2 lines');
  });

  it('is an empty run when nothing is pending', () => {
    const log = checkSarif([], [], '1.2.3');
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0]?.results).toEqual([]);
  });
});

describe('the schema check', () => {
  it('rejects a log that breaks the schema', () => {
    const log = auditSarif([entry('unaccounted', 'u', 1)], '1.2.3') as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    delete log.runs[0]!.results[0]!['message'];
    (log.runs[0]!.results[0] as Record<string, unknown>)['level'] = 'fatal';
    expect(sarifSchemaErrors(log).length).toBeGreaterThanOrEqual(2);
  });
});

describe('outputFormat', () => {
  it('reads --format and --json, and refuses what contradicts', () => {
    expect(outputFormat(undefined, false, 'audit')).toBe('text');
    expect(outputFormat(undefined, true, 'audit')).toBe('json');
    expect(outputFormat('sarif', false, 'audit')).toBe('sarif');
    expect(() => outputFormat('xml', false, 'audit')).toThrow(/--format expects text, json or sarif/);
    expect(() => outputFormat('sarif', true, 'audit')).toThrow(/contradict/);
  });
});
