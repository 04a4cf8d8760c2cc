/**
 * `audit --format sarif` and `check --format sarif` on the fixture repository: logs valid against
 * the SARIF 2.1.0 schema, with the ledger's references and the pending changes at their places.
 */
import { describe, expect, it } from 'vitest';
import { sarifSchemaErrors } from '../support/sarif-schema.js';
import { ansimod, expectBuilt, fixtureDir, gitRepo } from './helpers.js';

interface Log {
  runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; level: string; suppressions?: unknown[]; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
}

describe('SARIF output', () => {
  expectBuilt();

  it('audit --format sarif: every audited reference, valid SARIF 2.1.0', () => {
    const repo = gitRepo({ from: fixtureDir });
    const json = ansimod(['audit', '--repo', repo, '--json']);
    // The ledger's entries; those the plan migrates are not findings.
    const references = (JSON.parse(json.stdout) as { entries: Array<{ path: string; line: number; status: string }> }).entries.filter((e) => e.status !== 'migrated');
    const r = ansimod(['audit', '--repo', repo, '--format', 'sarif']);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const results = log.runs[0]!.results;
    expect(results.map((x) => `${x.locations[0]!.physicalLocation.artifactLocation.uri}:${x.locations[0]!.physicalLocation.region.startLine}`)).toEqual(
      references.map((x) => `${x.path}:${x.line}`),
    );
    const ruleIds = new Set(log.runs[0]!.tool.driver.rules.map((x) => x.id));
    for (const x of results) expect(ruleIds.has(x.ruleId)).toBe(true);
    // Kept references are suppressed, unaccounted ones are not.
    for (const x of results) expect(x.suppressions !== undefined).toBe(x.level === 'note');
  });

  it('check --format sarif: a warning at each pending change, exit 1; none after apply, exit 0', () => {
    const repo = gitRepo({ from: fixtureDir });
    const r = ansimod(['check', '--repo', repo, '--format', 'sarif', '--quiet']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const files = new Set(log.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri));
    const plan = JSON.parse(ansimod(['plan', '--repo', repo, '--json']).stdout) as { changes: Array<{ path: string }> };
    expect([...files].sort()).toEqual(plan.changes.map((c) => c.path).sort());
    expect(ansimod(['apply', '--repo', repo, '--quiet']).code).toBe(0);
    const after = ansimod(['check', '--repo', repo, '--format', 'sarif', '--quiet']);
    expect(after.code).toBe(0);
    const clean = JSON.parse(after.stdout) as Log;
    expect(sarifSchemaErrors(clean)).toEqual([]);
    expect(clean.runs[0]!.results).toEqual([]);
  });
});
