/**
 * The fqcn recipe on our fixture repository (issue 13 acceptance), checked independently of the
 * Ansible layer: with the `yaml` package and ansible-core's module list, no short builtin module
 * name is left in any task of any playbook or task file; every changed line differs only by an
 * inserted `ansible.builtin.`; files that are not tasks (vars, templates, plain files) keep every
 * byte; a second run changes nothing; every file prints back as it was read.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ansibleCore, parseDocument, planRecipe, type Plan } from '@ansimod/core';
import { builtinRegistry } from '@ansimod/transforms';

const fixture = fileURLToPath(new URL('../fixtures/ansible', import.meta.url));
const registry = builtinRegistry();
const recipe = registry.recipe('fqcn')!;
const builtin = new Set(ansibleCore.modules);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

/** Task and playbook files by the simplest reading of the layout: what this fixture holds. */
function taskOrPlaybookFiles(root: string): string[] {
  return walk(root)
    .map((f) => relative(root, f))
    .filter((p) => /\.ya?ml$/.test(p) && (/^roles\/.+\/(tasks|handlers)\//.test(p) || (p.startsWith('playbooks/') && !p.includes('/vars/'))));
}

const SECTIONS = ['pre_tasks', 'tasks', 'post_tasks', 'handlers'];

/** Short builtin module names in a playbook (its plays' sections) or a task list, read with `yaml` alone. */
function shortNamesIn(path: string, data: unknown): string[] {
  if (!path.startsWith('playbooks/') || path.includes('/tasks/') || !Array.isArray(data)) return shortNames(data);
  return data.flatMap((play: unknown) => {
    if (!play || typeof play !== 'object') return [];
    const o = play as Record<string, unknown>;
    if ('import_playbook' in o) return ['import_playbook'];
    return SECTIONS.flatMap((s) => shortNames(o[s]));
  });
}

/** Short builtin module names in a task list. */
function shortNames(entries: unknown, out: string[] = []): string[] {
  if (!Array.isArray(entries)) return out;
  for (const e of entries) {
    if (!e || typeof e !== 'object') continue;
    const o = e as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (['block', 'rescue', 'always'].includes(k)) shortNames(v, out);
      else if ((k === 'action' || k === 'local_action') && typeof v === 'string' && builtin.has(v.trim().split(/\s+/)[0] ?? '')) out.push(`${k}: ${v.trim().split(/\s+/)[0]}`);
      else if ((k === 'action' || k === 'local_action') && v && typeof v === 'object' && builtin.has(String((v as Record<string, unknown>).module))) out.push(`${k}.module`);
      else if (builtin.has(k) && !ansibleCore.keywords.task.includes(k)) out.push(k);
    }
  }
  return out;
}

async function planOnCopy(): Promise<{ dir: string; plan: Plan }> {
  const dir = mkdtempSync(join(tmpdir(), 'ansimod-fqcn-'));
  cpSync(fixture, dir, { recursive: true });
  return { dir, plan: await planRecipe(dir, recipe, registry) };
}

describe('fqcn on fixtures/ansible', async () => {
  const { dir, plan } = await planOnCopy();
  const before = new Map(walk(dir).map((f) => [relative(dir, f), readFileSync(f, 'utf8')]));
  for (const c of plan.changes) writeFileSync(join(dir, c.path), c.afterBytes);

  it('verifies every edit and leaves only what it says', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.changes.length).toBeGreaterThan(10);
  });

  it('leaves no short builtin module name in any task (read with the yaml package)', () => {
    const files = taskOrPlaybookFiles(dir);
    const left = files.flatMap((p) => shortNamesIn(p, parse(readFileSync(join(dir, p), 'utf8'))).map((n) => `${p}: ${n}`));
    expect(left).toEqual([]);
    const had = files.flatMap((p) => shortNamesIn(p, parse(before.get(p) as string)));
    expect(had.length).toBeGreaterThan(30);
  });

  it('changes only module names: each changed line gains exactly one ansible.builtin.', () => {
    for (const c of plan.changes) {
      const b = c.before.split('\n');
      const a = c.after.split('\n');
      expect(a.length, c.path).toBe(b.length);
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        expect(a[i]?.replace('ansible.builtin.', ''), `${c.path}:${i + 1}`).toBe(b[i]);
        expect(b[i]).not.toMatch(/^\s*#/);
      }
    }
  });

  it('touches no vars file, template, plain file or file outside tasks and playbooks', () => {
    const tasky = new Set(taskOrPlaybookFiles(dir));
    expect(plan.changes.filter((c) => !tasky.has(c.path)).map((c) => c.path)).toEqual([]);
    for (const p of ['roles/fqcn_web/vars/main.yml', 'playbooks/fqcn/vars/settings.yml', 'roles/fqcn_web/templates/deployment.yml', 'roles/fqcn_web/files/job.yml']) {
      expect(readFileSync(join(dir, p), 'utf8'), p).toBe(before.get(p));
    }
  });

  it('round-trips every file after the change, and a second run changes nothing', async () => {
    for (const c of plan.changes) expect(parseDocument(c.path, c.after).print()).toBe(c.after);
    const second = await planRecipe(dir, recipe, registry);
    expect(second.errors).toEqual([]);
    expect(second.changes.map((c) => c.path)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
