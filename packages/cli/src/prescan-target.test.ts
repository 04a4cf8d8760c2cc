import { describe, expect, it } from 'vitest';
import { prescanTarget } from './prescan-target.js';

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
