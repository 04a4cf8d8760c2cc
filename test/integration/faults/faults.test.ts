/**
 * Fault injection on fixtures/ansible (the README's "Reliability" scenario list). Each scenario
 * hashes the repository (and a folder beside it) before and after and checks that the tree is
 * all old or all new, that nothing outside was touched, that no temporary or journal file is
 * left, and that the run stayed within BOUNDS (peak RSS, wall time) — with real Debian tools:
 * strace (`-e inject`) for the k-th failing or killing syscall, chattr, a small tmpfs, getfattr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { bin } from '../../cli-e2e/helpers.js';
import { allNewTree, ansimod, applyPaused, BOUNDS, changedEntries, cleanMessages, deepFile, git, hashTree, requireRoot, rssBoundMiB, scratch, TARGETS, type Run, type Scratch } from './support.js';

let s: Scratch | undefined;
afterEach(() => {
  s?.cleanup();
  s = undefined;
});

function fresh(): { s: Scratch; old: Map<string, string>; outsideBefore: Map<string, string> } {
  s = scratch();
  return { s, old: hashTree(s.repo), outsideBefore: hashTree(s.outside) };
}

/** The tree is exactly the old one or exactly the new one, and nothing outside changed. */
function allOldOrAllNew(repo: string, old: Map<string, string>, outside: string, outsideBefore: Map<string, string>): 'old' | 'new' {
  const now = hashTree(repo);
  const vsOld = changedEntries(old, now);
  const vsNew = changedEntries(allNewTree(), now);
  expect(changedEntries(outsideBefore, hashTree(outside))).toEqual([]);
  if (vsOld.length === 0) return 'old';
  if (vsNew.length === 0) return 'new';
  throw new Error(`the tree is neither all old nor all new: ${vsOld.join(', ')}`);
}

/** Within the fixture's bounds (400 MiB, 60 s) and the README's stated RSS bound for the run's limits. */
function bounded(r: Run, stated: Parameters<typeof rssBoundMiB>[0] = {}): void {
  expect(r.rssMiB).toBeGreaterThan(0);
  expect(r.rssMiB).toBeLessThan(Math.min(rssBoundMiB(stated), stated.maxFileMiB === undefined ? BOUNDS.rssMiB : Infinity));
  expect(r.seconds).toBeLessThan(BOUNDS.seconds);
  expect(cleanMessages(r.stderr)).toBe(true);
}

/** How many times a clean apply makes `syscall` (strace counts it). */
function callsOfCleanApply(syscall: string): number {
  requireTool('strace');
  const t = scratch();
  try {
    const log = path.join(t.base, 'strace.log');
    const r = ansimod(['apply', '--repo', t.repo], { wrap: ['strace', '-f', '-qq', '-o', log, '-e', `trace=${syscall}`] });
    expect(r.status).toBe(0);
    return readFileSync(log, 'utf8').split('\n').filter((l) => new RegExp(`\\b${syscall}\\(`).test(l) && !l.includes('<unfinished')).length;
  } finally {
    t.cleanup();
  }
}

