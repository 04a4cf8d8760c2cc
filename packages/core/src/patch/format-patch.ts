/**
 * `git format-patch` mails built from commit data: headers (RFC 2047/2822 as git writes
 * them), the message with an optional `Signed-off-by:`, `---`, git's diffstat, the diff
 * sections and git's `-- ` signature. A mail applies with a plain `git am` as one commit.
 */
import { createHash } from 'node:crypto';
import { AnsimodError } from '../diagnostics.js';
import { analyzeChanges } from './analyze-change.js';
import { diffstatOfAnalyzed, modeSummaryOfAnalyzed } from './diffstat.js';
import { fileDiff } from './file-diff.js';
import { formatFromHeader, formatSubjectHeader } from './mail-header.js';
import { formatRfc2822Date } from './rfc2822-date.js';
import type { FormatPatchOptions, PatchCommit, PatchPerson } from './types.js';

/** Git's diffstat width in mails (`MAIL_DEFAULT_WRAP`). */
const MAIL_STAT_WIDTH = 72;
/** The version git writes after `-- `; matching git's keeps our mails indistinguishable. */
const DEFAULT_SIGNATURE = '2.39.5';
/** Git's limit on a patch file name without `.patch` and its dot (`format.filenameMaxLength` 64). */
const FILE_NAME_MAX = 64 - '.patch'.length - 1;

/**
 * A patch mail in a series: its file name (`0001-<subject-slug>.patch`) and its text.
 *
 * @example
 * for (const { fileName, mail } of formatPatchSeries(commits)) writeFileSync(fileName, mail, 'utf8');
 */
export interface PatchMail {
  fileName: string;
  mail: string;
}

/**
 * A trailer line (`Reviewed-by: …`, `Fixes: …`). Git takes any `Word: text` paragraph for a
 * trailer block; requiring a hyphenated key or a well-known one keeps a prose line such as
 * `Why: the old one is retired.` from swallowing the sign-off's blank line.
 */
const TRAILER_LINE = /^(?:[A-Za-z0-9]+-[A-Za-z0-9-]+|Fixes|Closes|Link|Cc|Bug|Resolves|Refs):[ \t]?\S/i;

function oneLine(subject: string): string {
  return subject.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/**
 * True for a line `git mailinfo` would take for the start of the patch (its `patchbreak`):
 * `diff -…`, `Index: …`, `--- <name>`, or `---` followed only by whitespace.
 */
function breaksMessage(line: string): boolean {
  if (line.startsWith('diff -') || line.startsWith('Index: ')) return true;
  if (!line.startsWith('---')) return false;
  if (line[3] === ' ' && line.length > 4 && !/\s/.test(line[4] as string)) return true;
  return /^---\s*$/.test(line);
}

/**
 * Keeps `git am` from misreading the body: a line it would take for the start of the patch,
 * or a first line it would take for an in-body `From:`/`Date:`/`Subject:` header, gets one
 * leading space (the commit message then shows that line indented by one column).
 */
function guardBody(lines: string[]): string[] {
  return lines.map((line, i) =>
    breaksMessage(line) || (i === 0 && /^(?:from|date|subject):/i.test(line)) ? ` ${line}` : line,
  );
}

/**
 * The message body with line endings as `\n`, surrounding blank lines dropped, and the sign-off
 * appended the way `git commit -s` / `git format-patch -s` append it (directly under an existing
 * trailer block, else after a blank line; never twice).
 */
function signedBodyLines(body: string, signoff: PatchPerson | undefined): string[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 0 && (lines[0] as string).trim() === '') lines.shift();
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (signoff) {
    const sob = `Signed-off-by: ${signoff.name} <${signoff.email}>`;
    let start = lines.length;
    while (start > 0 && (lines[start - 1] as string).trim() !== '') start--;
    const lastParagraph = lines.slice(start);
    const isTrailerBlock = lastParagraph.length > 0 && lastParagraph.every((l) => TRAILER_LINE.test(l));
    if (!(isTrailerBlock && lastParagraph.includes(sob))) {
      if (lines.length > 0 && !isTrailerBlock) lines.push('');
      lines.push(sob);
    }
  }
  return lines;
}

/** The message body as it goes in the mail: signed off, and guarded against `git am` misreading it. */
function messageBody(body: string, signoff: PatchPerson | undefined): string {
  return guardBody(signedBodyLines(body, signoff)).join('\n');
}

/**
 * The commit message `git commit-tree` takes for a commit: subject, blank line, body with the
 * sign-off (the message `git am` gives for the same commit's mail).
 *
 * @example
 * commitMessage({ subject: 'Move to quay.io', body: 'Why.', signoff: { name: 'Ada', email: 'ada@example.org' } });
 * // => 'Move to quay.io\n\nWhy.\n\nSigned-off-by: Ada <ada@example.org>\n'
 */
export function commitMessage(commit: Pick<PatchCommit, 'subject' | 'body' | 'signoff'>): string {
  const body = signedBodyLines(commit.body, commit.signoff);
  return `${oneLine(commit.subject)}\n${body.length ? `\n${body.join('\n')}\n` : ''}`;
}

