import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTransformCase } from '../../../../test/support/transform-test.js';
import { swapDockerAuthHost } from './transform.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const maps = {
  'candidate-registry.example.org': 'quay.io/example',
  'candidate-registry.stg.example.org': 'quay.io/example-stg',
  'registry.example.org': 'quay.io/example',
};
const P = 'files/osbs/dockercfg-production-secret.j2';

describe('swap-docker-auth-host', () => {
  it('renames the auth key to the new host, keeping the credentials', async () => {
    const plan = await runTransformCase({
      transform: swapDockerAuthHost,
      options: { maps },
      before: { [P]: fixture('prod.before.json.j2') },
      after: { [P]: fixture('prod.after.json.j2') },
    });
    expect(plan.changes[0]?.reasons).toEqual(['docker auth entry candidate-registry.example.org → quay.io']);
  });

  it('keeps a file without a final newline that way', async () => {
    await runTransformCase({
      transform: swapDockerAuthHost,
      options: { maps },
      before: { 'files/osbs/dockercfg-staging-secret.j2': fixture('stg-no-eol.before.json.j2') },
      after: { 'files/osbs/dockercfg-staging-secret.j2': fixture('stg-no-eol.after.json.j2') },
    });
  });

  it('writes a per-environment key when the host is split by Jinja and the targets differ', async () => {
    await runTransformCase({
      transform: swapDockerAuthHost,
      options: { maps: { ...maps, 'candidate-registry.stg.example.org': 'other.example.net/x' } },
      before: { [P]: '{"auths": {"candidate-registry{{ env_suffix }}.example.org": {"auth": "x"}}}\n' },
      after: { [P]: `{"auths": {"{{ 'other.example.net' if env == 'staging' else 'quay.io' }}": {"auth": "x"}}}\n` },
    });
  });

  it('changes nothing when already migrated, or for unmapped hosts and other JSON', async () => {
    const plan = await runTransformCase({
      transform: swapDockerAuthHost,
      options: { maps },
      before: {
        [P]: fixture('prod.after.json.j2'),
        'files/other.json': '{"auths": {"cdn.registry.example.org": {}, "oci-registry01.example.org": {}}}\n',
        'files/config.json': '{"registry": "registry.example.org"}\n',
      },
    });
    expect(plan.steps[0]?.found).toBe(true);
  });

  it('rejects an edit whose render is not exactly the intended change', async () => {
    // Two entries that both map to quay.io collide after the rename: the rendered JSON keeps
    // only one of them, which is not "the same entries under the new key".
    await runTransformCase({
      transform: swapDockerAuthHost,
      options: { maps },
      before: { [P]: '{"auths": {"registry.example.org": {"auth": "a"}, "candidate-registry.example.org": {"auth": "b"}}}\n' },
      expectErrors: ['not exactly the intended change'],
    });
  });
});
