import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDocument } from './load.js';
import { buildRoundtripReport, roundtripRepository } from './roundtrip.js';
import { roundtripFileSync, type FileRoundtrip } from './roundtrip-file.js';
import { checkSlice, FileCursor, RoundtripPool, roundtripInWorkers, workerScript } from './roundtrip-pool.js';
import { walkRepository } from './walk.js';

const latin1Ini = Buffer.concat([Buffer.from('[main]\n# caf'), Buffer.from([0xe9]), Buffer.from('\nhost = registry.example.org\n')]);
const FILES: Record<string, string | Buffer> = {
  'site.yml': '---\n- hosts: all\n  roles:\n    - web\n',
  'crlf.yml': 'a: 1\r\nb:\r\n  - "{{ x }}"\r\n',
  'bom.yml': '\uFEFFkey: value  # comment\n',
  'no-newline.json': '{"auths": {"{{ host }}": {"auth": "x"}}}',
  'roles/app/templates/app.ini': latin1Ini,
  'roles/web/templates/site.conf': '<VirtualHost *:443>\n  ServerName {{ name }}\n</VirtualHost>\n',
  'README.txt': 'plain text\n',
  'broken.yml': 'a: [1, 2\nb: }\n',
  'files/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]),
};

let root: string;
let outside: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ansimod-roundtrip-'));
  outside = await mkdtemp(path.join(tmpdir(), 'ansimod-outside-'));
  for (const [rel, content] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  await writeFile(path.join(outside, 'secret.yml'), 'a: 1\n');
  await symlink(path.join(outside, 'secret.yml'), path.join(root, 'outside.yml'));
  await symlink('missing.yml', path.join(root, 'dangling.yml'));
  await mkdir(path.join(root, '.git'));
  await writeFile(path.join(root, '.git/config'), '[core]\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('roundtripRepository', () => {
  it('prints every file read back byte for byte and says what it skipped', async () => {
    const report = await roundtripRepository(root, { workers: 0 });
    expect(report.total).toBe(8);
    expect(report.identical).toBe(8);
    expect(report.different).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.skipped).toEqual([
      { path: 'dangling.yml', reason: 'dangling symlink' },
      { path: 'files/logo.png', reason: 'binary file (NUL byte)' },
      { path: 'outside.yml', reason: 'symlink to outside the repository', notRead: 'file', linkTarget: path.join(outside, 'secret.yml') },
    ]);
    expect(report.nonUtf8).toEqual(['roles/app/templates/app.ini']);
    expect(Object.keys(report.byFormat)).toEqual(['yaml', 'ini', 'json', 'conf', 'text']);
    const sum = Object.values(report.byFormat).reduce((n, t) => n + t.files, 0);
    expect(sum).toBe(report.total);
    expect(report.byFormat.yaml.files).toBe(4);
    // broken.yml counts as YAML but not as structured, and is listed as a fallback
    expect(report.byFormat.yaml.structured).toBe(3);
    expect(report.fallbacks.map((f) => [f.path, f.format])).toEqual([['broken.yml', 'yaml']]);
    expect(report.byFormat.json).toMatchObject({ files: 1, identical: 1 });
    expect(report.byFormat.ini).toMatchObject({ files: 1, identical: 1 });
    expect(report.byFormat.conf).toMatchObject({ files: 1, identical: 1 });
    expect(report.byFormat.text).toMatchObject({ files: 1, structured: 0, identical: 1 });
  });

  it('reports progress for the walk and the check', async () => {
    const phases = new Set<string>();
    let last = 0;
    await roundtripRepository(root, {
      workers: 0,
      onProgress: (e) => {
        phases.add(e.phase);
        if (e.phase === 'check') last = e.done;
      },
    });
    expect([...phases]).toEqual(['walk', 'check']);
    expect(last).toBe(9);
  });
});

