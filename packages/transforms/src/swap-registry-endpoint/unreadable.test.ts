import { describe, expect, it } from 'vitest';
import { runTransformCase } from '../../../../test/support/transform-test.js';
import { swapRegistryEndpoint } from './transform.js';

const maps = { 'registry.example.org': 'quay.io/ex', 'registry.stg.example.org': 'quay.io/ex-stg' };
const options = { maps, keys: ['public_url'], formats: ['yaml'] };
const P = 'roles/indexer/templates/configmap.yml';

describe('swap-registry-endpoint on targets that do not parse', () => {
  it('names the line of a tab-indented line in the nested config', async () => {
    const plan = await runTransformCase({
      transform: swapRegistryEndpoint,
      options,
      before: { [P]: 'data:\n  config.yaml: |-\n    registries:\n        fedora:\n\t    datasource: x\n            public_url: https://registry.example.org/\n' },
      expectErrors: ['cannot be read as YAML'],
    });
    expect(plan.errors[0]).toMatchObject({ code: 'PARSE_ERROR', path: P, line: 5 });
    expect(plan.changes).toEqual([]);
  });

  it('leaves a broken YAML file alone when it sets no managed key to a mapped host', async () => {
    await runTransformCase({
      transform: swapRegistryEndpoint,
      options,
      before: { 'roles/x/tasks/main.yml': 'registry: [unclosed\npublic_url: https://other.example.net/\n' },
    });
  });
});
