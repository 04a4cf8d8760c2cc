/**
 * The agreement harness's comparison: a case's render by ansimod against ansible-core's recorded
 * render (test/render-agreement/ansible-outputs.json, made by scripts/render-regen.mjs).
 */
import { readFileSync } from 'node:fs';
import type { RenderResult } from '@ansimod/core';
import { FIXTURE_PATH, type AgreementCase } from './cases.mjs';

/** What ansible-core did with a case. */
export type Recorded =
  | { key: string; ok: true; output: string }
  | { key: string; ok: false; kind: 'undefined' | 'syntax' | 'error'; undefined?: string[]; message: string };

/** The recorded outputs. */
export interface RecordedOutputs {
  ansible: string;
  jinja2: string;
  cases: Record<string, Recorded>;
}

/** Reads the recorded outputs. */
export function recordedOutputs(path = FIXTURE_PATH): RecordedOutputs {
  return JSON.parse(readFileSync(path, 'utf8')) as RecordedOutputs;
}

/**
 * Why ansimod's render of a case disagrees with Ansible's, or undefined when they agree:
 * - Ansible rendered: the same bytes, and no variable reported missing;
 * - Ansible found an undefined variable: a diagnostic, or an output flagged with the missing
 *   names (one of the names Ansible gives, when it gives one) — never a silent output;
 * - Ansible failed otherwise: a diagnostic.
 */
export function disagreement(c: AgreementCase, expected: Recorded, actual: RenderResult): string | undefined {
  if (expected.ok) {
    if (!actual.ok) return `Ansible renders ${JSON.stringify(expected.output)}; ansimod: ${actual.diagnostic.message}`;
    if (actual.output !== expected.output) return `Ansible renders ${JSON.stringify(expected.output)}; ansimod ${JSON.stringify(actual.output)}`;
    if (actual.undefinedVars.length > 0) return `Ansible renders it; ansimod reports undefined ${actual.undefinedVars.join(', ')}`;
    return undefined;
  }
  if (expected.kind === 'undefined') {
    const names: string[] = actual.undefinedVars;
    if (actual.ok && names.length === 0) return `Ansible: ${expected.message}; ansimod renders ${JSON.stringify(actual.output)} silently`;
    const want = expected.undefined ?? [];
    if (want.length > 0 && !names.some((n) => want.some((w) => n === w || n.endsWith(`.${w}`) || n.endsWith(`['${w}']`) || n.startsWith(`${w}.`) || n.startsWith(`${w}[`) || n === `${w}()`))) {
      return `Ansible: ${expected.message}; ansimod names ${names.join(', ') || 'nothing'}`;
    }
    return undefined;
  }
  if (actual.ok) return `Ansible fails (${expected.message}); ansimod renders ${JSON.stringify(actual.output)}`;
  return undefined;
}
