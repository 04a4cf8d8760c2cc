import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnsimodError } from '../diagnostics.js';
import { makeTempRepo, type TempRepo } from './__fixtures__/git-repo.js';
import { diffstat, formatPatch, formatPatchSeries, gitBlobId, subjectSlug, type FileChange, type PatchCommit } from './index.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.dispose();
});
function repo(): TempRepo {
  const r = makeTempRepo();
  repos.push(r);
  return r;
}

const author = { name: 'Test Author', email: 'author@example.org' };
/** 2024-05-01 12:51:30 UTC, written as +0200 like the git commits of these tests. */
const when = { date: new Date(1714567890_000), timezoneOffsetMinutes: 120 };
const gitDate = '@1714567890 +0200';

type Files = Record<string, { bytes: string | Uint8Array; mode?: number } | null>;

function writeState(r: TempRepo, files: Files): void {
  for (const [path, file] of Object.entries(files)) {
    if (file === null) r.remove(path);
    else r.write(path, file.bytes, file.mode);
  }
}

/** The changes that turn the committed state of `paths` into `after` (read back from disk). */
function changesFor(r: TempRepo, before: Files, after: Files): FileChange[] {
  return Object.keys({ ...before, ...after }).map((path) => {
    const b = before[path];
    const a = path in after ? after[path] : b;
    return {
      path,
      before: b ? Buffer.from(b.bytes) : null,
      after: a ? Buffer.from(a.bytes) : null,
      modeBefore: b ? 0o100000 | (b.mode ?? 0o644) : undefined,
      modeAfter: a ? 0o100000 | (a.mode ?? 0o644) : undefined,
    };
  });
}

/**
 * Commits `before`, then lets git commit `after` (the reference), rewinds, and returns what is
 * needed to compare our mail with git's commit.
 */
function scenario(before: Files, after: Files, message: string) {
  const r = repo();
  writeState(r, before);
  r.commitAll('base', gitDate);
  const base = r.git(['rev-parse', 'HEAD']).trim();
  writeState(r, after);
  r.commitAll(message, gitDate);
  const reference = r.git(['rev-parse', 'HEAD']).trim();
  const referenceTree = r.git(['rev-parse', 'HEAD^{tree}']).trim();
  const gitMail = r.git(['format-patch', '-1', '--full-index', '--stdout', reference]);
  const gitStat = (width: number) => r.git(['diff', `--stat=${width}`, base, reference]);
  r.git(['reset', '-q', '--hard', base]);
  return { r, base, reference, referenceTree, gitMail, gitStat, changes: changesFor(r, before, after) };
}

function applyMail(r: TempRepo, mail: string, args: string[] = []): string {
  const file = join(r.root, '..', `${r.root.split('/').pop()}.patch`);
  writeFileSync(file, mail, 'utf8');
  return r.git(['am', '-q', ...args, file]);
}

describe('gitBlobId', () => {
  it('equals git hash-object for empty, text, CRLF, latin-1 and binary bytes', () => {
    const r = repo();
    const samples = [Buffer.alloc(0), Buffer.from('hello\n'), Buffer.from('a\r\nb'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), Buffer.from([0, 1, 2, 255, 0])];
    for (const bytes of samples) {
      expect(gitBlobId(bytes)).toBe(r.git(['hash-object', '--stdin'], bytes).trim());
    }
  });
});

