/**
 * The main job shared by `plan`, `apply`, `patch` and `check`: pick the recipe (or the
 * `--transform` files), resolve `--map`/`--env`/`--reverse`, and plan it on the repository.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  AnsibleBridge,
  AnsimodError,
  ansibleBackend,
  discoverEnvironments,
  renderBackendName,
  setRenderBackend,
  formatDiagnostic,
  invertMap,
  parseMapPairs,
  analysisOf,
  planRecipe,
  planSteps,
  type Diagnostic,
  type Environment,
  type PhaseTiming,
  type Plan,
  type Recipe,
} from '@ansimod/core';
import type { Ledger } from '@ansimod/transforms';
import { UsageError, type Command, type CommandArgs, type CommandContext } from './command.js';
import { indent, PlanFailed } from './failure.js';
import { optionsFor, requireKnownOptions, splitOptionArgs } from './option-args.js';
import { printTimings, stopwatch } from './timings.js';

// `@ansimod/transforms` and the user-transform loader are imported when a job runs, not when
// the command table is built: `roundtrip`, `list` and `--help` never pay for them.
const transformsModule = (): Promise<typeof import('@ansimod/transforms')> => import('@ansimod/transforms');

/** The options of every command that runs the job. */
export const JOB_OPTIONS: Command['options'] = {
  timings: { type: 'boolean', description: 'print how long each phase took (start-up, environments, walk, scan, each stage, verify) on stderr' },
  option: {
    type: 'string',
    multiple: true,
    valueName: 'NAME=VALUE',
    description:
      "set an option of the recipe or of the --transform file's transforms, typed by its spec: text, true|false, a number, A,B for a list, FROM=TO,FROM=TO for a map (see `ansimod list`)",
  },
  recipe: {
    type: 'string',
    valueName: 'NAME|FILE',
    description: 'the recipe to run: a built-in name (see `ansimod list`) or a YAML/JSON file (default: flatpaks-to-quay)',
  },
  map: {
    type: 'string',
    multiple: true,
    valueName: 'FROM=TO',
    description: 'map registry host FROM to TO (host[/namespace]); replaces the recipe\'s default maps',
  },
  env: {
    type: 'string',
    multiple: true,
    valueName: 'NAME',
    description: 'verify only these environments (default: every environment of the inventory)',
  },
  reverse: { type: 'boolean', description: 'apply the inverse maps (undo a migration)' },
  renderer: {
    type: 'string',
    valueName: 'embedded|ansible',
    description: 'render templates for verification with the embedded renderer (default, no Python) or the installed ansible-core (its Templar, the repository\'s ansible.cfg and filter_plugins/)',
  },
  transform: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description:
      'run the transform(s) exported by default from FILE (.ts type-checked first, or .js/.mjs) instead of a recipe, with their option defaults',
  },
};

/** The options of the commands that write or publish the change (`apply`, `patch`, `pr`). */
export const WRITE_OPTIONS: Command['options'] = {
  ...JOB_OPTIONS,
  'allow-unverified': {
    type: 'boolean',
    description: 'write (or publish) edits that could be verified by structure alone (a template the renderer cannot render; the plan says which and why)',
  },
};

export const DEFAULT_RECIPE = 'flatpaks-to-quay';

/** What the job produced: the plan and the recipe it ran. */
export interface JobResult {
  plan: Plan;
  recipe: Recipe;
  /** The renderer that verified the plan: `embedded` or `ansible-core 2.14.18`. */
  renderer?: string;
  /** The endpoint maps the plan ran with (inverted for `--reverse`), when the recipe takes maps. */
  maps?: Record<string, string>;
}

/**
 * The follow-ups of a job: the recipe's own, and those of each component one of whose steps
 * found a target (a component absent from the repository gets none).
 *
 * @example
 * for (const f of jobFollowUps(job)) console.log(`- ${f}`);
 */
export function jobFollowUps(job: JobResult): string[] {
  const found = new Set(job.plan.steps.filter((s) => s.found).map((s) => s.target));
  const ofComponents = (job.recipe.components ?? [])
    .filter((c) => [...c.pushes, ...(c.credentials ?? [])].some((target) => found.has(target)))
    .flatMap((c) => c.followUps ?? []);
  return [...(job.recipe.followUps ?? []), ...ofComponents];
}

