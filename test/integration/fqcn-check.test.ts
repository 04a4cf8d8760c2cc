/**
 * The fqcn recipe checked independently, as the repository's owners would check it:
 * `scripts/check-fqcn.py` (PyYAML, ansible-core's own module list and task keywords, nothing of
 * ansimod) on fixtures/ansible before and after `ansimod apply --recipe fqcn`: no other byte
 * changed, the YAML data differ by exactly the renamed keys, no short builtin module key is left
 * in any task. And the checker itself: it finds the keys of the tree before, and a stray byte.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ansimod, expectBuilt, fixtureDir, repoRoot, tempDir } from '../cli-e2e/helpers.js';
import { ansiblePython } from './support/tools.js';

const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: '/tmp/ansimod-ansible-tmp', ANSIBLE_HOME: '/tmp/ansimod-ansible-home' };

interface CheckResult {
  files_changed: number;
  keys_inserted: number;
  data_renames: number;
  task_files: number;
  short_keys_left: string[];
  byte_problems: string[];
  data_problems: string[];
}

function check(before: string, after: string): { code: number | null; result: CheckResult } {
  const run = spawnSync(ansiblePython(), [path.join(repoRoot, 'scripts/check-fqcn.py'), before, after, '--json'], { encoding: 'utf8', env });
  expect(run.stderr).toBe('');
  return { code: run.status, result: JSON.parse(run.stdout) as CheckResult };
}

function copies(): { before: string; after: string } {
  const before = path.join(tempDir('ansimod-fqcn-'), 'tree');
  const after = path.join(tempDir('ansimod-fqcn-'), 'tree');
  cpSync(fixtureDir, before, { recursive: true });
  cpSync(fixtureDir, after, { recursive: true });
  return { before, after };
}

describe('fqcn on fixtures/ansible, checked by scripts/check-fqcn.py', () => {
  it('no other byte, exactly the renamed keys in the data, no short builtin key left', () => {
    expectBuilt();
    const { before, after } = copies();
    const applied = ansimod(['apply', '--repo', after, '--recipe', 'fqcn']);
    expect(applied.code, applied.stderr).toBe(0);
    const { code, result } = check(before, after);
    expect(result).toMatchObject({ files_changed: 15, keys_inserted: 43, data_renames: 43, short_keys_left: [], byte_problems: [], data_problems: [] });
    expect(result.task_files).toBeGreaterThan(10);
    expect(code).toBe(0);
  });

  it('the checker finds the short keys of the tree before, and a change that is not a prefix', () => {
    const { before, after } = copies();
    const untouched = check(before, after);
    expect(untouched.code).toBe(1);
    expect(untouched.result.short_keys_left).toHaveLength(43);
    const file = path.join(after, 'roles/fqcn_web/tasks/main.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n- name: /, '\n- name:  '));
    const stray = check(before, after);
    expect(stray.result.byte_problems).toEqual(['roles/fqcn_web/tasks/main.yml: a change other than inserting ansible.builtin.']);
  });
});
