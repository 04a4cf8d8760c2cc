/**
 * Copying extended attributes (SELinux labels, POSIX ACLs, `user.*`) from a file to its
 * replacement. Node has no xattr API, so this runs Debian's `getfattr`/`setfattr` (package
 * `attr`): one `getfattr` for a batch of files and, only when some have attributes, one
 * `setfattr --restore` — two process starts (~5 ms) per write, not per file. The files are
 * handed to the tools as inherited descriptors (`/proc/self/fd/N`), so no path is resolved
 * again, and a name with odd characters never has to be quoted.
 *
 * Without the tools (or without /proc) nothing is copied; {@link copyXattrs} says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Descriptors passed to one tool run (each child gets them as fd 3, 4, …). */
const BATCH = 400;

let available: boolean | undefined;

function toolsAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync('getfattr', ['--version'], { stdio: 'ignore' });
    available = probe.status === 0 && existsSync('/proc/self/fd');
  }
  return available;
}

/**
 * One file whose attributes go to another: both open descriptors (read access is enough).
 *
 * @example
 * const pair: XattrPair = { from: oldFd, to: newFd };
 */
export interface XattrPair {
  from: number;
  to: number;
}

/**
 * The outcome of {@link copyXattrs}: how many files had attributes, and the problems (a tool
 * missing, an attribute the kernel would not set), one line each.
 *
 * @example
 * // { copied: 1, problems: [] }
 */
export interface XattrCopy {
  copied: number;
  problems: string[];
}

/**
 * Copies every extended attribute of each `from` descriptor onto its `to` descriptor.
 *
 * @example
 * copyXattrs([{ from: originalFd, to: stagedFd }]); // => { copied: 1, problems: [] }
 */
export function copyXattrs(pairs: readonly XattrPair[]): XattrCopy {
  const result: XattrCopy = { copied: 0, problems: [] };
  if (pairs.length === 0) return result;
  if (!toolsAvailable()) {
    result.problems.push('extended attributes not copied: getfattr/setfattr (the attr package) not found');
    return result;
  }
  for (let start = 0; start < pairs.length; start += BATCH) copyBatch(pairs.slice(start, start + BATCH), result);
  return result;
}

function copyBatch(pairs: readonly XattrPair[], result: XattrCopy): void {
  const names = pairs.map((_, i) => `/proc/self/fd/${i + 3}`);
  const dump = spawnSync('getfattr', ['--absolute-names', '-d', '-m', '-', '-e', 'hex', ...names], {
    stdio: ['ignore', 'pipe', 'pipe', ...pairs.map((p) => p.from)],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (dump.error || (dump.status !== 0 && !dump.stdout)) {
    result.problems.push(`extended attributes not read: ${dump.error?.message ?? dump.stderr.trim()}`);
    return;
  }
  // Blocks are "# file: /proc/self/fd/N" then name=0xVALUE lines; files without attributes
  // print nothing. The restore names the new file by its own descriptor number.
  let restore = '';
  let current = -1;
  let found = 0;
  for (const line of dump.stdout.split('\n')) {
    const m = /^# file: \/proc\/self\/fd\/(\d+)$/.exec(line);
    if (m) {
      current = Number(m[1]);
      restore += `# file: /proc/self/fd/${current}\n`;
      found++;
      continue;
    }
    if (current >= 0) restore += `${line}\n`;
  }
  if (found === 0) return;
  result.copied += found;
  const set = spawnSync('setfattr', ['--restore=-'], {
    input: restore,
    stdio: ['pipe', 'pipe', 'pipe', ...pairs.map((p) => p.to)],
    encoding: 'utf8',
  });
  if (set.error || set.status !== 0) {
    result.problems.push(`extended attributes not all set: ${set.error?.message ?? set.stderr.trim().replace(/\/proc\/self\/fd\/\d+: /g, '')}`);
  }
}