describe('formatPatch against git format-patch', () => {
  it('writes the same mail as git for text changes (headers, diffstat, summary, hunks, signature)', () => {
    const longYaml = Array.from({ length: 40 }, (_, i) => (i % 10 === 0 ? `section${i}:\n` : `  key${i}: value${i}\n`)).join('');
    const before: Files = {
      'site.yml': { bytes: longYaml },
      'gone.yml': { bytes: 'bye: true\n' },
      'run.sh': { bytes: '#!/bin/sh\necho hi\n', mode: 0o644 },
      'nonl.txt': { bytes: 'no newline' },
      'gains-newline.txt': { bytes: 'x' },
      'dir with space/file.txt': { bytes: 'one\n' },
    };
    const after: Files = {
      'site.yml': { bytes: longYaml.replace('  key13: value13\n', '  key13: changed\n').replace('  key37: value37\n', '  key37: changed\n  added: line\n') },
      'gone.yml': null,
      'run.sh': { bytes: '#!/bin/sh\necho hi\n', mode: 0o755 },
      'nonl.txt': { bytes: 'no newline either' },
      'gains-newline.txt': { bytes: 'x\n' },
      'dir with space/file.txt': { bytes: 'one\ntwo\n' },
      'new/empty.txt': { bytes: '' },
      'new/café.yml': { bytes: 'name: café\n' },
    };
    const subject = 'Change several things with a subject long enough that git has to fold it';
    const body = 'Body paragraph that explains the change.\n\nSecond paragraph.';
    const s = scenario(before, after, `${subject}\n\n${body}\n\nSigned-off-by: Test Author <author@example.org>`);
    const mail = formatPatch({ author, ...when, subject, body, signoff: author, changes: s.changes });
    const dropFromLine = (m: string) => m.slice(m.indexOf('\n') + 1);
    expect(dropFromLine(mail)).toBe(dropFromLine(s.gitMail));
    expect(mail).toMatch(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\n/);
  });

  it('encodes non-ASCII names and subjects like git (RFC 2047) and marks an 8-bit body', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('base', gitDate);
    r.write('a.txt', 'ä\n');
    const subject = 'Übersetze die Einträge für das neue Register und noch ein paar Wörter mehr';
    const body = 'Grüße.';
    r.git(['commit', '-qam', `${subject}\n\n${body}`], undefined, {
      GIT_AUTHOR_NAME: 'Jörg Ünal-Müller', GIT_AUTHOR_EMAIL: 'j@example.org', GIT_AUTHOR_DATE: gitDate, GIT_COMMITTER_DATE: gitDate,
    });
    const gitMail = r.git(['format-patch', '-1', '--full-index', '--stdout']);
    const mail = formatPatch({
      author: { name: 'Jörg Ünal-Müller', email: 'j@example.org' }, ...when, subject, body,
      changes: [{ path: 'a.txt', before: Buffer.from('a\n'), after: Buffer.from('ä\n') }],
    });
    const dropFromLine = (m: string) => m.slice(m.indexOf('\n') + 1);
    expect(dropFromLine(mail)).toBe(dropFromLine(gitMail));
    expect(mail).toContain('Content-Transfer-Encoding: 8bit\n');
  });

  it('quotes names with RFC 822 specials like git', () => {
    const mail = formatPatch({
      author: { name: 'A. U. "Al" Thor', email: 'al@example.org' }, ...when, subject: 's', body: '',
      changes: [{ path: 'a', before: null, after: Buffer.from('x\n') }],
    });
    expect(mail.split('\n')[1]).toBe('From: "A. U. \\"Al\\" Thor" <al@example.org>');
  });
});

