/** `ansimod audit`: every remaining reference to the mapped registry hosts, with its context and kind. */
import { parseMapPairs } from '@ansimod/core';
import type { AuditReference } from '@ansimod/transforms';
import { ExitCode, UsageError, type Command } from '../command.js';
import { DEFAULT_RECIPE } from '../job.js';
import { printTimings, stopwatch, TIMINGS_OPTION } from '../timings.js';

export const audit: Command = {
  name: 'audit',
  summary: 'list every remaining reference to the mapped registry hosts (Jinja-templated ones too)',
  usage: 'ansimod audit [--repo DIR] [--map FROM=TO]… [--json]',
  description: [
    'Reports path, line, column, the host, its context (YAML key path, INI section.key, JSON path,',
    'Apache directive, comment) and its kind (registry-endpoint, image-reference, web-content-url,',
    'file-path, vhost-or-host-name, comment, other). Without --map, the hosts of the',
    `${DEFAULT_RECIPE} recipe's default maps are audited. With --json: {"references": [...]}.`,
  ].join('\n'),
  options: {
    map: { type: 'string', multiple: true, valueName: 'FROM=TO', description: 'audit these registry hosts (FROM); repeatable' },
    ...TIMINGS_OPTION,
  },
  async run(args, ctx) {
    const watch = stopwatch({ startup: true });
    // Imported here, not at startup: other commands do not need the transforms.
    const { auditRepository, builtinRegistry } = await import('@ansimod/transforms');
    const pairs = args.values['map'];
    const given = parseMapPairs(Array.isArray(pairs) ? pairs.filter((p): p is string => typeof p === 'string') : []);
    if (!given.ok) throw new UsageError(given.diagnostic.message, 'audit');
    let maps = given.value;
    if (!Object.keys(maps).length) {
      const def = builtinRegistry().recipe(DEFAULT_RECIPE)?.options?.['maps']?.default;
      maps = (def ?? {}) as Record<string, string>;
    }
    watch.lap('maps');
    ctx.progress.update('auditing…');
    const report = await auditRepository(ctx.repo, { maps });
    ctx.progress.done();
    watch.lap('audit');
    printTimings(args, watch.timings, ctx);
    if (ctx.json) {
      ctx.out.line(JSON.stringify({ references: report.references, filesScanned: report.filesScanned }, null, 2));
      return ExitCode.Done;
    }
    const byKind = new Map<string, AuditReference[]>();
    for (const r of report.references) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
    for (const r of ctx.quiet ? [] : report.references) {
      ctx.out.line(`${r.path}:${r.line}:${r.column}: ${r.source} [${r.kind}] ${r.context}`);
    }
    if (!ctx.quiet) {
      const summary = [...byKind.entries()].map(([k, v]) => `${v.length} ${k}`).join(', ');
      ctx.err.line(`${report.references.length} references in ${new Set(report.references.map((r) => r.path)).size} files (${report.filesScanned} scanned)${summary ? `: ${summary}` : ''}`);
    }
    return ExitCode.Done;
  },
};
