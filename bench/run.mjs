#!/usr/bin/env node
/**
 * `npm run bench`: ansimod side by side with the tools people use today, on synthetic trees of
 * 5,000 and 50,000 files (bench/generate.mjs) or on a real tree (--repo DIR).
 *
 * Columns (each run as its own process, repeated, interleaved so drift hits all alike):
 *   plan       ansimod plan --repo T               vs  grep    grep -rlE '<registry hosts>' T
 *   roundtrip  ansimod roundtrip --repo T          vs  ruamel  ruamel.yaml round trip of T's YAML files
 *   fqcn       ansimod plan --recipe fqcn --repo T vs  grep-fqcn  grep -rlE '<short builtin module keys>' T
 *   datacenter-move   ansimod plan --recipe datacenter-move --repo T   vs  grep-hosts      grep -rlE '<iad2 hosts>' T
 *   templates-j2      ansimod plan --recipe templates-j2 --repo T      vs  grep-templates  grep -rlE '<YAML file names>' T
 *   rename-variables  ansimod plan --recipe rename-variables --map ks_server=kickstart_server --repo T
 *                                                                       vs  grep-variable   grep -rlwE 'ks_server' T
 * For each: median wall time with min–max over the repetitions, and the peak RSS of the process
 * (GNU time's %M where available, otherwise VmHWM polled from /proc). A command that is missing
 * or not implemented yet shows as "not available" with the reason; the bench never crashes on it.
 *
 * Usage:
 *   node bench/run.mjs [--reps 5] [--sizes 5000,5000+52,50000 | --quick] [--repo DIR]... [--seed S]
 *                      [--columns plan,grep,roundtrip,ruamel,fqcn,grep-fqcn,...] [--no-warmup] [--timeout 900]
 *                      [--pattern ERE] [--cli path/to/bin.js]
 * Results: a table on stdout and bench/out/results.json (logs of the last repetition in bench/out/logs/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, DEFAULT_SIZES, ensureTree, parseTreeSpec } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const OUT = join(here, 'out');
const LOGS = join(OUT, 'logs');

/**
 * Padding (MB) that brings the 5,000-file tree (16.5 MB) to the byte volume of the public Fedora
 * infrastructure repository (~4,800 files, 69 MB): there grep reads four times more bytes.
 */
const FEDORA_PAD_MB = 52;

/**
 * What grep is asked for beside the fqcn recipe: a line naming a short builtin module as a key
 * (`copy:`, `- file:`), the modules from the Ansible layer's shipped ansible-core list.
 */
const FQCN_PATTERN = (() => {
  const data = JSON.parse(readFileSync(join(root, 'packages/core/src/ansible/data/ansible-core.json'), 'utf8'));
  return `^[[:space:]]*(-[[:space:]]+)*(${data.modules.join('|')}):`;
})();

/**
 * The cross-file renames of issue 14 and what grep is asked for beside each: the hosts that move
 * (`*.iad2.fedoraproject.org`, the datacenter-move recipe's default), the names of YAML files
 * (what a reference to a role's YAML template would contain), and the variable renamed
 * (`ks_server`, used ~1,500 times in the synthetic trees), as a whole word.
 */
const RENAMES = {
  'datacenter-move': { grepId: 'grep-hosts', grepLabel: 'grep -rlE <iad2 hosts>', pattern: String.raw`[A-Za-z0-9-]+\.iad2\.fedoraproject\.org`, args: [] },
  'templates-j2': { grepId: 'grep-templates', grepLabel: 'grep -rlE <YAML file names>', pattern: String.raw`[A-Za-z0-9_-]+\.ya?ml\b`, args: [] },
  'rename-variables': { grepId: 'grep-variable', grepLabel: 'grep -rlwE ks_server', pattern: 'ks_server', word: true, args: ['--map', 'ks_server=kickstart_server'] },
};

/** The registry hosts the flatpaks-to-quay recipe looks for, as grep would be asked for them. */
const DEFAULT_PATTERN = String.raw`registry(\.stg|\{\{ ?env_suffix ?\}\})?\.fedoraproject\.org`;

// ---------------------------------------------------------------------------------------------
// Options.

