/**
 * `ansimod check` and `ansimod apply` on real git repositories: check before and after, a second
 * apply changing nothing, the uncommitted-changes warning, and byte fidelity — CRLF line endings,
 * a UTF-8 BOM, a latin-1 byte and mode 0640 on targets survive untouched outside the edits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ansimod, expectBuilt, git, gitRepo, snapshot } from './helpers.js';

beforeAll(expectBuilt);

const BODHI = 'roles/bodhi2/base/templates/production.ini.j2';
const DOCKERCFG = 'files/osbs/dockercfg-production-secret.j2';
const PROXY = 'roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf';

describe('ansimod check / apply', () => {
  it('check exits 1 while changes are pending and 0 after apply; a second apply changes nothing', () => {
    const repo = gitRepo();
    const before = ansimod(['check', '--repo', repo]);
    expect(before.code, before.stderr).toBe(1);
    expect(before.stdout).toMatch(/^pending: \S+ \(.+\)$/m);

    const first = ansimod(['apply', '--repo', repo]);
    expect(first.code, first.stderr).toBe(0);
    const changed = git(repo, 'status', '--porcelain').split('\n').filter(Boolean);
    expect(changed.length).toBeGreaterThan(0);
    expect(first.stdout.split('\n').filter((l) => l.startsWith('changed: '))).toHaveLength(changed.length);

    const after = ansimod(['check', '--repo', repo]);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toBe('');

    const state = snapshot(repo);
    const second = ansimod(['apply', '--repo', repo]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('changed: ');
    expect(snapshot(repo)).toEqual(state);
  });

  it('apply leaves no temporary files behind and touches only the planned files', () => {
    const repo = gitRepo();
    const plan = JSON.parse(ansimod(['plan', '--repo', repo, '--json']).stdout) as { changes: Array<{ path: string }> };
    const before = snapshot(repo);
    expect(ansimod(['apply', '--repo', repo]).code).toBe(0);
    const after = snapshot(repo);
    expect([...after.keys()]).toEqual([...before.keys()]);
    const differing = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
    expect(differing.sort()).toEqual(plan.changes.map((c) => c.path).sort());
  });

  it('warns when a target has uncommitted changes, and still applies', () => {
    const repo = gitRepo();
    const file = path.join(repo, BODHI);
    writeFileSync(file, readFileSync(file, 'utf8').replace('# Bodhi server settings', '# Bodhi server settings (edited)'));
    const r = ansimod(['apply', '--repo', repo]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${BODHI} has uncommitted changes`);
    expect(r.stderr.match(/uncommitted changes/g)).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toContain('(edited)');
  });
});

describe('apply keeps the bytes it does not edit', () => {
  /** Adds an ASCII comment line after the first line of the Bodhi template (its latin-1 twin goes in the other copy). */
  const withComment = (dir: string, comment: Buffer): void => {
    const file = path.join(dir, BODHI);
    const bytes = readFileSync(file);
    const eol = bytes.indexOf(0x0a) + 1;
    writeFileSync(file, Buffer.concat([bytes.subarray(0, eol), comment, Buffer.from('\n'), bytes.subarray(eol)]));
  };
  const crlf = (b: Buffer): Buffer => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  const TARGETS = [BODHI, DOCKERCFG, PROXY];

  it('CRLF line endings, a BOM, a latin-1 byte and mode 0640 on targets survive apply', () => {
    // The plain repository: LF, UTF-8, no BOM, an ASCII comment where the other copy has latin-1.
    const plain = gitRepo({ prepare: (d) => withComment(d, Buffer.from('# cafe au lait', 'latin1')) });
    // The same content with the odd bytes: CRLF (Bodhi, proxy), latin-1 é (Bodhi), BOM (dockercfg), 0640 on all three.
    const odd = gitRepo({
      prepare: (d) => {
        withComment(d, Buffer.from('# caf\xe9 au lait', 'latin1'));
        for (const t of [BODHI, PROXY]) writeFileSync(path.join(d, t), crlf(readFileSync(path.join(d, t))));
        writeFileSync(path.join(d, DOCKERCFG), Buffer.concat([BOM, readFileSync(path.join(d, DOCKERCFG))]));
        for (const t of TARGETS) chmodSync(path.join(d, t), 0o640);
      },
    });
    const originals = new Map(TARGETS.map((t) => [t, readFileSync(path.join(odd, t))]));
    expect(originals.get(BODHI)?.includes(0xe9)).toBe(true);

    for (const repo of [plain, odd]) {
      const r = ansimod(['apply', '--repo', repo]);
      expect(r.code, r.stderr).toBe(0);
      for (const t of TARGETS) expect(r.stdout, `${t} changed`).toContain(`changed: ${t} (`);
    }

    // The odd copy's result is the plain copy's result with the same byte changes made to it.
    const expected = new Map<string, Buffer>([
      [BODHI, crlf(Buffer.from(readFileSync(path.join(plain, BODHI)).toString('latin1').replace('# cafe au lait', '# caf\xe9 au lait'), 'latin1'))],
      [PROXY, crlf(readFileSync(path.join(plain, PROXY)))],
      [DOCKERCFG, Buffer.concat([BOM, readFileSync(path.join(plain, DOCKERCFG))])],
    ]);
    for (const t of TARGETS) {
      const actual = readFileSync(path.join(odd, t));
      expect(actual.equals(originals.get(t) as Buffer), `${t} was edited`).toBe(false);
      expect(actual.toString('latin1'), t).toBe((expected.get(t) as Buffer).toString('latin1'));
      expect(statSync(path.join(odd, t)).mode & 0o777, `${t} mode`).toBe(0o640);
    }
    // No bare LF crept into the CRLF files (inserted lines take the file's line ending).
    for (const t of [BODHI, PROXY]) expect(readFileSync(path.join(odd, t)).toString('latin1'), t).not.toMatch(/[^\r]\n/);
  });

  it('a latin-1 file keeps every byte outside the edited lines', () => {
    const repo = gitRepo({ prepare: (d) => withComment(d, Buffer.from('# caf\xe9 \xb5 au lait', 'latin1')) });
    const before = readFileSync(path.join(repo, BODHI));
    const r = ansimod(['apply', '--repo', repo]);
    expect(r.code, r.stderr).toBe(0);
    const after = readFileSync(path.join(repo, BODHI));
    // Lines removed or added by the edit, as git sees them: none of them is the latin-1 comment,
    // and every other line is in the result, byte for byte.
    const diff = git(repo, 'diff', '--text', '-U0', '--', BODHI);
    expect(diff).not.toMatch(/^[-+]# caf/m);
    const lines = (b: Buffer) => b.toString('latin1').split('\n');
    const kept = lines(before).filter((l) => !diff.includes(`\n-${l}\n`));
    const afterLines = lines(after);
    let i = 0;
    for (const l of kept) {
      i = afterLines.indexOf(l, i);
      expect(i, `line "${l}" kept in order`).toBeGreaterThanOrEqual(0);
      i++;
    }
    expect(after.includes(Buffer.from('# caf\xe9 \xb5 au lait\n', 'latin1'))).toBe(true);
  });
});

describe('--quiet', () => {
  it('apply --quiet prints nothing on success and still writes', () => {
    const repo = gitRepo();
    const r = ansimod(['apply', '--repo', repo, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
    expect(git(repo, 'status', '--porcelain')).not.toBe('');
  });
});
