import { afterAll, describe, expect, it } from 'vitest';
import { checkYamlEdit, type YamlEditCheck } from './verify.js';
import { YamlCheckPool } from './yaml-check-pool.js';

const before = '- name: a\n  copy: src=a dest=b\n';
const jobs: YamlEditCheck[] = [
  // exact: the declared rename
  { path: 'roles/r/tasks/main.yml', before, after: before.replace('copy:', 'ansible.builtin.copy:'), beforeJinjaErrors: 0, declared: [{ op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' }], edited: [] },
  // a value changed beside it
  { path: 'roles/r/tasks/main.yml', before, after: before.replace('copy:', 'ansible.builtin.copy:').replace('name: a', 'name: b'), beforeJinjaErrors: 0, declared: [{ op: 'rename-key', at: [0], from: 'copy', to: 'ansible.builtin.copy' }], edited: [] },
  // broken YAML
  { path: 'roles/r/tasks/main.yml', before, after: before.replace('  copy:', 'copy:'), beforeJinjaErrors: 0, declared: [], edited: [] },
  // unbalanced Jinja
  { path: 'roles/r/tasks/main.yml', before, after: before.replace('src=a', 'src={{ a'), beforeJinjaErrors: 0, declared: [], edited: [{ doc: 0, at: [0, 'copy'] }] },
];

describe('YamlCheckPool', () => {
  const pool = YamlCheckPool.start();
  afterAll(() => pool?.close());

  it('starts on two cores or more (the worker script is built)', () => {
    expect(pool).toBeInstanceOf(YamlCheckPool);
  });

  it('answers each job as checkYamlEdit does on this thread', async () => {
    const answers = await Promise.all(jobs.map((j) => (pool as YamlCheckPool).check(j)));
    expect(answers).toEqual(jobs.map((j) => checkYamlEdit(j)));
    expect(answers.map((a) => a.length)).toEqual([0, 1, 2, 1]);
    expect(answers[1]?.[0]?.message).toContain('[0].name: expected "a", got "b"');
    expect(answers[3]?.[0]?.message).toContain('unbalances the Jinja template');
  });

  it('after the worker is gone, jobs are checked on this thread', async () => {
    const other = YamlCheckPool.start() as YamlCheckPool;
    const pending = other.check(jobs[1] as YamlEditCheck);
    await other.close();
    expect(await pending).toEqual(checkYamlEdit(jobs[1] as YamlEditCheck));
    expect(await other.check(jobs[0] as YamlEditCheck)).toEqual([]);
  });
});