describe('interruptions at the k-th rename and fsync (strace -e inject)', () => {
  const renames = callsOfCleanApply('rename');
  it('a clean apply renames each of the targets and the journal twice', () => {
    expect(renames).toBe(TARGETS.length + 2);
  });

  it.each(Array.from({ length: renames }, (_, i) => i + 1))('rename %i fails with EIO: all old, said, nothing left', (k) => {
    const { s, old, outsideBefore } = fresh();
    const r = ansimod(['apply', '--repo', s.repo], { wrap: ['strace', '-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename', '-e', `inject=rename:error=EIO:when=${k}`] });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/EIO.*nothing was written/);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
    bounded(r);
  });

  const fsyncs = callsOfCleanApply('fsync');
  it.each([1, 2, Math.ceil(fsyncs / 2), fsyncs - 2, fsyncs - 1, fsyncs].filter((k, i, a) => k > 0 && a.indexOf(k) === i))(
    'fsync %i fails with EIO: all old or all new, nothing left',
    (k) => {
      const { s, old, outsideBefore } = fresh();
      const r = ansimod(['apply', '--repo', s.repo], { wrap: ['strace', '-f', '-qq', '-o', '/dev/null', '-e', 'trace=fsync', '-e', `inject=fsync:error=EIO:when=${k}`] });
      const state = allOldOrAllNew(s.repo, old, s.outside, outsideBefore);
      // Only the clean-up after the commit may fail and still leave the new tree (exit 0).
      expect(state === 'old' ? r.status === 3 : r.status === 0).toBe(true);
      bounded(r);
    },
  );

  it.each(Array.from({ length: renames }, (_, i) => i + 1))('SIGKILL at rename %i: the next command rolls back (or finishes) and says so', (k) => {
    const { s, old, outsideBefore } = fresh();
    const r = ansimod(['apply', '--repo', s.repo], { wrap: ['strace', '-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename', '-e', `inject=rename:signal=KILL:when=${k}`] });
    expect(r.status).not.toBe(0);
    const next = ansimod(['plan', '--repo', s.repo, '--quiet']);
    expect(next.stderr).toMatch(/an interrupted write .* (was rolled back|had completed)/);
    expect(['old', 'new']).toContain(allOldOrAllNew(s.repo, old, s.outside, outsideBefore));
    bounded(next);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s between staging and renaming: all old, exit 128+signal, nothing left', async (signal) => {
    const { s, old, outsideBefore } = fresh();
    const r = await applyPaused(s.repo, (pid) => void process.kill(pid, signal));
    expect(r.status).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(r.stderr).toMatch(new RegExp(`interrupted by ${signal}: nothing was written`));
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });
});

