import { AnsimodError, matchesPaths } from '@ansimod/core';

/** One file to rename. */
export interface PlannedRename {
  from: string;
  to: string;
}

/** The options that say what to rename: one file, or every file of some globs getting a suffix. */
export interface RenameSpec {
  from?: string | undefined;
  to?: string | undefined;
  paths?: readonly string[] | undefined;
  appendSuffix?: string | undefined;
  reverse: boolean;
}

/**
 * The renames the options ask for, over the repository's paths: `from` → `to` (swapped by
 * `reverse`), or every path matching `paths` (not already ending with the suffix) → the same path
 * with `appendSuffix` (with `reverse`, every path matching `paths` plus the suffix loses it).
 *
 * @example
 * renameSet({ paths: ['roles/*\/templates/**\/*.yml'], appendSuffix: '.j2', reverse: false }, ['roles/a/templates/x.yml']);
 * // => [{ from: 'roles/a/templates/x.yml', to: 'roles/a/templates/x.yml.j2' }]
 */
export function renameSet(spec: RenameSpec, paths: readonly string[]): PlannedRename[] {
  const single = spec.from !== undefined || spec.to !== undefined;
  const byGlob = spec.paths !== undefined || spec.appendSuffix !== undefined;
  if (single === byGlob || (single && (!spec.from || !spec.to)) || (byGlob && (!spec.paths?.length || !spec.appendSuffix))) {
    throw new AnsimodError({ code: 'INVALID_OPTION', message: 'rename-file: give either from and to, or paths and appendSuffix' });
  }
  if (single) {
    const [from, to] = spec.reverse ? [spec.to as string, spec.from as string] : [spec.from as string, spec.to as string];
    return paths.includes(from) ? [{ from, to }] : [];
  }
  const suffix = spec.appendSuffix as string;
  const globs = spec.paths as readonly string[];
  if (spec.reverse) {
    const suffixed = globs.map((g) => g + suffix);
    return paths.filter((p) => p.endsWith(suffix) && matchesPaths(p, suffixed)).map((p) => ({ from: p, to: p.slice(0, -suffix.length) }));
  }
  return paths.filter((p) => !p.endsWith(suffix) && matchesPaths(p, globs)).map((p) => ({ from: p, to: p + suffix }));
}

/**
 * The target a reference must be written with after its file is renamed: the part of the old
 * path that changes, changed at the end of the target as written (`app.yml` → `app.yml.j2`,
 * `dockercfg-{{ env }}.yml` → `dockercfg-{{ env }}.yml.j2`). Undefined when the target does not
 * end with that part (the caller then checks nothing resolves it otherwise).
 *
 * @example
 * retarget('x.yml', { from: 'roles/a/templates/x.yml', to: 'roles/a/templates/x.yml.j2' }); // => 'x.yml.j2'
 */
export function retarget(target: string, rename: PlannedRename): string | undefined {
  const { from, to } = rename;
  let cp = 0;
  while (cp < from.length && cp < to.length && from[cp] === to[cp]) cp++;
  // The changed part starts at a whole path segment when the folder changes.
  if (from.slice(0, cp).includes('/') && from.indexOf('/', cp) >= 0) cp = from.lastIndexOf('/', cp) + 1;
  const oldTail = from.slice(cp);
  const newTail = to.slice(cp);
  // The target must end with the old path's end from where the two names differ, and its fixed
  // (non-Jinja) end must cover that much.
  const fixedFrom = Math.max(target.lastIndexOf('}}'), target.lastIndexOf('%}')) + 2;
  const written = target.trimEnd();
  const unchangedEnd = target.slice(written.length);
  if (!written.endsWith(oldTail) || written.length - oldTail.length < (fixedFrom > 1 ? fixedFrom : 0)) return undefined;
  return written.slice(0, written.length - oldTail.length) + newTail + unchangedEnd;
}
