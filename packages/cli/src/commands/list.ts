/** `ansimod list`: the recipes and transforms, with their options and docs. */
import type { OptionSpec } from '@ansimod/core';
import { builtinRegistry } from '@ansimod/transforms';
import { ExitCode, type Command } from '../command.js';

function optionLine(name: string, o: OptionSpec): string {
  const req = o.required ? ' (required)' : o.default !== undefined ? ` (default: ${JSON.stringify(o.default)})` : '';
  return `    --${name} <${o.type}>${req}\n        ${o.description}\n        e.g. ${o.example}`;
}

export const list: Command = {
  name: 'list',
  summary: 'list the recipes and transforms, with their options and documentation',
  usage: 'ansimod list [--json]',
  options: {},
  async run(_args, ctx) {
    const registry = builtinRegistry();
    const recipes = registry.listRecipes();
    const transforms = registry.listTransforms();
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
    ctx.out.line(c.bold('Recipes'));
    for (const r of recipes) {
      ctx.out.line(`  ${c.bold(r.name)} — ${r.displayName}`);
      ctx.out.line(`    ${r.description.replace(/\s+/g, ' ').trim()}`);
      for (const [n, o] of Object.entries(r.options ?? {})) ctx.out.line(optionLine(n, o));
      ctx.out.line('    steps:');
      for (const s of r.steps) ctx.out.line(`      ${s.stage}: ${s.target} (${s.transform})`);
    }
    ctx.out.line('');
    ctx.out.line(c.bold('Transforms'));
    for (const t of transforms) {
      ctx.out.line(`  ${c.bold(t.name)} — ${t.displayName}`);
      ctx.out.line(`    ${t.description.replace(/\s+/g, ' ').trim()}`);
      for (const [n, o] of Object.entries(t.options)) ctx.out.line(optionLine(n, o));
    }
    return ExitCode.Done;
  },
};
