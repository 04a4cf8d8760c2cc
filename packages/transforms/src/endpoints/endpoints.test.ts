import { describe, expect, it } from 'vitest';
import type { Environment } from '@ansimod/core';
import { EndpointMap } from './endpoint-map.js';
import { findHostOccurrences } from './host-occurrences.js';
import { isEnvironmentChoice, perEnvironmentValue, viaEnvironmentVariable } from './per-environment.js';
import { formatRegistryRef, parseRegistryRef } from './registry-ref.js';
import { mapRenderedHosts } from './rendered-hosts.js';

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
    ['oci-archive://registry.example.org/x:1', { scheme: 'oci-archive://', host: 'registry.example.org', path: '/x', tag: '1' }],
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
    expect(() => EndpointMap.from({ 'docker://a.example': 'quay.io' })).toThrow(/not a registry host/);
    expect(() => EndpointMap.from({ 'a.example': 'bad host/x' })).toThrow(/host\[\/namespace\]/);
  });
});

describe('EndpointMap.mapValue / isTarget', () => {
  const values = EndpointMap.from({
    'registry.example.org': 'quay.io/example',
    'registry.stg.example.org': 'quay.io/example-testing/',
    'mirror.example.org:5000': 'quay.io/mirror',
  });
  it.each([
    ['registry.example.org', 'quay.io/example'],
    ['REGISTRY.example.org', 'quay.io/example'],
    ['registry.example.org:443', 'quay.io/example'],
    ['registry.example.org/flatpaks/app', 'quay.io/example/flatpaks/app'],
    ['docker://registry.stg.example.org/app', 'docker://quay.io/example-testing/app'],
    ['mirror.example.org:5000', 'quay.io/mirror'],
    // A port the map does not name is another registry.
    ['mirror.example.org:5001', 'mirror.example.org:5001'],
    ['mirror.example.org', 'mirror.example.org'],
    // Longer hosts that merely contain a mapped one, and values that are not hosts.
    ['cdn.registry.example.org', 'cdn.registry.example.org'],
    ['registry.example.org.cert', 'registry.example.org.cert'],
    ['registry.example.org:http', 'registry.example.org:http'],
    ['', ''],
    ['/usr/bin/skopeo', '/usr/bin/skopeo'],
    // Already migrated.
    ['quay.io/example', 'quay.io/example'],
    ['quay.io/example-testing/app', 'quay.io/example-testing/app'],
  ])('%s → %s', (value, expected) => {
    expect(values.mapValue(value)).toBe(expected);
  });

  it('maps inverted maps, whose sources carry a namespace, longest first and by whole segments', () => {
    const inverse = EndpointMap.from({ 'quay.io/example': 'registry.example.org', 'quay.io/example-testing': 'registry.stg.example.org' });
    expect(inverse.mapValue('quay.io/example')).toBe('registry.example.org');
    expect(inverse.mapValue('quay.io/example-testing')).toBe('registry.stg.example.org');
    expect(inverse.mapValue('quay.io/example/app')).toBe('registry.example.org/app');
    expect(inverse.mapValue('quay.io/exampled')).toBe('quay.io/exampled');
    expect(inverse.mapValue('quay.io/other')).toBe('quay.io/other');
    expect(inverse.isTarget('registry.example.org')).toBe(true);
  });

  it('tells a value at a target by its host and namespace', () => {
    expect(map.isTarget('docker://quay.io/ex')).toBe(true);
    expect(map.isTarget('https://quay.io/ex-stg/')).toBe(true);
    expect(map.isTarget('quay.io/ex/app:1')).toBe(true);
    expect(map.isTarget('quay.io/other')).toBe(false);
    expect(map.isTarget('quay.io/ex-other')).toBe(false);
    expect(map.isTarget('quay.io:8443/ex')).toBe(false);
    expect(map.isTarget('docker://')).toBe(false);
  });
});

