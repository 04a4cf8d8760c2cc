import { describe, expect, it } from 'vitest';
import { recipeMaps, runTransformCase } from '../../../../test/support/transform-test.js';
import { swapRegistryEndpoint as transform } from './index.js';

/** The reactor config's registries: API URLs, the namespace beside them (atomic-reactor's registries_organization). */
const reactor = { keys: ['url'], under: ['registries'], hostOnly: true, organizationKey: 'registries_organization', formats: ['yaml'] };
const VARS = 'inventory/group_vars/osbs_masters';

const before = [
  '---',
  '_osbs_reactor_config_map:',
  '  version: 1',
  '  source_registry:',
  '    url: registry.fedoraproject.org',
  '  registries:',
  '    - url: https://candidate-registry.fedoraproject.org/v2',
  '      insecure: false',
  'osbs_url: "osbs.fedoraproject.org"',
  '',
].join('\n');

const after = before
  .replace('  registries:\n', '  registries_organization: fedora-candidates\n  registries:\n')
  .replace('https://candidate-registry.fedoraproject.org/v2', 'https://quay.io/v2');

describe('swap-registry-endpoint: the registries organization beside registry API URLs', () => {
  it('the URL keeps only the host; the namespace becomes registries_organization above the list (data and render checked)', async () => {
    const plan = await runTransformCase({ transform, options: { ...reactor, maps: recipeMaps }, before: { [VARS]: before }, after: { [VARS]: after } });
    expect(plan.steps[0]?.outcomes[0]?.detail).toContain('_osbs_reactor_config_map.registries_organization: fedora-candidates');
  });

  it('an organization already set gets the new namespace; a map without a namespace adds none', async () => {
    const withOrg = before.replace('  registries:\n', '  registries_organization: fedora\n  registries:\n');
    await runTransformCase({ transform, options: { ...reactor, maps: recipeMaps }, before: { [VARS]: withOrg }, after: { [VARS]: after } });
    await runTransformCase({
      transform,
      options: { ...reactor, maps: { 'candidate-registry.fedoraproject.org': 'quay.io' } },
      before: { [VARS]: before },
      after: { [VARS]: before.replace('https://candidate-registry.fedoraproject.org/v2', 'https://quay.io/v2') },
    });
  });

  it('--reverse: the organization tells which registry the bare host was; the URL is restored and the line removed, byte for byte', async () => {
    const inverted = Object.fromEntries(Object.entries(recipeMaps).map(([from, to]) => [to, from]));
    await runTransformCase({ transform, options: { ...reactor, maps: inverted, reverse: true }, before: { [VARS]: after }, after: { [VARS]: before } });
  });

  it('--reverse: an organization that was there before the migration is refused by name, never deleted (its old value is not in the tree)', async () => {
    const inverted = Object.fromEntries(Object.entries(recipeMaps).map(([from, to]) => [to, from]));
    // Set before the migration, elsewhere than the line the migration adds above registries:.
    const withOrg = before.replace('  version: 1\n', '  version: 1\n  registries_organization: fedora-legacy\n');
    const migrated = withOrg.replace('registries_organization: fedora-legacy', 'registries_organization: fedora-candidates').replace('https://candidate-registry.fedoraproject.org/v2', 'https://quay.io/v2');
    await runTransformCase({ transform, options: { ...reactor, maps: recipeMaps }, before: { [VARS]: withOrg }, after: { [VARS]: migrated } });
    await runTransformCase({
      transform,
      options: { ...reactor, maps: inverted, reverse: true },
      before: { [VARS]: migrated },
      expectErrors: ['cannot restore _osbs_reactor_config_map.registries_organization: it was in the file before the migration'],
    });
  });

  it('--reverse without an organization: a host several registries moved to is refused, naming the place', async () => {
    const inverted = Object.fromEntries(Object.entries(recipeMaps).map(([from, to]) => [to, from]));
    await runTransformCase({
      transform,
      options: { ...reactor, maps: inverted, reverse: true },
      before: { [VARS]: before.replace('https://candidate-registry.fedoraproject.org/v2', 'https://quay.io/v2') },
      expectErrors: ['cannot restore _osbs_reactor_config_map.registries.0.url: https://quay.io/v2 names only the host quay.io'],
    });
  });

  it('registries moving to two namespaces cannot share one organization: an error naming both', async () => {
    const two = before.replace('      insecure: false\n', '      insecure: false\n    - url: https://registry.fedoraproject.org/v2\n');
    await runTransformCase({
      transform,
      options: { ...reactor, maps: recipeMaps },
      before: { [VARS]: two },
      expectErrors: ['_osbs_reactor_config_map.registries_organization: one organization applies to every registry of _osbs_reactor_config_map.registries in every environment, but the maps move them to the namespaces fedora-candidates and fedora'],
    });
  });
});
