import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PlannedChange } from '@ansimod/core';
import { changedRuns, renderedChanges } from './rendered-values.js';
import { ledgerRows, ledgerTotals } from './ledger.js';
import { reportHtml, scriptJson } from './report-html.js';
import { reportData, type ReportData } from './report-data.js';
import type { JobResult } from '../job.js';

function change(p: string, before: string, after: string): PlannedChange {
  return { path: p, before, after, beforeBytes: Buffer.from(before), afterBytes: Buffer.from(after), mode: 0o100644, encoding: 'utf8', stages: ['S'], reasons: [] };
}

describe('changedRuns', () => {
  it('gives the runs of lines that differ, additions and removals together', () => {
    expect(changedRuns('a\nb\nc\nd\n', 'a\nB\nc\nd\ne\n')).toEqual([
      { before: ['b'], after: ['B'] },
      { before: [], after: ['e'] },
    ]);
    expect(changedRuns('same\n', 'same\n')).toEqual([]);
  });
});

describe('renderedChanges', () => {
  it('renders each environment, joins environments that render alike, and resolves includes in the after state', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ansimod-rendered-'));
    try {
      mkdirSync(path.join(root, 't'));
      writeFileSync(path.join(root, 't/inc.conf'), 'old include\n');
      const envs = [
        { name: 'production', vars: { env: 'production' }, source: [] },
        { name: 'staging', vars: { env: 'staging' }, source: [] },
      ];
      const changes = [
        change('t/a.conf', "x={{ 'p' if env == 'production' else 's' }}\n{% include './inc.conf' %}", "x={{ 'P' if env == 'production' else 's' }}\n{% include './inc.conf' %}"),
        change('t/inc.conf', 'old include\n', 'new include\n'),
        change('plain.txt', 'one\n', 'two\n'),
      ];
      const [a, inc, plain] = await renderedChanges(root, changes, envs);
      expect(a?.environments).toEqual([
        { environments: ['production'], hunks: [{ before: ['x=p', 'old include'], after: ['x=P', 'new include'] }] },
        { environments: ['staging'], hunks: [{ before: ['old include'], after: ['new include'] }] },
      ]);
      expect(inc?.templated).toBe(false);
      expect(plain?.environments).toEqual([{ environments: ['*'], hunks: [{ before: ['one'], after: ['two'] }] }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says which state does not render instead of showing nothing', async () => {
    const [r] = await renderedChanges('/nonexistent', [change('a.j2', '{{ x }}\n', '{% if %}\n')], [{ name: 'production', vars: {}, source: [] }]);
    expect(r?.environments[0]?.error).toMatch(/^the after state does not render/);
  });
});

describe('ledgerRows', () => {
  it('names the rule of every entry: the keep rule, the step that moved it, or unaccounted', () => {
    const base = { path: 'a.yml', line: 2, column: 1, host: 'registry.example.org', source: 'registry.example.org', context: 'k', kind: 'registry-endpoint' as const, environments: {} };
    const rows = ledgerRows({
      entries: [
        { ...base, status: 'migrated', step: 'Koji: koji' },
        { ...base, line: 3, status: 'kept', rule: 'vhosts', reason: 'a virtual host' },
        { ...base, line: 4, status: 'unaccounted' },
      ],
    });
    expect(rows.map((e) => [e.line, e.status, e.rule, e.reason])).toEqual([
      [2, 'migrated', 'step/Koji: koji', 'moved by Koji: koji'],
      [3, 'kept', 'vhosts', 'a virtual host'],
      [4, 'unaccounted', 'unaccounted', 'no step of the recipe moves it and no keep rule covers it'],
    ]);
    expect(ledgerTotals(rows)).toEqual({ migrated: 1, kept: 1, unaccounted: 1 });
  });
});

describe('reportHtml', () => {
  it('embeds the data so that no text of the repository can close the script element', () => {
    expect(scriptJson({ a: '</script><!--' })).toBe('{"a":"\\u003c/script>\\u003c!--"}');
    const data = { title: 'T </script> $& $1', ledger: [], stages: [] } as unknown as ReportData;
    const html = reportHtml(data);
    expect(html).toContain('<title>T &lt;/script&gt; $&amp; $1</title>');
    const json = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(json ?? '')).toEqual(data);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(?:link|img|iframe)\b[^>]*(?:src|href)=["']?https?:/i);
  });
});

describe('reportData', () => {
  it('lists every stage of the recipe with its files, what was not found, totals and the changes by role', () => {
    const changes = [
      { ...change('roles/bodhi2/base/templates/production.ini.j2', 'a\nb\n', 'a\nB\nC\n'), stages: ['Bodhi'] },
      { ...change('roles/koji_builder/tasks/main.yml', 'x\n', 'y\n'), stages: ['Koji', 'Bodhi'] },
      { ...change('inventory/group_vars/all', 'r: 1\n', 'r: 2\n'), stages: ['Koji'] },
    ];
    const job = {
      recipe: {
        name: 'r',
        displayName: 'Move it',
        description: 'Moves  it.',
        followUps: ['ask for a firewall rule'],
        steps: [
          { transform: 't1', stage: 'Koji', target: 'koji', why: 'Koji pushes there.' },
          { transform: 't2', stage: 'Bodhi', target: 'bodhi' },
          { transform: 't3', stage: 'Proxies', target: 'proxy' },
        ],
      },
      plan: {
        root: '/srv/ansible',
        environments: [{ name: 'production', vars: {}, source: ['inventory/group_vars/all'] }],
        changes,
        steps: [{ stage: 'Koji', target: 'koji', transform: 't1', found: true, outcomes: [{ path: 'roles/koji_builder/tasks/main.yml', outcome: 'changed' }, { path: 'x', outcome: 'nochange' }] }],
        notFound: [{ stage: 'Proxies', target: 'proxy' }],
        errors: [],
        warnings: [],
        filesScanned: 12,
        timings: [],
      },
    } as unknown as JobResult;
    const data = reportData(job, [], [], new Date(0));
    expect(data.stages.map((s) => [s.name, s.files.map((f) => f.path), s.notFound])).toEqual([
      ['Koji', ['roles/koji_builder/tasks/main.yml', 'inventory/group_vars/all'], []],
      ['Bodhi', ['roles/bodhi2/base/templates/production.ini.j2'], []],
      ['Proxies', [], ['proxy']],
    ]);
    expect(data.stages[0]?.steps).toEqual([{ target: 'koji', transform: 't1', found: true, outcomes: { changed: 1, nochange: 1 } }]);
    expect(data.stages[0]?.why).toEqual(['Koji pushes there.']);
    expect(data.totals).toEqual({ files: 3, additions: 4, deletions: 3, filesScanned: 12, stages: 3, ledger: { migrated: 0, kept: 0, unaccounted: 0 } });
    expect(data.areas).toEqual([
      { name: 'role bodhi2/base', files: 1, additions: 2, deletions: 1 },
      { name: 'inventory/', files: 1, additions: 1, deletions: 1 },
      { name: 'role koji_builder', files: 1, additions: 1, deletions: 1 },
    ]);
    expect(data.repository).toBe('ansible');
    expect(data.recipe.description).toBe('Moves it.');
  });
});
