import type { Environment } from '@ansimod/core';
import { isHostChar } from './host-chars.js';

/**
 * The hosts a search looks for: an {@link EndpointMap} (registry hosts) or any other host map
 * (`replace-host`'s names and `*.domain` patterns).
 */
export interface HostMatcher {
  /** Substrings every reference to a host must contain, even one split by Jinja (the cheap pre-filter). */
  needles(): string[];
  /** True when some source has a namespace path (`quay.io/fedora`, an inverted registry map). */
  hasPathSources(): boolean;
  /**
   * The host a whole run of host characters (Jinja evaluated) names, and what follows it in the
   * run (`.cert` of `host.cert`), or undefined when the run starts with no host of the map.
   */
  matchHost(value: string): { host: string; suffix: string } | undefined;
}

/** One place where a mapped host is written, possibly split by Jinja. */
export interface HostOccurrence {
  /** Offsets of the host as written (Jinja included), in the text searched. */
  start: number;
  end: number;
  source: string;
  /** True when part of the host is a Jinja expression. */
  templated: boolean;
  /** The mapped host it evaluates to, per environment (absent where it evaluates to another host). */
  byEnv: Record<string, string>;
  /** The first mapped host it evaluates to. */
  endpoint: string;
  /** Labels written after the host inside the same run (`.cert` of `host.cert`): a file name, not a host. */
  suffix: string;
}

/**
 * Renders a Jinja template for an environment (the transform context's `evaluate`).
 *
 * @example
 * const evaluate: Evaluate = (t, env) => ctx.evaluate(t, env);
 */
export type Evaluate = (template: string, env: Environment) => Promise<string>;

/** Expands from an anchor to the whole run of host characters, `\.` escapes and `{{ … }}` expressions. */
function expandRun(text: string, anchor: number): [number, number] {
  let start = anchor;
  for (;;) {
    const c = text.charCodeAt(start - 1);
    if (isHostChar(c)) start--;
    else if (c === 92 /* \ */ && text.charCodeAt(start) === 46) start--;
    else if (c === 125 && text.charCodeAt(start - 2) === 125) {
      const open = text.lastIndexOf('{{', start - 2);
      if (open < 0 || text.slice(open, start).includes('\n')) break;
      start = open;
    } else break;
  }
  let end = anchor;
  for (;;) {
    const c = text.charCodeAt(end);
    if (isHostChar(c)) end++;
    else if (c === 92 && text.charCodeAt(end + 1) === 46) end += 2;
    else if (c === 123 && text.charCodeAt(end + 1) === 123) {
      const close = text.indexOf('}}', end + 2);
      if (close < 0 || text.slice(end, close).includes('\n')) break;
      end = close + 2;
    } else break;
  }
  while (end > start && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
  while (start < end && (text[start] === '.' || text[start] === '-')) start++;
  return [start, end];
}

const PATH_SEGMENT = /^\/[A-Za-z0-9._-]+/;

/** For sources with a namespace (`quay.io/fedora`), the run goes on over `/segment`s. */
function extendOverPath(text: string, end: number): number {
  let e = end;
  for (let m = PATH_SEGMENT.exec(text.slice(e, e + 256)); m; m = PATH_SEGMENT.exec(text.slice(e, e + 256))) e += m[0].length;
  return e;
}

/**
 * The runs of host characters, `\.` escapes and `{{ … }}` expressions around each needle of the
 * map (`[start, end]`, sorted): every place a host of the map may be written, before any is
 * evaluated. {@link findHostOccurrences} keeps those that name a host of the map.
 *
 * @example
 * hostRuns('ssh {{ name }}.iad2.example.org', map); // => [[4, 30]]
 */
export function hostRuns(text: string, map: Pick<HostMatcher, 'needles' | 'hasPathSources'>): Array<[number, number]> {
  const withPaths = map.hasPathSources();
  const runs = new Map<number, number>();
  for (const needle of map.needles()) {
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) {
      const [s, e] = expandRun(text, i);
      if (e > s && !runs.has(s)) runs.set(s, withPaths ? extendOverPath(text, e) : e);
    }
  }
  return [...runs.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Finds every place in `text` where a mapped registry host is written — literally, with escaped
 * dots (`registry\.example\.org` in a regex), or split by Jinja (`registry{{ env_suffix }}.example.org`,
 * evaluated for each environment). A longer host that merely contains a mapped one
 * (`cdn.registry.example.org`, `oci-registry01.example.org`) is not a match.
 *
 * @example
 * const found = await findHostOccurrences('url: https://registry.example.org/', map, envs, evaluate);
 * found[0].endpoint; // => 'registry.example.org'
 */
export async function findHostOccurrences(
  text: string,
  map: HostMatcher,
  environments: readonly Environment[],
  evaluate: Evaluate,
): Promise<HostOccurrence[]> {
  const out: HostOccurrence[] = [];
  for (const [start, end] of hostRuns(text, map)) {
    const source = text.slice(start, end);
    const plain = source.replace(/\\\./g, '.');
    const templated = plain.includes('{{');
    const byEnv: Record<string, string> = {};
    let endpoint: string | undefined;
    let suffix = '';
    if (!templated) {
      const m = map.matchHost(plain);
      if (!m) continue;
      for (const env of environments) byEnv[env.name] = m.host;
      endpoint = m.host;
      suffix = m.suffix;
    } else {
      for (const env of environments) {
        const value = await evaluate(plain, env).catch(() => undefined);
        const m = value === undefined ? undefined : map.matchHost(value);
        if (!m) continue;
        byEnv[env.name] = m.host;
        endpoint ??= m.host;
        suffix = m.suffix;
      }
      if (!endpoint) continue;
    }
    if (endpoint.includes('/') && !templated) {
      const cut = start + endpoint.length + (source.length - plain.length);
      out.push({ start, end: cut, source: text.slice(start, cut), templated, byEnv, endpoint, suffix: '' });
      continue;
    }
    out.push({ start, end, source, templated, byEnv, endpoint, suffix });
  }
  return out;
}
