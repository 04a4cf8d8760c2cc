import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { runTransformCase } from '../../../../test/support/transform-test.js';
import { deleteYamlKey } from './transform.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const VARS = 'inventory/group_vars/builders';

describe('delete-yaml-key', () => {
  it('deletes every selected entry: own lines, first entry of an item, only entry, flow entry', async () => {
    await runTransformCase({ transform: deleteYamlKey, options: { path: '**.legacy_registry' }, before: { [VARS]: fixture('vars.before.yml') }, after: { [VARS]: fixture('vars.after.yml') } });
  });

  it('a path that selects nothing changes nothing', async () => {
    await runTransformCase({ transform: deleteYamlKey, options: { path: 'builder.nothing' }, before: { [VARS]: fixture('vars.before.yml') } });
  });

  it('deletes in a template, in one {% if %} branch', async () => {
    const before = "a:\n{% if env == 'staging' %}\n  x: 1\n  y: 2\n{% else %}\n  y: 3\n{% endif %}\n";
    await runTransformCase({ transform: deleteYamlKey, options: { path: 'a.x' }, before: { 'roles/r/templates/a.yml': before }, after: { 'roles/r/templates/a.yml': before.replace('  x: 1\n', '') } });
  });
});
