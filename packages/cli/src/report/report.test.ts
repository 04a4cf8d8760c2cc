import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AuditReference } from '@ansimod/transforms';
import type { PlannedChange } from '@ansimod/core';
import { changedRuns, renderedChanges } from './rendered-values.js';
import { ledgerFromAudit, ledgerTotals } from './ledger.js';
import { reportHtml, scriptJson } from './report-html.js';
import type { ReportData } from './report-data.js';

function change(p: string, before: string, after: string): PlannedChange {
  return { path: p, before, after, beforeBytes: Buffer.from(before), afterBytes: Buffer.from(after), mode: 0o100644, encoding: 'utf8', stages: ['S'], reasons: [] };
}

function ref(p: string, line: number, kind: AuditReference['kind']): AuditReference {
  return { path: p, line, column: 1, endpoint: 'registry.example.org', source: 'registry.example.org', context: 'k', kind, environments: {}, templated: false };
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

describe('ledgerFromAudit', () => {
  it('marks references on lines the plan rewrites as migrated, and the rest by kind', () => {
    const refs = [ref('a.yml', 2, 'registry-endpoint'), ref('a.yml', 3, 'registry-endpoint'), ref('b.yml', 1, 'vhost-or-host-name'), ref('c', 1, 'other')];
    const ledger = ledgerFromAudit(refs, { changes: [change('a.yml', 'x\nregistry.example.org\ny\n', 'x\nquay.io\ny\n')] });
    expect(ledger.map((e) => [e.path, e.line, e.status, e.rule])).toEqual([
      ['a.yml', 2, 'migrated', 'plan'],
      ['a.yml', 3, 'unaccounted', 'kind/registry-endpoint'],
      ['b.yml', 1, 'kept', 'kind/vhost-or-host-name'],
      ['c', 1, 'unaccounted', 'kind/other'],
    ]);
    expect(ledgerTotals(ledger)).toEqual({ migrated: 1, kept: 1, unaccounted: 2 });
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
