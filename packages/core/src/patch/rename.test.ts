import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from './__fixtures__/git-repo.js';
import { similarityIndex } from './analyze-change.js';
import { renameLabel } from './diffstat.js';
import { formatPatch, formatPatchSeries, type FileChange } from './index.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.dispose();
});

const author = { name: 'Test Author', email: 'author@example.org' };
const when = { date: new Date(1714567890_000), timezoneOffsetMinutes: 120 };
const gitDate = '@1714567890 +0200';
const B = (s: string) => Buffer.from(s);

/** A repository with the `before` files committed. */
function committed(files: Record<string, string>): TempRepo {
  const r = makeTempRepo();
  repos.push(r);
  for (const [p, t] of Object.entries(files)) r.write(p, t);
  r.commitAll('base', gitDate);
  return r;
}

const five = 'line1\nline2\nline3\nline4\nline5\n';
const before = { 'roles/a/templates/x.yml': five, 'roles/a/templates/y.yml': 'same\n', 'roles/a/tasks/main.yml': '- template: src=x.yml dest=/x\n' };
const changes: FileChange[] = [
  { path: 'roles/a/tasks/main.yml', before: B(before['roles/a/tasks/main.yml']), after: B('- template: src=x.yml.j2 dest=/x\n') },
  { path: 'roles/a/templates/x.yml.j2', renamedFrom: 'roles/a/templates/x.yml', before: B(five), after: B(five.replace('line2', 'line2 changed')) },
  { path: 'roles/a/templates/y.yml.j2', renamedFrom: 'roles/a/templates/y.yml', before: B('same\n'), after: B('same\n'), modeBefore: 0o100644, modeAfter: 0o100755 },
];

describe('formatPatch with renames', () => {
  it('writes renames the way git format-patch does (similarity aside) and git am applies them as git commits them', () => {
    const r = committed(before);
    const base = r.git(['rev-parse', 'HEAD']).trim();
    r.git(['mv', 'roles/a/templates/x.yml', 'roles/a/templates/x.yml.j2']);
    r.git(['mv', 'roles/a/templates/y.yml', 'roles/a/templates/y.yml.j2']);
    for (const c of changes) r.write(c.path, c.after as Buffer, c.modeAfter);
    r.commitAll('Give templates .j2', gitDate);
    const gitMail = r.git(['format-patch', '-1', '--full-index', '--stdout']);
    const referenceTree = r.git(['rev-parse', 'HEAD^{tree}']).trim();
    r.git(['reset', '-q', '--hard', base]);

    const mail = formatPatch({ author, ...when, subject: 'Give templates .j2', body: '', changes });
    const normal = (m: string) => m.split('\n').slice(1).join('\n').replace(/(similarity index |\()\d+%/g, '$1N%');
    expect(normal(mail)).toBe(normal(gitMail));
    expect(mail).toContain(' rename roles/a/templates/{y.yml => y.yml.j2} (100%)\n mode change 100644 => 100755\n');

    const file = join(r.root, '..', 'rename.patch');
    writeFileSync(file, mail, 'utf8');
    r.git(['am', '-q', file]);
    expect(r.git(['rev-parse', 'HEAD^{tree}']).trim()).toBe(referenceTree);
    expect(r.git(['diff', '--name-status', '-M', 'HEAD~1', 'HEAD'])).toContain('R100\troles/a/templates/y.yml\troles/a/templates/y.yml.j2');
  });

  it('writes a rename that keeps less than half the content as a deletion and a creation, as git does', () => {
    const mail = formatPatch({ author, ...when, subject: 's', body: '', changes: [{ path: 'b.txt', renamedFrom: 'a.txt', before: B('a\nb\nc\n'), after: B('x\ny\nz\n') }] });
    expect(mail).toContain('deleted file mode 100644');
    expect(mail).toContain('new file mode 100644');
    expect(mail).not.toContain('rename from');
  });

  it('refuses a rename onto a path that another change of the commit names', () => {
    expect(() =>
      formatPatch({ author, ...when, subject: 's', body: '', changes: [{ path: 'b', renamedFrom: 'a', before: B('x\n'), after: B('x\n') }, { path: 'a', before: B('x\n'), after: B('y\n') }] }),
    ).toThrow(/changed twice/);
  });

  it('chains a renamed file through a series', () => {
    const mails = formatPatchSeries([
      { author, ...when, subject: 'one', body: '', changes: [{ path: 'b', renamedFrom: 'a', before: B('x\n'), after: B('x\n') }] },
      { author, ...when, subject: 'two', body: '', changes: [{ path: 'b', before: B('x\n'), after: B('y\n') }] },
    ]);
    expect(mails).toHaveLength(2);
  });
});

describe('renameLabel', () => {
  it('writes the common directories and suffix once, like git', () => {
    expect(renameLabel('roles/a/templates/x.yml', 'roles/a/templates/x.yml.j2')).toBe('roles/a/templates/{x.yml => x.yml.j2}');
    expect(renameLabel('a/b/c.txt', 'a/d/c.txt')).toBe('a/{b => d}/c.txt');
    expect(renameLabel('x', 'y')).toBe('x => y');
    expect(renameLabel('a/x', 'b/x')).toBe('{a => b}/x');
  });
});

describe('similarityIndex', () => {
  it('is 100 for equal content and falls with the share of changed lines', () => {
    expect(similarityIndex(B(five), B(five))).toBe(100);
    expect(similarityIndex(B('a\nb\n'), B('a\nc\n'))).toBe(50);
    expect(similarityIndex(B('a\n'), B('b\n'))).toBe(0);
  });
});
