import { posix } from 'node:path';
import {
  ansibleSourceOf,
  collectReferences,
  defineTransform,
  matchesPaths,
  resolveReference,
  scopeOf,
  searchPaths,
  underCheckout,
  type Environment,
  type FileEdit,
  type FileReference,
  type RenderCheck,
  type TransformContext,
  type VisitResult,
} from '@ansimod/core';
import { renameSet, retarget, type PlannedRename } from './rename-set.js';

/** What one plan renames, and what becomes of every reference. */
interface RenamePlan {
  renames: Map<string, PlannedRename>;
  /** Edits by referring file. */
  edits: Map<string, FileEdit[]>;
  /** Templates whose includes follow a rename: they must render the same. */
  rendered: Set<string>;
  /** Problems by referring file: references that cannot be followed or rewritten. */
  problems: Map<string, Array<{ line: number; message: string }>>;
  notes: Map<string, string[]>;
  references: number;
}

const plans = new WeakMap<object, Map<string, Promise<RenamePlan>>>();

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

/**
 * Whether a reference that could not be resolved may name a renamed file: one in a folder
 * Ansible searches for it whose path starts with the reference's fixed start (before its first
 * Jinja tag) and ends with its fixed end (after its last). An absolute path under a checkout of
 * the repository is read from the repository's root; one under no checkout names no file of the
 * repository when checkouts are known, and may name any file with that end when they are not.
 */