function buildMail(commit: PatchCommit, subjectPrefix: string, options: FormatPatchOptions): string {
  const crlf = options.crlf ?? 'binary';
  const subject = oneLine(commit.subject);
  if (subject === '') throw new AnsimodError({ code: 'INVALID_OPTION', message: 'a patch needs a subject' });
  const files = analyzeChanges(commit.changes, crlf);
  if (files.length === 0) {
    // `git am` refuses an empty patch, so a mail without changes is never useful.
    throw new AnsimodError({ code: 'INVALID_OPTION', message: `nothing changes in the commit "${subject}"` });
  }
  const body = messageBody(commit.body, commit.signoff);
  const parts: string[] = [
    formatFromHeader(commit.author),
    `Date: ${formatRfc2822Date(commit.date, commit.timezoneOffsetMinutes)}\n`,
    formatSubjectHeader(subjectPrefix, subject),
  ];
  if (hasNonAscii(subject) || hasNonAscii(body)) {
    parts.push('MIME-Version: 1.0\n', 'Content-Type: text/plain; charset=UTF-8\n', 'Content-Transfer-Encoding: 8bit\n');
  }
  parts.push('\n', body === '' ? '' : `${body}\n`, '---\n', diffstatOfAnalyzed(files, MAIL_STAT_WIDTH), modeSummaryOfAnalyzed(files), '\n');
  for (const file of files) parts.push(fileDiff(file, crlf));
  parts.push(`-- \n${options.signature ?? DEFAULT_SIGNATURE}\n\n`);
  const rest = parts.join('');
  // There is no commit object yet; a hash of the mail keeps the mbox "From " line well-formed
  // and stable for the same input. `git am` ignores the value.
  const id = createHash('sha1').update(rest).digest('hex');
  return `From ${id} Mon Sep 17 00:00:00 2001\n${rest}`;
}

/**
 * One commit as a `git format-patch` mail (`[PATCH]` subject). Write it as UTF-8; apply it
 * with `git am`. Text files are written as text hunks; files that are not UTF-8 (a latin-1
 * byte), hold NUL bytes, or (by default) have CRLF lines are written as `GIT binary patch`
 * so that `git am` reproduces them byte for byte. Index lines carry full blob ids
 * (`--full-index`), which git requires for binary patches and uses for 3-way fallback.
 *
 * @throws AnsimodError `INVALID_OPTION` for an empty subject, no effective change or a path
 *   changed twice; `UNSAFE_PATH` for a path that is not repository-relative.
 * @example
 * const mail = formatPatch({
 *   author: { name: 'Jane Doe', email: 'jane@example.org' },
 *   date: new Date('2024-05-01T12:00:00Z'), timezoneOffsetMinutes: 0,
 *   subject: 'Bump a', body: '',
 *   changes: [{ path: 'a.yml', before: Buffer.from('a: 1\n'), after: Buffer.from('a: 2\n') }],
 * });
 * mail.split('\n')[3]; // => 'Subject: [PATCH] Bump a'
 */
export function formatPatch(commit: PatchCommit, options: FormatPatchOptions = {}): string {
  return buildMail(commit, '[PATCH]', options);
}

/**
 * Git's file-name slug of a subject (`format_sanitized_subject`): runs of characters other
 * than letters, digits, `.` and `_` become one `-`, repeated dots become one, and trailing
 * `.`/`-` are dropped.
 *
 * @example
 * subjectSlug('Move flatpak registries (staging)'); // => 'Move-flatpak-registries-staging'
 */
export function subjectSlug(subject: string): string {
  let out = '';
  let space = 2; // 2: nothing written yet, 1: a gap is pending, 0: inside a word
  const s = oneLine(subject);
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const c = s.charCodeAt(i);
    const titleChar = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x5f;
    if (titleChar) {
      if (space === 1) out += '-';
      space = 0;
      out += ch;
      if (ch === '.') while (s[i + 1] === '.') i++;
    } else {
      space |= 1;
    }
  }
  return out.replace(/[.-]+$/, '');
}

/**
 * A series of commits as `git format-patch` mails, numbered `[PATCH 1/3]` … (a single commit
 * stays `[PATCH]`, as git does), with git's file names `0001-<subject-slug>.patch`. The
 * commits must build on each other: a path's `before` must equal its `after` in the last
 * earlier commit that touched it.
 *
 * @throws AnsimodError `INVALID_OPTION` when a later commit does not start from an earlier
 *   commit's result, and whatever {@link formatPatch} throws.
 * @example
 * const mails = formatPatchSeries([first, second]);
 * mails.map((m) => m.fileName); // => ['0001-Bump-a.patch', '0002-Bump-b.patch']
 */
export function formatPatchSeries(commits: readonly PatchCommit[], options: FormatPatchOptions = {}): PatchMail[] {
  const latest = new Map<string, Uint8Array | null>();
  commits.forEach((commit, i) => {
    for (const change of commit.changes) {
      const previous = latest.get(change.renamedFrom ?? change.path);
      const sameStart =
        previous === undefined ||
        (previous === null ? change.before === null : change.before !== null && Buffer.compare(previous, change.before) === 0);
      if (!sameStart) {
        throw new AnsimodError({
          code: 'INVALID_OPTION',
          message: `commit ${i + 1} of the series does not start from the content an earlier commit left`,
          path: change.path,
        });
      }
      if (change.renamedFrom !== undefined) latest.set(change.renamedFrom, null);
      latest.set(change.path, change.after);
    }
  });
  const total = commits.length;
  return commits.map((commit, i) => {
    const number = i + 1;
    const prefix = total > 1 ? `[PATCH ${number}/${total}]` : '[PATCH]';
    const name = `${String(number).padStart(4, '0')}-${subjectSlug(commit.subject)}`.slice(0, FILE_NAME_MAX);
    return { fileName: `${name}.patch`, mail: buildMail(commit, prefix, options) };
  });
}
