#!/usr/bin/env node
/**
 * Measures how often ansimod's embedded renderer agrees with ansible-core on a tree's real
 * templates: `npm run render:measure -- DIR`.
 *
 * The method is the one issue 12's owners use: every template of DIR (a file under a
 * `templates/` folder, or a `*.j2`) is rendered by ansible-core 2.14's `Templar.do_template`
 * (trim_blocks, trailing newlines kept — the bridge `--renderer ansible` uses) with the
 * production variables alone: `inventory/group_vars/all` (or `group_vars/all`), which Ansible
 * loads itself. ansimod renders the same template with the production environment
 * `discoverEnvironments` gives. Includes resolve beside the template (and in its role's
 * `templates/`). Lookups of files search as in the template task of the template's role (or
 * playbook): Ansible is given that `ansible_search_path`, DIR as its basedir; ansimod reads DIR.
 *
 * Counted:
 * - agreement: among the templates Ansible renders, those ansimod renders to the same bytes;
 * - undefined: among the templates in which Ansible finds an undefined variable, those ansimod
 *   flags (a failed render, or an output with undefined variables named) — every one must be;
 * - the templates Ansible fails otherwise are listed, not counted.
 * Each difference is printed with the first lines that differ. Exits 0 when everything agrees,
 * 1 otherwise, 2 on a usage error. Needs a build and ansible-core; never writes to DIR.
 *
 * @example
 *   npm run render:measure -- /tmp/fedora-copy
 *   npm run render:measure -- /tmp/fedora-copy --json > measure.json
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AnsibleBridge, discoverEnvironments, loadTemplateRenderer, lookupSearchBases, resolveIncludePath } from '../packages/core/dist/index.js';

const usage = 'usage: npm run render:measure -- DIR [--json] [--show N]';
const argv = process.argv.slice(2);
let dir;
let json = false;
let show = 12;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--json') json = true;
  else if (a === '--show' && argv[i + 1]) show = Number(argv[++i]);
  else if (a === '-h' || a === '--help') {
    console.log(usage);
    process.exit(0);
  } else if (!a.startsWith('-') && dir === undefined) dir = resolve(a);
  else {
    console.error(`render-measure: unexpected argument ${a}\n${usage}`);
    process.exit(2);
  }
}
if (dir === undefined || !existsSync(dir) || !statSync(dir).isDirectory()) {
  console.error(`render-measure: ${dir === undefined ? 'no DIR given' : `${dir} is not a folder`}\n${usage}`);
  process.exit(2);
}

/** Repository-relative paths of the templates, sorted. */
const templates = readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
  .filter((p) => !p.split('/').includes('.git') && (p.includes('templates/') || p.endsWith('.j2')))
  .sort();

const groupVars = ['inventory/group_vars/all', 'group_vars/all'].flatMap((g) =>
  ['', '.yml', '.yaml', '.json'].map((ext) => join(dir, g + ext)).filter((p) => existsSync(p)),
);
let production;
try {
  production = (await discoverEnvironments(dir))[0];
} catch (error) {
  const d = error?.diagnostic;
  console.error(`render-measure: ${d ? `${d.path}${d.line ? `:${d.line}` : ''}: ${d.message}` : String(error)}`);
  process.exit(2);
}
const bridge = await AnsibleBridge.start({ timeoutMs: 60_000 });
if (!(bridge instanceof AnsibleBridge)) {
  console.error(`render-measure: ${bridge.message}`);
  process.exit(2);
}
const renderer = await loadTemplateRenderer();

/** The folder a role's templates live in, for a path inside a role. */
function roleTemplates(path) {
  const m = /^(.*?roles\/[^/]+(?:\/[^/]+)*?)\/templates\//.exec(path);
  return m ? join(dir, m[1], 'templates') : undefined;
}

function readText(path) {
  const bytes = readFileSync(path);
  if (bytes.includes(0)) return undefined;
  return bytes.toString('utf8');
}

/** The first lines where two outputs differ, as `-`/`+` lines with their line number. */
function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const out = [];
  for (let k = i; k < Math.min(i + 4, Math.max(la.length, lb.length)); k++) {
    if (la[k] !== lb[k]) {
      if (k < la.length) out.push(`${k + 1}- ${JSON.stringify(la[k])}`);
      if (k < lb.length) out.push(`${k + 1}+ ${JSON.stringify(lb[k])}`);
    }
  }
  const differing = Math.abs(la.length - lb.length) + la.filter((l, k) => lb[k] !== undefined && lb[k] !== l).length;
  return { line: i + 1, differing, lines: out };
}

