import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineTransform, type AnyTransform, type VisitResult } from '@ansimod/core';
import { recipeMaps, runTransformCase, testEnvironments } from '../../../../test/support/transform-test.js';
import { swapRegistryEndpoint as transform } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

/** Four hosts, four targets. */
const fourHostMaps = {
  'candidate-registry.fedoraproject.org': 'quay.io/fedora-candidates',
  'candidate-registry.stg.fedoraproject.org': 'quay.io/fedora-candidates-stg',
  'registry.fedoraproject.org': 'quay.io/fedora',
  'registry.stg.fedoraproject.org': 'quay.io/fedora-stg',
};
const koji = { maps: recipeMaps, keys: ['registry'], sections: ['push'], formats: ['ini'] };
const indexer = { maps: recipeMaps, keys: ['public_url'], formats: ['yaml'] };

const CONF = 'roles/koji_builder/templates/flatpak.conf';
const TASKS = 'roles/koji_builder/tasks/main.yml';
const CONFIGMAP = 'roles/openshift-apps/flatpak-indexer/templates/configmap.yml';

describe('swap-registry-endpoint: a variable host is changed where it is defined', () => {
  it('task vars of a key=value `template:` task', async () => {
    const plan = await runTransformCase({
      transform,
      options: koji,
      before: { [CONF]: fixture('flatpak.conf'), [TASKS]: fixture('tasks-key-value.before.yml') },
      after: { [TASKS]: fixture('tasks-key-value.after.yml') },
    });
    const detail = plan.steps[0]?.outcomes[0]?.detail ?? '';
    expect(plan.steps[0]?.outcomes[0]?.outcome).toBe('changed');
    expect(detail).toContain('candidate_registry edited in roles/koji_builder/tasks/main.yml (vars of task "Configure the flatpak builder plugin")');
    expect(detail).toContain('production: candidate-registry.fedoraproject.org → quay.io/fedora-candidates; staging: candidate-registry.stg.fedoraproject.org → quay.io/fedora-testing-candidates');
  });

  it('task vars of an `ansible.builtin.template:` mapping task; the same name in another task is left alone', async () => {
    await runTransformCase({
      transform,
      options: koji,
      before: { [CONF]: fixture('flatpak.conf'), [TASKS]: fixture('tasks-module-mapping.before.yml') },
      after: { [TASKS]: fixture('tasks-module-mapping.after.yml') },
    });
  });

  it('a role default when no task sets the variable; equal targets give a plain value', async () => {
    const plan = await runTransformCase({
      transform,
      options: { ...koji, maps: { 'candidate-registry.fedoraproject.org': 'quay.io/fedora', 'candidate-registry.stg.fedoraproject.org': 'quay.io/fedora' } },
      before: {
        [CONF]: fixture('flatpak.conf'),
        [TASKS]: '- name: Configure the flatpak builder plugin\n  template: src=flatpak.conf dest=/etc/kojid/plugins/flatpak.conf\n',
        'roles/koji_builder/defaults/main.yml': '---\n# where builds are pushed\ncandidate_registry: candidate-registry{{ env_suffix }}.fedoraproject.org\n',
      },
      after: { 'roles/koji_builder/defaults/main.yml': '---\n# where builds are pushed\ncandidate_registry: quay.io/fedora\n' },
    });
    expect(plan.steps[0]?.outcomes[0]?.detail).toContain('roles/koji_builder/defaults/main.yml (role defaults)');
  });

  it('group_vars per environment: each definition maps its own host; they win over role defaults', async () => {
    const plan = await runTransformCase({
      transform,
      options: { ...koji, maps: fourHostMaps },
      before: {
        [CONF]: fixture('flatpak.conf'),
        [TASKS]: '- template: src=flatpak.conf dest=/etc/kojid/plugins/flatpak.conf\n',
        'roles/koji_builder/defaults/main.yml': 'candidate_registry: localhost:5000\n',
        'inventory/group_vars/all': 'env: production\ncandidate_registry: candidate-registry.fedoraproject.org\n',
        'inventory/group_vars/staging': 'env: staging\ncandidate_registry: candidate-registry.stg.fedoraproject.org\n',
      },
      after: {
        'inventory/group_vars/all': 'env: production\ncandidate_registry: quay.io/fedora-candidates\n',
        'inventory/group_vars/staging': 'env: staging\ncandidate_registry: quay.io/fedora-candidates-stg\n',
      },
    });
    expect(plan.steps[0]?.outcomes[0]?.detail).toContain('also defined in roles/koji_builder/defaults/main.yml (role defaults); left alone');
  });

  it('the template check renders with the task variable of each phase; a shared definition names its other users', async () => {
    const plan = await runTransformCase({
      transform,
      options: koji,
      before: {
        [CONF]: fixture('flatpak.conf'),
        [TASKS]: '- template: src=flatpak.conf dest=/etc/kojid/plugins/flatpak.conf\n',
        'roles/koji_builder/vars/main.yml': 'candidate_registry: "candidate-registry{{ env_suffix }}.fedoraproject.org"\n',
        'roles/koji_builder/templates/push.sh': 'skopeo copy x docker://{{ candidate_registry }}/x\n',
      },
      after: { 'roles/koji_builder/vars/main.yml': `candidate_registry: "{{ 'quay.io/fedora-testing-candidates' if env == 'staging' else 'quay.io/fedora-candidates' }}"\n` },
    });
    expect(plan.steps[0]?.outcomes[0]?.detail).toContain(
      'candidate_registry (roles/koji_builder/vars/main.yml (role vars)) is also used by roles/koji_builder/templates/push.sh: they get the new value too; review them',
    );
  });

  it('the render check of the template carries the variable values of each phase', async () => {
    const { planOn } = await import('../../../../test/support/transform-test.js');
    let seen: unknown[] = [];
    const spy = defineTransform({
      ...transform,
      name: 'spy',
      async visit(file, ctx): Promise<VisitResult> {
        const r = await transform.visit(file, ctx as never);
        if (r.outcome === 'changed') {
          const check = r.checks?.find((c) => c.path === CONF);
          const [prod, stg] = testEnvironments;
          seen = await Promise.all([check?.vars?.(prod!, 'before'), check?.vars?.(stg!, 'before'), check?.vars?.(prod!, 'after'), check?.vars?.(stg!, 'after')]);
        }
        return r;
      },
    }) as AnyTransform;
    await planOn({ [CONF]: fixture('flatpak.conf'), [TASKS]: fixture('tasks-key-value.before.yml') }, spy, koji);
    expect(seen).toEqual([
      { candidate_registry: 'candidate-registry.fedoraproject.org' },
      { candidate_registry: 'candidate-registry.stg.fedoraproject.org' },
      { candidate_registry: 'quay.io/fedora-candidates' },
      { candidate_registry: 'quay.io/fedora-testing-candidates' },
    ]);
  });

  it('a chain of variables is followed to the definition that names the host', async () => {
    const plan = await runTransformCase({
      transform,
      options: koji,
      before: {
        [CONF]: fixture('flatpak.conf'),
        [TASKS]: '- template: src=flatpak.conf dest=/etc/kojid/plugins/flatpak.conf\n  vars:\n    candidate_registry: "{{ koji_push_registry }}"\n',
        'roles/koji_builder/defaults/main.yml': 'koji_push_registry: candidate-registry{{ env_suffix }}.fedoraproject.org\n',
      },
      after: {
        'roles/koji_builder/defaults/main.yml': `koji_push_registry: "{{ 'quay.io/fedora-testing-candidates' if env == 'staging' else 'quay.io/fedora-candidates' }}"\n`,
      },
    });
    expect(plan.steps[0]?.outcomes[0]?.detail).toContain('koji_push_registry edited in roles/koji_builder/defaults/main.yml (role defaults)');
  });

  it('block and play vars in a playbook that renders the role template by path', async () => {
    const playbook = [
      '- hosts: builders',
      '  vars:',
      '    candidate_registry: candidate-registry.fedoraproject.org',
      '  tasks:',
      '    - block:',
      '        - name: Configure the plugin',
      '          ansible.builtin.template:',
      '            src: "{{ roles_path }}/koji_builder/templates/flatpak.conf"',
      '            dest: /etc/kojid/plugins/flatpak.conf',
      '      vars:',
      '        candidate_registry: candidate-registry{{ env_suffix }}.fedoraproject.org',
      '',
    ].join('\n');
    const plan = await runTransformCase({
      transform,
      options: { ...koji, maps: fourHostMaps },
      before: { [CONF]: fixture('flatpak.conf'), 'playbooks/builders.yml': playbook },
      after: {
        'playbooks/builders.yml': playbook.replace(
          '        candidate_registry: candidate-registry{{ env_suffix }}.fedoraproject.org',
          `        candidate_registry: "{{ 'quay.io/fedora-candidates-stg' if env == 'staging' else 'quay.io/fedora-candidates' }}"`,
        ),
      },
    });
    expect(plan.steps[0]?.outcomes[0]?.detail).toContain('playbooks/builders.yml (block vars)');
  });

  it('two tasks rendering the template with their own vars: both definitions change, each checked', async () => {
    const tasks = [
      '- template: src=flatpak.conf dest=/etc/kojid/plugins/flatpak.conf',
      '  vars:',
      '    candidate_registry: candidate-registry.fedoraproject.org',
      '- template: src=flatpak.conf dest=/etc/kojid/plugins/flatpak-stg.conf',
      '  vars:',
      '    candidate_registry: candidate-registry.stg.fedoraproject.org',
      '',
    ].join('\n');
    const plan = await runTransformCase({
      transform,
      options: { ...koji, maps: fourHostMaps },
      before: { [CONF]: fixture('flatpak.conf'), [TASKS]: tasks },
      after: { [TASKS]: tasks.replace('candidate-registry.fedoraproject.org', 'quay.io/fedora-candidates').replace('candidate-registry.stg.fedoraproject.org', 'quay.io/fedora-candidates-stg') },
    });
    expect(plan.changes).toHaveLength(1);
  });

  it('a variable defined nowhere that is read: no change, reported with the reason', async () => {
    const plan = await runTransformCase({ transform, options: koji, before: { [CONF]: fixture('flatpak.conf') } });
    expect(plan.steps[0]?.outcomes).toEqual([
      {
        path: CONF,
        outcome: 'nochange',
        detail: '[push] registry: candidate_registry: no definition found (task vars, role vars, group_vars, role defaults); left alone',
      },
    ]);
    expect(plan.notFound).toEqual([{ stage: 'test', target: 'swap-registry-endpoint' }]);
  });

  it('custom four-host maps give per-environment targets', async () => {
    await runTransformCase({
      transform,
      options: { ...koji, maps: fourHostMaps },
      before: { [CONF]: fixture('flatpak.conf'), [TASKS]: fixture('tasks-key-value.before.yml') },
      after: {
        [TASKS]: fixture('tasks-key-value.before.yml').replace(
          '"candidate-registry{{ env_suffix }}.fedoraproject.org"',
          `"{{ 'quay.io/fedora-candidates-stg' if env == 'staging' else 'quay.io/fedora-candidates' }}"`,
        ),
      },
    });
  });

  it('inverted maps (--reverse) give the original definition back, byte for byte', async () => {
    const inverted = Object.fromEntries(Object.entries(fourHostMaps).map(([from, to]) => [to, from]));
    const migrated = fixture('tasks-key-value.before.yml').replace(
      '"candidate-registry{{ env_suffix }}.fedoraproject.org"',
      `"{{ 'quay.io/fedora-candidates-stg' if env == 'staging' else 'quay.io/fedora-candidates' }}"`,
    );
    await runTransformCase({
      transform,
      options: { ...koji, maps: inverted },
      before: { [CONF]: fixture('flatpak.conf'), [TASKS]: migrated },
      after: { [TASKS]: fixture('tasks-key-value.before.yml') },
    });
    await runTransformCase({
      transform,
      options: { ...indexer, maps: inverted },
      before: { [CONFIGMAP]: fixture('configmap.after.yml') },
      after: { [CONFIGMAP]: fixture('configmap.before.yml') },
    });
  });

  it('already migrated: no change, matched', async () => {
    const plan = await runTransformCase({
      transform,
      options: koji,
      before: { [CONF]: fixture('flatpak.conf'), [TASKS]: fixture('tasks-key-value.after.yml') },
    });
    expect(plan.steps[0]?.outcomes).toEqual([{ path: CONF, outcome: 'nochange', detail: '[push] registry: already names a target registry' }]);
    expect(plan.notFound).toEqual([]);
  });
});