describe('formatPatch applied with git am', () => {
  const latin1 = (s: string) => Buffer.from(s, 'latin1');
  const before: Files = {
    'plain.yml': { bytes: 'a: 1\nb: 2\nc: 3\n' },
    'crlf.ini': { bytes: '[main]\r\nregistry = old.example\r\nx = 1\r\n' },
    'bom.yml': { bytes: '\uFEFFimage: old.example/app\nkeep: true\n' },
    'latin1.conf': { bytes: latin1('# caf\xe9 settings\nregistry old.example\n') },
    'nonl.txt': { bytes: 'registry=old.example' },
    'secret.yml': { bytes: 'password: x\nregistry: old.example\n', mode: 0o640 },
    'run.sh': { bytes: '#!/bin/sh\nexec pull old.example/app\n', mode: 0o755 },
    'becomes-exec.sh': { bytes: 'echo\n', mode: 0o644 },
    'gone.yml': { bytes: 'old: true\n' },
    'gone-latin1.conf': { bytes: latin1('# \xe9t\xe9\n') },
    'blob.bin': { bytes: Buffer.from([0, 1, 2, 3, 0x6f, 0x6c, 0x64, 0, 255]) },
  };
  const after: Files = {
    'plain.yml': { bytes: 'a: 1\nb: 20\nc: 3\n' },
    'crlf.ini': { bytes: '[main]\r\nregistry = new.example\r\nx = 1\r\n' },
    'bom.yml': { bytes: '\uFEFFimage: new.example/app\nkeep: true\n' },
    'latin1.conf': { bytes: latin1('# caf\xe9 settings\nregistry new.example\n# d\xe9j\xe0 vu\n') },
    'nonl.txt': { bytes: 'registry=new.example' },
    'secret.yml': { bytes: 'password: x\nregistry: new.example\n', mode: 0o640 },
    'run.sh': { bytes: '#!/bin/sh\nexec pull new.example/app\n', mode: 0o755 },
    'becomes-exec.sh': { bytes: 'echo\n', mode: 0o755 },
    'gone.yml': null,
    'blob.bin': { bytes: Buffer.from([0, 1, 2, 3, 0x6e, 0x65, 0x77, 0, 255, 7]) },
    'new.yml': { bytes: 'registry: new.example\n' },
    'new-latin1.conf': { bytes: latin1('# na\xefve\r\nregistry new.example\r\n') },
    'gone-latin1.conf': null,
  };

  it('applies as one commit giving exactly the intended bytes and modes', () => {
    const s = scenario(before, after, 'Move to the new registry');
    const mail = formatPatch({ author, ...when, subject: 'Move to the new registry', body: 'Why: the old one is retired.', signoff: author, changes: s.changes });
    writeFileSync(join(s.r.root, '..', 'check.patch'), mail);
    s.r.git(['apply', '--check', join(s.r.root, '..', 'check.patch')]);
    applyMail(s.r, mail);
    expect(s.r.git(['rev-list', '--count', `${s.base}..HEAD`]).trim()).toBe('1');
    // Same tree id = every byte and every mode equal to what git itself committed.
    expect(s.r.git(['rev-parse', 'HEAD^{tree}']).trim()).toBe(s.referenceTree);
    expect(s.r.git(['status', '--porcelain'])).toBe('');
    for (const change of s.changes) {
      if (change.after === null) {
        expect(s.r.git(['ls-files', '--', change.path])).toBe('');
        continue;
      }
      expect(s.r.read(change.path).equals(Buffer.from(change.after))).toBe(true);
      expect(s.r.git(['hash-object', change.path]).trim()).toBe(gitBlobId(change.after));
    }
    expect(s.r.git(['ls-files', '-s', 'becomes-exec.sh', 'run.sh', 'secret.yml'])).toMatch(
      /^100755 \S+ 0\tbecomes-exec.sh\n100755 \S+ 0\trun.sh\n100644 \S+ 0\tsecret.yml\n$/,
    );
    expect(s.r.git(['log', '-1', '--format=%an <%ae>|%ad|%B', '--date=raw'])).toBe(
      'Test Author <author@example.org>|1714567890 +0200|Move to the new registry\n\nWhy: the old one is retired.\n\nSigned-off-by: Test Author <author@example.org>\n\n',
    );
  });

  it('carries latin-1, CRLF and NUL content as git binary patches by default', () => {
    const s = scenario(before, after, 'x');
    const mail = formatPatch({ author, ...when, subject: 'x', body: '', changes: s.changes });
    const section = (path: string) => mail.slice(mail.indexOf(`diff --git a/${path} `)).split('\ndiff --git ')[0] as string;
    expect(section('latin1.conf')).toContain('GIT binary patch\nliteral ');
    expect(section('crlf.ini')).toContain('GIT binary patch\nliteral ');
    expect(section('blob.bin')).toContain('GIT binary patch\nliteral 10\n');
    expect(section('bom.yml')).toContain('-\uFEFFimage: old.example/app\n+\uFEFFimage: new.example/app\n');
    expect(mail).not.toContain('\r');
  });

  it("with crlf: 'text' keeps each line's CR in the hunk and applies with git am --keep-cr", () => {
    const s = scenario(before, after, 'x');
    const mail = formatPatch({ author, ...when, subject: 'x', body: '', changes: s.changes }, { crlf: 'text' });
    expect(mail).toContain('-registry = old.example\r\n+registry = new.example\r\n');
    // Why binary is the default: a plain git am strips the CRs and the hunk no longer applies.
    expect(() => applyMail(s.r, mail)).toThrow();
    s.r.git(['am', '--abort']);
    applyMail(s.r, mail, ['--keep-cr']);
    expect(s.r.git(['rev-parse', 'HEAD^{tree}']).trim()).toBe(s.referenceTree);
  });

  it('has a diffstat equal to git diff --stat of the same change', () => {
    const s = scenario(before, after, 'x');
    expect(diffstat(s.changes, { width: 72 })).toBe(s.gitStat(72));
    expect(diffstat(s.changes, { width: 80 })).toBe(s.gitStat(80));
    const mail = formatPatch({ author, ...when, subject: 'x', body: '', changes: s.changes });
    expect(mail).toContain(`---\n${s.gitStat(72)}`);
  });
});

