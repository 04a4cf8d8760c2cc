/**
 * The data a patch mail is made from: one commit's author, date, message and file changes.
 */

/**
 * A person as git records one: a display name and a mail address.
 *
 * @example
 * const author: PatchPerson = { name: 'Jane Doe', email: 'jane@example.org' };
 */
export interface PatchPerson {
  name: string;
  email: string;
}

/**
 * One file's change: its bytes before and after (`null` = the file does not exist on that
 * side, so `before: null` adds a file and `after: null` deletes it) and, optionally, its modes.
 *
 * Modes are numbers as `fs.stat` gives them (`0o100644`, `0o100755`, `0o120777`) or bare
 * permissions (`0o640`); git keeps only "executable or not" and "symlink", see
 * {@link gitFileMode}. A missing mode defaults to the other side's mode, then to a regular file.
 * For a symlink (`0o120000`) the bytes are the link target.
 *
 * @example
 * const change: FileChange = { path: 'roles/x/vars/main.yml', before: Buffer.from('a: 1\n'), after: Buffer.from('a: 2\n') };
 */
export interface FileChange {
  /** Path relative to the repository root, POSIX separators, no leading `./`. */
  path: string;
  /**
   * The path the file had before, when the change renames it (`path` is then the new name):
   * written as git writes a rename (`similarity index`, `rename from`, `rename to`), or as a
   * deletion and a creation when less than half the content stays, as git decides.
   */
  renamedFrom?: string;
  before: Uint8Array | null;
  after: Uint8Array | null;
  modeBefore?: number;
  modeAfter?: number;
}

/**
 * One commit to be mailed as a `git format-patch` patch.
 *
 * @example
 * const commit: PatchCommit = {
 *   author: { name: 'Jane Doe', email: 'jane@example.org' },
 *   date: new Date('2024-05-01T12:00:00Z'),
 *   subject: 'Move flatpak registries to the candidate registry',
 *   body: wrapBody('The old registry is retired; point every flatpak remote at the new one.'),
 *   signoff: { name: 'Jane Doe', email: 'jane@example.org' },
 *   changes: [change],
 * };
 */
export interface PatchCommit {
  author: PatchPerson;
  date: Date;
  /**
   * Minutes east of UTC for the `Date:` header (e.g. `120` for +0200). Defaults to this
   * process's zone at `date`.
   */
  timezoneOffsetMinutes?: number;
  /** One line; newlines are turned into spaces. */
  subject: string;
  /**
   * The message body, kept as given (see {@link wrapBody}); may be empty. Line endings become
   * `\n` and surrounding blank lines are dropped. A line `git am` would take for the start of
   * the diff (`---`, `--- x`, `diff -…`, `Index: …`) or a first line looking like an in-body
   * `From:`/`Date:`/`Subject:` header is indented by one space so the mail still applies.
   */
  body: string;
  /** Adds a `Signed-off-by:` trailer unless the body already ends with that exact trailer. */
  signoff?: PatchPerson;
  changes: FileChange[];
}

/**
 * How text whose lines end in CRLF is put in a mail.
 *
 * - `'binary'` (default): as a `GIT binary patch`. A plain `git am` strips the CR from every
 *   mail line ending in CRLF, so a text hunk of a CRLF file never applies without
 *   `git am --keep-cr`; a binary patch applies byte-exactly with a plain `git am`.
 * - `'text'`: as a text hunk whose lines keep their `\r` (what `git format-patch` writes);
 *   the mail must then be applied with `git am --keep-cr` (or `git apply`).
 *
 * @example
 * formatPatch(commit, { crlf: 'text' }); // then: git am --keep-cr 0001-….patch
 */
export type CrlfMode = 'binary' | 'text';

/**
 * Options for {@link formatPatch} and {@link formatPatchSeries}.
 *
 * @example
 * formatPatch(commit, { crlf: 'text' });
 */
export interface FormatPatchOptions {
  crlf?: CrlfMode;
  /** The version written in the signature after `-- ` (default `2.39.5`, like git's). */
  signature?: string;
}
