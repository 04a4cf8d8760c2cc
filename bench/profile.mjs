#!/usr/bin/env node
/**
 * CPU profile of one ansimod command on a bench tree, summarised: the functions with the most
 * self time (with file and line), the same by file, and the functions with the most inclusive time.
 * Every thread writes its own profile (worker threads inherit --cpu-prof); each is summarised, then
 * all of them together.
 *
 * Usage:
 *   node bench/profile.mjs [--cmd roundtrip] [--size 5000 | --repo DIR] [--top 25] [--cli path/to/bin.js]
 *   node bench/profile.mjs --summarise file.cpuprofile...     (summarise existing profiles)
 *
 * @example
 *   npm run build && node bench/profile.mjs --cmd roundtrip --size 5000
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, ensureTree } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/**
 * Self and inclusive time per function of one or more .cpuprofile files.
 *
 * @example
 *   const s = summariseProfiles([JSON.parse(readFileSync('CPU.cpuprofile', 'utf8'))]);
 *   s.self[0]; // => { key: 'scanJinja packages/core/dist/jinja/scanner.js:40', ms: 812.3 }
 */
export function summariseProfiles(profiles) {
  const self = new Map();
  const inclusive = new Map();
  const byFile = new Map();
  let totalMs = 0;
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  for (const p of profiles) {
    const parent = new Map();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const keyOf = new Map();
    const fileOf = new Map();
    for (const n of p.nodes) {
      const f = n.callFrame;
      const url = f.url ? shortUrl(f.url) : '';
      keyOf.set(n.id, `${f.functionName || '(anonymous)'}${url ? ` ${url}:${f.lineNumber + 1}` : ''}`);
      fileOf.set(n.id, url || f.functionName || '(native)');
    }
    // timeDeltas[i] is the time before sample i; the time after it (delta i+1) is what it stands for.
    for (let i = 0; i < p.samples.length; i++) {
      const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
      if (ms <= 0) continue;
      const id = p.samples[i];
      totalMs += ms;
      add(self, keyOf.get(id), ms);
      add(byFile, fileOf.get(id), ms);
      const seen = new Set();
      for (let n = id; n !== undefined; n = parent.get(n)) {
        const k = keyOf.get(n);
        if (!seen.has(k)) {
          seen.add(k);
          add(inclusive, k, ms);
        }
      }
    }
  }
  const sorted = (m) => [...m].map(([key, ms]) => ({ key, ms })).sort((a, b) => b.ms - a.ms);
  return { totalMs, self: sorted(self), byFile: sorted(byFile), inclusive: sorted(inclusive) };
}

function shortUrl(url) {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(root) ? relative(root, path) : path.replace(/^node:/, 'node:');
}

function printSummary(title, s, top) {
  const pct = (ms) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)} %`;
  const row = (e) => `  ${e.ms.toFixed(0).padStart(7)} ms ${pct(e.ms)}  ${e.key}`;
  console.log(`\n== ${title}: ${s.totalMs.toFixed(0)} ms of samples`);
  console.log('-- self time by function');
  for (const e of s.self.slice(0, top)) console.log(row(e));
  console.log('-- self time by file');
  for (const e of s.byFile.slice(0, Math.min(top, 15))) console.log(row(e));
  console.log('-- inclusive time by function (excluding the top-level frames)');
  for (const e of s.inclusive.filter((e) => !/^\((root|program)\)/.test(e.key)).slice(0, top)) console.log(row(e));
}

function parseArgs(argv) {
  const o = { cmd: 'roundtrip', size: 5000, repo: undefined, top: 25, cli: join(root, 'packages/cli/dist/bin.js'), summarise: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--cmd') o.cmd = argv[++i];
    else if (a === '--size') o.size = Number(argv[++i]);
    else if (a === '--repo') o.repo = resolve(argv[++i]);
    else if (a === '--top') o.top = Number(argv[++i]);
    else if (a === '--cli') o.cli = resolve(argv[++i]);
    else if (a === '--summarise') o.summarise = argv.slice(i + 1);
    else throw new Error(`unknown option ${a}`);
    if (o.summarise) break;
  }
  return o;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  let files = o.summarise;
  if (!files) {
    if (!existsSync(o.cli)) throw new Error(`no CLI at ${o.cli} (run npm run build)`);
    const tree = o.repo ?? ensureTree({ size: o.size, seed: DEFAULT_SEED }).dir;
    const dir = join(here, 'out', 'profiles', `${o.cmd}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    const res = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, o.cli, o.cmd, '--repo', tree], {
      cwd: root, encoding: 'utf8', maxBuffer: 256 << 20,
    });
    const wall = performance.now() - t0;
    console.log(`${o.cmd} --repo ${tree}: exit ${res.status}, ${wall.toFixed(0)} ms wall (with profiler)`);
    if (res.status !== 0 && res.stderr) console.log(res.stderr.split('\n').slice(0, 5).join('\n'));
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
    console.log(`profiles in ${dir}`);
  }
  const profiles = files.map((f) => ({ f, p: JSON.parse(readFileSync(f, 'utf8')) }));
  // The thread that ran longest first: the main thread, usually.
  profiles.sort((a, b) => (b.p.endTime - b.p.startTime) - (a.p.endTime - a.p.startTime));
  for (const { f, p } of profiles) printSummary(relative(root, f), summariseProfiles([p]), o.top);
  if (profiles.length > 1) printSummary(`all ${profiles.length} threads`, summariseProfiles(profiles.map((x) => x.p)), o.top);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (e) {
    console.error(`profile: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  }
}
