import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTransformCase } from '../../../../test/support/transform-test.js';
import { insertRegistryRedirect } from './transform.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const T = 'roles/httpd/reverseproxy/templates/';
const maps = { 'registry.example.org': 'quay.io/ex', 'registry.stg.example.org': 'quay.io/ex-stg', 'candidate-registry.example.org': 'quay.io/cand' };
const options = { maps, servedHost: 'registry{{ env_suffix }}.example.org' };
const repo = (vhost: string) => ({
  'playbooks/proxies.yml': fixture('playbook.yml'),
  [`${T}reversepassproxy.registry-example.conf`]: vhost,
  [`${T}reversepassproxy.registry-generic.conf`]: fixture('generic.conf'),
});

describe('insert-registry-redirect', () => {
  it('redirects pulls per environment ahead of the first /v2/ rule, only on the served vhost', async () => {
    await runTransformCase({
      transform: insertRegistryRedirect,
      options,
      before: repo(fixture('vhost.before.conf')),
      after: { [`${T}reversepassproxy.registry-example.conf`]: fixture('vhost.after.conf') },
    });
  });

  it('goes ahead of an include whose rules handle /v2/ (the CDN blob rule), one rule when targets agree', async () => {
    await runTransformCase({
      transform: insertRegistryRedirect,
      options: { ...options, maps: { ...maps, 'registry.stg.example.org': 'quay.io/ex' } },
      before: repo(fixture('include-first.before.conf')),
      after: { [`${T}reversepassproxy.registry-example.conf`]: fixture('include-first.after.conf') },
    });
  });

  it('changes nothing when the redirect is there, and finds no target in sites of other names', async () => {
    const plan = await runTransformCase({ transform: insertRegistryRedirect, options, before: repo(fixture('vhost.after.conf')) });
    expect(plan.steps[0]?.found).toBe(true);
    const none = await runTransformCase({
      transform: insertRegistryRedirect,
      options,
      before: { [`${T}reversepassproxy.pkgs-site.conf`]: fixture('vhost.before.conf'), [`${T}reversepassproxy.candidate-registry.conf`]: fixture('generic.conf') },
    });
    expect(none.steps[0]?.found).toBe(false);
  });

  it('redirects only in the environments whose served host is mapped (production alone), and removes that with reverse', async () => {
    const productionOnly = { ...options, maps: { 'registry.example.org': 'quay.io/ex' } };
    await runTransformCase({
      transform: insertRegistryRedirect,
      options: productionOnly,
      before: repo(fixture('vhost.before.conf')),
      after: { [`${T}reversepassproxy.registry-example.conf`]: fixture('vhost.production-only.after.conf') },
    });
    await runTransformCase({
      transform: insertRegistryRedirect,
      options: { ...productionOnly, reverse: true },
      before: repo(fixture('vhost.production-only.after.conf')),
      after: { [`${T}reversepassproxy.registry-example.conf`]: fixture('vhost.before.conf') },
    });
  });

  it('removes its redirect with reverse', async () => {
    await runTransformCase({
      transform: insertRegistryRedirect,
      options: { ...options, reverse: true },
      before: repo(fixture('vhost.after.conf')),
      after: { [`${T}reversepassproxy.registry-example.conf`]: fixture('vhost.before.conf') },
    });
  });
});

describe('insert-registry-redirect without a playbook link', () => {
  it('takes the template named for the served registry that has /v2/ rules and is not included elsewhere', async () => {
    await runTransformCase({
      transform: insertRegistryRedirect,
      options,
      before: {
        [`${T}reversepassproxy.registry-example.conf`]: fixture('vhost.before.conf'),
        [`${T}reversepassproxy.registry-generic.conf`]: fixture('generic.conf'),
        [`${T}reversepassproxy.candidate-registry.conf`]: fixture('generic.conf'),
      },
      after: { [`${T}reversepassproxy.registry-example.conf`]: fixture('vhost.after.conf') },
    });
  });
});

describe('insert-registry-redirect on a template shared with another registry', () => {
  it('redirects only the served host when the candidate registry uses the same template', async () => {
    const playbook = fixture('playbook.yml').replace('destname: registry-generic', 'destname: registry-example');
    await runTransformCase({
      transform: insertRegistryRedirect,
      options,
      before: { ...repo(fixture('vhost.before.conf')), 'playbooks/proxies.yml': playbook },
      after: { [`${T}reversepassproxy.registry-example.conf`]: fixture('shared.after.conf') },
    });
  });
});
