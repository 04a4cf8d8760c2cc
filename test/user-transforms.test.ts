/**
 * `--transform FILE` as users run it, through the built binary: TypeScript transforms are
 * type-checked against the installed `@ansimod/core` before anything runs, then transpiled and
 * run; `.mjs` transforms run as they are; and a run without `.ts` transforms never loads
 * TypeScript or ts-morph. Needs `npm run build` (the root `npm test` builds in `pretest`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repoRoot, 'packages/cli/dist/bin.js');
const fixture = path.join(repoRoot, 'fixtures/ansible');
const examples = path.join(repoRoot, 'examples/transforms');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ansimod(args: string[], opts: { cwd?: string; nodeArgs?: string[] } = {}): Run {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), bin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of a directory tree with its content, to show that nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const p = path.join(e.parentPath, e.name);
      out[path.relative(dir, p)] = readFileSync(p, 'latin1');
    }
  }
  return out;
}

let outside: string; // a directory outside the repository, like a user's own checkout
let repo: string; // a copy of fixtures/ansible that commands may write to
beforeAll(() => {
  expect(existsSync(bin), `${bin} missing: run \`npm run build\` first`).toBe(true);
  outside = mkdtempSync(path.join(tmpdir(), 'ansimod-user-transforms-'));
  repo = path.join(outside, 'repo');
  cpSync(fixture, repo, { recursive: true });
});
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('--transform with a type error', () => {
  it('prints file:line:col as given, runs nothing, exits 3 without a stack trace', () => {
    writeFileSync(
      path.join(outside, 'bad-transform.ts'),
      "import { defineTransform } from '@ansimod/core';\n\nexport default defineTransform({ name: 42 });\n",
    );
    const before = snapshot(repo);
    const r = ansimod(['apply', '--repo', repo, '--transform', 'bad-transform.ts'], { cwd: outside });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^bad-transform\.ts:3:\d+: Type 'number' is not assignable to type 'string'\. \(TS2322\)$/m);
    expect(r.stderr).toContain('ansimod: bad-transform.ts: 1 type error in the transform; nothing was run');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
    expect(snapshot(repo)).toEqual(before);
  });

  it('reports errors in a file the transform imports under that file, and options used wrongly', () => {
    writeFileSync(path.join(outside, 'helper.ts'), 'export const suffix: number = "x";\n');
    writeFileSync(
      path.join(outside, 'uses-helper.ts'),
      [
        "import { defineTransform } from '@ansimod/core';",
        "import { suffix } from './helper.js';",
        'export default defineTransform({',
        "  name: 'uses-helper', displayName: 'Uses helper', description: 'd',",
        "  options: { n: { type: 'number', default: 1, description: 'n', example: '1' } },",
        "  select: { formats: ['yaml'] },",
        "  visit: (_file, ctx) => ({ outcome: 'skip', reason: ctx.options.n.toUpperCase() + suffix }),",
        '});',
        '',
      ].join('\n'),
    );
    const r = ansimod(['plan', '--repo', repo, '--transform', 'uses-helper.ts'], { cwd: outside });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^helper\.ts:1:14: Type 'string' is not assignable to type 'number'/m);
    expect(r.stderr).toMatch(/^uses-helper\.ts:7:\d+: Property 'toUpperCase' does not exist on type 'number'/m);
    expect(r.stderr).toContain('2 type errors');
  });
});

describe('--transform with the example transforms', () => {
  it.each(['move-image-registry.ts', 'set-ini-key-per-environment.ts'])('%s type-checks and plans on fixtures/ansible', (name) => {
    const r = ansimod(['plan', '--repo', 'fixtures/ansible', '--transform', `examples/transforms/${name}`]);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\+\+\+ b\//m);
  });

  it('apply writes the changes of both, and check then has nothing left', () => {
    const args = ['--repo', repo, '--transform', path.join(examples, 'move-image-registry.ts'), '--transform', path.join(examples, 'set-ini-key-per-environment.ts')];
    const applied = ansimod(['apply', ...args]);
    expect(applied.stderr).toContain('3 files');
    expect(applied.code).toBe(0);
    expect(readFileSync(path.join(repo, 'roles/openshift-apps/toolbox-ci/templates/job.yml'), 'utf8')).toContain('image: quay.io/fedora/fedora-toolbox:38');
    expect(readFileSync(path.join(repo, 'roles/bodhi2/base/templates/production.ini.j2'), 'utf8')).toContain(
      "skopeo.cmd = {{ '/usr/bin/skopeo' if env == 'staging' else '/usr/bin/bodhi-skopeo-lite' }}",
    );
    const check = ansimod(['check', ...args]);
    expect(check.code).toBe(0);
  });

  it('runs a transform outside the repository that imports @ansimod/core and a TypeScript helper', () => {
    writeFileSync(path.join(outside, 'names.ts'), "export const NAME: string = 'count-yaml';\n");
    writeFileSync(
      path.join(outside, 'count-yaml.ts'),
      [
        "import { defineTransform, type VisitResult } from '@ansimod/core';",
        "import { NAME } from './names.js';",
        'export default [defineTransform({',
        "  name: NAME, displayName: 'Count YAML', description: 'Matches every playbook.',",
        '  options: {},',
        "  select: { formats: ['yaml'], paths: ['playbooks/**'] },",
        "  visit: (): VisitResult => ({ outcome: 'nochange', matched: true }),",
        '})];',
        '',
      ].join('\n'),
    );
    const r = ansimod(['plan', '--repo', repo, '--transform', 'count-yaml.ts', '--json'], { cwd: outside });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { recipe: string; notFound: unknown[]; steps: Array<{ outcomes: unknown[] }> };
    expect(plan.recipe).toBe('count-yaml');
    expect(plan.notFound).toEqual([]);
    const playbookYaml = (readdirSync(path.join(fixture, 'playbooks'), { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f));
    expect(plan.steps[0]?.outcomes.length).toBe(playbookYaml.length);
  });

  it('type-checks and runs a .ts transform that reuses a built-in one from @ansimod/transforms', () => {
    writeFileSync(
      path.join(outside, 'docker-auth.ts'),
      [
        "import { defineTransform } from '@ansimod/core';",
        "import { builtinRegistry } from '@ansimod/transforms';",
        "const inner = builtinRegistry().transform('swap-docker-auth-host');",
        'export default defineTransform({',
        "  name: 'docker-auth-to-quay', displayName: 'Docker auth to quay', description: 'A fixed map.', options: {},",
        "  select: { formats: ['json'], contains: ['auths'] },",
        "  visit: (file, ctx) => inner.visit(file, { ...ctx, options: { maps: { 'candidate-registry.fedoraproject.org': 'quay.io/fedora' }, reverse: false } }),",
        '});',
        '',
      ].join('\n'),
    );
    const r = ansimod(['plan', '--repo', fixture, '--transform', 'docker-auth.ts'], { cwd: outside });
    expect(r.stderr).toContain('docker-auth-to-quay: would change 1 file');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+{"auths":{"quay.io":');
  });
});

describe('--transform with JavaScript and malformed modules', () => {
  it('runs an .mjs transform without a type check', () => {
    // `name` is fine at run time, but `select.formats` holds a number TypeScript would reject.
    writeFileSync(
      path.join(outside, 'plain.mjs'),
      "export default { name: 'plain', displayName: 'Plain', description: 'd', options: {}, select: { formats: ['yaml', 7] }, visit: () => ({ outcome: 'skip', reason: 'x' }) };\n",
    );
    const r = ansimod(['plan', '--repo', repo, '--transform', 'plain.mjs'], { cwd: outside });
    expect(r.stderr).toContain('not found: Plain: plain');
    expect(r.code).toBe(0);
  });

  it('lets an .mjs transform outside the repository import the CLI\'s own @ansimod/core', () => {
    // The AnsimodError it throws is recognised by the engine (same class), so it is reported as
    // the transform's refusal of the file, not as a crash of the transform.
    writeFileSync(
      path.join(outside, 'uses-core.mjs'),
      [
        "import { AnsimodError, defineTransform } from '@ansimod/core';",
        "export default defineTransform({ name: 'uses-core', displayName: 'Uses core', description: 'd', options: {}, select: { formats: ['json'] },",
        "  visit: () => { throw new AnsimodError({ code: 'PARSE_ERROR', message: 'refused by the transform' }); } });",
        '',
      ].join('\n'),
    );
    const r = ansimod(['plan', '--repo', repo, '--transform', 'uses-core.mjs'], { cwd: outside });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error: files/osbs/dockercfg-production-secret.j2: refused by the transform');
    expect(r.stderr).not.toContain('failed on this file');
  });

  it('reports a transform that throws as an error of the file it was visiting, and writes nothing', () => {
    writeFileSync(
      path.join(outside, 'throws.mjs'),
      "export default { name: 'throws', displayName: 'Throws', description: 'd', options: {}, select: { formats: ['json'] }, visit: (f) => { throw new TypeError('boom'); } };\n",
    );
    const before = snapshot(repo);
    const r = ansimod(['apply', '--repo', repo, '--transform', 'throws.mjs'], { cwd: outside });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/files\/osbs\/dockercfg-production-secret\.j2: transform throws failed on this file: boom/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(snapshot(repo)).toEqual(before);
  });

  it('names required options without defaults', () => {
    writeFileSync(
      path.join(outside, 'needs.mjs'),
      "export default { name: 'needs', displayName: 'Needs', description: 'd', options: { hosts: { type: 'map', required: true, description: 'Hosts to move.', example: 'a=b' } }, select: {}, visit: () => ({ outcome: 'skip', reason: 'x' }) };\n",
    );
    const r = ansimod(['plan', '--repo', repo, '--transform', 'needs.mjs'], { cwd: outside });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('transform needs has required option without a default: "hosts" (Hosts to move. e.g. a=b)');
  });

  it('refuses a module whose default export is not a transform, and a missing file', () => {
    writeFileSync(path.join(outside, 'not-one.mjs'), "export default { name: 'Not One', visit: 3 };\n");
    const r = ansimod(['plan', '--repo', repo, '--transform', 'not-one.mjs'], { cwd: outside });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ansimod: not-one.mjs: the default export.displayName must be a non-empty string');
    expect(r.stderr).toContain('name must be kebab-case');
    expect(r.stderr).toContain('visit must be a function');
    const missing = ansimod(['plan', '--repo', repo, '--transform', 'nope.ts'], { cwd: outside });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('ansimod: nope.ts: no such transform file');
  });

  it('does not combine with --recipe or --map', () => {
    const r = ansimod(['plan', '--repo', repo, '--transform', 'plain.mjs', '--map', 'a.example=b.example'], { cwd: outside });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--map applies to recipes');
  });
});

describe('start-up cost', () => {
  /** Runs the CLI with a preloaded probe that prints, at exit, every CommonJS module loaded (ts-morph and TypeScript are CommonJS). */
  function loadedModules(args: string[]): string[] {
    const probe = path.join(outside, 'probe.mjs');
    writeFileSync(
      probe,
      [
        "import { createRequire } from 'node:module';",
        "import { isMainThread } from 'node:worker_threads';",
        'const require = createRequire(import.meta.url);',
        '// The main thread only: a plan also starts a worker thread (the prescan), which loads little.',
        "if (isMainThread) process.on('exit', () => process.stderr.write(`\\nLOADED ${JSON.stringify(Object.keys(require.cache))}\\n`));",
        '',
      ].join('\n'),
    );
    const r = ansimod(args, { nodeArgs: ['--import', probe] });
    const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
    expect(line, r.stderr).toBeDefined();
    return JSON.parse((line as string).slice('LOADED '.length)) as string[];
  }
  const heavy = (m: string) => /[\\/](typescript|ts-morph|@ts-morph)[\\/]/.test(m);

  it('`ansimod plan` without --transform loads neither typescript nor ts-morph', () => {
    // typescript and ts-morph are CommonJS: loaded, they would be in require.cache (the next
    // test shows the probe sees them). The plan itself runs bundled, with nothing to require.
    const loaded = loadedModules(['plan', '--repo', 'fixtures/ansible']);
    expect(loaded.filter(heavy)).toEqual([]);
  });

  it('a .ts transform does load them (the probe would see them)', () => {
    const loaded = loadedModules(['plan', '--repo', 'fixtures/ansible', '--transform', 'examples/transforms/move-image-registry.ts']);
    expect(loaded.filter(heavy).length).toBeGreaterThan(0);
  });
});
