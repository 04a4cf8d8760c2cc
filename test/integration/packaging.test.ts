/**
 * The packages as another project gets them: `npm pack` of @ansimod/core, @ansimod/transforms
 * and @ansimod/cli, installed into an empty project outside this repository, OFFLINE (from the
 * tarballs npm's cache holds after `npm ci`; see test/support/packed-install.ts). The tarballs
 * hold what their `exports`, `types` and `bin` name and no tests; the installed `ansimod` runs
 * (a `.ts` transform type-checked against the installed @ansimod/core included); the libraries
 * import, and `tsc` checks a program against their declarations — and rejects a wrong one.
 * The README's "Use it in your own project" shows the same steps. Needs `npm run build`
 * (`npm run test:integration` builds first) and npm's cache from `npm ci`; no network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installOffline, packWorkspaces, type PackedTarball } from '../support/packed-install.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORKSPACES = ['packages/core', 'packages/transforms', 'packages/cli'] as const;

interface PackageJson {
  name: string;
  bin?: Record<string, string>;
  types?: string;
  main?: string;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
}

let work = '';
let project = '';
let packed: PackedTarball[] = [];

beforeAll(() => {
  for (const w of WORKSPACES) expect(existsSync(path.join(repoRoot, w, 'dist/index.js')), `${w}: run \`npm run build\` first`).toBe(true);
  work = mkdtempSync(path.join(tmpdir(), 'ansimod-packed-'));
  packed = packWorkspaces(repoRoot, WORKSPACES, work);
  project = path.join(work, 'project');
  installOffline(repoRoot, project, packed, ['typescript', '@types/node']);
}, 600_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function run(cmd: string, args: readonly string[], cwd = project) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tarball = (name: string): PackedTarball => {
  const t = packed.find((p) => p.name === name);
  if (!t) throw new Error(`${name} was not packed`);
  return t;
};
const manifest = (w: string): PackageJson => JSON.parse(readFileSync(path.join(repoRoot, w, 'package.json'), 'utf8')) as PackageJson;

describe('npm pack', () => {
  it.each(WORKSPACES)('%s: every file package.json names is in the tarball, and no test', (w) => {
    const pkg = manifest(w);
    const files = new Set(tarball(pkg.name).files.map((f) => f.path));
    const named = [
      pkg.main,
      pkg.types,
      ...Object.values(pkg.bin ?? {}),
      ...Object.values(pkg.exports ?? {}).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))),
    ].filter((f): f is string => f !== undefined);
    expect(named.length).toBeGreaterThan(2);
    for (const f of named) expect(files, f).toContain(path.posix.normalize(f));
    expect([...files].filter((f) => /\.test\.|__fixtures__|\.tsbuildinfo$/.test(f))).toEqual([]);
    expect(files).toContain('package.json');
    expect([...files].some((f) => f.startsWith('dist/') && f.endsWith('.d.ts'))).toBe(true);
  });

  it.each(WORKSPACES)("%s: its declarations import only node: modules and the package's dependencies", (w) => {
    const pkg = manifest(w);
    const deps = new Set(Object.keys(pkg.dependencies ?? {}));
    const root = path.join(project, 'node_modules', pkg.name);
    const imported = new Set<string>();
    for (const f of tarball(pkg.name).files.filter((x) => x.path.endsWith('.d.ts'))) {
      for (const m of readFileSync(path.join(root, f.path), 'utf8').matchAll(/(?:from|import\()\s*'([^'.][^']*)'/g)) imported.add(m[1]!);
    }
    const bare = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    const unexpected = [...imported].filter((m) => !m.startsWith('node:') && !deps.has(bare(m)) && !deps.has(`@types/${bare(m)}`));
    expect(unexpected).toEqual([]);
  });

  it('the cli tarball ships the bin script, the bundle with its code cache, and the worker scripts', () => {
    const files = tarball('@ansimod/cli').files;
    const bin = files.find((f) => f.path === 'bin/ansimod.js');
    expect(bin?.mode !== undefined && (bin.mode & 0o111) !== 0).toBe(true);
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['bundle/main.cjs', 'bundle/main.cjs.cache', 'bundle/prescan-worker.js', 'bundle/roundtrip-worker.js', 'bundle/yaml-check-worker.js']));
    expect(tarball('@ansimod/transforms').files.map((f) => f.path)).toContain('recipes/flatpaks-to-quay.yml');
  });
});

describe('installed into an empty project, offline', () => {
  it('node_modules/.bin/ansimod runs: --help, and a plan on a copy of fixtures/ansible', () => {
    const help = run(path.join(project, 'node_modules/.bin/ansimod'), ['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: ansimod <command> [options]');
    const repo = path.join(work, 'repo');
    cpSync(path.join(repoRoot, 'fixtures/ansible'), repo, { recursive: true });
    const plan = run(path.join(project, 'node_modules/.bin/ansimod'), ['plan', '--repo', repo, '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect((JSON.parse(plan.stdout) as { changes: unknown[] }).changes.length).toBeGreaterThan(0);
  });

  it('npx ansimod finds the installed command without asking a registry', () => {
    const r = run('npx', ['--offline', '--no-install', 'ansimod', '--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(tarball('@ansimod/cli').version);
  });

  it('a .ts transform in the project is type-checked against the installed @ansimod/core and runs', () => {
    copyFileSync(path.join(repoRoot, 'examples/transforms/move-image-registry.ts'), path.join(project, 'move-image-registry.ts'));
    const repo = path.join(work, 'repo-ts');
    cpSync(path.join(repoRoot, 'fixtures/ansible'), repo, { recursive: true });
    const r = run(path.join(project, 'node_modules/.bin/ansimod'), ['plan', '--repo', repo, '--transform', 'move-image-registry.ts', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('changes');
  });

  it('the libraries import; the README library example runs against them', () => {
    copyFileSync(path.join(repoRoot, 'examples/library-usage.mjs'), path.join(project, 'library-usage.mjs'));
    const repo = path.join(work, 'repo-lib');
    cpSync(path.join(repoRoot, 'fixtures/ansible'), repo, { recursive: true });
    const r = run(process.execPath, ['library-usage.mjs', repo]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^From [0-9a-f]{40} /);
    expect(r.stderr).toMatch(/^wrote 1 file\(s\): files\/osbs\/dockercfg-production-secret\.j2$/m);
    const prescan = run(process.execPath, ['--input-type=module', '-e', "import('@ansimod/core/prescan').then((m) => console.log(typeof m.startPrescan))"]);
    expect(prescan.stdout.trim(), prescan.stderr).toBe('function');
  });

  it('tsc (strict, NodeNext) checks a program against the declarations, and rejects a wrong one', { timeout: 300_000 }, () => {
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, types: ['node'] }, include: ['*.ts'] }),
    );
    writeFileSync(
      path.join(project, 'uses-ansimod.ts'),
      [
        "import { planSteps, type Plan } from '@ansimod/core';",
        "import { startPrescan } from '@ansimod/core/prescan';",
        "import { builtinRegistry } from '@ansimod/transforms';",
        "const transform = builtinRegistry().transform('swap-docker-auth-host');",
        "const plan: Plan = await planSteps('.', [{ transform, options: { maps: { 'a.example.org': 'b.example.org' } }, stage: 'OSBS', target: 'auth' }]);",
        'const paths: string[] = plan.changes.map((c) => c.path);',
        'console.log(paths, typeof startPrescan);',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(project, 'wrong.ts'), "import { planSteps } from '@ansimod/core';\nconst n: number = await planSteps('.', []);\nconsole.log(n);\n");
    // One run over both files: the right program gives no error, the wrong one exactly its own.
    const r = run(process.execPath, [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    expect(r.stdout.trim().split('\n'), r.stderr).toEqual([expect.stringMatching(/^wrong\.ts\(2,7\): error TS2322: Type 'Plan' is not assignable to type 'number'\.$/)]);
    expect(r.code).toBe(2);
    rmSync(path.join(project, 'wrong.ts'));
  });
});
