/**
 * The command line's conventions, end to end: `--quiet` prints errors only; files a step looked
 * at but left alone are one summary line (`--verbose` lists them); `--timings` on every command
 * that takes time; progress on stderr only on a terminal and only for a phase that lasts;
 * `roundtrip` counts skipped files by reason; with `--json` every outcome is one JSON object on
 * stdout, fatal errors included; transform options given as `--option NAME=VALUE`, typed and
 * validated by the transform's spec, in the syntax `list` shows; overlapping edits named as
 * `file:line:column`; a failed verification shows the rendered diff. Then every exit code of
 * every command.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ansimod, bin, expectBuilt, expectNoStackTrace, gitRepo, repoRoot, snapshot, tempDir, type RunResult } from './helpers.js';

beforeAll(expectBuilt);

const BODHI = 'roles/bodhi2/base/templates/production.ini.j2';
const MOVE_IMAGES = path.join(repoRoot, 'examples/transforms/move-image-registry.ts');

/** Drops the `{% endif %}` of Bodhi's staging block: the target no longer parses (exit 3). */
function breakBodhi(dir: string): void {
  const file = path.join(dir, BODHI);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/\{% endif %\}\n/, ''));
}

/** A second koji-style flatpak.conf whose registry comes from a variable defined nowhere. */
function addUnfollowable(dir: string): string {
  const rel = 'roles/koji_builder_old/templates/flatpak.conf';
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), '[push]\nregistry=docker://{{ retired_registry }}\n');
  return rel;
}

/** Exactly one JSON object on stdout. */
function oneJson(r: RunResult): Record<string, unknown> {
  const parsed = JSON.parse(r.stdout) as unknown;
  expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true);
  return parsed as Record<string, unknown>;
}

