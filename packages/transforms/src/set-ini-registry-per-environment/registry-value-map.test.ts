import { describe, expect, it } from 'vitest';
import { RegistryValueMap } from './registry-value-map.js';

const map = RegistryValueMap.from({
  'registry.example.org': 'quay.io/example',
  'registry.stg.example.org': 'quay.io/example-testing/',
  'mirror.example.org:5000': 'quay.io/mirror',
});

describe('RegistryValueMap', () => {
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
    ['', ''],
    ['/usr/bin/skopeo', '/usr/bin/skopeo'],
    // Already migrated.
    ['quay.io/example', 'quay.io/example'],
    ['quay.io/example-testing/app', 'quay.io/example-testing/app'],
  ])('%s → %s', (value, expected) => {
    expect(map.map(value)).toBe(expected);
  });

  it('accepts inverted maps, whose keys carry a namespace, longest first', () => {
    const inverse = RegistryValueMap.from({ 'quay.io/example': 'registry.example.org', 'quay.io/example-testing': 'registry.stg.example.org' });
    expect(inverse.map('quay.io/example')).toBe('registry.example.org');
    expect(inverse.map('quay.io/example-testing')).toBe('registry.stg.example.org');
    expect(inverse.map('quay.io/example/app')).toBe('registry.example.org/app');
    expect(inverse.map('quay.io/other')).toBe('quay.io/other');
    expect(inverse.isTargetValue('registry.example.org')).toBe(true);
  });

  it('refuses malformed entries', () => {
    expect(() => RegistryValueMap.from({ 'not a host': 'quay.io' })).toThrow(/not a registry host/);
    expect(() => RegistryValueMap.from({ 'docker://a.example': 'quay.io' })).toThrow(/not a registry host/);
    expect(() => RegistryValueMap.from({ 'a.example': 'bad host/x' })).toThrow(/host\[\/namespace\]/);
  });

  it('names the first label of every host as a needle', () => {
    expect(map.needles().sort()).toEqual(['mirror', 'quay', 'registry']);
  });
});