const rows = [];
for (const file of templates) {
  const text = readText(join(dir, file));
  if (text === undefined) continue;
  const searchpath = [dirname(join(dir, file)), roleTemplates(file)].filter((p) => p !== undefined);
  // Lookups search as in the template task of the template's role (or playbook), with DIR as
  // the basedir (playbooks run from its root); ansimod reads DIR's files.
  const ansible_search_path = lookupSearchBases(file).map((b) => join(dir, b));
  const a = await bridge.render({ template: text, vars: { ansible_search_path }, vars_files: groupVars, searchpath, basedir: dir });
  const m = renderer.render(text, production.vars, {
    path: file,
    readFile: (rel) => {
      const p = join(dir, rel);
      return existsSync(p) && statSync(p).isFile() ? readText(p) : undefined;
    },
    root: dir,
    resolveInclude: (name, from) => {
      for (const p of [join(dir, resolveIncludePath(name, from)), ...searchpath.slice(1).map((s) => join(s, name))]) {
        if (existsSync(p) && statSync(p).isFile()) return readText(p);
      }
      return undefined;
    },
  });
  const flagged = !m.ok || m.undefinedVars.length > 0;
  let status;
  let detail;
  if (a.ok) {
    if (m.ok && m.output === a.output && !flagged) status = 'same';
    else if (!m.ok) [status, detail] = ['differs', `ansimod: ${m.diagnostic.message}${m.diagnostic.line ? ` (line ${m.diagnostic.line})` : ''}`];
    else if (m.output === a.output) [status, detail] = ['differs', `same bytes, but ansimod names undefined ${m.undefinedVars.join(', ')}`];
    else {
      const d = firstDifference(a.output, m.output);
      [status, detail] = ['differs', `from line ${d.line}, ~${d.differing} line(s) differ (- Ansible, + ansimod)\n    ${d.lines.join('\n    ')}`];
    }
  } else if (a.error.kind === 'undefined') {
    [status, detail] = flagged
      ? ['undefined-flagged', `Ansible: ${a.error.undefined?.join(', ') ?? a.error.message}; ansimod: ${m.ok ? m.undefinedVars.join(', ') : m.diagnostic.message}`]
      : ['undefined-missed', `Ansible: ${a.error.message.slice(0, 200)}; ansimod renders it silently`];
  } else {
    [status, detail] = ['ansible-fails', `${a.error.type}: ${a.error.message.split('\n')[0].slice(0, 200)}`];
  }
  rows.push({ file, status, ...(detail ? { detail } : {}) });
}
bridge.close();

const count = (s) => rows.filter((r) => r.status === s).length;
const rendered = count('same') + count('differs');
const undef = count('undefined-flagged') + count('undefined-missed');
const summary = {
  ansible: bridge.versions.ansible,
  templates: rows.length,
  renderedByAnsible: rendered,
  identical: count('same'),
  agreement: rendered === 0 ? 1 : count('same') / rendered,
  undefinedInAnsible: undef,
  undefinedFlagged: count('undefined-flagged'),
  ansibleFails: count('ansible-fails'),
};
if (json) {
  console.log(JSON.stringify({ summary, rows }, null, 1));
} else {
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  console.log(`ansible-core ${summary.ansible}, production vars from ${groupVars.map((g) => g.slice(dir.length + 1)).join(', ') || '(none)'}`);
  console.log(`templates: ${summary.templates}; Ansible renders ${rendered}, ansimod identical on ${summary.identical} (${pct(summary.agreement)})`);
  console.log(`undefined variables in Ansible: ${undef}, flagged by ansimod: ${summary.undefinedFlagged}`);
  console.log(`Ansible fails otherwise (not counted): ${summary.ansibleFails}`);
  for (const r of rows.filter((x) => x.status !== 'same' && x.status !== 'undefined-flagged').slice(0, show)) {
    console.log(`${r.status.padEnd(16)} ${r.file}: ${r.detail}`);
  }
}
process.exit(count('differs') + count('undefined-missed') === 0 ? 0 : 1);