describe('checking files from a shared cursor', () => {
  it('never needs a file\'s size or mode (a lazy walk would stat for them)', () => {
    const entry = {
      path: 'site.yml',
      absolutePath: path.join(root, 'site.yml'),
      get size(): number {
        throw new Error('size read');
      },
      get mode(): number {
        throw new Error('mode read');
      },
    };
    expect(roundtripFileSync(entry)).toEqual({ kind: 'read', path: 'site.yml', format: 'yaml', structured: true, identical: true, encoding: 'utf8' });
  });

  it('hands every index out once, across cursors sharing one buffer, and stops at the end', () => {
    const files = ['site.yml', 'bom.yml', 'README.txt'].map((p) => ({ path: p, absolutePath: path.join(root, p) }));
    const a = new FileCursor();
    const b = new FileCursor(a.buffer);
    const seen: number[] = [];
    const record = (i: number, r: FileRoundtrip): void => {
      expect(r.path).toBe(files[i]?.path);
      seen.push(i);
    };
    // a zero-length slice checks one file per call
    expect(checkSlice(a, files, record, 0)).toBe(true);
    expect(checkSlice(b, files, record, 0)).toBe(true);
    expect(checkSlice(a, files, record, 0)).toBe(true);
    expect(checkSlice(b, files, record, 0)).toBe(false);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('checks everything in the calling thread with a pool of no workers, in path order', async () => {
    const { files } = await walkRepository(root);
    const pool = RoundtripPool.start(0);
    expect(pool.size).toBe(0);
    const progress: number[] = [];
    const results = await pool.run(files, (done) => progress.push(done));
    await pool.close();
    expect(results.map((r) => r.path)).toEqual(files.map((f) => f.path));
    expect(progress.at(-1)).toBe(files.length);
    await expect(pool.run(files, undefined, { callerChecks: false })).rejects.toThrow(/needs workers/);
  });
});

describe('buildRoundtripReport', () => {
  it('counts a file whose printing differs or threw', () => {
    const report = buildRoundtripReport(
      [{ path: 'z', reason: 'dangling symlink' }],
      [
        { kind: 'read', path: 'a.yml', format: 'yaml', structured: true, identical: false, encoding: 'utf8' },
        { kind: 'read', path: 'b.ini', format: 'ini', structured: false, identical: false, encoding: 'latin1', error: 'boom' },
        { kind: 'skipped', path: 'c.bin', reason: 'binary file (NUL byte)' },
      ],
    );
    expect(report).toMatchObject({
      total: 2,
      identical: 0,
      different: ['a.yml', 'b.ini'],
      nonUtf8: ['b.ini'],
      errors: [{ path: 'b.ini', message: 'boom' }],
      skipped: [
        { path: 'c.bin', reason: 'binary file (NUL byte)' },
        { path: 'z', reason: 'dangling symlink' },
      ],
    });
    expect(report.byFormat.yaml).toEqual({ files: 1, structured: 1, identical: 0 });
    expect(report.byFormat.ini).toEqual({ files: 1, structured: 0, identical: 0 });
  });
});

describe('loadDocument', () => {
  it('loads by relative path and keeps the encoding for writing back', async () => {
    const { document, encoding } = await loadDocument(root, 'roles/app/templates/app.ini');
    expect(encoding).toBe('latin1');
    expect(Buffer.from(document.print(), encoding).equals(latin1Ini)).toBe(true);
  });
  it('refuses binary files and paths outside the repository', async () => {
    await expect(loadDocument(root, 'files/logo.png')).rejects.toMatchObject({ code: 'BINARY_FILE' });
    await expect(loadDocument(root, 'outside.yml')).rejects.toMatchObject({ code: 'SYMLINK_OUTSIDE' });
    await expect(loadDocument(root, '../x.yml')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
  });
});

describe('worker pool', () => {
  let big: string;
  beforeAll(async () => {
    // Worker threads cannot load TypeScript: they run the compiled package, so build it first
    // (incremental; type errors elsewhere still emit).
    const here = path.dirname(fileURLToPath(import.meta.url));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '-b', path.resolve(here, '../..')], { stdio: 'pipe' });
    } catch {
      // reported below if the worker is missing
    }
    big = await mkdtemp(path.join(tmpdir(), 'ansimod-pool-'));
    const kinds = Object.entries(FILES);
    for (let i = 0; i < 600; i++) {
      const [rel, content] = kinds[i % kinds.length] as [string, string | Buffer];
      const target = path.join(big, `d${i % 13}`, `${i}-${rel}`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await symlink('nowhere', path.join(big, 'dangling'));
  }, 120_000);
  afterAll(async () => {
    await rm(big, { recursive: true, force: true });
  });

  it('finds the compiled worker', () => {
    expect(workerScript(), 'packages/core/dist/repo/roundtrip-worker.js missing: run `npm run build`').toBeDefined();
  });

  it('gives exactly the in-thread report, whatever the worker count', async () => {
    const single = await roundtripRepository(big, { workers: 0 });
    // every ninth file is the binary one (i % 9 === 8): 66 of them are skipped
    expect(single.total).toBe(534);
    expect(single.skipped).toHaveLength(67);
    for (const workers of [2, 3]) {
      expect(await roundtripRepository(big, { workers })).toEqual(single);
    }
    // the default picks workers above the threshold
    expect(await roundtripRepository(big, { workerThreshold: 10 })).toEqual(single);
  });

  it('returns outcomes aligned with the entries', async () => {
    const { files } = await walkRepository(big);
    const results = await roundtripInWorkers(files, 2);
    expect(results.map((r) => r.path)).toEqual(files.map((f) => f.path));
  });

  it('shares a run between the calling thread and a worker, however the files fall', async () => {
    const { files } = await walkRepository(big);
    const single = await RoundtripPool.start(0).run(files);
    const pool = RoundtripPool.start(1);
    try {
      // The first run may end before the worker has loaded (the caller takes every file); the
      // second finds it ready. Both must give the single-thread outcomes, index for index.
      expect(await pool.run(files)).toEqual(single);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const progress: number[] = [];
      expect(await pool.run(files, (done) => progress.push(done))).toEqual(single);
      expect(progress.at(-1)).toBe(files.length);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    } finally {
      await pool.close();
    }
  });
});