describe('the tree changing under the write', () => {
  it('a target directory swapped for a symlink to outside: refused, nothing written anywhere', async () => {
    const { s, old, outsideBefore } = fresh();
    const dir = path.join(s.repo, 'roles/koji_builder/tasks');
    const moved = path.join(s.base, 'moved-tasks');
    const r = await applyPaused(s.repo, () => {
      renameSync(dir, moved);
      symlinkSync(path.join(s.outside, 'roles/koji_builder/tasks'), dir);
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/moved or replaced while ansimod ran.*nothing was written/);
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
    // Put the attacker's change back: the rest of the tree is as it was, the moved file too.
    rmSync(dir);
    renameSync(moved, dir);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });

  it('a target edited by another process during the write: refused, the edit kept, nothing else written', async () => {
    const { s, old, outsideBefore } = fresh();
    const edited = path.join(s.repo, TARGETS[4]);
    const r = await applyPaused(s.repo, () => appendFileSync(edited, '# edited meanwhile\n'));
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/changed while ansimod was writing.*nothing was written/);
    expect(readFileSync(edited, 'utf8')).toMatch(/# edited meanwhile\n$/);
    git(s.repo, 'checkout', '--', TARGETS[4]);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });
});

describe('the rename race: a target replaced by another program at the instant of its own write', () => {
  /**
   * Runs apply under strace, delaying the `when`-th call of `syscall` by 2 s; when `ready` says
   * the write is in that window, replaces TARGETS[0] by rename (as an editor saves) with a file
   * holding a marker. Resolves with the exit status and stderr.
   */
  async function raceAt(repo: string, syscall: string, when: number, ready: () => boolean): Promise<{ status: number | null; stderr: string; raced: boolean }> {
    requireTool('strace');
    const child = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:delay_enter=2000000:when=${when}`, process.execPath, bin, 'apply', '--repo', repo], {
      env: { ...process.env, NO_COLOR: '1', ANSIMOD_PRESCAN: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    let raced = false;
    const deadline = Date.now() + BOUNDS.seconds * 1000;
    while (child.exitCode === null && Date.now() < deadline) {
      if (ready()) {
        const target = path.join(repo, TARGETS[0]);
        writeFileSync(`${target}.editor-tmp`, 'SAVED-BY-ANOTHER-PROGRAM\n');
        renameSync(`${target}.editor-tmp`, target);
        raced = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return { status: await done, stderr, raced };
  }

  const journal = (repo: string): string => {
    try {
      return readFileSync(path.join(repo, '.git/ansimod-journal.json'), 'utf8');
    } catch {
      return '';
    }
  };

  it('replaced just before ansimod moves it aside (its rename delayed 2 s): the other file is kept, nothing else written', async () => {
    const { s, old, outsideBefore } = fresh();
    // rename 1 puts the journal in place ("renaming"); rename 2 takes TARGETS[0] aside.
    const r = await raceAt(s.repo, 'rename', 2, () => journal(s.repo).includes('"renaming"'));
    expect(r.raced).toBe(true);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/EDIT_CONFLICT|changed while ansimod was writing|replaced while ansimod was writing/);
    expect(readFileSync(path.join(s.repo, TARGETS[0]), 'utf8')).toBe('SAVED-BY-ANOTHER-PROGRAM\n');
    expect(cleanMessages(r.stderr)).toBe(true);
    git(s.repo, 'checkout', '--', TARGETS[0]);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });

  it('written while the original is aside (the link of the new file delayed 2 s): the other file is kept, nothing else written', async () => {
    const { s, old, outsideBefore } = fresh();
    const dir = path.join(s.repo, path.dirname(TARGETS[0]));
    // link 1 is the journal's; link 2 puts TARGETS[0]'s new bytes in place, once its original is aside.
    const r = await raceAt(s.repo, 'link', 2, () => readdirSync(dir).some((n) => n.endsWith('-0.old')));
    expect(r.raced).toBe(true);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/replaced while ansimod was writing/);
    expect(readFileSync(path.join(s.repo, TARGETS[0]), 'utf8')).toBe('SAVED-BY-ANOTHER-PROGRAM\n');
    expect(cleanMessages(r.stderr)).toBe(true);
    git(s.repo, 'checkout', '--', TARGETS[0]);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });
});

describe('targets the system will not write', () => {
  const chattr = (flag: string, p: string) => expect(spawnSync('chattr', [flag, p]).status).toBe(0);

  it('a read-only (immutable) target directory: nothing written', () => {
    requireRoot();
    const { s, old, outsideBefore } = fresh();
    const dir = path.join(s.repo, path.dirname(TARGETS[5]));
    chattr('+i', dir);
    try {
      const r = ansimod(['apply', '--repo', s.repo]);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/EPERM|EACCES/);
      bounded(r);
    } finally {
      chattr('-i', dir);
    }
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });

  it('an immutable target file (the last one renamed): the five before it are rolled back', () => {
    requireRoot();
    const { s, old, outsideBefore } = fresh();
    const file = path.join(s.repo, TARGETS[5]);
    chattr('+i', file);
    try {
      const r = ansimod(['apply', '--repo', s.repo]);
      expect(r.status).toBe(3);
      expect(r.stderr).toContain(TARGETS[5]);
      expect(r.stderr).toMatch(/nothing was written/);
      bounded(r);
    } finally {
      chattr('-i', file);
    }
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });

  it('a full disk (a 4 MiB tmpfs filled up): nothing written', () => {
    requireRoot();
    s = scratch();
    const mount = path.join(s.base, 'small');
    mkdirSync(mount);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]).status).toBe(0);
    try {
      const t = scratch(mount);
      const old = hashTree(t.repo);
      spawnSync('sh', ['-c', `dd if=/dev/zero of=${mount}/filler bs=4k 2>/dev/null; sync`]);
      // Leave two pages: room for the journal, not for the staged files.
      truncateSync(path.join(mount, 'filler'), statSync(path.join(mount, 'filler')).size - 8192);
      const r = ansimod(['apply', '--repo', t.repo]);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/ENOSPC/);
      rmSync(path.join(mount, 'filler'));
      expect(changedEntries(old, hashTree(t.repo))).toEqual([]);
      bounded(r);
    } finally {
      spawnSync('umount', ['-l', mount]);
    }
  });
});

describe('a disk with no room even for the journal', () => {
  it('a 4 MiB tmpfs filled to the last block: the journal cannot be made, exit 3, nothing written or left', () => {
    requireRoot();
    s = scratch();
    const mount = path.join(s.base, 'tiny');
    mkdirSync(mount);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]).status).toBe(0);
    try {
      const t = scratch(mount);
      const old = hashTree(t.repo);
      spawnSync('sh', ['-c', `dd if=/dev/zero of=${mount}/filler bs=4k 2>/dev/null; dd if=/dev/zero of=${mount}/filler2 bs=1 2>/dev/null; sync`]);
      const r = ansimod(['apply', '--repo', t.repo]);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/ENOSPC/);
      expect(r.stderr).toMatch(/nothing was written|journal/);
      rmSync(path.join(mount, 'filler'));
      rmSync(path.join(mount, 'filler2'), { force: true });
      expect(changedEntries(old, hashTree(t.repo))).toEqual([]);
      bounded(r);
    } finally {
      spawnSync('umount', ['-l', mount]);
    }
  });
});

describe('what a write keeps', () => {
  it('mode, owner and extended attributes of each rewritten file', () => {
    requireTool('strace');
    const { s } = fresh();
    const file = path.join(s.repo, TARGETS[4]);
    chmodSync(file, 0o640);
    expect(spawnSync('chown', ['1234:2345', file]).status).toBe(0);
    expect(spawnSync('setfattr', ['-n', 'user.ansimod', '-v', 'kept', file]).status).toBe(0);
    const r = ansimod(['apply', '--repo', s.repo]);
    expect(r.status).toBe(0);
    const st = statSync(file);
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o640, 1234, 2345]);
    expect(spawnSync('getfattr', ['-n', 'user.ansimod', '--only-values', file], { encoding: 'utf8' }).stdout).toBe('kept');
    expect(readFileSync(file, 'utf8')).toContain('quay.io');
  });
});

describe('output that cannot be written', () => {
  it.each([
    ['stdout', { stdout: '/dev/full' }],
    ['stderr', { stderr: '/dev/full' }],
  ] as const)('apply with %s on a full disk: exit 4, no stack, nothing written', (_name, redirect) => {
    const { s, old, outsideBefore } = fresh();
    const r = ansimod(['apply', '--repo', s.repo], redirect);
    expect(r.status).toBe(4);
    expect(cleanMessages(r.stderr)).toBe(true);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });

  it('plan, audit and roundtrip with stdout on a full disk: exit 4, one clean message', () => {
    const { s } = fresh();
    for (const cmd of ['plan', 'audit', 'roundtrip']) {
      const r = ansimod([cmd, '--repo', s.repo], { stdout: '/dev/full' });
      expect(r.status).toBe(4);
      expect(r.stderr).toMatch(/cannot write to stdout: ENOSPC/);
      expect(cleanMessages(r.stderr)).toBe(true);
    }
  });
});

describe('hostile files', () => {
  const bomb = ['a0: &a0 [x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(',')}]`)].join('\n');

  it.each([
    ['a symlink to /proc/self/pagemap', (repo: string) => symlinkSync('/proc/self/pagemap', path.join(repo, 'roles/pagemap.yml'))],
    ['/proc/self/pagemap as a group_vars file', (repo: string) => symlinkSync('/proc/self/pagemap', path.join(repo, 'inventory/group_vars/oci_candidate_registry.yml'))],
    ['a sparse 50 GB .yml', (repo: string) => {
      writeFileSync(path.join(repo, 'roles/huge.yml'), '');
      truncateSync(path.join(repo, 'roles/huge.yml'), 50 * 2 ** 30);
    }],
    ['three "-> ." loops in group_vars/staging', (repo: string) => {
      const dir = path.join(repo, 'inventory/group_vars/staging');
      const text = readFileSync(dir);
      rmSync(dir);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'main.yml'), text);
      for (const n of ['a', 'b', 'c']) symlinkSync('.', path.join(dir, n));
    }],
  ])('%s: plan and audit finish within the bounds', (_name, plant) => {
    const { s, outsideBefore } = fresh();
    plant(s.repo);
    for (const cmd of ['plan', 'audit', 'roundtrip']) {
      const r = ansimod([cmd, '--repo', s.repo]);
      expect(r.status === null ? `killed by ${r.signal}` : 'exited').toBe('exited');
      expect([0, 1, 3]).toContain(r.status);
      bounded(r);
    }
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
  });

  it('a sparse 50 GB .yml is named with its size, and --max-file-size changes the limit', () => {
    const { s } = fresh();
    writeFileSync(path.join(s.repo, 'roles/huge.yml'), '');
    truncateSync(path.join(s.repo, 'roles/huge.yml'), 50 * 2 ** 30);
    const r = ansimod(['plan', '--repo', s.repo]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/roles\/huge\.yml: size 50\.0 GiB is over the 16\.0 MiB limit \(--max-file-size\)/);
    const small = ansimod(['plan', '--repo', s.repo, '--max-file-size', '1K']);
    expect(small.stderr).toMatch(/over the 1\.0 KiB limit/);
    expect(ansimod(['plan', '--repo', s.repo, '--max-file-size', 'lots']).status).toBe(2);
  });

  it('a 200 MB YAML: roundtrip and audit skip it by name, within the memory bound', () => {
    const { s } = fresh();
    writeFileSync(path.join(s.repo, 'roles/big.yml'), 'k: v\n'.repeat(40 * 2 ** 20));
    for (const cmd of ['roundtrip', 'audit']) {
      // roundtrip counts skipped files by reason and names them under --verbose.
      const r = ansimod([cmd, '--repo', s.repo, ...(cmd === 'roundtrip' ? ['--verbose'] : [])]);
      expect([0, 1, 3]).toContain(r.status);
      expect(`${r.stdout}${r.stderr}`).toMatch(/roles\/big\.yml/);
      bounded(r);
    }
  });

  it('an alias bomb in group_vars: audit and plan say so, exit 3', () => {
    const { s } = fresh();
    appendFileSync(path.join(s.repo, 'inventory/group_vars/all'), `\n${bomb}\n`);
    for (const cmd of ['audit', 'plan']) {
      const r = ansimod([cmd, '--repo', s.repo]);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/inventory\/group_vars\/all.*too many YAML aliases/);
      bounded(r);
    }
  });

  it('an alias bomb appended to a target template: verification refuses it quickly, nothing written', () => {
    const { s, old, outsideBefore } = fresh();
    appendFileSync(path.join(s.repo, TARGETS[5]), `---\n${bomb}\n`);
    const tree = hashTree(s.repo);
    const r = ansimod(['apply', '--repo', s.repo]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/alias/i);
    expect(changedEntries(tree, hashTree(s.repo))).toEqual([]);
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
    void old;
    bounded(r);
  });

  it('an include through a symlink leaving the repository is refused by name, its content never shown', () => {
    const { s } = fresh();
    const secret = path.join(s.base, 'secret.txt');
    writeFileSync(secret, 'TOP-SECRET-CONTENT\n');
    const dir = path.join(s.repo, path.dirname(TARGETS[5]));
    symlinkSync(secret, path.join(dir, 'hn.txt'));
    const file = path.join(s.repo, TARGETS[5]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('kind: ConfigMap', 'kind: ConfigMap\n# {% include "hn.txt" %}'));
    const r = ansimod(['plan', '--repo', s.repo]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/hn\.txt:? is a symlink to .*secret\.txt.*: not read/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('TOP-SECRET');
    bounded(r);
  });
});