describe('mapRenderedHosts', () => {
  const rendered = EndpointMap.from({ 'registry.example.org': 'quay.io/ex', 'registry.stg.example.org': 'quay.io/ex-stg' });
  it('maps whole hosts only', () => {
    expect(mapRenderedHosts('registry = docker://registry.example.org:5000/app', rendered)).toBe('registry = docker://quay.io/ex/app');
    expect(mapRenderedHosts('https://cdn.registry.example.org/d https://registry.example.org.', rendered)).toBe('https://cdn.registry.example.org/d https://quay.io/ex.');
    expect(mapRenderedHosts('nothing here', rendered)).toBe('nothing here');
  });
  it('maps whole path segments of an inverted map', () => {
    const back = EndpointMap.from({ 'quay.io/ex': 'registry.example.org', 'quay.io/ex-stg': 'registry.stg.example.org' });
    expect(mapRenderedHosts('https://quay.io/ex-stg/app quay.io/ex quay.io/other', back)).toBe('https://registry.stg.example.org/app registry.example.org quay.io/other');
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
  it('tests an environment on env, its value quoted', async () => {
    const { envCondition } = await import('./per-environment.js');
    expect(envCondition(envs[1]!)).toBe("env == 'staging'");
    expect(envCondition({ name: 'x', vars: { env: "it's" }, source: [] })).toBe("env == 'it\\'s'");
    expect(envCondition({ name: 'dev', vars: {}, source: [] })).toBe("env == 'dev'");
  });
  it('writes one conditional on env otherwise', async () => {
    const { perEnvironmentExpression } = await import('./per-environment.js');
    expect(perEnvironmentExpression({ production: 'quay.io/a', staging: "quay.io/b'" }, envs)).toBe(
      "{{ 'quay.io/b\\'' if env == 'staging' else 'quay.io/a' }}",
    );
  });
});

describe('viaEnvironmentVariable', () => {
  const withPrefix: Environment[] = [
    { name: 'production', vars: { env: 'production', env_prefix: '', env_suffix: '' }, source: [] },
    { name: 'staging', vars: { env: 'staging', env_prefix: 'stg.', env_suffix: '.stg' }, source: [] },
  ];
  it('writes values that differ by an environment variable with that variable, env_suffix first', () => {
    expect(viaEnvironmentVariable({ production: 'a.example.org', staging: 'a.stg.example.org' }, withPrefix)).toBe('a{{ env_suffix }}.example.org');
    expect(viaEnvironmentVariable({ production: 'x.example.org', staging: 'stg.x.example.org' }, withPrefix)).toBe('{{ env_prefix }}x.example.org');
    expect(viaEnvironmentVariable({ production: 'q/production', staging: 'q/staging' }, withPrefix)).toBe('q/{{ env }}');
  });
  it('gives nothing for equal values or when no variable fits', () => {
    expect(viaEnvironmentVariable({ production: 'quay.io/a', staging: 'quay.io/a' }, withPrefix)).toBeUndefined();
    expect(viaEnvironmentVariable({ production: 'quay.io/fedora', staging: 'quay.io/fedora-testing' }, withPrefix)).toBeUndefined();
    expect(viaEnvironmentVariable({ production: 'quay.io/a' }, withPrefix)).toBeUndefined();
  });
});

describe('perEnvironmentValue / isEnvironmentChoice', () => {
  it('writes a value through an environment variable when one fits, else as a choice on env', () => {
    expect(perEnvironmentValue({ production: 'a.example.org', staging: 'a.stg.example.org' }, envs)).toBe('a{{ env_suffix }}.example.org');
    const choice = perEnvironmentValue({ production: 'quay.io/a', staging: 'quay.io/b' }, envs);
    expect(choice).toBe("{{ 'quay.io/b' if env == 'staging' else 'quay.io/a' }}");
    expect(perEnvironmentValue({ production: 'quay.io/a', staging: 'quay.io/a' }, envs)).toBe('quay.io/a');
    expect(isEnvironmentChoice(choice)).toBe(true);
    expect(isEnvironmentChoice('{{ registry }}')).toBe(false);
    expect(isEnvironmentChoice("{{ 'a' if env == 'staging' else b }}")).toBe(false);
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