describe('swap-registry-endpoint: hosts written in the value', () => {
  it('a literal docker:// host in INI; other sections and file names stay', async () => {
    await runTransformCase({
      transform,
      options: koji,
      before: { 'app/push.conf': fixture('push-literal.before.conf') },
      after: { 'app/push.conf': fixture('push-literal.after.conf') },
    });
  });

  it('a Jinja-split host becomes a per-environment expression (four-host maps)', async () => {
    await runTransformCase({
      transform,
      options: { ...koji, maps: fourHostMaps },
      before: { 'roles/x/templates/push.conf': '[push]\nregistry=docker://candidate-registry{{ env_suffix }}.fedoraproject.org/flatpaks:latest\n' },
      after: {
        'roles/x/templates/push.conf': `[push]\nregistry=docker://{{ 'quay.io/fedora-candidates-stg' if env == 'staging' else 'quay.io/fedora-candidates' }}/flatpaks:latest\n`,
      },
    });
  });

  it('the ConfigMap public_url nested in `config.yaml: |-`, with {% if %} and {% for %} lines; deltas/icons and the CDN stay', async () => {
    const plan = await runTransformCase({
      transform,
      options: indexer,
      before: { [CONFIGMAP]: fixture('configmap.before.yml') },
      after: { [CONFIGMAP]: fixture('configmap.after.yml') },
    });
    expect(plan.steps[0]?.outcomes[0]?.detail).toBe('data.config.yaml › registries.fedora.public_url: https://registry.fedoraproject.org/ → https://quay.io/fedora/');
  });

  it('an INI document in a YAML block scalar, in the given section only', async () => {
    const before = [
      'kind: ConfigMap',
      'data:',
      '  flatpak.conf: |',
      '    [push]',
      '    registry = docker://candidate-registry{{ env_suffix }}.fedoraproject.org',
      '{% if env == "staging" %}',
      '    insecure = true',
      '{% endif %}',
      '    [pull]',
      '    registry = docker://candidate-registry.fedoraproject.org',
      '',
    ].join('\n');
    await runTransformCase({
      transform,
      options: { ...koji, formats: ['yaml'] },
      before: { 'roles/x/templates/cm.yml': before },
      after: {
        'roles/x/templates/cm.yml': before.replace(
          'registry = docker://candidate-registry{{ env_suffix }}.fedoraproject.org',
          `registry = docker://{{ 'quay.io/fedora-testing-candidates' if env == 'staging' else 'quay.io/fedora-candidates' }}`,
        ),
      },
    });
  });

  it('a Jinja-split URL in YAML that would start with {{ gets quoted', async () => {
    await runTransformCase({
      transform,
      options: { ...indexer, maps: fourHostMaps },
      before: { 'roles/x/templates/c.yml': 'public_url: registry{{ env_suffix }}.fedoraproject.org/flatpaks\n' },
      after: { 'roles/x/templates/c.yml': `public_url: "{{ 'quay.io/fedora-stg' if env == 'staging' else 'quay.io/fedora' }}/flatpaks"\n` },
    });
  });

  it('a nested value whose host is a variable: the role default changes, the ConfigMap does not', async () => {
    const before = fixture('configmap.before.yml').replace('public_url: https://registry.fedoraproject.org/', 'public_url: https://{{ indexer_registry }}/');
    const plan = await runTransformCase({
      transform,
      options: indexer,
      before: {
        [CONFIGMAP]: before,
        'roles/openshift-apps/flatpak-indexer/defaults/main.yml': 'indexer_registry: registry.fedoraproject.org\n',
      },
      after: { 'roles/openshift-apps/flatpak-indexer/defaults/main.yml': 'indexer_registry: quay.io/fedora\n' },
    });
    expect(plan.steps[0]?.outcomes[0]?.detail).toContain('indexer_registry edited in roles/openshift-apps/flatpak-indexer/defaults/main.yml (role defaults)');
  });

  it('a nested value that gets quoted renders as intended (the check expects the quotes in the block text)', async () => {
    const before = fixture('configmap.before.yml').replace('public_url: https://registry.fedoraproject.org/', 'public_url: registry{{ env_suffix }}.fedoraproject.org/flatpaks');
    await runTransformCase({
      transform,
      options: { ...indexer, maps: fourHostMaps },
      before: { [CONFIGMAP]: before },
      after: {
        [CONFIGMAP]: before.replace(
          'public_url: registry{{ env_suffix }}.fedoraproject.org/flatpaks',
          `public_url: "{{ 'quay.io/fedora-stg' if env == 'staging' else 'quay.io/fedora' }}/flatpaks"`,
        ),
      },
    });
  });

  it('traps: other keys, the CDN host, longer hosts and values without a mapped host are never touched', async () => {
    const plan = await runTransformCase({
      transform,
      options: { maps: recipeMaps, keys: ['registry', 'public_url'] },
      before: {
        'roles/x/templates/c.yml': [
          'deltas_uri: https://registry.fedoraproject.org/deltas/',
          'icons_uri: https://cdn.registry.fedoraproject.org/app-icons/',
          'public_url: https://cdn.registry.fedoraproject.org/',
          'registry: fedora',
          'public_url: https://oci-registry01.iad2.fedoraproject.org/',
          '',
        ].join('\n'),
        'roles/x/templates/d.conf': '[push]\nregistry = docker://localhost:5000\nodcs_uri = https://registry.fedoraproject.org/\n',
      },
    });
    expect(plan.steps[0]?.outcomes).toEqual([]);
  });

  it('an unknown format is an invalid option', async () => {
    await expect(
      runTransformCase({ transform, options: { ...koji, formats: ['json'] }, before: { 'a.conf': '[push]\nregistry=x\n' } }),
    ).rejects.toThrow(/formats must be among yaml, ini/);
  });
});

