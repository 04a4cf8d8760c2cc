/**
 * The agreement harness's recorded outputs are what the installed ansible-core renders (they
 * are regenerated here into a temporary folder and compared), and `--renderer ansible` verifies
 * the flatpaks-to-quay plan on fixtures/ansible with the same outcome as the embedded renderer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from './support/tools.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ansimod-regen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ansible-core agreement', () => {
  it('the committed outputs are what ansible-core renders now', () => {
    requireTool('ansible-playbook');
    const out = join(tmp, 'ansible-outputs.json');
    execFileSync(process.execPath, [join(root, 'scripts/render-regen.mjs'), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const committed = JSON.parse(readFileSync(join(root, 'test/render-agreement/ansible-outputs.json'), 'utf8')) as { cases: Record<string, unknown> };
    const fresh = JSON.parse(readFileSync(out, 'utf8')) as { cases: Record<string, unknown> };
    expect(fresh.cases).toEqual(committed.cases);
  });

  it('render:measure renders every template of fixtures/ansible both ways: all identical, every undefined variable flagged', () => {
    requireTool('ansible-playbook');
    const r = spawnSync(process.execPath, [join(root, 'scripts/render-measure.mjs'), join(root, 'fixtures/ansible'), '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { summary, rows } = JSON.parse(r.stdout) as { summary: Record<string, number>; rows: Array<{ file: string; status: string }> };
    expect(summary.templates).toBe(rows.length);
    expect(summary.renderedByAnsible).toBeGreaterThan(0);
    expect(summary.identical).toBe(summary.renderedByAnsible);
    expect(summary.undefinedInAnsible).toBeGreaterThan(0);
    expect(summary.undefinedFlagged).toBe(summary.undefinedInAnsible);
    expect(rows.map((row) => row.file)).toContain('roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf');
  });

  it('render:measure: numbers from group_vars print and compute as Ansible does; a float a filter cannot take is a difference named, exit 1', () => {
    requireTool('ansible-playbook');
    const tree = join(tmp, 'tree');
    mkdirSync(join(tree, 'roles/r/templates'), { recursive: true });
    mkdirSync(join(tree, 'inventory/group_vars'), { recursive: true });
    writeFileSync(
      join(tree, 'inventory/group_vars/all'),
      'env: production\nratio: 2.0\nbig: 1.0e+3\nsleep: 1_000.0\ncount: 1_000\nmode: 0755\nzip: 09\nexp: 1e3\nflag: yes\nminutes: 1:20\ndup: first\ndup: last\nhuge: 12345678901234567890\n',
    );
    // PyYAML keeps 2.0 a float, reads 0755 as octal, 1e3 and 09 as strings, and a key given twice
    // its last value (Ansible loads the file itself).
    writeFileSync(
      join(tree, 'roles/r/templates/numbers.conf'),
      'ratio={{ ratio }} {{ [ratio, big] }} {{ sleep | to_json }} {{ ratio is float }} {{ ratio == 2 }}\n{{ count }} {{ mode }} {{ zip }} {{ exp }} {{ flag }} {{ minutes }} {{ dup }}\n{{ huge }} {{ huge + 1 }} {{ [huge] }} {{ huge | to_json }}\n',
    );
    writeFileSync(join(tree, 'roles/r/templates/ok.conf'), 'env={{ env }}\n');
    // Arithmetic on a whole float keeps it a float, as in Python.
    writeFileSync(join(tree, 'roles/r/templates/double.conf'), 'double={{ ratio * 2 }} {{ ratio + 1 }} {{ ratio // 1 }} {{ ratio / 4 }} {{ count ** 3 }}\n');
    // A filter that would do JavaScript arithmetic on a whole float is refused: shown as a difference.
    writeFileSync(join(tree, 'roles/r/templates/batch.conf'), '{{ [1, 2, 3] | batch(ratio) | list }}\n');
    const r = spawnSync(process.execPath, [join(root, 'scripts/render-measure.mjs'), tree], { encoding: 'utf8' });
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain('Ansible renders 4, ansimod identical on 3 (75.0%)');
    expect(r.stdout).toMatch(/differs +roles\/r\/templates\/batch\.conf: ansimod: .*JavaScript arithmetic on the float 2\.0/);
  });

  it('--renderer ansible verifies the flatpaks-to-quay plan on fixtures/ansible as the embedded renderer does', () => {
    requireTool('ansible-playbook');
    const plan = (renderer: string) =>
      spawnSync(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'plan', '--repo', join(root, 'fixtures/ansible'), '--json', '--renderer', renderer], { encoding: 'utf8' });
    const embedded = plan('embedded');
    const ansible = plan('ansible');
    expect(ansible.status).toBe(embedded.status);
    const e = JSON.parse(embedded.stdout) as Record<string, unknown>;
    const a = JSON.parse(ansible.stdout) as Record<string, unknown>;
    expect(a['renderer']).toMatch(/^ansible-core 2\.\d+\.\d+$/);
    expect(e['renderer']).toBe('embedded');
    for (const key of ['changes', 'errors', 'notFound', 'stages']) expect(a[key]).toEqual(e[key]);
  });
});
