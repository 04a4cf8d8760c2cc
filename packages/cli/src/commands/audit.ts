/** `ansimod audit`: every remaining reference to the mapped registry hosts, with its context and kind. */
import { parseMapPairs, type Recipe } from '@ansimod/core';
import type { AuditReference } from '@ansimod/transforms';
import { ExitCode, UsageError, type Command } from '../command.js';
import { outputFormat } from '../sarif/output-format.js';
import { DEFAULT_RECIPE } from '../job.js';

export const audit: Command = {
  name: 'audit',
  summary: 'list every remaining reference to the mapped registry hosts (Jinja-templated ones too)',
  usage: 'ansimod audit [--repo DIR] [--map FROM=TO]… [--json | --format sarif]',
  description: [
    'Reports path, line, column, the host, its context (YAML key path, INI section.key, JSON path,',
    'Apache directive, comment) and its kind (registry-endpoint, image-reference, web-content-url,',
    'file-path, vhost-or-host-name, comment, other). Without --map, the hosts of the',
    `${DEFAULT_RECIPE} recipe's default maps are audited. With --json: {"references": [...]}.`,
  ].join('\n'),
  options: {
    map: { type: 'string', multiple: true, valueName: 'FROM=TO', description: 'audit these registry hosts (FROM); repeatable' },
    format: { type: 'string', valueName: 'text|json|sarif', description: 'output format; sarif: SARIF 2.1.0 for code scanning (kept references as suppressed notes, unaccounted ones as warnings)' },
  },
  async run(args, ctx) {
    // Imported here, not at startup: other commands do not need the transforms.
    const { auditRepository, builtinRegistry } = await import('@ansimod/transforms');
    const maps = auditMaps(args.values['map'], builtinRegistry().recipe(DEFAULT_RECIPE), 'audit');
    const format = outputFormat(args.values['format'], ctx.json, 'audit');
    ctx.progress.update('scanning…');
    const report = await auditRepository(ctx.repo, { maps });
    ctx.progress.done();
    if (format === 'sarif') {
      const [{ auditSarif }, { ledgerFromAudit }, { version }] = await Promise.all([import('../sarif/sarif.js'), import('../report/ledger.js'), import('../main.js')]);
      ctx.out.line(JSON.stringify(auditSarif(ledgerFromAudit(report.references), version()), null, 2));
      return ExitCode.Done;
    }
    if (format === 'json') {
      ctx.out.line(JSON.stringify({ references: report.references, filesScanned: report.filesScanned }, null, 2));
      return ExitCode.Done;
    }
    const byKind = new Map<string, AuditReference[]>();
    for (const r of report.references) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
    for (const r of report.references) {
      ctx.out.line(`${r.path}:${r.line}:${r.column}: ${r.source} [${r.kind}] ${r.context}`);
    }
    if (!ctx.quiet) {
      const summary = [...byKind.entries()].map(([k, v]) => `${v.length} ${k}`).join(', ');
      ctx.err.line(`${report.references.length} references in ${new Set(report.references.map((r) => r.path)).size} files (${report.filesScanned} scanned)${summary ? `: ${summary}` : ''}`);
    }
    return ExitCode.Done;
  },
};

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
