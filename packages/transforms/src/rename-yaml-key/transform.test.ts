import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planOn, runTransformCase } from '../../../../test/support/transform-test.js';
import { renameYamlKey } from './transform.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const TASKS = 'roles/koji_builder/tasks/main.yml';

describe('rename-yaml-key', () => {
  it('renames the selected keys, keeping values, comments and quoting', async () => {
    await runTransformCase({ transform: renameYamlKey, options: { path: '[*].vars.registry', newKey: 'container_registry' }, before: { [TASKS]: fixture('tasks.before.yml') }, after: { [TASKS]: fixture('tasks.after.yml') } });
  });

  it('a quoted key stays quoted; a path that selects nothing changes nothing', async () => {
    const before = fixture('tasks.before.yml');
    await runTransformCase({ transform: renameYamlKey, options: { path: '[0].vars.registry_user', newKey: 'user' }, before: { [TASKS]: before }, after: { [TASKS]: before.replace('"registry_user":', '"user":') } });
    await runTransformCase({ transform: renameYamlKey, options: { path: '**.no_such_key', newKey: 'x' }, before: { [TASKS]: before } });
  });

  it('refuses to make a duplicate key, and says so', async () => {
    const plan = await planOn({ [TASKS]: fixture('tasks.before.yml') }, renameYamlKey, { path: '[0].vars.registry', newKey: 'registry_user' });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.message)).toEqual(['rename-yaml-key: 0.vars.registry: the mapping already has registry_user; left alone']);
  });
});
