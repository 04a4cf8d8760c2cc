/**
 * Git object names and file modes, computed the way git computes them, so that a patch's
 * `index` line names the exact blobs `git apply` will look for.
 */
import { createHash } from 'node:crypto';

/**
 * The object id git uses for "no file" (`/dev/null`) in `index` lines.
 *
 * @example
 * `index ${NULL_BLOB_ID}..${gitBlobId(bytes)}`; // a new file
 */
export const NULL_BLOB_ID = '0000000000000000000000000000000000000000';

/**
 * The three file modes git records for blobs: a regular file, an executable file, a symlink.
 * Git keeps no other permission bits (a 0640 file is recorded as `100644`).
 *
 * @example
 * const mode: GitFileMode = gitFileMode(0o100755); // '100755'
 */
export type GitFileMode = '100644' | '100755' | '120000';

/**
 * The git blob id (SHA-1 of `blob <length>\0` followed by the bytes) — what
 * `git hash-object` prints for a file with these bytes.
 *
 * @example
 * gitBlobId(new Uint8Array()); // => 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
 * gitBlobId(Buffer.from('hello\n')); // => 'ce013625030ba8dba906f756967f9e9ca394464a'
 */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IXUSR = 0o100;

/**
 * Maps a file mode (a full `st_mode`, a bare permission like `0o755`, or a git mode number
 * like `0o100755`) to the mode git records: symlinks are `120000`, files whose owner may
 * execute them are `100755`, every other file is `100644` — git's own rule.
 *
 * @example
 * gitFileMode(0o100640); // => '100644'
 * gitFileMode(0o755);    // => '100755'
 * gitFileMode(0o120777); // => '120000'
 */
export function gitFileMode(mode: number): GitFileMode {
  if ((mode & S_IFMT) === S_IFLNK) return '120000';
  return mode & S_IXUSR ? '100755' : '100644';
}