function parseArgs(argv) {
  const o = { reps: 5, sizes: undefined, repos: [], seed: DEFAULT_SEED, warmup: true, timeoutS: 900,
    pattern: DEFAULT_PATTERN, columns: ['plan', 'grep', 'roundtrip', 'ruamel', 'fqcn', 'grep-fqcn', ...Object.entries(RENAMES).flatMap(([id, r]) => [id, r.grepId])] };
  const value = (i) => {
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reps') o.reps = Number(value(i++));
    else if (a === '--sizes') o.sizes = value(i++).split(',').map(parseTreeSpec);
    else if (a === '--quick') o.sizes = [{ size: 5000, padMb: 0 }];
    else if (a === '--repo') o.repos.push(resolve(value(i++)));
    else if (a === '--seed') o.seed = value(i++);
    else if (a === '--no-warmup') o.warmup = false;
    else if (a === '--timeout') o.timeoutS = Number(value(i++));
    else if (a === '--pattern') o.pattern = value(i++);
    else if (a === '--columns') o.columns = value(i++).split(',');
    else if (a === '--cli') o.cli = resolve(value(i++));
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error('--reps must be a positive integer');
  if (o.sizes?.some((s) => s.size < 200)) throw new Error('--sizes: at least 200 files');
  const known = ['plan', 'grep', 'roundtrip', 'ruamel', 'fqcn', 'grep-fqcn', ...Object.entries(RENAMES).flatMap(([id, r]) => [id, r.grepId])];
  for (const c of o.columns) if (!known.includes(c)) throw new Error(`unknown column ${c} (known: ${known.join(', ')})`);
  // A real tree alone is the usual intent of --repo; synthetic sizes only when asked for as well.
  // By default: 5,000 files, the same padded to a real repository's byte volume, and 50,000.
  o.sizes ??= o.repos.length ? [] : [{ size: DEFAULT_SIZES[0], padMb: 0 }, { size: DEFAULT_SIZES[0], padMb: FEDORA_PAD_MB }, ...DEFAULT_SIZES.slice(1).map((size) => ({ size, padMb: 0 }))];
  return o;
}

// ---------------------------------------------------------------------------------------------
// Environment probes.

/** GNU time (for %M, the peak RSS in KB) if present, else /proc polling, else nothing. */
function detectRssMethod() {
  const probe = join(tmpdir(), `ansimod-bench-time-${process.pid}`);
  const res = spawnSync('/usr/bin/time', ['-f', '%M', '-o', probe, 'true']);
  const ok = res.status === 0 && existsSync(probe) && /^\d+\s*$/.test(readFileSync(probe, 'utf8'));
  rmSync(probe, { force: true });
  if (ok) return { kind: 'gnu-time', label: '/usr/bin/time -f %M (exact peak RSS)' };
  if (existsSync('/proc/self/status')) return { kind: 'proc', label: 'VmHWM polled from /proc every 2 ms (approximate)' };
  return { kind: 'none', label: 'not measured (no GNU time, no /proc)' };
}

/** The first Python that can import ruamel.yaml, with its versions. */
function detectRuamel() {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const res = spawnSync(py, ['-c', 'import sys, ruamel.yaml; print(ruamel.yaml.__version__, sys.version.split()[0])'], { encoding: 'utf8' });
    if (res.status === 0) {
      const [ruamel, python] = res.stdout.trim().split(' ');
      return { python: py, ruamel, pythonVersion: python };
    }
  }
  return undefined;
}