describe('patch outputs and arguments', () => {
  it.each([
    ['-o .git/HEAD', ['-o', '.git/HEAD'], /\.git/],
    ['-o a tracked file', ['-o', TARGETS[4]], /git tracks it/],
    ['-o x.md --pr x.md', ['-o', 'x.md', '--pr', 'x.md'], /same file/],
  ])('%s is refused (exit 2), the repository untouched', (_name, args, message) => {
    const { s, old } = fresh();
    const r = ansimod(['patch', '--repo', '.', ...args], { cwd: s.repo });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(changedEntries(old, hashTree(s.repo))).toEqual([]);
  });

  it.each(['quay.io/"x', 'a=b=c', 'https://quay.io/x', '[::1]', 'x y', 'quay.io//x', 'quay.io/x/'])('--map registry.fedoraproject.org=%s is a usage error naming --map', (to) => {
    const { s } = fresh();
    const r = ansimod(['plan', '--repo', s.repo, '--map', `registry.fedoraproject.org=${to}`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--map/);
  });

  it('with .gitattributes "*.j2 text eol=crlf", git am applies the mail and gives apply\'s tree', () => {
    const { s } = fresh();
    writeFileSync(path.join(s.repo, '.gitattributes'), '*.j2 text eol=crlf\n');
    git(s.repo, 'add', '.gitattributes');
    git(s.repo, 'commit', '-qm', 'attributes');
    for (const t of TARGETS.filter((t) => t.endsWith('.j2'))) rmSync(path.join(s.repo, t));
    git(s.repo, 'checkout', '--', '.');
    expect(readFileSync(path.join(s.repo, TARGETS[0]), 'utf8')).toContain('\r\n');
    const mail = path.join(s.base, 'change.patch');
    expect(ansimod(['patch', '--repo', s.repo, '-o', mail]).status).toBe(0);
    const clone = path.join(s.base, 'clone');
    git(s.base, 'clone', '-q', s.repo, clone);
    git(clone, 'am', '-q', mail);
    expect(ansimod(['apply', '--repo', s.repo]).status).toBe(0);
    for (const t of TARGETS) expect(readFileSync(path.join(clone, t)).equals(readFileSync(path.join(s.repo, t)))).toBe(true);
  });

  it('patch warns about an uncommitted edit in a target, also in a repository of another owner', () => {
    requireRoot();
    const { s } = fresh();
    appendFileSync(path.join(s.repo, TARGETS[4]), '# local edit\n');
    expect(spawnSync('chown', ['-R', '4321:4321', s.repo]).status).toBe(0);
    const r = ansimod(['patch', '--repo', s.repo, '-o', path.join(s.base, 'x.patch')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${TARGETS[4]} has uncommitted changes`);
  });
});

describe('names and places ansimod does not read', () => {
  /** Every command that plans (plan, apply, patch, check) exits 3 naming `named`; audit lists it; nothing written. */
  function refusedEverywhere(s: Scratch, named: RegExp, extra: { wrap?: string[] } = {}): Run[] {
    const runs: Run[] = [];
    for (const cmd of [['plan'], ['apply'], ['patch', '-o', path.join(s.base, 'x.patch')], ['check']]) {
      const r = ansimod([cmd[0] as string, '--repo', s.repo, ...cmd.slice(1)], extra);
      expect(r.status, `${cmd[0]}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(named);
      expect(r.stderr).not.toMatch(/target not found|no target of/);
      bounded(r);
      runs.push(r);
    }
    const audit = ansimod(['audit', '--repo', s.repo], extra);
    expect([0, 1]).toContain(audit.status);
    expect(audit.stderr).toMatch(named);
    bounded(audit);
    runs.push(audit);
    return runs;
  }

  it('a target whose name is not UTF-8 is named, escaped, by plan, apply, patch and check (exit 3); audit lists it', () => {
    const { s, outsideBefore } = fresh();
    const dir = path.join(s.repo, path.dirname(TARGETS[4]));
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.yml')]), readFileSync(path.join(s.repo, TARGETS[4])));
    const tree = hashTree(s.repo);
    refusedEverywhere(s, /roles\/koji_builder\/tasks\/caf\\xe9\.yml: its name is not valid UTF-8: not read/);
    expect(changedEntries(tree, hashTree(s.repo))).toEqual([]);
    expect(existsSync(path.join(s.base, 'x.patch'))).toBe(false);
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
  });

  it('a target whose path is beyond PATH_MAX is named by every command (exit 3), never "not found"', () => {
    const { s, outsideBefore } = fresh();
    const text = readFileSync(path.join(s.repo, TARGETS[4]), 'utf8');
    deepFile(path.join(s.repo, 'roles'), 'd'.repeat(200), 21, 'main.yml', text);
    const tree = hashTree(s.repo);
    refusedEverywhere(s, /roles\/d{200}\/.*: its path is longer than PATH_MAX \(4096 bytes\): not read/);
    expect(changedEntries(tree, hashTree(s.repo))).toEqual([]);
    expect(deepFile(path.join(s.repo, 'roles'), 'd'.repeat(200), 21, 'main.yml')).toBe(text);
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
  });

  it('files behind symlinks leaving the repository are never opened (strace), each link named with where it points', () => {
    requireTool('strace');
    const { s } = fresh();
    const secret = path.join(s.outside, 'secret.yml');
    // A recognisable marker, and a mapped host: it would be a target if it were read.
    writeFileSync(secret, '# MARKER-OUTSIDE-7f3a\ncandidate_registry: candidate-registry.fedoraproject.org\n');
    const outsideBefore = hashTree(s.outside);
    symlinkSync(secret, path.join(s.repo, 'roles/koji_builder/tasks/extra.yml'));
    symlinkSync(path.join(s.outside, 'roles/koji_builder'), path.join(s.repo, 'roles/koji_outside'));
    const tree = hashTree(s.repo);
    const log = path.join(s.base, 'open.log');
    const runs = refusedEverywhere(s, /roles\/koji_builder\/tasks\/extra\.yml: is a symlink to \/.*\/outside\/secret\.yml, outside the repository: not read/, {
      wrap: ['strace', '-f', '-qq', '-s', '4096', '-o', log, '-A', '-e', 'trace=open,openat,openat2,execve'],
    });
    for (const r of runs) {
      expect(r.stderr).toMatch(/roles\/koji_outside: is a symlink to \/.*\/outside\/roles\/koji_builder, outside the repository: not read/);
      expect(`${r.stdout}${r.stderr}`).not.toContain('MARKER-OUTSIDE');
    }
    const rt = ansimod(['roundtrip', '--repo', s.repo, '--verbose'], { wrap: ['strace', '-f', '-qq', '-s', '4096', '-o', log, '-A', '-e', 'trace=open,openat,openat2'] });
    expect(rt.stdout).toMatch(/roles\/koji_builder\/tasks\/extra\.yml: symlink to outside the repository/);
    const opens = readFileSync(log, 'utf8').split('\n').filter((l) => /\bopen(at2?)?\(/.test(l));
    expect(opens.length).toBeGreaterThan(100);
    expect(opens.filter((l) => l.includes(s.outside))).toEqual([]);
    expect(changedEntries(tree, hashTree(s.repo))).toEqual([]);
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
  });

  it.each([
    ['a FIFO', (p: string) => expect(spawnSync('mkfifo', [p]).status).toBe(0)],
    ['a character device', (p: string) => {
      requireRoot();
      expect(spawnSync('mknod', [p, 'c', '1', '3']).status).toBe(0);
    }],
  ])('%s named like a task file is named as not read by every command, nothing blocks', (_name, make) => {
    const { s, outsideBefore } = fresh();
    make(path.join(s.repo, 'roles/koji_builder/tasks/extra.yml'));
    const tree = hashTree(s.repo);
    refusedEverywhere(s, /roles\/koji_builder\/tasks\/extra\.yml: not a regular file: not read/);
    expect(changedEntries(tree, hashTree(s.repo))).toEqual([]);
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
  });
});

describe('peak RSS within the stated bound (README: 200 MiB + text kept + 300 × max(--max-file-size × threads, MiB of matching files))', () => {
  const line = '- {name: x, url: candidate-registry.fedoraproject.org/a, n: 1}\n';
  const dense = (bytes: number): string => `---\n${line.repeat(Math.floor((bytes - 8) / line.length))}`;

  it('a 1 MiB YAML dense with registry references, --max-file-size 1M: plan, audit and roundtrip', () => {
    const { s, outsideBefore } = fresh();
    writeFileSync(path.join(s.repo, 'roles/dense.yml'), dense(2 ** 20));
    const tree = hashTree(s.repo);
    for (const cmd of ['plan', 'audit', 'roundtrip']) {
      const r = ansimod([cmd, '--repo', s.repo, '--max-file-size', '1M']);
      expect(r.status === null ? `killed by ${r.signal}` : 'exited').toBe('exited');
      expect([0, 1, 3]).toContain(r.status);
      bounded(r, { maxFileMiB: 1, needleMiB: 1 });
    }
    expect(changedEntries(tree, hashTree(s.repo))).toEqual([]);
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
  });

  it('a tree of 32 files of --max-file-size (1M) each: plan, audit and roundtrip', () => {
    const { s } = fresh();
    mkdirSync(path.join(s.repo, 'roles/bulk/vars'), { recursive: true });
    const block = 'key_0123456789: value_0123456789_abcdefghij\n';
    const text = block.repeat(Math.floor(2 ** 20 / block.length));
    for (let i = 0; i < 32; i++) writeFileSync(path.join(s.repo, `roles/bulk/vars/v${i}.yml`), text);
    for (const cmd of ['plan', 'audit', 'roundtrip']) {
      const r = ansimod([cmd, '--repo', s.repo, '--max-file-size', '1M']);
      expect([0, 1, 3]).toContain(r.status);
      bounded(r, { maxFileMiB: 1, textMiB: 32 });
    }
  });

  it('a target template with nested loops of 10^10 iterations: render budget exceeded, within the bounds', () => {
    const { s } = fresh();
    appendFileSync(path.join(s.repo, TARGETS[5]), '{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\n');
    const tree = hashTree(s.repo);
    const r = ansimod(['apply', '--repo', s.repo]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/render budget exceeded/);
    bounded(r);
    expect(changedEntries(tree, hashTree(s.repo))).toEqual([]);
  });
});

describe('an attacker\'s and an unlucky user\'s repository', () => {
  it('two applies at once on one repository: the second refuses to start, the first writes all', async () => {
    const { s, old, outsideBefore } = fresh();
    let second: Run | undefined;
    const first = await applyPaused(s.repo, () => {
      second = ansimod(['apply', '--repo', s.repo]);
    });
    expect(second?.status).toBe(3);
    expect(second?.stderr).toMatch(/another ansimod \(pid \d+\) is writing this repository/);
    expect(cleanMessages(second?.stderr ?? '')).toBe(true);
    expect(first.status).toBe(0);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('new');
  });

  it('a git worktree (.git is a file): apply writes all, its journal beside the root is removed', () => {
    const { s } = fresh();
    const wt = path.join(s.base, 'wt');
    git(s.repo, 'worktree', 'add', '-q', wt);
    const r = ansimod(['apply', '--repo', wt]);
    expect(r.status).toBe(0);
    bounded(r);
    // The worktree's tree is the all-new one, its .git file aside; nothing ansimod made is left.
    expect(changedEntries(allNewTree(), hashTree(wt)).filter((k) => k !== '.git')).toEqual([]);
    expect(readdirSync(wt).filter((n) => n.includes('ansimod'))).toEqual([]);
  });

  it('a read-only (immutable) .git: the journal cannot be made, nothing is written', () => {
    requireRoot();
    const { s, old, outsideBefore } = fresh();
    const chattr = (flag: string) => expect(spawnSync('chattr', [flag, path.join(s.repo, '.git')]).status).toBe(0);
    chattr('+i');
    try {
      const r = ansimod(['apply', '--repo', s.repo]);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/EPERM|EACCES|journal/);
      bounded(r);
    } finally {
      chattr('-i');
    }
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });

  it('a target replaced by a directory during the write: refused, nothing else written', async () => {
    const { s, old, outsideBefore } = fresh();
    const target = path.join(s.repo, TARGETS[4]);
    const text = readFileSync(target);
    const r = await applyPaused(s.repo, () => {
      rmSync(target);
      mkdirSync(target);
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(TARGETS[4]);
    expect(cleanMessages(r.stderr)).toBe(true);
    rmSync(target, { recursive: true });
    writeFileSync(target, text);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
  });

  it('a target hard-linked to a file outside the repository: the outside file is never changed', () => {
    const { s } = fresh();
    const target = path.join(s.repo, TARGETS[4]);
    const outsideFile = path.join(s.outside, TARGETS[4]);
    rmSync(target);
    linkSync(outsideFile, target);
    const outsideBefore = hashTree(s.outside);
    const r = ansimod(['apply', '--repo', s.repo]);
    expect(r.status).toBe(0);
    bounded(r);
    expect(changedEntries(outsideBefore, hashTree(s.outside))).toEqual([]);
    expect(changedEntries(allNewTree(), hashTree(s.repo))).toEqual([]);
  });

  it('SIGKILL during the rollback itself: the next command finishes the rollback and says so', () => {
    requireTool('strace');
    const { s, old, outsideBefore } = fresh();
    // rename 6 (the 5th target's move aside) fails; the rollback then puts the 4 before it
    // back by link: link 1 is the journal's, links 2-5 the commits, link 7 the 2nd restore.
    const r = ansimod(['apply', '--repo', s.repo], {
      wrap: ['strace', '-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename,link', '-e', 'inject=rename:error=EIO:when=6', '-e', 'inject=link:signal=KILL:when=7'],
    });
    expect(r.status).not.toBe(0);
    const next = ansimod(['plan', '--repo', s.repo, '--quiet']);
    expect(next.stderr).toMatch(/an interrupted write .* was rolled back/);
    expect(allOldOrAllNew(s.repo, old, s.outside, outsideBefore)).toBe('old');
    bounded(next);
  });
});