describe('swap-registry-endpoint: verification', () => {
  /** The real transform, with one more edit that the intent does not cover. */
  function tampered(extra: (file: string) => { start: number; end: number; text: string } | undefined): AnyTransform {
    return defineTransform({
      ...transform,
      name: 'tampered',
      async visit(file, ctx): Promise<VisitResult> {
        const r = await transform.visit(file, ctx as never);
        if (r.outcome !== 'changed') return r;
        const e = extra(file.text);
        return e ? { ...r, edits: [...r.edits, e] } : r;
      },
    }) as AnyTransform;
  }

  it('rejects a change of another setting in the nested document', async () => {
    const text = fixture('configmap.before.yml');
    const at = text.indexOf('odcs{{ env_suffix }}');
    await runTransformCase({
      transform: tampered(() => ({ start: at, end: at + 4, text: 'odcs2' })),
      options: indexer,
      before: { [CONFIGMAP]: text },
      expectErrors: ['the rendered result is not exactly the intended change', 'odcs'],
    });
  });

  it('rejects an INI edit that also moves another setting', async () => {
    const text = fixture('push-literal.before.conf');
    const at = text.indexOf('registry = docker://registry.fedoraproject.org');
    await runTransformCase({
      transform: tampered(() => ({ start: at + 'registry = docker://'.length, end: at + 'registry = docker://registry.fedoraproject.org'.length, text: 'quay.io/fedora' })),
      options: koji,
      before: { 'roles/x/templates/push.conf': text },
      expectErrors: ['pull.registry: expected "docker://registry.fedoraproject.org", got "docker://quay.io/fedora"'],
    });
  });

  it('rejects a variable definition edited to a wrong value', async () => {
    const wrong = defineTransform({
      ...transform,
      name: 'wrong-target',
      async visit(file, ctx): Promise<VisitResult> {
        const r = await transform.visit(file, ctx as never);
        if (r.outcome !== 'changed') return r;
        return { ...r, edits: r.edits.map((e) => ({ ...e, text: e.text.replace("'quay.io/fedora-candidates'", "'quay.io/elsewhere'") })) };
      },
    }) as AnyTransform;
    // The check's `after` vars come from the intended definition; render the real edited text instead.
    const plan = await runTransformCase({
      transform: wrong,
      options: koji,
      before: { [CONF]: fixture('flatpak.conf'), [TASKS]: fixture('tasks-key-value.before.yml') },
      expectErrors: ['in production, the rendered result is not exactly the intended change'],
    });
    expect(plan.errors.map((e) => e.message).join('\n')).toContain('quay.io/elsewhere');
  });

  it('environments used by the tests', () => {
    expect(testEnvironments.map((e) => e.name)).toEqual(['production', 'staging']);
  });
});
