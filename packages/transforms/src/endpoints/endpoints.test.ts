import { describe, expect, it } from 'vitest';
import type { Environment } from '@ansimod/core';
import { EndpointMap } from './endpoint-map.js';
import { findHostOccurrences } from './host-occurrences.js';
import { formatRegistryRef, parseRegistryRef } from './registry-ref.js';

const envs: Environment[] = [
  { name: 'production', vars: { env: 'production', env_suffix: '' }, source: [] },
  { name: 'staging', vars: { env: 'staging', env_suffix: '.stg' }, source: [] },
];
const evaluate = async (t: string, env: Environment) =>
  t.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, n: string) => String(env.vars[n] ?? ''));

const map = EndpointMap.from({
  'registry.example.org': 'quay.io/ex',
  'registry.stg.example.org': 'quay.io/ex-stg',
  'candidate-registry.example.org': 'quay.io/ex-cand',
  'candidate-registry.stg.example.org': 'quay.io/ex-cand-stg',
});

describe('parseRegistryRef / formatRegistryRef', () => {
  it.each([
    ['docker://registry.example.org:5000/fedora/app:39', { scheme: 'docker://', host: 'registry.example.org:5000', path: '/fedora/app', tag: '39' }],
    ['https://registry.example.org/', { scheme: 'https://', host: 'registry.example.org', path: '/' }],
    ['registry.example.org/fedora/app@sha256:abc', { scheme: '', host: 'registry.example.org', path: '/fedora/app', digest: 'sha256:abc' }],
    ['quay.io', { scheme: '', host: 'quay.io', path: '' }],
    ['localhost:5000/x', { scheme: '', host: 'localhost:5000', path: '/x' }],
  ])('%s', (input, expected) => {
    expect(parseRegistryRef(input)).toEqual(expected);
    expect(formatRegistryRef(parseRegistryRef(input)!)).toBe(input);
  });
  it('rejects a bare name without a host', () => {
    expect(parseRegistryRef('fedora/app:39')).toBeUndefined();
    expect(parseRegistryRef('has space.example/x')).toBeUndefined();
  });
});

describe('EndpointMap', () => {
  it('splits host and namespace and matches case-insensitively', () => {
    expect(map.target('Registry.Example.org')).toEqual({ host: 'quay.io', namespace: 'ex', text: 'quay.io/ex' });
    expect(map.target('other.example.org')).toBeUndefined();
    expect(map.needles().sort()).toEqual(['candidate-registry', 'registry']);
  });
  it('refuses malformed entries', () => {
    expect(() => EndpointMap.from({ 'not a host': 'quay.io' })).toThrow(/not a registry host/);
    expect(() => EndpointMap.from({ 'a.example': 'bad host/x' })).toThrow(/host\[\/namespace\]/);
  });
});

describe('findHostOccurrences', () => {
  it('finds literal, escaped and Jinja-split hosts and skips longer hosts', async () => {
    const text = [
      'a: docker://registry.example.org/x',
      'b: "candidate-registry{{ env_suffix }}.example.org"',
      'c: cdn.registry.example.org',
      'd: oci-candidate-registry01.iad2.example.org',
      'e: ^registry\\.example\\.org$',
      'f: /etc/pki/registry.example.org.cert',
      'g: {{ candidate_registry }}',
    ].join('\n');
    const found = await findHostOccurrences(text, map, envs, evaluate);
    expect(found.map((f) => [f.source, f.endpoint, f.byEnv, f.suffix])).toEqual([
      ['registry.example.org', 'registry.example.org', { production: 'registry.example.org', staging: 'registry.example.org' }, ''],
      ['candidate-registry{{ env_suffix }}.example.org', 'candidate-registry.example.org', { production: 'candidate-registry.example.org', staging: 'candidate-registry.stg.example.org' }, ''],
      ['registry\\.example\\.org', 'registry.example.org', { production: 'registry.example.org', staging: 'registry.example.org' }, ''],
      ['registry.example.org.cert', 'registry.example.org', { production: 'registry.example.org', staging: 'registry.example.org' }, '.cert'],
    ]);
    const first = found[0]!;
    expect(text.slice(first.start, first.end)).toBe('registry.example.org');
  });
  it('finds nothing in text without mapped hosts', async () => {
    expect(await findHostOccurrences('registry: true\nregistry_url: {{ x }}\n', map, envs, evaluate)).toEqual([]);
  });
});

describe('perEnvironmentExpression', () => {
  it('gives the plain value when all environments agree', async () => {
    const { perEnvironmentExpression } = await import('./per-environment.js');
    expect(perEnvironmentExpression({ production: 'quay.io/a', staging: 'quay.io/a' }, envs)).toBe('quay.io/a');
  });
  it('writes one conditional on env otherwise', async () => {
    const { perEnvironmentExpression } = await import('./per-environment.js');
    expect(perEnvironmentExpression({ production: 'quay.io/a', staging: "quay.io/b'" }, envs)).toBe(
      "{{ 'quay.io/b\\'' if env == 'staging' else 'quay.io/a' }}",
    );
  });
});

describe('inverted maps (--reverse)', () => {
  it('matches host/namespace sources at segment boundaries only', async () => {
    const inverse = EndpointMap.from({ 'quay.io/ex-cand': 'candidate-registry.example.org', 'quay.io/ex': 'registry.example.org' });
    expect(inverse.needles()).toEqual(['quay']);
    const text = 'a: docker://quay.io/ex-cand\nb: https://quay.io/ex/app:1\nc: quay.io/exotic\nd: quay.io\n';
    const found = await findHostOccurrences(text, inverse, envs, evaluate);
    expect(found.map((f) => [f.source, f.endpoint])).toEqual([
      ['quay.io/ex-cand', 'quay.io/ex-cand'],
      ['quay.io/ex', 'quay.io/ex'],
    ]);
  });
});
