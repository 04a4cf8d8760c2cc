import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTemplateRenderer, resolveIncludePath } from '@ansimod/core';
import { agreementCases, caseKey } from './cases.mjs';
import { disagreement, recordedOutputs } from './agreement.js';

const cases = agreementCases();
const recorded = recordedOutputs();
/**
 * Cases the embedded renderer does not yet render as Ansible does, each with why (a ratchet:
 * a case that starts agreeing must leave the list). The goal is an empty list.
 */
const known = JSON.parse(readFileSync(new URL('./known-divergences.json', import.meta.url), 'utf8')) as Record<string, string>;
/**
 * Cases refused by design, each with why (`lookup('pipe')` runs a command): not divergences to
 * fix. Each must be refused by name (a diagnostic saying "refused by design"), never rendered.
 */
const byDesign = JSON.parse(readFileSync(new URL('./refused-by-design.json', import.meta.url), 'utf8')) as Record<string, string>;

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
    const refused: string[] = [];
    for (const c of cases) {
      // The case's files are the repository (ansible-core gets them as its basedir).
      const actual = renderer.render(c.template, c.vars, { path: 'template.j2', resolveInclude: (name, from) => c.files[resolveIncludePath(name, from)] ?? c.files[name], readFile: (p) => c.files[p], root: '/harness' });
      const expected = recorded.cases[c.name]!;
      if (c.name in byDesign) {
        if (actual.ok || actual.failure.kind !== 'unsupported' || !actual.diagnostic.message.includes('refused by design')) refused.push(`${c.name}: not refused by design`);
        continue;
      }
      const why = disagreement(c, expected, actual);
      if (why !== undefined) problems.push(`${c.name}: ${why}`);
      // A divergence must be a diagnostic (or undefined variables named), never other bytes.
      if (why !== undefined && actual.ok && actual.undefinedVars.length === 0) silent.push(`${c.name}: ${why}`);
    }
    expect(silent, 'cases rendered differently from ansible-core without a diagnostic').toEqual([]);
    expect(refused, 'cases in refused-by-design.json that are not refused by design').toEqual([]);
    const counted = cases.length - Object.keys(byDesign).length;
    const rate = ((counted - problems.length) / counted) * 100;
    console.log(`agreement with ansible-core ${recorded.ansible}: ${counted - problems.length}/${counted} (${rate.toFixed(1)}%), and ${Object.keys(byDesign).length} refused by design`);
    const unexpected = problems.filter((p) => !(p.slice(0, p.indexOf(': ')) in known));
    expect(unexpected, 'cases that disagree with ansible-core').toEqual([]);
    const fixed = Object.keys(known).filter((name) => !problems.some((p) => p.startsWith(`${name}: `)));
    expect(fixed, 'cases in known-divergences.json that agree now: remove them from the list').toEqual([]);
  });
});