/** The built CLI, and whether it dispatches on command names at all (the early skeleton does not). */
function detectCli(explicit) {
  const candidates = explicit ? [explicit] : [join(root, 'packages/cli/dist/bin.js'), join(root, 'node_modules/.bin/ansimod')];
  const bin = candidates.find((p) => existsSync(p));
  if (!bin) return { bin: undefined, note: explicit ? `no CLI at ${explicit}` : 'CLI not built (run npm run build)' };
  const probe = spawnSync(process.execPath, [bin, '__ansimod_bench_no_such_command__'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status === 0) return { bin, note: 'the CLI accepts any command name (commands not wired yet)' };
  return { bin, note: undefined };
}

function gitCommit() {
  const res = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

// ---------------------------------------------------------------------------------------------
// Measuring one process.

/**
 * Runs argv once; wall time from spawn to exit, peak RSS in KB, exit code. stdout/stderr go to
 * files so a large output costs the measured process what writing a file costs, nothing more.
 */
async function measure(argv, { rss, stdoutPath, stderrPath, timeoutS }) {
  const out = openSync(stdoutPath, 'w');
  const err = openSync(stderrPath, 'w');
  const rssFile = `${stdoutPath}.rss`;
  // GNU time also gives the CPU time (user and system seconds) the process and its threads used.
  const full = rss.kind === 'gnu-time' ? ['/usr/bin/time', '-f', '%U %S %M', '-o', rssFile, '--', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const child = spawn(full[0], full.slice(1), { cwd: root, stdio: ['ignore', out, err] });
  let polledKb = 0;
  const poll = rss.kind === 'proc' ? setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) polledKb = Math.max(polledKb, Number(m[1]));
    } catch { /* the process just exited */ }
  }, 2) : undefined;
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutS * 1000);
  const { code, signal } = await new Promise((res) => {
    child.on('error', (e) => res({ code: 127, signal: null, error: e }));
    child.on('exit', (c, s) => res({ code: c, signal: s }));
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  clearTimeout(timer);
  if (poll) clearInterval(poll);
  closeSync(out);
  closeSync(err);
  let rssKb = rss.kind === 'proc' ? polledKb || undefined : undefined;
  let cpuMs;
  if (rss.kind === 'gnu-time' && existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the format line.
    const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop();
    const fields = /^([\d.]+) ([\d.]+) (\d+)$/.exec(last ?? '');
    if (fields) {
      cpuMs = (Number(fields[1]) + Number(fields[2])) * 1000;
      rssKb = Number(fields[3]);
    }
    rmSync(rssFile, { force: true });
  }
  return { wallMs, rssKb, cpuMs, code, signal, timedOut };
}

function tail(path, max = 4000) {
  try {
    const buf = readFileSync(path);
    return buf.subarray(Math.max(0, buf.length - max)).toString('utf8');
  } catch {
    return '';
  }
}

function lastLine(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const l = lines.at(-1) ?? '';
  return l.length > 90 ? `${l.slice(0, 87)}...` : l;
}

// ---------------------------------------------------------------------------------------------
// Columns.

/**
 * A column: how to run it on a tree, whether it can run here, how to judge and summarise a run.
 * `judge` returns undefined for a completed run, or { status: 'unavailable' | 'failed', note }.
 */
function makeColumns(env, opts) {
  // The CLI's documented exit codes: 0 done, 1 changes pending, 2 usage error, 3 bad input, 4 internal error.
  // For roundtrip, 3 is an outcome of a complete run (some file does not print back identically);
  // for plan it means the run stopped early (a target that does not parse, failed verification).
  const completeCodes = { plan: [0, 1], roundtrip: [0, 1, 3] };
  // A rename recipe's plan also completes with exit 3: verification found a change it cannot
  // vouch for in the synthetic tree (the result column shows the exit code).
  const ansimod = (cmd, recipe, args = [], codes = completeCodes[cmd]) => ({
    id: recipe ?? cmd,
    label: `ansimod ${cmd}${recipe ? ` --recipe ${recipe}` : ''}${args.length ? ` ${args.join(' ')}` : ''}`,
    unavailable: !env.cli.bin || env.cli.note ? env.cli.note : undefined,
    argv: (tree) => [process.execPath, env.cli.bin, cmd, '--repo', tree, ...(recipe ? ['--recipe', recipe] : []), ...args],
    judge: ({ code, signal, timedOut }, stdout, stderr) => {
      if (timedOut) return { status: 'failed', note: `timed out after ${opts.timeoutS} s` };
      if (signal) return { status: 'failed', note: `killed by ${signal}` };
      const text = `${stderr}\n${stdout}`;
      const crashed = /^\s+at .+:\d+:\d+\)?$/m.test(stderr);
      if (codes.includes(code) && !crashed) return undefined;
      if (/unknown (sub)?command|unrecognized command|not (yet )?implemented|no such command/i.test(text)) {
        return { status: 'unavailable', note: lastLine(text.split('\n').find((l) => /command|implemented/i.test(l)) ?? text) };
      }
      const message = stderr.split('\n').find((l) => l.startsWith('ansimod:')) ?? stderr.split(/\n\s+at /)[0];
      return { status: 'failed', note: `exit ${code}: ${lastLine(message || stdout)}` };
    },
    summary: (stdout, stderr) => {
      // The totals row of the command's report when it prints one, and its one-line verdict on stderr.
      // Named by the table's header row: "total 4936 4424 4936" reads "4936 files, 4424 structured, 4936 identical".
      const lines = stdout.split('\n').map((l) => l.trim());
      const total = lines.find((l) => /^total\s+\d/.test(l))?.split(/\s+/).slice(1);
      const header = lines.find((l) => /^format\s/.test(l))?.split(/\s+/).slice(1);
      const totals = total && (header?.length === total.length ? total.map((n, i) => `${n} ${header[i]}`).join(', ') : total.join(' '));
      // Progress lines end in \r; the verdict is the last real line on stderr ("… would change 6 files …").
      const verdict = lastLine(stderr.split('\n').map((l) => l.split('\r').at(-1) ?? '').join('\n'));
      const parts = [totals, verdict].filter(Boolean);
      return parts.length ? parts.join('; ') : lastLine(stdout);
    },
  });
  const grep = {
    id: 'grep',
    label: 'grep -rlE <hosts>',
    unavailable: spawnSync('grep', ['--version']).status === 0 ? undefined : 'grep not found',
    argv: (tree) => ['grep', '-rlE', opts.pattern, tree],
    judge: ({ code, signal, timedOut }, _o, stderr) =>
      timedOut || signal || code > 1 ? { status: 'failed', note: `exit ${code ?? signal}: ${lastLine(stderr)}` } : undefined,
    summary: (stdout) => `${stdout.split('\n').filter(Boolean).length} files matched`,
  };
  const ruamel = {
    id: 'ruamel',
    label: 'ruamel.yaml round trip',
    unavailable: env.ruamel ? undefined : 'ruamel.yaml not installed (apt-get install -y python3-ruamel.yaml)',
    argv: (tree) => [env.ruamel.python, join(here, 'ruamel_roundtrip.py'), tree],
    judge: ({ code, signal, timedOut }, _o, stderr) =>
      timedOut || signal || code !== 0 ? { status: 'failed', note: `exit ${code ?? signal}: ${lastLine(stderr)}` } : undefined,
    summary: (stdout) => {
      try {
        const s = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
        return `${s.files} YAML files: ${s.unchanged} unchanged, ${s.changed} changed, ${s.failed} failed`;
      } catch {
        return lastLine(stdout);
      }
    },
  };
  const grepFqcn = { ...grep, id: 'grep-fqcn', label: 'grep -rlE <short module keys>', argv: (tree) => ['grep', '-rlE', FQCN_PATTERN, tree] };
  const all = { plan: ansimod('plan'), grep, roundtrip: ansimod('roundtrip'), ruamel, fqcn: ansimod('plan', 'fqcn'), 'grep-fqcn': grepFqcn };
  for (const [id, r] of Object.entries(RENAMES)) {
    all[id] = ansimod('plan', id, r.args, [0, 1, 3]);
    all[r.grepId] = { ...grep, id: r.grepId, label: r.grepLabel, argv: (tree) => ['grep', r.word ? '-rlwE' : '-rlE', r.pattern, tree] };
  }
  return opts.columns.map((id) => all[id]);
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting.

function stats(values) {
  const v = values.filter((x) => x !== undefined).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v.at(-1), n: v.length };
}