function strings(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

async function resolveRecipe(spec: string, cwd: string): Promise<Recipe> {
  const { builtinRegistry, loadRecipeFile } = await transformsModule();
  const registry = builtinRegistry();
  const builtin = registry.recipe(spec);
  if (builtin) return builtin;
  const file = path.resolve(cwd, spec);
  if (/\.(ya?ml|json)$/.test(spec) || existsSync(file)) return loadRecipeFile(file);
  throw new UsageError(`unknown recipe "${spec}" (built-in: ${registry.listRecipes().map((r) => r.name).join(', ')}; or give a file)`);
}

/**
 * Runs the job for a command's arguments.
 *
 * @example
 * const { plan } = await runJob(args, ctx);
 */
export async function runJob(args: CommandArgs, ctx: CommandContext, opts: { allowNoTarget?: boolean } = {}): Promise<JobResult> {
  // Node's own start-up and the modules loaded so far, measured from the process's start.
  const startup = performance.now();
  const job = await planJob(args, ctx);
  printTimings(args, [{ phase: 'start-up', ms: startup }, ...job.timings, ...job.plan.timings], ctx);
  // No step found anything: the wrong directory, not a clean repository.
  const recipeRun = strings(args.values['transform']).length === 0;
  if (recipeRun && !opts.allowNoTarget && job.plan.steps.length && job.plan.steps.every((s) => !s.found) && !job.plan.errors.length) {
    throw new AnsimodError({ code: 'NO_TARGET', message: `no target of ${job.recipe.name} in ${ctx.repo} — is this the Ansible repository?` });
  }
  return { plan: job.plan, recipe: job.recipe, ...(job.maps ? { maps: job.maps } : {}), ...(job.renderer !== undefined ? { renderer: job.renderer } : {}) };
}

async function planJob(args: CommandArgs, ctx: CommandContext): Promise<JobResult & { timings: PhaseTiming[] }> {
  const transformFiles = strings(args.values['transform']);
  if (transformFiles.length) return runTransformFiles(transformFiles, args, ctx);
  const watch = stopwatch();
  const recipeSpec = typeof args.values['recipe'] === 'string' ? args.values['recipe'] : DEFAULT_RECIPE;
  const recipe = await resolveRecipe(recipeSpec, process.cwd());
  watch.lap('recipe');
  const mapSpec = recipe.options?.['maps'];
  const maps = parseMapPairs(strings(args.values['map']), mapSpec?.type === 'map' ? mapSpec.sides : undefined);
  if (!maps.ok) throw new UsageError(maps.diagnostic.message);
  const options: Record<string, unknown> = {};
  if (Object.keys(maps.value).length) {
    if (!recipe.options?.['maps']) throw new UsageError(`recipe ${recipe.name} takes no --map`);
    options['maps'] = maps.value;
  }
  const optionArgs = splitOptionArgs(strings(args.values['option']));
  if (optionArgs.size) {
    requireKnownOptions(optionArgs, [recipe.options ?? {}], `recipe ${recipe.name}`);
    if (optionArgs.has('maps') && options['maps']) throw new UsageError('give the maps with --map or with --option maps=…, not both');
    Object.assign(options, optionsFor(optionArgs, recipe.options ?? {}, `recipe ${recipe.name}`));
  }
  // --env limits what is verified, never what is edited: the transforms see every environment.
  const environments = await selectEnvironments(ctx.repo, []);
  const verifyEnvironments = chosenEnvironments(environments, strings(args.values['env'])).map((e) => e.name);
  watch.lap('environments');
  ctx.progress.update('scanning…');
  const registry = (await transformsModule()).builtinRegistry();
  const reverse = args.values['reverse'] === true;
  const renderer = await startRenderer(args, ctx);
  try {
    const plan = await planRecipe(ctx.repo, recipe, registry, {
      options,
      reverse,
      environments,
      verifyEnvironments,
      onProgress: (done, total) => ctx.progress.update(`scanning ${done}/${total} files…`),
      ...(ctx.prescan ? { prescan: ctx.prescan } : {}),
    });
    ctx.progress.done();
    const given = (options['maps'] ?? recipe.options?.['maps']?.default) as Record<string, string> | undefined;
    const effective = given && (reverse ? invertMap(given) : given);
    return { plan, recipe, timings: watch.timings, renderer: renderBackendName(), ...(effective ? { maps: effective } : {}) };
  } finally {
    renderer?.close();
  }
}

/** `--renderer ansible`: starts the bridge to ansible-core and routes renders to it (closed by the caller). */
async function startRenderer(args: CommandArgs, ctx: CommandContext): Promise<{ close(): void } | undefined> {
  const choice = args.values['renderer'] ?? 'embedded';
  if (choice === 'embedded') return undefined;
  if (choice !== 'ansible') throw new UsageError(`--renderer must be embedded or ansible, not ${String(choice)}`);
  const bridge = await AnsibleBridge.start({ repo: ctx.repo });
  if (!(bridge instanceof AnsibleBridge)) throw new AnsimodError(bridge);
  const previous = setRenderBackend(ansibleBackend(bridge, ctx.repo));
  return {
    close() {
      setRenderBackend(previous);
      bridge.close();
    },
  };
}

/**
 * The ledger of a job's plan: every reference to a mapped host, migrated, kept or unaccounted.
 *
 * @example
 * const ledger = await jobLedger(job); // ledger.counts.unaccounted
 */
export async function jobLedger(job: JobResult): Promise<Ledger> {
  const { buildLedger } = await transformsModule();
  const analysis = analysisOf(job.plan);
  return buildLedger(job.plan.root, { maps: job.maps ?? {}, keep: job.recipe.keep ?? [], changes: job.plan.changes, environments: job.plan.environments, ...(analysis ? { analysis } : {}) });
}

/** `--transform FILE…`: the files' transforms, type-checked and loaded, run as one step each. */
async function runTransformFiles(files: string[], args: CommandArgs, ctx: CommandContext): Promise<JobResult & { timings: PhaseTiming[] }> {
  const watch = stopwatch();
  for (const flag of ['recipe', 'map', 'reverse'] as const) {
    if (args.values[flag] !== undefined) throw new UsageError(`--${flag} applies to recipes; give a --transform file's options with --option NAME=VALUE`);
  }
  const given = splitOptionArgs(strings(args.values['option']));
  // Type-checking a .ts file blocks the thread for seconds: say so at once (on a terminal).
  if (files.some((f) => /\.[cm]?ts$/.test(f))) ctx.progress.update(`type-checking ${files.join(', ')}…`, { now: true });
  else ctx.progress.update('loading transforms…');
  const { loadTransformFiles, TransformTypeError, userTransformJob } = await import('./user-transforms/index.js');
  const transforms = await loadTransformFiles(files, { cwd: process.cwd() }).catch((e: unknown) => {
    if (e instanceof TransformTypeError) {
      ctx.progress.done();
      for (const d of e.diagnostics) ctx.err.line(formatDiagnostic(d));
    }
    throw e;
  });
  requireKnownOptions(given, transforms.map((t) => t.options), transforms.map((t) => t.name).join(', '));
  const { recipe, steps } = userTransformJob(transforms, new Map(transforms.map((t) => [t.name, optionsFor(given, t.options, t.name)])));
  watch.lap('transforms');
  const environments = await selectEnvironments(ctx.repo, []);
  const verifyEnvironments = chosenEnvironments(environments, strings(args.values['env'])).map((e) => e.name);
  watch.lap('environments');
  ctx.progress.update('scanning…');
  const plan = await planSteps(ctx.repo, steps, {
    environments,
    verifyEnvironments,
    onProgress: (done, total) => ctx.progress.update(`scanning ${done}/${total} files…`),
    ...(ctx.prescan ? { prescan: ctx.prescan } : {}),
  });
  ctx.progress.done();
  return { plan, recipe, timings: watch.timings };
}

async function selectEnvironments(root: string, names: string[]): Promise<Environment[]> {
  const all = await discoverEnvironments(root).catch((e: unknown) => {
    if (e instanceof AnsimodError) throw e;
    throw new AnsimodError({ code: 'IO_ERROR', path: root, message: `cannot read the inventory: ${String(e)}` });
  });
  return chosenEnvironments(all, names);
}

function chosenEnvironments(all: Environment[], names: string[]): Environment[] {
  if (!names.length) return all;
  const unknown = names.filter((n) => !all.some((e) => e.name === n));
  if (unknown.length) throw new UsageError(`unknown environment ${unknown.join(', ')} (known: ${all.map((e) => e.name).join(', ')})`);
  return all.filter((e) => names.includes(e.name));
}

/**
 * Throws the plan's errors as one {@link PlanFailed} (printed, each, first when there are
 * several); used where nothing may be written.
 */
export function failOnErrors(plan: Plan, ctx: CommandContext, args?: CommandArgs): void {
  // An edit verified by structure alone is written or published only when asked for by name.
  const unverified = args?.values['allow-unverified'] === true ? [] : unverifiedRefusals(plan);
  const errors = [...plan.errors, ...unverified];
  if (!errors.length) return;
  if (errors.length > 1) {
    for (const e of errors) {
      ctx.err.line(`ansimod: ${formatDiagnostic(e)}`);
      if (e.detail) ctx.err.line(indent(e.detail));
    }
  }
  throw new PlanFailed(errors);
}

/**
 * The plan's edits that could be verified by structure alone, each as an error naming its file,
 * why and the flag that lets it be written anyway.
 *
 * @example
 * unverifiedRefusals(plan)[0]?.message; // 'its edit is verified by structure alone — …. Nothing was written: give --allow-unverified to write it anyway'
 */
export function unverifiedRefusals(plan: Plan): Diagnostic[] {
  return plan.changes
    .filter((c) => c.unverified !== undefined)
    .map((c) => ({
      code: 'UNVERIFIED' as const,
      severity: 'error' as const,
      path: c.path,
      message: `its edit is verified by structure alone — ${c.unverified ?? ''}. Nothing was written: give --allow-unverified to write it anyway`,
    }));
}

/** The pipeline stages in recipe order, each with the paths it changed (a file counts under its first stage). */
export function changesByStage(job: JobResult): Array<{ stage: string; paths: string[] }> {
  const stages = [...new Set(job.recipe.steps.map((s) => s.stage))];
  for (const c of job.plan.changes) for (const s of c.stages) if (!stages.includes(s)) stages.push(s);
  return stages.map((stage) => ({
    stage,
    paths: job.plan.changes.filter((c) => c.stages[0] === stage).map((c) => c.path),
  }));
}
