import { describe, expect, it } from 'vitest';
import { BUNDLED_MAIN, cliEntry, prescanTarget, prescanWanted, UNBUNDLED_MAIN } from './prescan-target.js';

describe('prescanTarget', () => {
  it('names the repository of a planning command, wherever --repo is', () => {
    expect(prescanTarget(['plan', '--repo', 'x'])).toBe('x');
    expect(prescanTarget(['--repo', 'x', 'apply'])).toBe('x');
    expect(prescanTarget(['patch', '--repo=y', '-o', 'out.patch'])).toBe('y');
    expect(prescanTarget(['check'])).toBe('.');
    expect(prescanTarget(['plan', '--map', 'a=b', '--repo', 'z', '--env', 'staging'])).toBe('z');
  });

  it('is undefined for other commands, for help and after --', () => {
    expect(prescanTarget(['roundtrip', '--repo', 'x'])).toBeUndefined();
    expect(prescanTarget(['audit'])).toBeUndefined();
    expect(prescanTarget(['plan', '--help'])).toBeUndefined();
    expect(prescanTarget(['--', 'plan'])).toBeUndefined();
    expect(prescanTarget([])).toBeUndefined();
  });

  it('does not take a flag value for the command word', () => {
    expect(prescanTarget(['--recipe', 'plan', 'list'])).toBeUndefined();
  });
});

describe('cliEntry', () => {
  const built = () => true;
  it('loads the bundle when it was built', () => {
    expect(cliEntry(['plan', '--repo', 'x'], built, {})).toBe(BUNDLED_MAIN);
    expect(cliEntry(['roundtrip'], built, {})).toBe(BUNDLED_MAIN);
    expect(cliEntry(['plan'], () => false, {})).toBe(UNBUNDLED_MAIN);
  });

  it('loads the modules one by one for --transform files (one @ansimod/core with the user code) and with ANSIMOD_BUNDLE=0', () => {
    expect(cliEntry(['plan', '--transform', 'x.ts'], built, {})).toBe(UNBUNDLED_MAIN);
    expect(cliEntry(['list', '--transform=x.mjs'], built, {})).toBe(UNBUNDLED_MAIN);
    expect(cliEntry(['plan'], built, { ANSIMOD_BUNDLE: '0' })).toBe(UNBUNDLED_MAIN);
    expect(cliEntry(['plan', '--', '--transform'], built, {})).toBe(BUNDLED_MAIN);
  });
});

describe('prescanWanted', () => {
  it('uses a second core when there is one, unless ANSIMOD_PRESCAN decides', () => {
    expect(prescanWanted({}, 1)).toBe(false);
    expect(prescanWanted({}, 2)).toBe(true);
    expect(prescanWanted({ ANSIMOD_PRESCAN: '1' }, 1)).toBe(true);
    expect(prescanWanted({ ANSIMOD_PRESCAN: '0' }, 16)).toBe(false);
    expect(prescanWanted({ ANSIMOD_PRESCAN: 'yes' }, 1)).toBe(false);
  });
});
