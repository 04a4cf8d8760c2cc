import { describe, expect, it } from 'vitest';
import { isTemplatePath, readByAnsible } from './ansible-files.js';

describe('readByAnsible', () => {
  it('is true for data formats, files without extension and templates, false for plain files copied as they are', () => {
    expect(readByAnsible('roles/a/tasks/main.yml')).toBe(true);
    expect(readByAnsible('inventory/host_vars/web01.example.org')).toBe(true);
    expect(readByAnsible('roles/a/templates/site.conf')).toBe(true);
    expect(readByAnsible('roles/a/templates/app.py')).toBe(true);
    expect(readByAnsible('files/osbs/dockercfg-production-secret.j2')).toBe(true);
    expect(readByAnsible('files/scripts/backup')).toBe(true);
    expect(readByAnsible('roles/a/files/app.py')).toBe(false);
    expect(readByAnsible('files/web/docs/index.html')).toBe(false);
    expect(readByAnsible('README.md')).toBe(false);
  });

  it('knows template paths', () => {
    expect(['templates/a', 'roles/x/templates/b.conf', 'files/c.j2', 'files/d.conf'].map(isTemplatePath)).toEqual([true, true, true, false]);
  });
});
