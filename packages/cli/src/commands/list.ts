/**
 * `ansimod list`: the recipes and transforms, with their options and documentation — the same
 * data as the generated reference docs/transforms.md (a test keeps the two equal). With
 * `--transform FILE`, the transforms of a user's file instead, loaded (and type-checked) as
 * `plan --transform` would.
 */
import { formatDiagnostic, type AnyTransform, type OptionSpec, type Recipe } from '@ansimod/core';
import { ExitCode, type Command } from '../command.js';
import { optionSyntax } from '../option-args.js';
import { printTimings, stopwatch, TIMINGS_OPTION } from '../timings.js';

/**
 * Where the generated reference lives in the ansimod repository.
 *
 * @example
 * ctx.out.line(`see ${REFERENCE_DOC}`);
 */
export const REFERENCE_DOC = 'docs/transforms.md';

/** An option as `plan`/`apply`/`patch`/`check` accept it on the command line (`--option NAME=…`). */
function optionLine(name: string, o: OptionSpec, alias?: string): string {
  const req = o.required ? ' (required)' : o.default !== undefined ? ` (default: ${JSON.stringify(o.default)})` : '';
  return `    ${optionSyntax(name, o)}${alias ? ` or ${alias}` : ''}${req}\n        ${o.description}\n        e.g. ${o.example}`;
}

export const list: Command = {
  name: 'list',
  summary: 'list the recipes and transforms, with their options and documentation',
  usage: 'ansimod list [--transform FILE]… [--json] [--timings]',
  options: {
    ...TIMINGS_OPTION,
    transform: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'list the transforms exported by FILE instead of the built-in ones (a .ts file is type-checked first)',
    },
  },
  async run(args, ctx) {
    const watch = stopwatch({ startup: true });
    // Imported here, not at startup: other commands do not need the transforms or the loader.
    const { builtinRegistry } = await import('@ansimod/transforms');
    const { loadTransformFiles, TransformTypeError } = await import('../user-transforms/index.js');
    const files = args.values['transform'];
    const userFiles = (Array.isArray(files) ? files : []).filter((f): f is string => typeof f === 'string');
    const registry = builtinRegistry();
    if (userFiles.some((f) => /\.[cm]?ts$/.test(f))) ctx.progress.update(`type-checking ${userFiles.join(', ')}…`, { now: true });
    const recipes: Recipe[] = userFiles.length ? [] : registry.listRecipes();
    const transforms: AnyTransform[] = userFiles.length
      ? await loadTransformFiles(userFiles).catch((e: unknown) => {
          ctx.progress.done();
          if (e instanceof TransformTypeError) for (const d of e.diagnostics) ctx.err.line(formatDiagnostic(d));
          throw e;
        })
      : registry.listTransforms();
    ctx.progress.done();
    watch.lap(userFiles.length ? 'transforms' : 'registry');
    printTimings(args, watch.timings, ctx);
    if (ctx.json) {
      ctx.out.line(
        JSON.stringify(
          {
            recipes: recipes.map((r) => ({ name: r.name, displayName: r.displayName, description: r.description, options: r.options ?? {}, steps: r.steps })),
            transforms: transforms.map((t) => ({ name: t.name, displayName: t.displayName, description: t.description, options: t.options, select: t.select })),
          },
          null,
          2,
        ),
      );
      return ExitCode.Done;
    }
    const c = ctx.out.color;
    if (recipes.length) ctx.out.line(c.bold('Recipes'));
    for (const r of recipes) {
      ctx.out.line(`  ${c.bold(r.name)} — ${r.displayName}`);
      ctx.out.line(`    ${r.description.replace(/\s+/g, ' ').trim()}`);
      // A recipe's `maps` has the --map shorthand (repeatable FROM=TO).
      for (const [n, o] of Object.entries(r.options ?? {})) ctx.out.line(optionLine(n, o, n === 'maps' && o.type === 'map' ? '--map FROM=TO (repeatable)' : undefined));
      ctx.out.line('    steps:');
      for (const s of r.steps) ctx.out.line(`      ${s.stage}: ${s.target} (${s.transform})`);
    }
    if (recipes.length) ctx.out.line('');
    ctx.out.line(c.bold('Transforms'));
    for (const t of transforms) {
      ctx.out.line(`  ${c.bold(t.name)} — ${t.displayName}`);
      ctx.out.line(`    ${t.description.replace(/\s+/g, ' ').trim()}`);
      for (const [n, o] of Object.entries(t.options)) ctx.out.line(optionLine(n, o));
    }
    if (!userFiles.length) {
      ctx.out.line('');
      ctx.out.line(c.dim(`The reference with each transform's TSDoc, option types and examples: ${REFERENCE_DOC} (generated from the source).`));
    }
    return ExitCode.Done;
  },
};
