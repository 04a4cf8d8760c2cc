import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planOn, runTransformCase } from '../../../../test/support/transform-test.js';
import { setYamlValue } from './transform.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const CONFIG = 'roles/indexer/templates/config.yml';
const VARS = 'roles/web/defaults/main.yml';

describe('set-yaml-value', () => {
  it('sets every selected value, under a Jinja key too, keeping quotes', async () => {
    await runTransformCase({ transform: setYamlValue, options: { path: '**.public_url', value: 'https://quay.io/' }, before: { [CONFIG]: fixture('config.before.yml') }, after: { [CONFIG]: fixture('config.after.yml') } });
  });

  it('sets an entry in every {% if %} branch', async () => {
    const before = fixture('config.before.yml');
    const after = before.replace('https://registry.stg.fedoraproject.org/deltas/', 'https://static.example.org/deltas/').replace('https://cdn.registry.fedoraproject.org/deltas/', 'https://static.example.org/deltas/');
    await runTransformCase({ transform: setYamlValue, options: { path: 'registries.fedora.deltas_uri', value: 'https://static.example.org/deltas/' }, before: { [CONFIG]: before }, after: { [CONFIG]: after } });
  });

  it('selects a Jinja key by its text', async () => {
    const before = fixture('config.before.yml');
    await runTransformCase({
      transform: setYamlValue,
      options: { path: 'registries["latest-{{ arch }}"].public_url', value: 'https://quay.io/' },
      before: { [CONFIG]: before },
      after: { [CONFIG]: before.replace("'https://registry.fedoraproject.org/'", "'https://quay.io/'") },
    });
  });

  it('a plain number stays a plain number in untemplated YAML, verified against the declared data change', async () => {
    await runTransformCase({ transform: setYamlValue, options: { path: 'web_port', value: '8443' }, before: { [VARS]: fixture('vars.before.yml') }, after: { [VARS]: fixture('vars.after.yml') } });
  });

  it('oldValue limits the change; a value already set is no change', async () => {
    await runTransformCase({ transform: setYamlValue, options: { path: 'web_registry', value: 'quay.io', oldValue: 'other.example.org' }, before: { [VARS]: fixture('vars.before.yml') } });
    await runTransformCase({ transform: setYamlValue, options: { path: 'web_port', value: '8080' }, before: { [VARS]: fixture('vars.before.yml') } });
  });

  it('leaves collections alone, with a note; a bad path is an option error', async () => {
    const plan = await planOn({ [VARS]: fixture('vars.before.yml') }, setYamlValue, { path: 'web_images', value: 'x' });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.message)).toEqual(['set-yaml-value: web_images: a seq, not a scalar; left alone']);
    const bad = await planOn({ [VARS]: fixture('vars.before.yml') }, setYamlValue, { path: 'a[b', value: 'x' }).catch((e: Error) => e);
    expect(String((bad as Error).message ?? bad)).toContain('YAML path "a[b", column 2: unclosed [');
  });
});
