/**
 * Where a write of a repository path really lands. A path is refused (`UNSAFE_PATH`) when it
 * is absolute, has a `..` segment, names `.git`, or resolves — following every symlink on the
 * way, including symlinked parent directories and dangling links — to a place outside the
 * repository or inside its `.git`.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { AnsimodError } from '../diagnostics.js';
import { isInside } from './walk.js';

/** Linux's own limit on symlinks followed while resolving one path. */
const MAX_SYMLINK_HOPS = 40;

function unsafe(relPath: string, why: string): AnsimodError {
  return new AnsimodError({ code: 'UNSAFE_PATH', message: `refusing to write ${JSON.stringify(relPath)}: ${why}`, path: relPath });
}

function isGitDir(segment: string): boolean {
  return segment.toLowerCase() === '.git';
}

/**
 * Splits a repository-relative path into segments, refusing what is never a file of the
 * repository. Backslashes are separators only on Windows (on POSIX they are name characters).
 */
function relativeSegments(relPath: string): string[] {
  if (typeof relPath !== 'string' || relPath.length === 0) throw unsafe(String(relPath), 'empty path');
  if (relPath.includes('\0')) throw unsafe(relPath, 'NUL byte in path');
  if (path.posix.isAbsolute(relPath) || path.win32.isAbsolute(relPath)) throw unsafe(relPath, 'absolute path');
  const normalized = path.sep === '\\' ? relPath.replace(/\\/g, '/') : relPath;
  const segments = normalized.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) throw unsafe(relPath, 'names the repository root');
  if (segments.includes('..')) throw unsafe(relPath, "'..' segment");
  if (segments.some(isGitDir)) throw unsafe(relPath, 'inside .git');
  return segments;
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/**
 * Resolves `segments` below the physical directory `start` the way the kernel would for an
 * open(): each existing symlink is replaced by its target (relative targets from the link's
 * directory); the first missing component ends the walk, the rest is appended as is.
 */
function physicalPath(start: string, segments: readonly string[], relPath: string): string {
  let current = start;
  const queue = [...segments];
  let hops = 0;
  while (queue.length > 0) {
    const segment = queue.shift() as string;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      // Only link targets bring '..' here; `current` has no symlink in it, so dirname is exact.
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, segment);
    let isLink: boolean;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch (err) {
      const code = errnoCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw unsafe(relPath, `cannot inspect ${next}: ${code ?? String(err)}`);
      // Nothing below a missing component can be a symlink, except through a '..' that a
      // link target brought in, which the kernel would refuse too.
      if (queue.includes('..')) throw unsafe(relPath, 'a symlink target climbs out of a missing directory');
      return path.join(next, ...queue);
    }
    if (!isLink) {
      current = next;
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) throw unsafe(relPath, 'too many levels of symlinks');
    const target = readlinkSync(next);
    if (path.isAbsolute(target)) current = path.parse(target).root;
    queue.unshift(...target.split(/[\\/]/));
  }
  return current;
}

/**
 * Returns the absolute, physical path a write of `relPath` (relative to the repository `root`)
 * must go to: symlinks along the way are followed, so when `relPath` itself is a symlink to
 * another file of the repository the result is that file (writing there keeps the link).
 *
 * @throws AnsimodError `UNSAFE_PATH` (with `path: relPath`) for an absolute path, a `..`
 *   segment, a `.git` segment, the root itself, or a path whose resolution leaves the
 *   repository (a symlink, or a symlinked parent directory, pointing outside) or enters
 *   `.git`; `IO_ERROR` when `root` does not exist.
 * @example
 * resolveInsideRepo('/srv/ansible', 'roles/web/templates/app.conf.j2');
 * // => '/srv/ansible/roles/web/templates/app.conf.j2'
 * resolveInsideRepo('/srv/ansible', '../etc/passwd'); // throws UNSAFE_PATH
 */
export function resolveInsideRepo(root: string, relPath: string): string {
  const segments = relativeSegments(relPath);
  const realRoot = realRepositoryRoot(root);
  return checkInside(realRoot, physicalPath(realRoot, segments, relPath), relPath);
}

/**
 * Like {@link resolveInsideRepo} but does not follow the last component: the physical path of
 * the directory entry itself (what a delete removes), its parent directories resolved and
 * checked. A symlink named by `relPath` is returned as the link, wherever it points.
 *
 * @throws AnsimodError `UNSAFE_PATH` as {@link resolveInsideRepo} does for the parent.
 * @example
 * resolveEntryInsideRepo('/srv/ansible', 'roles/web/files/current'); // => '/srv/ansible/roles/web/files/current'
 */
export function resolveEntryInsideRepo(root: string, relPath: string): string {
  const segments = relativeSegments(relPath);
  const realRoot = realRepositoryRoot(root);
  const parent = physicalPath(realRoot, segments.slice(0, -1), relPath);
  if (parent !== realRoot) checkInside(realRoot, parent, relPath);
  return path.join(parent, segments[segments.length - 1] as string);
}

function realRepositoryRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch (err) {
    throw new AnsimodError({ code: 'IO_ERROR', message: `repository root not found: ${root} (${errnoCode(err) ?? String(err)})` });
  }
}

function checkInside(realRoot: string, resolved: string, relPath: string): string {
  if (resolved === realRoot || !isInside(realRoot, resolved)) {
    throw unsafe(relPath, `resolves to ${resolved}, outside the repository`);
  }
  if (path.relative(realRoot, resolved).split(path.sep).some(isGitDir)) {
    throw unsafe(relPath, 'resolves into .git');
  }
  return resolved;
}
