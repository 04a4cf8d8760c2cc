/**
 * The same command line through every way `bin` can run it — the bundle or the modules one by
 * one (ANSIMOD_BUNDLE), with or without the prescan thread (ANSIMOD_PRESCAN) — prints the same
 * plan and the same JSON, and exits the same; `--timings` names the phases that ran.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { ansimod, expectBuilt, gitRepo } from './helpers.js';

beforeAll(expectBuilt);

describe('bin: bundle or modules, prescan or not', () => {
  it('the bundle and its code cache were built next to dist, and V8 takes the cache', async () => {
    const bundle = new URL('../../packages/cli/bundle/main.cjs', import.meta.url);
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(new URL('../../packages/cli/bundle/main.cjs.cache', import.meta.url))).toBe(true);
    const { loadBundle } = await import('../../packages/cli/src/bundle-loader.js');
    const loaded = loadBundle<{ main: unknown }>(bundle);
    expect(loaded.cacheUsed).toBe(true);
    expect(typeof loaded.exports.main).toBe('function');
  });

  it('gives the same plan, byte for byte, in all four ways', () => {
    const repo = gitRepo();
    const runs = (['1', '0'] as const).flatMap((bundle) =>
      (['1', '0'] as const).map((prescan) => ({ bundle, prescan, r: ansimod(['plan', '--repo', repo, '--json'], { env: { ANSIMOD_BUNDLE: bundle === '1' ? undefined : '0', ANSIMOD_PRESCAN: prescan } }) })),
    );
    const [first] = runs;
    for (const { r } of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(first?.r.stdout);
    }
    expect(JSON.parse(first?.r.stdout ?? '{}').changes.length).toBeGreaterThan(0);
  });

  it('--timings names each phase on stderr, the prescan when it ran', () => {
    const repo = gitRepo();
    const withPrescan = ansimod(['plan', '--repo', repo, '--timings', '--quiet'], { env: { ANSIMOD_PRESCAN: '1' } });
    expect(withPrescan.code, withPrescan.stderr).toBe(0);
    expect(withPrescan.stderr).toMatch(/^timings: start-up \d+ ms, recipe \d+ ms, environments \d+ ms, walk and scan \(prescan\) \d+ ms, scan \d+ ms, step OSBS \d+ ms, .*verify \d+ ms; total \d+ ms$/m);
    const without = ansimod(['plan', '--repo', repo, '--timings', '--quiet'], { env: { ANSIMOD_PRESCAN: '0' } });
    expect(without.stderr).toMatch(/^timings: start-up \d+ ms, recipe \d+ ms, environments \d+ ms, walk \d+ ms, scan \d+ ms, /m);
  });
});