function mayName(ref: FileReference, renames: ReadonlyMap<string, PlannedRename>, rolesDirs: readonly string[], checkouts: readonly string[]): boolean {
  const fixed = ref.target.slice(Math.max(ref.target.lastIndexOf('}}'), ref.target.lastIndexOf('%}')) + 2).replace(/^\.?\//, '');
  const absolute = ref.target.trim().startsWith('/');
  const rel = absolute ? underCheckout(ref.target, checkouts) : ref.target.trim();
  if (absolute && rel === undefined) return checkouts.length === 0 && [...renames.keys()].some((p) => p.endsWith(fixed));
  const written = rel as string;
  const start = written.slice(0, Math.max(0, written.search(/[{][{%]/))).replace(/^\.\//, '');
  const bases = absolute ? [''] : searchPaths(ref.kind, '', ref.path, rolesDirs);
  const prefixes = bases.map((b) => (b === '' ? start : start ? posix.join(b, start) : `${b}/`));
  return [...renames.keys()].some((p) => p.endsWith(fixed) && prefixes.some((pre) => p.startsWith(pre)));
}

type Options = { from: string | undefined; to: string | undefined; paths: string[] | undefined; appendSuffix: string | undefined; reverse: boolean; accept: string[]; checkouts: string[] };

async function computePlan(ctx: TransformContext<Options>): Promise<RenamePlan> {
  const source = ansibleSourceOf(ctx.repo);
  const ansible = await ctx.ansible();
  const paths = ctx.repo.paths();
  const renames = new Map(renameSet(ctx.options, paths).map((r) => [r.from, r]));
  const refSource = {
    ansible,
    paths: () => paths,
    text: source.text,
    yaml: source.yaml,
    environments: ctx.environments,
    evaluate: (t: string, env: Environment) => ctx.evaluate(t, env),
    checkouts: ctx.options.checkouts,
  };
  const refs = await collectReferences(refSource);
  const out: RenamePlan = { renames, edits: new Map(), rendered: new Set(), problems: new Map(), notes: new Map(), references: refs.length };
  if (!ctx.options.reverse && ctx.options.paths && ctx.options.appendSuffix) {
    const suffixed = ctx.options.paths.map((g) => g + (ctx.options.appendSuffix as string));
    for (const p of paths) if (matchesPaths(p, suffixed)) push(out.notes, p, `already ends with ${ctx.options.appendSuffix}: --reverse would rename it too`);
  }
  if (renames.size === 0) return out;
  const after = scopeOf([...paths.filter((p) => !renames.has(p)), ...[...renames.values()].map((r) => r.to)], ansible.rolesDirs);
  for (const ref of refs) {
    const names = ref.byEnvironment ? Object.values(ref.byEnvironment) : [ref.resolved];
    const hit = names.map((n) => (n === undefined ? undefined : renames.get(n))).find((r) => r !== undefined);
    if (!hit) {
      if (ref.unresolved && mayName(ref, renames, ansible.rolesDirs, ctx.options.checkouts) && !matchesPaths(ref.path, ctx.options.accept)) {
        push(out.problems, ref.path, { line: ref.line, message: `${ref.kind} ${ref.target}: ${ref.unresolved}; it may name a renamed file (accept it with the accept option)` });
      } else if (ref.unresolved && mayName(ref, renames, ansible.rolesDirs, ctx.options.checkouts)) push(out.notes, ref.path, `line ${ref.line}: ${ref.kind} ${ref.target} not followed (accepted): ${ref.unresolved}`);
      continue;
    }
    const next = ref.span ? retarget(ref.target, hit) : undefined;
    if (next === undefined) {
      push(out.problems, ref.path, { line: ref.line, message: `${ref.kind} ${ref.target} names ${hit.from}, but cannot be rewritten for ${hit.to}${ref.span ? '' : ' (written with escapes)'}` });
      continue;
    }
    // Verification: in every environment the new target names what the old one named, renamed.
    const moved = await resolveReference(ref.kind, next, renames.get(ref.path)?.to ?? ref.path, after, refSource);
    const before = ref.byEnvironment ?? Object.fromEntries(ctx.environments.map((e) => [e.name, ref.resolved]));
    const now = moved.byEnvironment ?? Object.fromEntries(ctx.environments.map((e) => [e.name, moved.resolved]));
    const wrong = Object.entries(before).find(([env, p]) => p !== undefined && now[env] !== (renames.get(p)?.to ?? p));
    if (wrong) {
      push(out.problems, ref.path, { line: ref.line, message: `${ref.kind} ${ref.target} → ${next} would name ${now[wrong[0]] ?? 'nothing'} in ${wrong[0]} instead of ${renames.get(wrong[1] as string)?.to ?? wrong[1]}` });
      continue;
    }
    const span = ref.span as { start: number; end: number };
    push(out.edits, ref.path, { start: span.start, end: span.end, text: next, reason: `${ref.kind} follows ${hit.from} → ${hit.to}` });
    push(out.notes, ref.path, `line ${ref.line}: ${ref.kind} ${ref.target} → ${next}`);
    if (ref.kind === 'jinja_include' || ref.kind === 'jinja_import') out.rendered.add(ref.path);
  }
  return out;
}

function planFor(ctx: TransformContext<Options>): Promise<RenamePlan> {
  let byOptions = plans.get(ctx.repo);
  if (!byOptions) plans.set(ctx.repo, (byOptions = new Map()));
  const key = JSON.stringify(ctx.options);
  let p = byOptions.get(key);
  if (!p) byOptions.set(key, (p = computePlan(ctx)));
  return p;
}

/**
 * `rename-file`: renames a file, or every file of some globs (`roles/*\/templates/**\/*.yml` gets
 * `.j2`), and rewrites every reference Ansible follows to it — `template`/`copy` `src:`, task and
 * vars includes, `vars_files`, lookups, templates' `{% include %}` — resolved as Ansible resolves
 * them, computed ones per environment. A reference that cannot be followed but may name a
 * renamed file stops the plan unless accepted.
 *
 * @example
 * await planSteps(root, [{ transform: renameFile, options: { paths: ['roles/*\/templates/**\/*.yml'], appendSuffix: '.j2' }, stage: 'rename', target: 'templates' }]);
 */
export const renameFile = defineTransform({
  name: 'rename-file',
  displayName: 'Rename files',
  description:
    'Renames a file, or every file matching globs (appending a suffix), and rewrites every reference Ansible follows to it, resolved as Ansible resolves it (per environment when computed with Jinja); an unresolvable reference that may name a renamed file stops the plan unless accepted.',
  options: {
    from: { type: 'string', description: 'The file to rename (with to).', example: 'roles/web/templates/site.conf' },
    to: { type: 'string', description: 'Its new path (with from).', example: 'roles/web/templates/site.conf.j2' },
    paths: { type: 'string[]', description: 'Globs of the files to rename (with appendSuffix).', example: 'roles/**/templates/**/*.yml,roles/**/templates/**/*.yaml' },
    appendSuffix: { type: 'string', description: 'What each file matching paths gets at the end of its name.', example: '.j2' },
    reverse: { type: 'boolean', default: false, description: 'Undo: to → from, or drop the suffix from every file matching paths plus it.', example: 'set by --reverse' },
    accept: { type: 'string[]', default: [], description: 'Globs of files whose unresolvable references are accepted (listed, not stopping the plan).', example: 'playbooks/manual/**' },
    checkouts: {
      type: 'string[]',
      default: [],
      description: 'Where the repository is checked out on the control host: an absolute reference under one names the repository file at the rest of its path; with checkouts given, an absolute reference under none names no file of the repository.',
      example: '/srv/web/infra/ansible',
    },
  },
  select: {},

  async visit(file, ctx): Promise<VisitResult> {
    const plan = await planFor(ctx as TransformContext<Options>);
    const problems = plan.problems.get(file.path);
    if (problems?.length) {
      const first = problems[0] as { line: number; message: string };
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((p) => `line ${p.line}: ${p.message}`).join('; ')})` : '';
      return { outcome: 'error', diagnostic: { code: 'UNRESOLVED_REFERENCE', severity: 'error', path: file.path, line: first.line, message: `${first.message}${more}` } };
    }
    const rename = plan.renames.get(file.path);
    const edits = plan.edits.get(file.path) ?? [];
    const notes = plan.notes.get(file.path) ?? [];
    if (!rename && edits.length === 0) return notes.length ? { outcome: 'nochange', matched: true, notes } : { outcome: 'skip', reason: 'neither renamed nor referring to a renamed file' };
    const checks: RenderCheck[] = plan.rendered.has(file.path) ? [{ path: file.path, describe: 'renders the same, its includes renamed', skipUnrendered: true, expect: (before) => before }] : [];
    return {
      outcome: 'changed',
      edits,
      ...(rename ? { renames: [{ from: rename.from, to: rename.to, reason: `renamed to ${rename.to}` }] } : {}),
      checks,
      notes: rename ? [`renamed to ${rename.to}`, ...notes] : notes,
    };
  },
});

