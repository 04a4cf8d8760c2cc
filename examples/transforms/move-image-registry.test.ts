import { describe, expect, it } from 'vitest';
import { runTransformCase } from '../../test/support/transform-test.js';
import { moveImageRegistry } from './move-image-registry.js';

const hosts = { 'registry.example.org': 'quay.io/example', 'old.example.net:5000': 'new.example.net' };
const JOB = 'roles/app/templates/job.yml';

describe('move-image-registry (example transform)', () => {
  it('moves image values of YAML tasks and templates, keeping path, tag, digest, quoting and Jinja', async () => {
    const plan = await runTransformCase({
      transform: moveImageRegistry,
      options: { hosts },
      before: {
        [JOB]: 'spec:\n  containers:\n    - name: a\n      image: registry.example.org/tools:38\n    - name: b\n      image: "Registry.Example.org/base@sha256:abc"  # pinned\n',
        'roles/app/tasks/main.yml': '- name: run\n  containers.podman.podman_container:\n    name: web\n    image: \'old.example.net:5000/web:{{ web_tag }}\'\n',
      },
      after: {
        [JOB]: 'spec:\n  containers:\n    - name: a\n      image: quay.io/example/tools:38\n    - name: b\n      image: "quay.io/example/base@sha256:abc"  # pinned\n',
        'roles/app/tasks/main.yml': '- name: run\n  containers.podman.podman_container:\n    name: web\n    image: \'new.example.net/web:{{ web_tag }}\'\n',
      },
    });
    expect(plan.changes.find((c) => c.path === JOB)?.reasons).toEqual([
      'image registry.example.org/tools:38 → quay.io/example/tools:38',
      'image Registry.Example.org/base@sha256:abc → quay.io/example/base@sha256:abc',
    ]);
  });

  it('moves FROM lines of Dockerfiles and Containerfiles, with --platform and AS', async () => {
    await runTransformCase({
      transform: moveImageRegistry,
      options: { hosts },
      before: {
        'roles/app/files/Dockerfile': '# base\nFROM registry.example.org/fedora:38 AS build\nRUN make\nFROM --platform=linux/amd64 registry.example.org/fedora-minimal:38\n',
        'roles/app/templates/app.containerfile.j2': 'FROM registry.example.org/app:{{ env }}\n',
      },
      after: {
        'roles/app/files/Dockerfile': '# base\nFROM quay.io/example/fedora:38 AS build\nRUN make\nFROM --platform=linux/amd64 quay.io/example/fedora-minimal:38\n',
        'roles/app/templates/app.containerfile.j2': 'FROM quay.io/example/app:{{ env }}\n',
      },
    });
  });

  it('changes nothing for other hosts, other keys, Jinja hosts, non-Dockerfiles, and migrated files', async () => {
    const plan = await runTransformCase({
      transform: moveImageRegistry,
      options: { hosts },
      before: {
        'a.yml': 'image: cdn.registry.example.org/x:1\nname: registry.example.org/x:1\nsrc: "{{ registry }}/x"\n',
        'b.yml': 'image: quay.io/example/tools:38\n',
        'notes.txt': 'FROM registry.example.org/fedora:38\n',
      },
    });
    expect(plan.steps[0]?.found).toBe(true); // b.yml is already on the new registry
  });

  it('uses the configured keys only', async () => {
    await runTransformCase({
      transform: moveImageRegistry,
      options: { hosts, keys: ['base'] },
      before: { 'a.yml': 'image: registry.example.org/x:1\nbase: registry.example.org/y:1\n' },
      after: { 'a.yml': 'image: registry.example.org/x:1\nbase: quay.io/example/y:1\n' },
    });
  });

  it('rejects a host map entry with a path instead of guessing', async () => {
    await runTransformCase({
      transform: moveImageRegistry,
      options: { hosts: { 'registry.example.org/ns': 'quay.io' } },
      before: { 'a.yml': 'image: registry.example.org/ns/x:1\n' },
      expectErrors: ['must be a registry host'],
    });
  });
});
