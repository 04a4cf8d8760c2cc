import { describe, expect, it } from 'vitest';
import { loadTemplateRenderer } from '@ansimod/core';
import { agreementCases, caseKey } from './cases.mjs';
import { disagreement, recordedOutputs } from './agreement.js';

const cases = agreementCases();
const recorded = recordedOutputs();

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
    for (const c of cases) {
      const actual = renderer.render(c.template, c.vars, { path: 'template.j2', resolveInclude: (name) => c.files[name] });
      const why = disagreement(c, recorded.cases[c.name]!, actual);
      if (why !== undefined) problems.push(`${c.name}: ${why}`);
    }
    const rate = ((cases.length - problems.length) / cases.length) * 100;
    console.log(`agreement with ansible-core ${recorded.ansible}: ${cases.length - problems.length}/${cases.length} (${rate.toFixed(1)}%)`);
    expect(problems).toEqual([]);
  });
});
