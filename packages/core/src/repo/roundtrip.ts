/**
 * The repository round-trip check: every file is parsed and printed back in memory, and the
 * printed bytes are compared with the bytes on disk. Nothing is written.
 */
import type { FormatName } from '../formats/types.js';
import type { FileRoundtrip } from './roundtrip-file.js';
import { defaultThreadCount, RoundtripPool, workerScript } from './roundtrip-pool.js';
import { sortByPath, walkRepository, type SkippedFile } from './walk.js';

/**
 * Per-format counts. A file that fell back to text counts under the format it was detected as
 * (`files` incremented, `structured` not), so the table shows how many YAML files the YAML
 * adapter really handled.
 *
 * @example
 * const tally: FormatTally = { files: 120, structured: 118, identical: 120 };
 */
export interface FormatTally {
  /** Files read as (or detected as) this format. */
  files: number;
  /** Of those, parsed as the format (not fallen back to text). */
  structured: number;
  /** Of those, printed back byte for byte. */
  identical: number;
}

/**
 * A file that looked like a format but was read as text, and why.
 *
 * @example
 * const f: FallbackEntry = { path: 'roles/x/templates/a.yml', format: 'yaml', reason: 'Jinja inside a flow mapping', line: 12 };
 */
export interface FallbackEntry {
  path: string;
  format: FormatName;
  reason: string;
  line?: number;
}

/**
 * The round-trip report (issue 2 item 6). `total` counts files read (not skipped); `identical`
 * those printed back byte for byte. Paths are relative to the repository, in byte order.
 *
 * @example
 * const report = await roundtripRepository('/tmp/ansible');
 * report.total === report.identical; // => true when every file prints back exactly
 */
export interface RoundtripReport {
  total: number;
  identical: number;
  /** Files not read: symlinks, binary files, unreadable entries. */
  skipped: SkippedFile[];
  byFormat: Record<FormatName, FormatTally>;
  fallbacks: FallbackEntry[];
  /** Files read whose printed bytes differ from the original (a bug in an adapter). */
  different: string[];
  /** Text files that are not valid UTF-8, read as latin-1 byte for byte (a warning). */
  nonUtf8: string[];
  /** Files whose parsing or printing threw (each also listed in `different`). */
  errors: { path: string; message: string }[];
}

/**
 * Options for {@link roundtripRepository}.
 *
 * @example
 * await roundtripRepository('.', { workers: 0 }); // everything on the main thread
 */
export interface RoundtripOptions {
  /** Called after the walk with the number of files found, then as files are checked. */
  onProgress?: (event: { phase: 'walk' | 'check'; done: number; total?: number }) => void;
  /**
   * Threads checking files, the calling thread included. `undefined` (default): one per core when
   * the tree has more than `workerThreshold` files and the compiled worker exists, otherwise the
   * calling thread alone. 0 or 1: the calling thread alone. 2 or more: the calling thread and
   * `workers - 1` worker threads (an error if the worker is unavailable).
   */
  workers?: number;
  /** Files above which the default uses worker threads. Default 500. */
  workerThreshold?: number;
}

const FORMATS: readonly FormatName[] = ['yaml', 'ini', 'json', 'conf', 'text'];

/**
 * Walks the repository and round-trips every file, on worker threads too for large trees. The
 * report is the same whichever threads ran.
 *
 * @example
 * const report = await roundtripRepository('/tmp/ansible', { onProgress: (e) => console.error(e.done) });
 * console.log(`${report.identical}/${report.total} identical`);
 */
export async function roundtripRepository(root: string, opts: RoundtripOptions = {}): Promise<RoundtripReport> {
  const threshold = opts.workerThreshold ?? 500;
  const auto = opts.workers === undefined && workerScript() !== undefined;
  // Workers are started as soon as they are known to be wanted (explicitly, or when the walk
  // passes the threshold), so that they load the parsers while the walk goes on.
  let pool: RoundtripPool | undefined;
  const startPool = (threads: number): RoundtripPool => (pool ??= RoundtripPool.start(threads - 1));
  if (opts.workers !== undefined) startPool(Math.max(1, opts.workers));
  try {
    const walk = await walkRepository(root, {
      onProgress: (n) => {
        if (auto && n > threshold) startPool(defaultThreadCount(n));
        opts.onProgress?.({ phase: 'walk', done: n });
      },
    });
    const total = walk.files.length;
    const progress = (done: number): void => opts.onProgress?.({ phase: 'check', done, total });
    startPool(auto && total > threshold ? defaultThreadCount(total) : 1);
    const results = await (pool as RoundtripPool).run(walk.files, progress);
    return buildRoundtripReport(walk.skipped, results);
  } finally {
    await (pool as RoundtripPool | undefined)?.close();
  }
}

/**
 * Folds per-file outcomes (in walk order) and the walk's skipped entries into a report.
 *
 * @example
 * buildRoundtripReport([], [{ kind: 'read', path: 'a.yml', format: 'yaml', structured: true, identical: true, encoding: 'utf8' }]);
 * // => { total: 1, identical: 1, byFormat: { yaml: { files: 1, structured: 1, identical: 1 }, … }, … }
 */
export function buildRoundtripReport(walkSkipped: readonly SkippedFile[], results: readonly FileRoundtrip[]): RoundtripReport {
  const byFormat = Object.fromEntries(FORMATS.map((f) => [f, { files: 0, structured: 0, identical: 0 }])) as Record<
    FormatName,
    FormatTally
  >;
  const report: RoundtripReport = {
    total: 0,
    identical: 0,
    skipped: [...walkSkipped],
    byFormat,
    fallbacks: [],
    different: [],
    nonUtf8: [],
    errors: [],
  };
  for (const r of results) {
    if (r.kind === 'skipped') {
      report.skipped.push({ path: r.path, reason: r.reason });
      continue;
    }
    report.total++;
    const tally = byFormat[r.format];
    tally.files++;
    if (r.structured) tally.structured++;
    if (r.identical) {
      report.identical++;
      tally.identical++;
    } else {
      report.different.push(r.path);
    }
    if (r.encoding === 'latin1') report.nonUtf8.push(r.path);
    if (r.fallback) report.fallbacks.push({ path: r.path, ...r.fallback });
    if (r.error !== undefined) report.errors.push({ path: r.path, message: r.error });
  }
  report.skipped = sortByPath(report.skipped);
  return report;
}