describe('formatPatch with symlinks', () => {
  it('writes symlink target changes and file/symlink type changes the way git applies them', () => {
    const r = repo();
    r.write('target-a.txt', 'a\n');
    r.write('target-b.txt', 'b\n');
    r.write('was-file', 'plain\n');
    r.git(['config', 'core.symlinks', 'true']);
    symlinkSync('target-a.txt', join(r.root, 'link'));
    symlinkSync('target-a.txt', join(r.root, 'was-link'));
    r.commitAll('base', gitDate);
    const base = r.git(['rev-parse', 'HEAD']).trim();
    r.remove('link');
    symlinkSync('target-b.txt', join(r.root, 'link'));
    r.remove('was-file');
    symlinkSync('target-b.txt', join(r.root, 'was-file'));
    r.remove('was-link');
    r.write('was-link', 'now a file\n');
    r.commitAll('links', gitDate);
    const referenceTree = r.git(['rev-parse', 'HEAD^{tree}']).trim();
    const stat = r.git(['diff', '--stat=72', base, 'HEAD']);
    const gitMail = r.git(['format-patch', '-1', '--full-index', '--stdout']);
    r.git(['reset', '-q', '--hard', base]);
    const changes: FileChange[] = [
      { path: 'link', before: Buffer.from('target-a.txt'), after: Buffer.from('target-b.txt'), modeBefore: 0o120777, modeAfter: 0o120777 },
      { path: 'was-file', before: Buffer.from('plain\n'), after: Buffer.from('target-b.txt'), modeBefore: 0o100644, modeAfter: 0o120777 },
      { path: 'was-link', before: Buffer.from('target-a.txt'), after: Buffer.from('now a file\n'), modeBefore: 0o120777, modeAfter: 0o100644 },
    ];
    const mail = formatPatch({ author, ...when, subject: 'links', body: '', changes });
    expect(mail).toContain('diff --git a/was-file b/was-file\ndeleted file mode 100644\n');
    expect(mail).toContain('diff --git a/was-file b/was-file\nnew file mode 120000\n');
    expect(diffstat(changes)).toBe(stat);
    expect(mail.slice(mail.indexOf('\n'))).toBe(gitMail.slice(gitMail.indexOf('\n')));
    applyMail(r, mail);
    expect(r.git(['rev-parse', 'HEAD^{tree}']).trim()).toBe(referenceTree);
  });
});

