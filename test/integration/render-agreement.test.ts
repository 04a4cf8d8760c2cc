/**
 * The agreement harness's recorded outputs are what the installed ansible-core renders (they
 * are regenerated here into a temporary folder and compared), and `--renderer ansible` verifies
 * the flatpaks-to-quay plan on fixtures/ansible with the same outcome as the embedded renderer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