describe('--quiet prints errors only', () => {
  it('plan, check, apply, audit and roundtrip print nothing on success, not found lines and warnings included', () => {
    const repo = gitRepo({ prepare: addUnfollowable });
    const loud = ansimod(['plan', '--repo', repo]);
    expect(loud.stderr).toMatch(/^note: 1 file looked like a target but was left alone/m);
    for (const args of [['plan'], ['check'], ['audit'], ['roundtrip'], ['apply']]) {
      const r = ansimod([...args, '--repo', repo, '--quiet']);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(args[0] === 'check' ? 1 : 0);
      expect({ stdout: r.stdout, stderr: r.stderr }, args[0]).toEqual({ stdout: '', stderr: '' });
    }
  });

  it('still prints the error, and exits 3', () => {
    const repo = gitRepo({ prepare: breakBodhi });
    const r = ansimod(['plan', '--repo', repo, '-q']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^error: ${BODHI.replace(/\./g, '\\.')}:\\d+:\\d+: .*never closed`, 'm'));
    expect(r.stderr).not.toMatch(/not found:|warning:|note:|would change/);
  });
});

describe('files a step looked at but left alone', () => {
  it('are one summary line; --verbose lists each with its reason', () => {
    const repo = gitRepo({ prepare: addUnfollowable });
    const r = ansimod(['plan', '--repo', repo]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('left alone'));
    expect(lines).toEqual(['note: 1 file looked like a target but was left alone (--verbose lists them)']);
    expect(r.stderr).not.toContain('retired_registry');
    const v = ansimod(['plan', '--repo', repo, '--verbose']);
    expect(v.stderr).toContain('note: 1 file looked like a target but was left alone:\n  roles/koji_builder_old/templates/flatpak.conf: ');
    expect(v.stderr).toMatch(/retired_registry: no definition found/);
    expect(v.stdout).toBe(r.stdout);
  });
});

describe('--timings', () => {
  it.each([
    ['plan', /timings: start-up \d+ ms, recipe \d+ ms, .* verify \d+ ms; total \d+ ms/],
    ['audit', /^timings: start-up \d+ ms, recipe \d+ ms, .* verify \d+ ms; total \d+ ms$/m],
    ['roundtrip', /^timings: start-up \d+ ms, (walk \d+ ms, roundtrip|walk and roundtrip) \d+ ms; total \d+ ms$/m],
    ['list', /^timings: start-up \d+ ms, registry \d+ ms; total \d+ ms$/m],
  ])('%s --timings prints one line on stderr, stdout unchanged', (command, line) => {
    const repo = gitRepo();
    const r = ansimod([command, '--repo', repo, '--timings', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(line);
    oneJson(r);
  });
});

describe('progress', () => {
  /** Runs the CLI on a pseudo-terminal (util-linux `script`) with stdout discarded; returns what reached the terminal. */
  const stderrOnTty = (args: string[], env: NodeJS.ProcessEnv): string => {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = `${[process.execPath, bin, ...args].map(quote).join(' ')} >/dev/null`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
    expect(r.error, 'util-linux `script` is needed to give the CLI a terminal').toBeUndefined();
    return r.stdout;
  };

  it('appears on a terminal once a phase has lasted the delay, and never for a shorter phase', () => {
    const repo = gitRepo();
    expect(stderrOnTty(['roundtrip', '--repo', repo], { ANSIMOD_PROGRESS_AFTER_MS: '0' })).toMatch(/\r(scanning|round-tripping) [^\r]*\x1b\[K/);
    expect(stderrOnTty(['audit', '--repo', repo], { ANSIMOD_PROGRESS_AFTER_MS: '0' })).toMatch(/\rscanning[^\r]*\x1b\[K/);
    for (const command of ['roundtrip', 'audit', 'plan']) {
      expect(stderrOnTty([command, '--repo', repo, '--quiet'], { ANSIMOD_PROGRESS_AFTER_MS: '60000' }), command).toBe('');
    }
  });

  it('type-checking a .ts transform says so at once, on a terminal only', () => {
    const shown = stderrOnTty(['list', '--transform', MOVE_IMAGES], { ANSIMOD_PROGRESS_AFTER_MS: '60000' });
    expect(shown).toMatch(/^\rtype-checking .*move-image-registry\.ts…\x1b\[K/);
    expect(shown).toMatch(/\r\x1b\[K$/);
    const piped = ansimod(['list', '--transform', MOVE_IMAGES], { env: { ANSIMOD_PROGRESS_AFTER_MS: '0' } });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toBe('');
  });
});

describe('roundtrip skipped files', () => {
  const prepare = (dir: string): void => {
    writeFileSync(path.join(dir, 'files/a.bin'), Buffer.from([0, 1, 2]));
    writeFileSync(path.join(dir, 'files/b.bin'), Buffer.from([0, 3]));
    symlinkSync('/etc/hostname', path.join(dir, 'files/outside'));
  };

  it('are counted by reason; --verbose and --json list them', () => {
    const repo = gitRepo({ prepare });
    const r = ansimod(['roundtrip', '--repo', repo]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\nskipped \(3\): 2 binary file \(NUL byte\), 1 symlink to outside the repository \(--verbose lists them\)\n/);
    expect(r.stdout).not.toContain('files/a.bin');
    const v = ansimod(['roundtrip', '--repo', repo, '--verbose']);
    expect(v.stdout).toContain('skipped (3):\n  files/a.bin: binary file (NUL byte)\n  files/b.bin: binary file (NUL byte)\n  files/outside: symlink to outside the repository\n');
    const j = oneJson(ansimod(['roundtrip', '--repo', repo, '--json']));
    expect((j['skipped'] as Array<{ path: string }>).map((s) => s.path)).toEqual(['files/a.bin', 'files/b.bin', 'files/outside']);
  });
});

describe('--json: every outcome is one JSON object on stdout', () => {
  const fatal = (r: RunResult, code: string, exit: number): { code: string; message: string; path: string | null; line: number | null } => {
    expect(r.code, r.stderr).toBe(exit);
    const j = oneJson(r);
    const error = j['error'] as { code: string; message: string; path: string | null; line: number | null };
    expect(Object.keys(error)).toEqual(['code', 'message', 'path', 'line']);
    expect(error.code).toBe(code);
    expectNoStackTrace(r);
    return error;
  };

  it('a usage error, for every command', () => {
    for (const command of ['plan', 'apply', 'patch', 'check', 'audit', 'roundtrip', 'list']) {
      const e = fatal(ansimod([command, '--json', '--frobnicate']), 'USAGE', 2);
      expect(e).toEqual({ code: 'USAGE', message: "unknown option '--frobnicate'", path: null, line: null });
    }
  });

  it('an input error with its file and line (apply, patch: nothing written)', () => {
    const repo = gitRepo({ prepare: breakBodhi });
    const before = snapshot(repo);
    for (const command of ['apply', 'patch']) {
      const e = fatal(ansimod([command, '--repo', repo, '--json']), 'JINJA_UNCLOSED_BLOCK', 3);
      expect(e.path).toBe(BODHI);
      expect(e.line).toBeGreaterThan(1);
    }
    expect(snapshot(repo)).toEqual(before);
    const missing = fatal(ansimod(['roundtrip', '--repo', path.join(repo, 'nope'), '--json']), 'IO_ERROR', 3);
    expect(missing.message).toMatch(/repository not found/);
  });

  it('plan and check keep their own object, errors inside, exit 3', () => {
    const repo = gitRepo({ prepare: breakBodhi });
    for (const command of ['plan', 'check']) {
      const r = ansimod([command, '--repo', repo, '--json']);
      expect(r.code).toBe(3);
      expect((oneJson(r)['errors'] as Array<{ path: string }>).map((e) => e.path)).toEqual([BODHI]);
    }
  });
});

describe('--option NAME=VALUE', () => {
  const transformFile = (dir: string): string => {
    const file = path.join(dir, 'set-key.mjs');
    writeFileSync(
      file,
      [
        "import { defineTransform } from '@ansimod/core';",
        'export default defineTransform({',
        "  name: 'count-keys', displayName: 'Count keys', description: 'Changes nothing; checks its typed options.',",
        "  options: {",
        "    keys: { type: 'string[]', description: 'keys', example: 'a,b', required: true },",
        "    limit: { type: 'number', description: 'a limit', example: '3', default: 1 },",
        "    mode: { type: 'string', description: 'a mode', example: 'fast', choices: ['fast', 'slow'], default: 'fast' },",
        "    strict: { type: 'boolean', description: 'strictness', example: 'true', default: false },",
        '  },',
        "  select: { formats: ['yaml'] },",
        '  visit(file, ctx) {',
        "    if (file.path !== 'ansible.cfg' && !file.path.endsWith('oci-registry.yml')) return { outcome: 'skip', reason: 'not this one' };",
        "    const o = ctx.options;",
        "    if (!Array.isArray(o.keys) || typeof o.limit !== 'number' || typeof o.strict !== 'boolean') throw new Error('untyped options');",
        "    return { outcome: 'nochange', matched: true, notes: [JSON.stringify(o)] };",
        '  },',
        '});',
        '',
      ].join('\n'),
    );
    return file;
  };

  it('types each value by the spec (list, number, choice, boolean) and validates it; list shows that syntax', () => {
    const scratch = tempDir();
    const file = transformFile(scratch);
    const repo = gitRepo();
    const ok = ansimod(['plan', '--repo', repo, '--transform', file, '--option', 'keys=registry, public_url', '--option', 'limit=3', '--option', 'mode=slow', '--option', 'strict=true', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const steps = oneJson(ok)['steps'] as Array<{ outcomes: Array<{ detail?: string }> }>;
    expect(JSON.stringify(steps)).toContain(JSON.stringify(JSON.stringify({ keys: ['registry', 'public_url'], limit: 3, mode: 'slow', strict: true })).slice(1, -1));

    const bad: Array<[string[], RegExp]> = [
      [['--option', 'limit=many'], /--option limit=NUMBER expected, got 'limit=many'/],
      [['--option', 'mode=medium'], /option "mode" must be one of fast, slow, got "medium"/],
      [['--option', 'strict=yes'], /--option strict=true\|false expected/],
      [['--option', 'colour=red'], /count-keys has no option 'colour' \(its options: keys, limit, mode, strict/],
      [['--option', 'keys'], /--option expects NAME=VALUE, got 'keys'/],
    ];
    for (const [extra, message] of bad) {
      const r = ansimod(['plan', '--repo', repo, '--transform', file, '--option', 'keys=a', ...extra]);
      expect(r.code, `${extra.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const missing = ansimod(['plan', '--repo', repo, '--transform', file]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/required option without a default: "keys".*give it with --option NAME=VALUE/);

    const listed = ansimod(['list', '--transform', file]);
    expect(listed.stdout).toContain('    --option keys=A,B,… (required)\n');
    expect(listed.stdout).toContain('    --option limit=NUMBER (default: 1)\n');
    expect(listed.stdout).toContain('    --option mode=fast|slow (default: "fast")\n');
    expect(listed.stdout).toContain('    --option strict=true|false (default: false)\n');
  });

  it("a recipe's options too: list shows --option maps=FROM=TO,… or --map, and plan accepts both", () => {
    const listed = ansimod(['list']);
    expect(listed.stdout).toMatch(/^ {4}--option maps=FROM=TO,… or --map FROM=TO \(repeatable\) \(default: /m);
    expect(listed.stdout).not.toMatch(/^ {4}--maps /m);
    const repo = gitRepo();
    const viaOption = ansimod(['plan', '--repo', repo, '--option', 'maps=candidate-registry.fedoraproject.org=quay.io/x,registry.fedoraproject.org=quay.io/y', '--json']);
    const viaMap = ansimod(['plan', '--repo', repo, '--map', 'candidate-registry.fedoraproject.org=quay.io/x', '--map', 'registry.fedoraproject.org=quay.io/y', '--json']);
    expect(viaOption.code, viaOption.stderr).toBe(0);
    expect(viaOption.stdout).toBe(viaMap.stdout);
    const both = ansimod(['plan', '--repo', repo, '--option', 'maps=a.example=b.example', '--map', 'a.example=b.example']);
    expect(both.code).toBe(2);
  });
});

describe('edits that cannot be made', () => {
  /** A .mjs transform file that makes `edits` (and `checks`) on `file`. */
  const transform = (dir: string, name: string, file: string, body: string): string => {
    const f = path.join(dir, `${name}.mjs`);
    writeFileSync(
      f,
      [
        "import { defineTransform } from '@ansimod/core';",
        'export default defineTransform({',
        `  name: '${name}', displayName: '${name}', description: 'test transform', options: {},`,
        "  select: { formats: ['ini'] },",
        '  visit(file) {',
        `    if (file.path !== '${file}') return { outcome: 'skip', reason: 'other file' };`,
        `    ${body}`,
        '  },',
        '});',
        '',
      ].join('\n'),
    );
    return f;
  };

  it('overlapping edits are named as file:line:column, both of them', () => {
    const scratch = tempDir();
    const a = transform(scratch, 'first', 'ansible.cfg', "return { outcome: 'changed', edits: [{ start: 0, end: 5, text: 'AAAAA', reason: 'first edit' }] };");
    const b = transform(scratch, 'second', 'ansible.cfg', "return { outcome: 'changed', edits: [{ start: 2, end: 8, text: 'B', reason: 'second edit' }] };");
    const r = ansimod(['plan', '--repo', gitRepo(), '--transform', a, '--transform', b]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: ansible\.cfg:1:3: two edits overlap: ansible\.cfg:1:1-1:6 \(first edit\) and ansible\.cfg:1:3-1:9 \(second edit\)$/m);
  });

  it('a failed verification shows a short unified diff of the rendered before and after, in the failing environment', () => {
    const scratch = tempDir();
    const rel = 'roles/koji_builder/templates/flatpak.conf';
    const repo = gitRepo();
    const text = readFileSync(path.join(repo, rel), 'utf8');
    const at = text.indexOf('{{candidate_registry}}');
    const t = transform(
      scratch,
      'claims-nothing',
      rel,
      `return { outcome: 'changed', edits: [{ start: ${at}, end: ${at + '{{candidate_registry}}'.length}, text: 'quay.io/x' }], checks: [{ path: '${rel}', describe: 'no rendered change', environments: ['staging'], expect: (before) => before }] };`,
    );
    const r = ansimod(['plan', '--repo', repo, '--transform', t]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^error: ${rel.replace(/\./g, '\\.')}: in staging, the rendered result is not exactly the intended change`, 'm'));
    expect(r.stderr).toContain(`    --- ${rel} (rendered for staging, before)\n    +++ ${rel} (rendered for staging, after)\n    @@ `);
    expect(r.stderr).toMatch(/^ {4}-registry=docker:\/\/.*$\n^ {4}\+registry=docker:\/\/quay\.io\/x$/m);
    expect(r.stderr).not.toContain('rendered for production');
  });
});

describe('every exit code of every command', () => {
  // 1 is `check`'s alone ("changes pending"); 4 (a bug) is made by a stdout that fails, in
  // packages/cli/src/main.test.ts, for the commands the table there lists.
  it.each([
    ['plan', 0],
    ['apply', 0],
    ['patch', 0],
    ['check', 1],
    ['audit', 0],
    ['roundtrip', 0],
    ['list', 0],
  ] as const)('%s: success (%i), usage error (2), input error (3)', (command, success) => {
    const repo = gitRepo();
    const args = command === 'patch' ? ['-o', path.join(path.dirname(repo), 'x.patch')] : [];
    const ok = ansimod([command, '--repo', repo, ...args]);
    expect(ok.code, ok.stderr).toBe(success);
    expect(ansimod([command, '--repo', repo, '--no-such-flag']).code).toBe(2);
    const input =
      command === 'list'
        ? ansimod(['list', '--transform', path.join(repo, 'missing.ts')])
        : command === 'audit' || command === 'roundtrip'
          ? ansimod([command, '--repo', path.join(repo, 'missing')])
          : ansimod([command, '--repo', gitRepo({ prepare: breakBodhi }), ...args]);
    expect(input.code, input.stderr).toBe(3);
    expectNoStackTrace(input);
    if (command === 'check') {
      expect(ansimod(['apply', '--repo', repo, '-q']).code).toBe(0);
      expect(ansimod(['check', '--repo', repo]).code).toBe(0);
    }
  });
});
