/**
 * `ansimod audit`: the ledger — every reference to a mapped registry host, marked migrated (by
 * the step named), kept (by the recipe's keep rule named, with its reason) or unaccounted.
 */
import { parseMapPairs, type Recipe } from '@ansimod/core';
import type { Ledger, LedgerEntry } from '@ansimod/transforms';
import { ExitCode, UsageError, type Command, type CommandContext } from '../command.js';
import { DEFAULT_RECIPE, JOB_OPTIONS, jobLedger, runJob } from '../job.js';
import { outputFormat } from '../sarif/output-format.js';

export const audit: Command = {
  name: 'audit',
  summary: 'the ledger: every reference to a mapped registry host, migrated, kept (and why) or unaccounted',
  usage: 'ansimod audit [--repo DIR] [--recipe NAME|FILE] [--map FROM[=TO]]… [--env NAME]… [--json | --format sarif]',
  description: [
    'Plans the recipe (writes nothing) and lists every reference to a mapped host as the files are',
    'now: path:line:column, the host as written, its status and why — the step that migrates it,',
    "the recipe's keep rule and its reason, or unaccounted — and its context (YAML key path, INI",
    `section.key, JSON path, Apache directive, comment). Default recipe: ${DEFAULT_RECIPE}.`,
    '--map FROM alone (no =TO) audits that host without planning: references are kept or unaccounted.',
    'With --json: {"recipe", "counts": {"migrated","kept","unaccounted"}, "entries": [{path, line,',
    'column, host, source, context, kind, status, step?, rule?, reason?, environments}], "filesScanned"}.',
  ].join('\n'),
  options: {
    ...JOB_OPTIONS,
    format: { type: 'string', valueName: 'text|json|sarif', description: 'output format; sarif: SARIF 2.1.0 for code scanning (kept references as suppressed notes, unaccounted ones as warnings)' },
  },
  async run(args, ctx) {
    const format = outputFormat(args.values['format'], ctx.json, 'audit');
    const pairs = (Array.isArray(args.values['map']) ? args.values['map'] : []).filter((p): p is string => typeof p === 'string');
    const hostsOnly = pairs.filter((p) => !p.includes('='));
    let ledger: Ledger;
    let recipeName: string;
    if (hostsOnly.length) {
      // Hosts without targets: nothing to plan, only what the recipe keeps and what it does not.
      const given = parseMapPairs(pairs.map((p) => (p.includes('=') ? p : `${p}=${p}`)));
      if (!given.ok) throw new UsageError(given.diagnostic.message, 'audit');
      const { builtinRegistry, buildLedger, loadRecipeFile } = await import('@ansimod/transforms');
      const spec = typeof args.values['recipe'] === 'string' ? args.values['recipe'] : DEFAULT_RECIPE;
      const recipe = builtinRegistry().recipe(spec) ?? loadRecipeFile(spec);
      recipeName = recipe.name;
      ctx.progress.update('scanning…');
      ledger = await buildLedger(ctx.repo, { maps: given.value, keep: recipe.keep ?? [] });
      ctx.progress.done();
    } else {
      // A repository without any target still gets its ledger (everything is then kept or unaccounted).
      const job = await runJob(args, ctx, { allowNoTarget: true });
      recipeName = job.recipe.name;
      ledger = await jobLedger(job);
      for (const e of job.plan.errors) ctx.err.line(`${ctx.err.color.red('error:')} ${e.path ?? ''}${e.line ? `:${e.line}` : ''}${e.path ? ': ' : ''}${e.message}`);
    }
    // A file not read may hold references: named, never silently left out.
    for (const d of ledger.notRead ?? []) ctx.err.line(`${ctx.err.color.yellow('warning:')} ${d.path ?? ''}: ${d.message}`);
    if (format === 'sarif') {
      const [{ auditSarif }, { version }] = await Promise.all([import('../sarif/sarif.js'), import('../main.js')]);
      const entries = ledger.entries.map((e) => ({ ...e, rule: e.rule ?? (e.step ? `step/${e.step}` : 'none'), reason: e.reason ?? `moved by ${e.step ?? 'the plan'}` }));
      ctx.out.line(JSON.stringify(auditSarif(entries, version()), null, 2));
      return ExitCode.Done;
    }
    if (format === 'json') {
      ctx.out.line(JSON.stringify({ recipe: recipeName, ...ledgerJson(ledger) }, null, 2));
      return ExitCode.Done;
    }
    for (const e of ledger.entries) ctx.out.line(entryLine(e));
    if (!ctx.quiet) ctx.err.line(`${recipeName}: ${summaryLine(ledger)}`);
    return ExitCode.Done;
  },
};

/** The ledger as `--json` prints it. */
export function ledgerJson(ledger: Ledger): Pick<Ledger, 'counts' | 'entries' | 'filesScanned' | 'notRead'> {
  return { counts: ledger.counts, entries: ledger.entries, filesScanned: ledger.filesScanned, notRead: ledger.notRead ?? [] };
}

function why(e: LedgerEntry): string {
  if (e.status === 'migrated') return `by ${e.step ?? 'the recipe'}`;
  if (e.status === 'kept') return `${e.rule ?? ''}: ${e.reason ?? ''}`;
  return e.reason ?? '';
}

function entryLine(e: LedgerEntry): string {
  return `${e.path}:${e.line}:${e.column}: ${e.source} [${e.status}] ${why(e)} (${e.context})`;
}

function summaryLine(ledger: Ledger): string {
  const { migrated, kept, unaccounted } = ledger.counts;
  const files = new Set(ledger.entries.map((e) => e.path)).size;
  return `${migrated + kept + unaccounted} references in ${files} files (${ledger.filesScanned} scanned): ${migrated} migrated, ${kept} kept, ${unaccounted} unaccounted`;
}

/** `check --strict`: each unaccounted reference, and the count. */
export function printUnaccounted(ledger: Ledger, ctx: CommandContext): void {
  for (const e of ledger.entries.filter((x) => x.status === 'unaccounted')) ctx.out.line(`unaccounted: ${entryLine(e)}`);
  if (!ctx.quiet) ctx.err.line(`ledger: ${summaryLine(ledger)}`);
}


/**
 * The registry hosts to audit: the `--map` pairs given, else the recipe's default maps.
 *
 * @example
 * auditMaps(['registry.example.org=quay.io/x'], recipe, 'audit'); // => { 'registry.example.org': 'quay.io/x' }
 */
export function auditMaps(pairs: unknown, recipe: Pick<Recipe, 'options'> | undefined, command: string): Record<string, string> {
  const given = parseMapPairs(Array.isArray(pairs) ? pairs.filter((p): p is string => typeof p === 'string') : []);
  if (!given.ok) throw new UsageError(given.diagnostic.message, command);
  if (Object.keys(given.value).length) return given.value;
  return (recipe?.options?.['maps']?.default ?? {}) as Record<string, string>;
}
