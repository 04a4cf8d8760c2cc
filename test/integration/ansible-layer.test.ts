/**
 * The Ansible layer against ansible-core itself (Debian's ansible-core):
 *  - its shipped data (keywords, builtin modules) is what the installed ansible-core gives;
 *  - every file it calls a playbook passes `ansible-playbook --syntax-check`, and every file it
 *    calls a tasks or handlers file is refused as a playbook;
 *  - the tasks it reads from each fixture playbook — pre_tasks, the roles' tasks, tasks,
 *    post_tasks, static imports expanded — are the tasks `ansible-playbook --list-tasks` lists.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeAnsibleRepository, ansibleCore, isAction, type AnsibleRepository, type TaskListEntry } from '@ansimod/core';
import { fixtureDir, repoRoot } from '../cli-e2e/helpers.js';
import { ansiblePython, requireTool } from './support/tools.js';

const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: '/tmp/ansimod-ansible-tmp', ANSIBLE_HOME: '/tmp/ansimod-ansible-home' };

function ansiblePlaybook(args: string[]) {
  return spawnSync(requireTool('ansible-playbook'), ['-i', 'inventory/hosts', ...args], { cwd: fixtureDir, encoding: 'utf8', env });
}

describe('shipped ansible-core data', () => {
  it('is what the installed ansible-core gives (scripts/gen-ansible-core-data.py)', () => {
    const run = spawnSync(ansiblePython(), [path.join(repoRoot, 'scripts/gen-ansible-core-data.py'), '--print'], { encoding: 'utf8', env });
    expect(run.stderr).toBe('');
    const generated = JSON.parse(run.stdout) as typeof ansibleCore & { $schema?: string };
    const { $schema: _s, ...fresh } = generated;
    const { $schema: _t, ...shipped } = ansibleCore as typeof ansibleCore & { $schema?: string };
    expect(shipped).toEqual(fresh);
  });
});

describe('the Ansible layer against ansible-playbook on fixtures/ansible', async () => {
  const ansible = await analyzeAnsibleRepository(fixtureDir);
  const playbooks = ansible.filesOf('playbook').map((f) => f.path);
  const taskFiles = [...ansible.filesOf('tasks'), ...ansible.filesOf('handlers')].map((f) => f.path);

  it('finds playbooks and task files', () => {
    expect(playbooks).toContain('playbooks/fqcn/site.yml');
    expect(taskFiles).toContain('roles/fqcn_web/tasks/main.yml');
  });

  it.each(playbooks)('playbook %s passes --syntax-check', (p) => {
    const run = ansiblePlaybook(['--syntax-check', p]);
    expect(run.stderr + run.stdout).not.toMatch(/ERROR!/);
    expect(run.status).toBe(0);
  });

  it.each(taskFiles)('task file %s is not a playbook to ansible-playbook', (p) => {
    const run = ansiblePlaybook(['--syntax-check', p]);
    expect(run.status).not.toBe(0);
  });

  it.each(playbooks)('%s: the tasks read are the tasks --list-tasks lists', async (p) => {
    const run = ansiblePlaybook(['--list-tasks', p]);
    expect(run.status).toBe(0);
    expect(await expectedListing(ansible, p)).toEqual(listedTasks(run.stdout));
  });
});

/** `--list-tasks` output: per play, its task lines without the TAGS column. */
function listedTasks(stdout: string): string[][] {
  const plays: string[][] = [];
  let inTasks = false;
  for (const line of stdout.split('\n')) {
    if (/^\s+play #\d+/.test(line)) {
      plays.push([]);
      inTasks = false;
    } else if (/^\s+tasks:\s*$/.test(line)) inTasks = true;
    else if (inTasks && line.trim() !== '') plays.at(-1)?.push((line.split('\t')[0] as string).trim());
  }
  return plays;
}

/**
 * What --list-tasks should print for each play, from the model: pre_tasks, the roles' tasks
 * (prefixed `role : `), tasks, post_tasks; blocks' `block:` parts (rescue and always are not
 * listed); import_tasks and import_role expanded, includes listed as themselves.
 */
async function expectedListing(ansible: AnsibleRepository, playbook: string): Promise<string[][]> {
  const resolvedAt = (file: string, offset: number) => ansible.references.find((r) => r.path === file && r.offset === offset)?.resolved;
  const roleName = (dir: string) => ansible.roles.get(dir)?.name ?? dir;
  const expand = async (file: string, entries: readonly TaskListEntry[], prefix: string): Promise<string[]> => {
    const out: string[] = [];
    for (const e of entries) {
      if (e.kind === 'block') {
        out.push(...(await expand(file, e.block, prefix)));
        continue;
      }
      const m = e.module;
      const target = m ? resolvedAt(file, m.pair.value.range.start) : undefined;
      if (m && target && isAction(m.name, 'importTasks')) out.push(...(await expand(target, (await ansible.taskFile(target))?.entries ?? [], prefix)));
      else if (m && target && isAction(m.name, 'importRole')) out.push(...(await roleTasks(target)));
      // An include_role task is listed under its own name, without the role prefix.
      else if (m && isAction(m.name, 'includeRole')) out.push(e.name ?? m.name);
      else out.push(`${prefix}${e.name ?? m?.name ?? ''}`);
    }
    return out;
  };
  // A role's dependencies (meta/main.yml) run first; a role with argument specs for `main`
  // starts with the validation task ansible-core adds.
  const roleTasks = async (dir: string): Promise<string[]> => {
    const main = `${dir}/tasks/main.yml`;
    const text = (f: string): string => {
      try {
        return readFileSync(path.join(fixtureDir, f), 'utf8');
      } catch {
        return '';
      }
    };
    const meta = text(`${dir}/meta/main.yml`);
    const depsBlock = /^dependencies:\s*\n((?:\s+-.*\n?)*)/m.exec(meta)?.[1] ?? '';
    const deps = [...depsBlock.matchAll(/-\s*(?:role:\s*|name:\s*)?([\w./-]+)/g)].map((m) => [...ansible.roles.values()].find((r) => r.name === m[1])?.dir);
    const out: string[] = [];
    for (const d of deps) if (d) out.push(...(await roleTasks(d)));
    const specs = [text(`${dir}/meta/argument_specs.yml`), meta].join('\n');
    const spec = /argument_specs:\s*\n\s+main:\s*\n\s+short_description:\s*(.+)/.exec(specs);
    if (spec) out.push(`${roleName(dir)} : Validating arguments against arg spec 'main' - ${spec[1]?.trim()}`);
    out.push(...(await expand(main, (await ansible.taskFile(main))?.entries ?? [], `${roleName(dir)} : `)));
    return out;
  };
  const out: string[][] = [];
  const read = async (p: string): Promise<void> => {
    for (const e of (await ansible.playbook(p))?.entries ?? []) {
      if (e.kind === 'import_playbook') {
        const target = resolvedAt(p, e.module.pair.value.range.start);
        if (target) await read(target);
        continue;
      }
      const tasks = [...(await expand(p, e.pre_tasks, ''))];
      for (const r of e.roles) {
        const dir = ansible.references.find((x) => x.path === p && x.offset === r.node.range.start)?.resolved;
        if (dir) tasks.push(...(await roleTasks(dir)));
      }
      tasks.push(...(await expand(p, e.tasks, '')), ...(await expand(p, e.post_tasks, '')));
      out.push(tasks);
    }
  };
  await read(playbook);
  return out;
}