const fmtTime = (ms) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const fmtMb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MB`);
const fmtRatio = (x) => (x === undefined ? 'n/a' : x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`);

function treeInfo(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        files++;
        if (e.isFile()) bytes += lstatSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

// ---------------------------------------------------------------------------------------------
// Main.

async function benchTree(tree, columns, env, opts) {
  const results = columns.map((col) => ({ column: col.id, label: col.label, status: col.unavailable ? 'unavailable' : 'ok',
    note: col.unavailable, wallMs: [], rssKb: [], cpuMs: [], exitCodes: [], summary: undefined }));
  const runOnce = async (i, counted) => {
    const col = columns[i];
    const res = results[i];
    const base = join(LOGS, `${tree.label.replace(/[^\w.-]+/g, '_')}.${col.id}`);
    const m = await measure(col.argv(tree.dir), { rss: env.rss, stdoutPath: `${base}.stdout`, stderrPath: `${base}.stderr`, timeoutS: opts.timeoutS });
    // Whole outputs: grep's file list or a plan can be long, and summaries count lines in them.
    const stdout = tail(`${base}.stdout`, 64 << 20);
    const stderr = tail(`${base}.stderr`, 64 << 20);
    const verdict = col.judge(m, stdout, stderr);
    if (verdict) {
      Object.assign(res, verdict);
      return;
    }
    res.summary = col.summary(stdout, stderr);
    if (counted) {
      res.wallMs.push(Math.round(m.wallMs * 10) / 10);
      if (m.rssKb !== undefined) res.rssKb.push(m.rssKb);
      if (m.cpuMs !== undefined) res.cpuMs.push(Math.round(m.cpuMs));
      res.exitCodes.push(m.code);
    }
  };
  if (opts.warmup) {
    // Fills the page cache and finds commands that do not run, so no repetition is wasted on them.
    for (let i = 0; i < columns.length; i++) if (results[i].status === 'ok') await runOnce(i, false);
  }
  for (let rep = 0; rep < opts.reps; rep++) {
    process.stderr.write(`  ${tree.label}: repetition ${rep + 1}/${opts.reps}\r`);
    for (let i = 0; i < columns.length; i++) if (results[i].status === 'ok') await runOnce(i, true);
  }
  process.stderr.write('\n');
  for (const r of results) {
    r.wall = stats(r.wallMs);
    r.rss = stats(r.rssKb);
    r.cpu = stats(r.cpuMs);
  }
  return results;
}

function ratio(results, a, b, key) {
  const ra = results.find((r) => r.column === a);
  const rb = results.find((r) => r.column === b);
  const x = ra?.[key]?.median;
  const y = rb?.[key]?.median;
  return x !== undefined && y ? x / y : undefined;
}

function printTree(tree, results) {
  console.log(`\n${tree.label}: ${tree.files} files, ${(tree.bytes / 1e6).toFixed(1)} MB  (${tree.dir})`);
  const rows = [['column', 'wall median (min–max)', 'peak RSS', 'result']];
  for (const r of results) {
    if (r.status !== 'ok' || !r.wall) rows.push([r.label, r.status === 'failed' ? 'FAILED' : 'not available', '', r.note ?? '']);
    else rows.push([r.label, `${fmtTime(r.wall.median)} (${fmtTime(r.wall.min)}–${fmtTime(r.wall.max)})`, fmtMb(r.rss?.median),
      `${r.summary ?? ''}${r.exitCodes.some((c) => c !== 0) ? ` [exit ${[...new Set(r.exitCodes)].join('/')}]` : ''}`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(`  ${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`);
  const ratios = {
    planVsGrep: ratio(results, 'plan', 'grep', 'wall'),
    fqcnVsGrep: ratio(results, 'fqcn', 'grep-fqcn', 'wall'),
    ...Object.fromEntries(Object.entries(RENAMES).map(([id, r]) => [`${id}VsGrep`, ratio(results, id, r.grepId, 'wall')])),
    fqcnCpuVsGrep: ratio(results, 'fqcn', 'grep-fqcn', 'cpu'),
    ...Object.fromEntries(Object.entries(RENAMES).map(([id, r]) => [`${id}CpuVsGrep`, ratio(results, id, r.grepId, 'cpu')])),
    roundtripVsRuamel: ratio(results, 'roundtrip', 'ruamel', 'wall'),
    planRssVsGrep: ratio(results, 'plan', 'grep', 'rss'),
    roundtripRssVsRuamel: ratio(results, 'roundtrip', 'ruamel', 'rss'),
  };
  // CPU time (user + system, all threads; GNU time only): what a loaded machine does not inflate as much as wall time.
  const cpu = results.filter((r) => r.status === 'ok' && r.cpu).map((r) => `${r.label} ${fmtTime(r.cpu.median)}`);
  if (cpu.length) {
    console.log(`  CPU time medians (user+sys): ${cpu.join(', ')}; fqcn/grep ${fmtRatio(ratios.fqcnCpuVsGrep)}, ` +
      Object.keys(RENAMES).map((id) => `${id}/grep ${fmtRatio(ratios[`${id}CpuVsGrep`])}`).join(', '));
  }
  console.log(`  ratios: time plan/grep ${fmtRatio(ratios.planVsGrep)}, fqcn/grep ${fmtRatio(ratios.fqcnVsGrep)}, ` +
    Object.keys(RENAMES).map((id) => `${id}/grep ${fmtRatio(ratios[`${id}VsGrep`])}, `).join('') +
    `roundtrip/ruamel ${fmtRatio(ratios.roundtripVsRuamel)}; ` +
    `peak RSS plan/grep ${fmtRatio(ratios.planRssVsGrep)}, roundtrip/ruamel ${fmtRatio(ratios.roundtripRssVsRuamel)}`);
  return ratios;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(LOGS, { recursive: true });
  const env = { rss: detectRssMethod(), ruamel: detectRuamel(), cli: detectCli(opts.cli) };
  const columns = makeColumns(env, opts);
  console.log(`ansimod bench: ${opts.reps} repetitions${opts.warmup ? ' after one warm-up run' : ''}; node ${process.version}; ` +
    `${env.ruamel ? `ruamel.yaml ${env.ruamel.ruamel} (python ${env.ruamel.pythonVersion})` : 'no ruamel.yaml'}; ` +
    `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; peak RSS: ${env.rss.label}`);

  const load = () => loadavg()[0];
  const loadAtStart = load();
  if (loadAtStart > cpus().length / 2) {
    console.log(`warning: load average ${loadAtStart.toFixed(1)} on ${cpus().length} cores; other work will widen the spread`);
  }

  const trees = [];
  for (const { size, padMb } of opts.sizes) {
    const t = ensureTree({ size, padMb, seed: opts.seed, log: (m) => process.stderr.write(`${m}\n`) });
    trees.push({ label: `synthetic-${size}${padMb ? `+${padMb}MB` : ''}`, size, padMb, dir: t.dir, files: t.files, bytes: t.bytes, digest: t.digest, generatedMs: t.generated ? t.ms : undefined });
  }
  for (const dir of opts.repos) {
    if (!existsSync(dir)) throw new Error(`--repo ${dir}: no such directory`);
    trees.push({ label: `repo-${basename(dir)}`, dir, ...treeInfo(dir) });
  }

  const report = [];
  for (const tree of trees) {
    const results = await benchTree(tree, columns, env, opts);
    const ratios = printTree(tree, results);
    report.push({ tree, results: results.map(({ wallMs, rssKb, ...rest }) => ({ ...rest, samples: { wallMs, rssKb } })), ratios });
  }

  // Scaling: how time grows from the smallest synthetic tree to the largest (10× the files -> ~10× is linear).
  // Unpadded trees only: padding changes bytes, not files.
  const synth = report.filter((r) => r.tree.size !== undefined && !r.tree.padMb).sort((a, b) => a.tree.size - b.tree.size);
  const scaling = {};
  if (synth.length >= 2) {
    const [small, large] = [synth[0], synth.at(-1)];
    const tag = `time(${large.tree.size / 1000}k)/time(${small.tree.size / 1000}k)`;
    const parts = [];
    for (const col of columns) {
      const a = small.results.find((r) => r.column === col.id)?.wall?.median;
      const b = large.results.find((r) => r.column === col.id)?.wall?.median;
      scaling[col.id] = a && b ? b / a : undefined;
      parts.push(`${col.id} ${fmtRatio(scaling[col.id])}`);
    }
    console.log(`\nscaling ${tag} (files ×${(large.tree.files / small.tree.files).toFixed(0)}): ${parts.join(', ')}`);
  }

  const results = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    ruamel: env.ruamel ?? null,
    rssMethod: env.rss.kind,
    loadAverage: { start: loadAtStart, end: load() },
    options: { reps: opts.reps, warmup: opts.warmup, seed: opts.seed, pattern: opts.pattern, columns: opts.columns },
    trees: report,
    scaling,
  };
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`\nfigures written to ${join(OUT, 'results.json')}; outputs of the last repetition in ${LOGS}/`);
}

main().catch((e) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});
