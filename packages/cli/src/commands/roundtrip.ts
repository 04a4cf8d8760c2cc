/**
 * `ansimod roundtrip`: proves the parsers are lossless on a repository. Every file is parsed
 * and printed back in memory and the bytes compared; nothing is written.
 */
import { roundtripRepository, type FormatName, type RoundtripReport } from '@ansimod/core';
import { ExitCode, type Command, type CommandContext } from '../command.js';
import type { Output } from '../output.js';
import { printTimings, stopwatch, TIMINGS_OPTION } from '../timings.js';

/**
 * The `roundtrip` command: exit 0 when every file read prints back byte for byte, 3 otherwise.
 *
 * @example
 * // ansimod roundtrip --repo /tmp/ansible --json
 */
export const roundtrip: Command = {
  name: 'roundtrip',
  summary: 'parse every file and print it back in memory; check the bytes are identical',
  usage: 'ansimod roundtrip [--repo DIR] [--json] [--verbose] [--timings]',
  description: [
    'Reads every file of the repository (except .git; symlinks and binary files are skipped),',
    'parses it as YAML, INI, JSON, Apache conf or text, prints it back without editing and',
    'compares the bytes with the file on disk. Nothing is written.',
    '',
    'Skipped files are counted by reason; --verbose lists them.',
    'Exits 0 when every file read prints back byte for byte, 3 otherwise.',
    'With --json, prints the report as one JSON object:',
    '  {"total", "identical", "skipped": [{"path","reason"}],',
    '   "byFormat": {"yaml": {"files","structured","identical"}, …},',
    '   "fallbacks": [{"path","format","reason","line"}], "different": [paths],',
    '   "nonUtf8": [paths], "errors": [{"path","message"}]}',
  ].join('\n'),
  options: TIMINGS_OPTION,
  async run(args, ctx) {
    const watch = stopwatch({ startup: true });
    let walked = false;
    const report = await roundtripRepository(ctx.repo, {
      onProgress: (e) => {
        if (e.phase === 'walk') ctx.progress.update(`scanning ${e.done} files…`);
        else {
          if (!walked) watch.lap('walk');
          walked = true;
          ctx.progress.update(`round-tripping ${e.done}/${e.total ?? '?'} files…`);
        }
      },
    });
    ctx.progress.done();
    watch.lap(walked ? 'roundtrip' : 'walk and roundtrip');
    printTimings(args, watch.timings, ctx);
    const ok = report.different.length === 0;
    if (ctx.json) {
      ctx.out.line(JSON.stringify(report, null, 2));
    } else {
      if (!ctx.quiet) printReport(report, ctx.out, { verbose: ctx.verbose });
      if (!ok) ctx.err.line(`${ctx.err.color.red('ansimod:')} ${failureSummary(report)}`);
    }
    return ok ? ExitCode.Done : ExitCode.Input;
  },
};

function failureSummary(report: RoundtripReport): string {
  return `${report.different.length} of ${report.total} files do not print back identically`;
}

const FORMAT_ORDER: readonly FormatName[] = ['yaml', 'ini', 'json', 'conf', 'text'];

/**
 * The human report: a table by format, then the skipped files counted by reason (listed with
 * `verbose`), fallbacks, latin-1 files and differences, each with its reason.
 *
 * @example
 * printReport(await roundtripRepository(root), output(process.stdout, process.env));
 */
export function printReport(report: RoundtripReport, out: Output, opts: { verbose?: boolean } = {}): void {
  const c = out.color;
  const rows: [string, number, number, number][] = FORMAT_ORDER.map((f) => {
    const t = report.byFormat[f];
    return [f, t.files, t.structured, t.identical];
  });
  const structured = rows.reduce((n, r) => n + r[2], 0);
  rows.push(['total', report.total, structured, report.identical]);
  const head = ['format', 'files', 'structured', 'identical'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const cell = (v: string | number, i: number): string =>
    i === 0 ? String(v).padEnd(widths[0] as number) : String(v).padStart(widths[i] as number);
  out.line(c.bold(head.map(cell).join('  ')));
  rows.forEach((r, n) => {
    const line = r.map(cell).join('  ');
    out.line(n === rows.length - 1 ? c.bold(line) : line);
  });

  if (opts.verbose) section(out, `skipped (${report.skipped.length})`, report.skipped.map((s) => `${s.path}: ${s.reason}`));
  else if (report.skipped.length) {
    out.line();
    out.line(`${out.color.bold(`skipped (${report.skipped.length})`)}: ${skippedByReason(report.skipped)} (--verbose lists them)`);
  }
  section(
    out,
    `fell back to text (${report.fallbacks.length})`,
    report.fallbacks.map((f) => `${f.path}${f.line === undefined ? '' : `:${f.line}`}: not parsed as ${f.format}: ${f.reason}`),
  );
  section(out, `not UTF-8, read as latin-1 byte for byte (${report.nonUtf8.length})`, report.nonUtf8);
  const errors = new Map(report.errors.map((e) => [e.path, e.message]));
  section(
    out,
    c.red(`NOT identical (${report.different.length})`),
    report.different.map((p) => (errors.has(p) ? `${p}: ${errors.get(p)}` : p)),
  );

  out.line();
  if (report.different.length === 0) {
    out.line(c.green(`✓ all ${report.total} files read print back byte for byte`));
  } else {
    out.line(c.red(`✗ ${failureSummary(report)}`));
  }
}

function section(out: Output, title: string, lines: readonly string[]): void {
  if (lines.length === 0) return;
  out.line();
  out.line(`${out.color.bold(title)}:`);
  for (const l of lines) out.line(`  ${l}`);
}

/**
 * The skipped files counted by reason, most frequent first.
 *
 * @example
 * skippedByReason([{ path: 'a.png', reason: 'binary file (NUL byte)' }]); // => '1 binary file (NUL byte)'
 */
export function skippedByReason(skipped: RoundtripReport['skipped']): string {
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
}
