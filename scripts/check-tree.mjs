#!/usr/bin/env node
/**
 * Checks ansimod against a real Ansible tree: `npm run check:tree -- DIR`.
 *
 * Not part of `npm test` (which must pass on a clone with nothing beside it); this is how the
 * real-world checks the test suite once made on `../shared/reference` are made now, on any
 * tree you have. The tree is copied into a temporary git repository first and never written.
 *
 * 1. `ansimod roundtrip`: every file parses and prints back byte for byte.
 * 2. Every template (under `templates/`, or `*.j2`) renders for every environment the
 *    inventory gives.
 * 3. `ansimod plan --json` and `ansimod audit --json` succeed.
 * 4. `patch --signoff -o FILE`, then `git am` in a clone, gives exactly the tree `apply` gives,
 *    and `check` is clean there; `patch --split` gives a series that `git am` applies in order
 *    to the same tree.
 * 5. No file of this repository's `fixtures/ansible` is a byte-for-byte copy of the tree's
 *    file at the same path (the fixtures are our own).
 *
 * Prints one line per check and exits 0 when all pass, 1 when one fails, 2 on a usage error.
 * Run `npm run build` first.
 *
 * @example
 *   npm run check:tree -- ~/src/fedora-infra-ansible
 *   npm run check:tree -- ~/src/ansible --recipe flatpaks-to-quay
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages/cli/bin/ansimod.js');
const coreEntry = join(root, 'packages/core/dist/index.js');

const usage = 'usage: npm run check:tree -- DIR [--recipe NAME|FILE] [--keep]';
const argv = process.argv.slice(2);
let dir;
let keep = false;
const recipeArgs = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--keep') keep = true;
  else if (a === '--recipe' && argv[i + 1]) recipeArgs.push('--recipe', argv[++i]);
  else if (a === '-h' || a === '--help') {
    console.log(usage);
    process.exit(0);
  } else if (!a.startsWith('-') && dir === undefined) dir = resolve(a);
  else {
    console.error(`check-tree: unexpected argument ${a}\n${usage}`);
    process.exit(2);
  }
}
if (dir === undefined || !existsSync(dir) || !statSync(dir).isDirectory()) {
  console.error(`check-tree: ${dir === undefined ? 'no directory given' : `${dir} is not a directory`}\n${usage}`);
  process.exit(2);
}
if (!existsSync(coreEntry) || !existsSync(join(root, 'packages/cli/dist/bin.js'))) {
  console.error('check-tree: ansimod is not built; run `npm run build` first');
  process.exit(2);
}

const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
const identity = ['-c', 'user.name=ansimod check-tree', '-c', 'user.email=check-tree@example.org'];
const git = (cwd, ...args) => execFileSync('git', [...identity, ...args], { cwd, env: gitEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const ansimod = (args, cwd = root) => spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...gitEnv, NO_COLOR: '1', GIT_AUTHOR_NAME: 'ansimod check-tree', GIT_AUTHOR_EMAIL: 'check-tree@example.org', GIT_COMMITTER_NAME: 'ansimod check-tree', GIT_COMMITTER_EMAIL: 'check-tree@example.org' }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

function walk(d) {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = join(d, e.name);
    if (e.isDirectory()) return e.name === '.git' ? [] : walk(p);
    return e.isFile() ? [p] : [];
  });
}
const rel = (base, p) => relative(base, p).split(sep).join('/');

function makeWritable(d) {
  chmodSync(d, 0o755);
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) makeWritable(p);
    else if (e.isFile()) chmodSync(p, statSync(p).mode | 0o600);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'ansimod-check-tree-'));
const repo = join(scratch, 'repo');
cpSync(dir, repo, { recursive: true, filter: (src) => !src.split(sep).includes('.git') });
makeWritable(repo);
git(repo, 'init', '-q');
git(repo, 'add', '-A');
git(repo, 'commit', '-q', '--no-verify', '-m', 'tree under check');
const clone = (name) => {
  const c = join(scratch, name);
  git(scratch, 'clone', '-q', repo, c);
  return c;
};

let failed = 0;
function report(ok, what, detail = '') {
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
}
const firstLines = (text, n = 8) => text.split('\n').filter(Boolean).slice(0, n).join('\n      ');

// 1. Round trip.
{
  const r = ansimod(['roundtrip', '--repo', repo, '--json']);
  const out = r.status === 0 ? JSON.parse(r.stdout) : undefined;
  report(r.status === 0, 'roundtrip: every file prints back byte for byte', r.status === 0 ? summarise(out) : `exit ${r.status}\n      ${firstLines(r.stdout + r.stderr)}`);
}
function summarise(json) {
  const counts = Object.entries(json).filter(([, v]) => typeof v === 'number');
  return counts.map(([k, v]) => `${k} ${v}`).join(', ');
}

// 2. Templates render in every environment.
{
  const core = await import(pathToFileURL(coreEntry).href);
  const envs = await core.discoverEnvironments(repo);
  const templates = walk(repo)
    .map((p) => rel(repo, p))
    .filter((p) => p.includes('/templates/') || p.endsWith('.j2'))
    .sort();
  const failures = [];
  for (const file of templates) {
    for (const env of envs) {
      const r = await core.renderTemplate(readFileSync(join(repo, file), 'utf8'), env.vars, {
        path: file,
        resolveInclude: (name, from) => {
          const p = join(repo, core.resolveIncludePath(name, from));
          return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
        },
      });
      if (!r.ok) failures.push(`${file} (${env.name}): ${r.diagnostic.message}`);
    }
  }
  report(failures.length === 0, `templates render: ${templates.length} template(s) × ${envs.length} environment(s) (${envs.map((e) => e.name).join(', ')})`, firstLines(failures.join('\n')));
}

// 3. plan and audit.
for (const cmd of ['plan', 'audit']) {
  const r = ansimod([cmd, '--repo', repo, '--json', ...recipeArgs]);
  let parsed = true;
  try {
    JSON.parse(r.stdout);
  } catch {
    parsed = false;
  }
  report(r.status === 0 && parsed, `${cmd} --json exits 0 with one JSON object`, r.status === 0 && parsed ? '' : `exit ${r.status}\n      ${firstLines(r.stderr || r.stdout)}`);
}

// 4. patch → git am gives the apply tree; check is clean after; the split series too.
{
  const applied = clone('applied');
  const a = ansimod(['apply', '--repo', applied, '--quiet', ...recipeArgs]);
  git(applied, 'add', '-A');
  const appliedTree = git(applied, 'write-tree');
  const changed = git(applied, 'diff', '--cached', '--name-only', 'HEAD');
  report(a.status === 0, `apply changes ${changed ? changed.split('\n').length : 0} file(s)`, a.status === 0 ? '' : `exit ${a.status}\n      ${firstLines(a.stderr)}`);

  const mail = join(scratch, 'change.patch');
  const p = ansimod(['patch', '--repo', repo, '--signoff', '-o', mail, ...recipeArgs]);
  if (p.status !== 0) report(false, 'patch --signoff -o FILE', `exit ${p.status}\n      ${firstLines(p.stderr)}`);
  else if (!changed) report(git(repo, 'status', '--porcelain') === '', 'patch: nothing to change, repository untouched');
  else {
    const c = clone('am');
    git(c, 'am', '-q', mail);
    const tree = git(c, 'rev-parse', 'HEAD^{tree}');
    const check = ansimod(['check', '--repo', c, '--quiet', ...recipeArgs]);
    report(tree === appliedTree && check.status === 0 && git(repo, 'status', '--porcelain') === '', 'patch --signoff, git am: the apply tree, and check is clean after', tree === appliedTree ? (check.status === 0 ? '' : `check exits ${check.status}`) : 'the trees differ');

    const series = join(scratch, 'series');
    const s = ansimod(['patch', '--repo', repo, '--split', '--signoff', '-o', series, ...recipeArgs]);
    if (s.status !== 0) report(false, 'patch --split', `exit ${s.status}\n      ${firstLines(s.stderr)}`);
    else {
      const files = readdirSync(series).sort();
      const cs = clone('am-series');
      git(cs, 'am', '-q', ...files.map((f) => join(series, f)));
      report(git(cs, 'rev-parse', 'HEAD^{tree}') === appliedTree, `patch --split: ${files.length} patch(es) that git am applies in order to the apply tree`);
    }
  }
}

// 5. The fixtures are our own.
{
  const fixtures = join(root, 'fixtures/ansible');
  const copies = walk(fixtures)
    .map((p) => rel(fixtures, p))
    .filter((p) => existsSync(join(dir, p)) && statSync(join(dir, p)).isFile() && readFileSync(join(dir, p)).equals(readFileSync(join(fixtures, p))));
  report(copies.length === 0, 'no file of fixtures/ansible is a copy of the same file in the tree', copies.join(', '));
}

if (keep) console.log(`kept ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
process.exit(failed ? 1 : 0);