describe('diffstat', () => {
  it('scales graphs and long names exactly like git at several widths', () => {
    const many = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i}\n`).join('');
    const before: Files = {
      'roles/a-very-long-role-name/templates/some/deeply/nested/config-file.conf.j2': { bytes: many(300, 'old') },
      'small.txt': { bytes: 'a\nb\n' },
      'mid.txt': { bytes: many(40, 'old') },
      'bin.dat': { bytes: Buffer.from([0, 1, 2]) },
    };
    const after: Files = {
      'roles/a-very-long-role-name/templates/some/deeply/nested/config-file.conf.j2': { bytes: many(250, 'new') },
      'small.txt': { bytes: 'a\nB\n' },
      'mid.txt': { bytes: many(40, 'old').replace('old line 3\n', '') },
      'bin.dat': { bytes: Buffer.from([0, 1, 2, 3, 4]) },
      'added-only.txt': { bytes: many(7, 'x') },
    };
    const s = scenario(before, after, 'x');
    for (const width of [30, 40, 60, 72, 80, 120]) {
      expect(diffstat(s.changes, { width })).toBe(s.gitStat(width));
    }
  });

  it("uses git's singular and plural words and drops a zero part", () => {
    const one = diffstat([{ path: 'a', before: Buffer.from('x\n'), after: Buffer.from('x\ny\n') }]);
    expect(one).toBe(' a | 1 +\n 1 file changed, 1 insertion(+)\n');
    const dels = diffstat([
      { path: 'a', before: Buffer.from('x\ny\n'), after: null },
      { path: 'b', before: Buffer.from('x\n'), after: Buffer.from('') },
    ]);
    expect(dels).toBe(' a | 2 --\n b | 1 -\n 2 files changed, 3 deletions(-)\n');
    const modeOnly = diffstat([{ path: 'a', before: Buffer.from('x\n'), after: Buffer.from('x\n'), modeBefore: 0o644, modeAfter: 0o755 }]);
    expect(modeOnly).toBe(' a | 0\n 1 file changed, 0 insertions(+), 0 deletions(-)\n');
    expect(diffstat([])).toBe('');
  });
});

describe('formatPatchSeries', () => {
  it('numbers the mails, names the files like git, and applies in order with git am', () => {
    const r = repo();
    r.write('a.yml', 'registry: old.example\nother: 1\n');
    r.write('c.yml', 'c: 1\n');
    r.commitAll('base', gitDate);
    const base = r.git(['rev-parse', 'HEAD']).trim();
    const a0 = r.read('a.yml');
    const a1 = Buffer.from('registry: new.example\nother: 1\n');
    const a2 = Buffer.from('registry: new.example\nother: 2\n');
    const commits: PatchCommit[] = [
      { author, ...when, subject: 'Move a.yml to the new registry', body: 'First.', signoff: author, changes: [{ path: 'a.yml', before: a0, after: a1 }] },
      { author, ...when, subject: 'Add b.yml (new file)', body: '', signoff: author, changes: [{ path: 'b.yml', before: null, after: Buffer.from('b: 1\n') }] },
      {
        author, ...when, subject: 'Bump other, drop c...', body: 'Third.', signoff: author,
        changes: [{ path: 'a.yml', before: a1, after: a2 }, { path: 'c.yml', before: Buffer.from('c: 1\n'), after: null }],
      },
    ];
    const mails = formatPatchSeries(commits);
    expect(mails.map((m) => m.fileName)).toEqual([
      '0001-Move-a.yml-to-the-new-registry.patch',
      '0002-Add-b.yml-new-file.patch',
      '0003-Bump-other-drop-c.patch',
    ]);
    expect(mails.map((m) => m.mail.split('\n').find((l) => l.startsWith('Subject:')))).toEqual([
      'Subject: [PATCH 1/3] Move a.yml to the new registry',
      'Subject: [PATCH 2/3] Add b.yml (new file)',
      'Subject: [PATCH 3/3] Bump other, drop c...',
    ]);
    const files = mails.map((m) => {
      const file = join(r.root, '..', `${r.root.split('/').pop()}-${m.fileName}`);
      writeFileSync(file, m.mail);
      return file;
    });
    r.git(['am', '-q', ...files]);
    expect(r.git(['log', '--format=%s', `${base}..HEAD`])).toBe('Bump other, drop c...\nAdd b.yml (new file)\nMove a.yml to the new registry\n');
    expect(r.git(['log', '-1', '--format=%B'])).toContain('Signed-off-by: Test Author <author@example.org>');
    expect(r.read('a.yml').equals(a2)).toBe(true);
    expect(r.read('b.yml').toString()).toBe('b: 1\n');
    expect(r.git(['ls-files', 'c.yml'])).toBe('');
  });

  it('refuses a series whose commits do not build on each other', () => {
    const commits: PatchCommit[] = [
      { author, ...when, subject: 'one', body: '', changes: [{ path: 'a', before: Buffer.from('1\n'), after: Buffer.from('2\n') }] },
      { author, ...when, subject: 'two', body: '', changes: [{ path: 'a', before: Buffer.from('1\n'), after: Buffer.from('3\n') }] },
    ];
    expect(() => formatPatchSeries(commits)).toThrow(AnsimodError);
  });

  it('keeps a single mail as [PATCH] and matches git slugs', () => {
    const [only] = formatPatchSeries([{ author, ...when, subject: 'x', body: '', changes: [{ path: 'a', before: null, after: Buffer.from('a\n') }] }]);
    expect(only?.mail).toContain('Subject: [PATCH] x\n');
    expect(subjectSlug('  Fix: the [web] role\'s "registry" ... now!  ')).toBe('Fix-the-web-role-s-registry-.-now');
  });
});

describe('formatPatch message and errors', () => {
  const change: FileChange = { path: 'a', before: Buffer.from('1\n'), after: Buffer.from('2\n') };
  it('appends a sign-off under an existing trailer block and never twice', () => {
    const sob = 'Signed-off-by: Test Author <author@example.org>';
    const withTrailer = formatPatch({ author, ...when, subject: 's', body: 'Text.\n\nReviewed-by: R <r@example.org>', signoff: author, changes: [change] });
    expect(withTrailer).toContain(`Reviewed-by: R <r@example.org>\n${sob}\n---\n`);
    const already = formatPatch({ author, ...when, subject: 's', body: `Text.\n\n${sob}\n`, signoff: author, changes: [change] });
    expect(already.split(sob).length).toBe(2);
    const bare = formatPatch({ author, ...when, subject: 's', body: '', signoff: author, changes: [change] });
    expect(bare).toContain(`Subject: [PATCH] s\n\n${sob}\n---\n`);
  });

  it('indents body lines git am would misread, and the mail still applies with the full message', () => {
    const r = repo();
    r.write('a', '1\n');
    r.commitAll('base', gitDate);
    const body = 'Subject: looks like a header\n\nAbove the rule\n---\n--- not a file\ndiff -u is a command\n----- fine\n---x fine';
    const mail = formatPatch({ author, ...when, subject: 's', body, changes: [change] });
    expect(mail).toContain('\n Subject: looks like a header\n\nAbove the rule\n ---\n --- not a file\n diff -u is a command\n----- fine\n---x fine\n---\n');
    applyMail(r, mail);
    expect(r.git(['log', '-1', '--format=%B'])).toBe(
      's\n\n Subject: looks like a header\n\nAbove the rule\n ---\n --- not a file\n diff -u is a command\n----- fine\n---x fine\n\n',
    );
    expect(r.read('a').toString()).toBe('2\n');
  });

  it('refuses unsafe paths, duplicate paths and empty commits', () => {
    const bad = (changes: FileChange[], code: string) => {
      try {
        formatPatch({ author, ...when, subject: 's', body: '', changes });
        expect.unreachable();
      } catch (err) {
        expect((err as AnsimodError).code).toBe(code);
      }
    };
    bad([{ ...change, path: '../x' }], 'UNSAFE_PATH');
    bad([{ ...change, path: '/etc/x' }], 'UNSAFE_PATH');
    bad([change, change], 'INVALID_OPTION');
    bad([{ path: 'a', before: Buffer.from('1\n'), after: Buffer.from('1\n') }], 'INVALID_OPTION');
  });
});
