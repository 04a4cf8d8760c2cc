import { AnsimodError } from '@ansimod/core';
import type { HostMatcher } from '../endpoints/host-occurrences.js';
import type { HostTargets } from '../endpoints/rendered-hosts.js';

/**
 * One rule of a host map: a host to another (`db01.iad2.example.org` → `db01.rdu3.example.org`),
 * or a domain pattern (`*.iad2.example.org` → `*.rdu3.example.org`, `*` standing for one or more
 * labels, kept as they are), in every environment or in one.
 */
export interface HostRule {
  /** The environment the rule holds in; undefined: every environment. */
  environment: string | undefined;
  /** Lower-cased host, or for a pattern the domain after `*` with its leading dot (`.iad2.example.org`). */
  from: string;
  /** The new host, or for a pattern the new domain with its leading dot. */
  to: string;
  pattern: boolean;
  /** The rule as written in the map (`staging:*.iad2.example.org`). */
  written: string;
}

const LABEL = '[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?';
const HOST = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`, 'i');
/** An environment prefix: a name without dots before a colon (`staging:`), never a host's port. */
const ENV_PREFIX = /^([A-Za-z_][A-Za-z0-9_-]*):(?=[^:]*$)/;

function splitEnvironment(raw: string): { environment: string | undefined; rest: string } {
  const m = ENV_PREFIX.exec(raw.trim());
  return m ? { environment: m[1], rest: raw.trim().slice(m[0].length) } : { environment: undefined, rest: raw.trim() };
}

function parseSide(raw: string, side: 'from' | 'to', written: string): { value: string; pattern: boolean } {
  const s = raw.toLowerCase();
  const pattern = s.startsWith('*.');
  const host = pattern ? s.slice(2) : s;
  if (!HOST.test(host)) {
    throw new AnsimodError({ code: 'INVALID_OPTION', message: `replace-host: map ${side} "${written}" is not a host name or a *.domain pattern` });
  }
  return { value: pattern ? `.${host}` : host, pattern };
}

/**
 * Host names to new names, for moving hosts in every format: exact names and `*.domain`
 * patterns, each for every environment or for one (`staging:db01.iad2.example.org`). Matching
 * is case-insensitive and whole-host: `xdb01.iad2.example.org` and `db01.iad2.example.org.evil`
 * are not `db01.iad2.example.org`. A map written with environment prefixes inverts with
 * `invertMap` (`{ 'staging:a': 'b' }` gives `{ b: 'staging:a' }`, read back the same way).
 *
 * @example
 * const map = HostMap.from({ '*.iad2.example.org': '*.rdu3.example.org', 'staging:db.iad2.example.org': 'db.stg.rdu3.example.org' });
 * map.target('proxy01.iad2.example.org', 'production'); // => 'proxy01.rdu3.example.org'
 * map.target('db.iad2.example.org', 'staging'); // => 'db.stg.rdu3.example.org'
 */
export class HostMap implements HostMatcher {
  /** Exact rules before patterns, one environment's before every environment's, longer first. */
  private constructor(readonly rules: readonly HostRule[]) {}

  /** Validates and builds a map; a side that is not a host or a `*.domain`, or a pattern mapped to a host, is an error. */
  static from(map: Readonly<Record<string, string>>): HostMap {
    const rules: HostRule[] = [];
    for (const [rawFrom, rawTo] of Object.entries(map)) {
      const written = `${rawFrom}=${rawTo}`;
      const f = splitEnvironment(rawFrom);
      const t = splitEnvironment(rawTo);
      if (f.environment && t.environment && f.environment !== t.environment) {
        throw new AnsimodError({ code: 'INVALID_OPTION', message: `replace-host: "${written}" names two environments` });
      }
      const from = parseSide(f.rest, 'from', written);
      const to = parseSide(t.rest, 'to', written);
      if (from.pattern !== to.pattern) {
        throw new AnsimodError({ code: 'INVALID_OPTION', message: `replace-host: "${written}": a *.domain pattern maps only to another *.domain pattern` });
      }
      rules.push({ environment: f.environment ?? t.environment, from: from.value, to: to.value, pattern: from.pattern, written: rawFrom });
    }
    rules.sort((a, b) => Number(a.pattern) - Number(b.pattern) || Number(!a.environment) - Number(!b.environment) || b.from.length - a.from.length);
    return new HostMap(rules);
  }

  /** The first label of every exact host, the first label of every pattern's domain. */
  needles(): string[] {
    return [...new Set(this.rules.map((r) => (r.pattern ? r.from.slice(1) : r.from).split('.')[0] as string))];
  }

  /**
   * Path patterns of the `host_vars` files and folders named after a host of the map
   * (`host_vars/<host>`, `<host>.yml`, `.yaml`, `.json`, `<host>/…`): they move with their host.
   *
   * @example
   * HostMap.from({ 'a.iad2.example.org': 'a.rdu3.example.org' }).hostVarsGlobs()[0]; // => '**' + '/host_vars/a.iad2.example.org'
   */
  hostVarsGlobs(): string[] {
    const names = [...new Set(this.rules.map((r) => (r.pattern ? `*${r.from}` : r.from)))];
    return names.flatMap((n) => ['', '.yml', '.yaml', '.json', '/**'].map((end) => `**/host_vars/${n}${end}`));
  }

  hasPathSources(): boolean {
    return false;
  }

  /**
   * The mapped host a run of host characters starts with (in some environment), and the rest
   * of the run: `db01.iad2.example.org.cert` is that host with `.cert` after it.
   *
   * @example
   * HostMap.from({ '*.iad2.example.org': '*.rdu3.example.org' }).matchHost('a.iad2.example.org'); // => { host: 'a.iad2.example.org', suffix: '' }
   */
  matchHost(value: string): { host: string; suffix: string } | undefined {
    const v = value.toLowerCase();
    let best: { host: string; suffix: string } | undefined;
    for (const r of this.rules) {
      const end = r.pattern ? patternEnd(v, r.from) : v === r.from || (v.startsWith(r.from) && /^[.:]/.test(v.slice(r.from.length))) ? r.from.length : -1;
      if (end < 0) continue;
      // The longest host wins: `a.b.iad2` before `b.iad2`, and a whole run before a part of it.
      if (!best || end > best.host.length) best = { host: v.slice(0, end), suffix: value.slice(end) };
    }
    return best;
  }

  /** The rule that moves `host` (a whole host) in `environment`, or undefined when it stays. */
  ruleFor(host: string, environment: string): HostRule | undefined {
    const h = host.toLowerCase();
    return this.rules.find((r) => (r.environment === undefined || r.environment === environment) && (r.pattern ? patternEnd(h, r.from) === h.length : h === r.from));
  }

  /**
   * The new name of a whole host in an environment, or undefined when the map leaves it.
   *
   * @example
   * HostMap.from({ '*.iad2.example.org': '*.rdu3.example.org' }).target('A.iad2.example.org', 'production'); // => 'a.rdu3.example.org'
   */
  target(host: string, environment: string): string | undefined {
    const r = this.ruleFor(host, environment);
    if (!r) return undefined;
    const h = host.toLowerCase();
    return r.pattern ? h.slice(0, h.length - r.from.length) + r.to : r.to;
  }

  /**
   * One environment's view for {@link mapRenderedHosts}, leaving the hosts `kept` says stay.
   *
   * @example
   * mapRenderedHosts('db01.iad2.example.org:5432', map.forEnvironment('production'), { keepPorts: true }); // => 'db01.rdu3.example.org:5432'
   */
  forEnvironment(environment: string, kept: (host: string) => boolean = () => false): HostTargets {
    return {
      target: (host) => {
        // A run of rendered text starting with a dot is a domain suffix (`.iad2.example.org`, or a
        // host whose first labels rendered empty): the pattern with nothing before its domain.
        const h = host.toLowerCase();
        const suffix = h.startsWith('.') ? this.rules.find((r) => r.pattern && r.from === h && (r.environment === undefined || r.environment === environment)) : undefined;
        if (suffix && !kept(host)) return { text: suffix.to };
        const to = kept(host) ? undefined : this.target(host, environment);
        return to === undefined ? undefined : { text: to };
      },
      hasPathSources: () => false,
    };
  }
}

/** Where a host matching `*<domain>` ends in `v` (a label boundary after it), or -1. */
function patternEnd(v: string, domain: string): number {
  for (let i = v.indexOf(domain, 1); i > 0; i = v.indexOf(domain, i + 1)) {
    const end = i + domain.length;
    if (end === v.length || v[end] === '.' || v[end] === ':') return end;
  }
  return -1;
}

/** Maps built from one options object: the transform asks once per file. */
const built = new WeakMap<object, HostMap>();

/**
 * The host map of `replace-host`'s `maps` option, validated once per options object.
 *
 * @example
 * hostMapFor(ctx.options.maps) === hostMapFor(ctx.options.maps); // => true
 */
export function hostMapFor(maps: Readonly<Record<string, string>>): HostMap {
  let map = built.get(maps);
  if (map === undefined) built.set(maps, (map = HostMap.from(maps)));
  return map;
}
