import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTemplateRenderer } from '@ansimod/core';
import { agreementCases, caseKey } from './cases.mjs';
import { disagreement, recordedOutputs } from './agreement.js';

const cases = agreementCases();
const recorded = recordedOutputs();
/**
 * Cases the embedded renderer does not yet render as Ansible does, each with why (a ratchet:
 * a case that starts agreeing must leave the list). The goal is an empty list.
 */
const known = JSON.parse(readFileSync(new URL('./known-divergences.json', import.meta.url), 'utf8')) as Record<string, string>;

describe('agreement harness: ansimod renders as ansible-core does', () => {
  it('has at least 300 hand-written cases, and Ansible outputs recorded for every case as it is now', () => {
    expect(cases.filter((c) => !c.name.startsWith('generated/')).length).toBeGreaterThanOrEqual(300);
    const stale = cases.filter((c) => recorded.cases[c.name]?.key !== caseKey(c)).map((c) => c.name);
    expect(stale, 'cases changed or added since the outputs were recorded: npm run render:regen').toEqual([]);
    expect(Object.keys(recorded.cases).filter((n) => !cases.some((c) => c.name === n))).toEqual([]);
  });

  it('agrees byte for byte on every case', async () => {
    const renderer = await loadTemplateRenderer();
    const problems: string[] = [];
    const silent: string[] = [];
    for (const c of cases) {
      const actual = renderer.render(c.template, c.vars, { path: 'template.j2', resolveInclude: (name) => c.files[name] });
      const expected = recorded.cases[c.name]!;
      const why = disagreement(c, expected, actual);
      if (why !== undefined) problems.push(`${c.name}: ${why}`);
      // A divergence must be a diagnostic (or undefined variables named), never other bytes.
      if (why !== undefined && actual.ok && actual.undefinedVars.length === 0) silent.push(`${c.name}: ${why}`);
    }
    expect(silent, 'cases rendered differently from ansible-core without a diagnostic').toEqual([]);
    const rate = ((cases.length - problems.length) / cases.length) * 100;
    console.log(`agreement with ansible-core ${recorded.ansible}: ${cases.length - problems.length}/${cases.length} (${rate.toFixed(1)}%)`);
    const unexpected = problems.filter((p) => !(p.slice(0, p.indexOf(': ')) in known));
    expect(unexpected, 'cases that disagree with ansible-core').toEqual([]);
    const fixed = Object.keys(known).filter((name) => !problems.some((p) => p.startsWith(`${name}: `)));
    expect(fixed, 'cases in known-divergences.json that agree now: remove them from the list').toEqual([]);
  });
});
