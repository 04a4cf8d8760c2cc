import { AnsimodError } from '@ansimod/core';

/** One `from → to` rule of a {@link RegistryValueMap}. */
interface Rule {
  /** Lower-cased host, with `:port` only when the map names one. */
  host: string;
  /** Path after the host, with its leading slash, or '' (an inverted map has `quay.io/fedora` keys). */
  path: string;
  /** `host[/namespace]` as given, without a trailing slash. */
  target: string;
}

const HOST = /^(?=.{1,260}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A registry value split into scheme, host (with port) and the path after it. */
interface SplitValue {
  scheme: string;
  host: string;
  path: string;
}

function splitValue(value: string): SplitValue | undefined {
  const scheme = SCHEME.exec(value)?.[0] ?? '';
  const rest = value.slice(scheme.length);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (!HOST.test(host)) return undefined;
  return { scheme, host, path: slash < 0 ? '' : rest.slice(slash) };
}

function withoutPort(host: string): string {
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** Whether `path` is `prefix` or continues it with a `/` segment. */
function pathStartsWith(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && (prefix === '' || path[prefix.length] === '/'));
}

/**
 * Maps a registry value as an application setting holds it (`registry.example.org`,
 * `registry.example.org:5000`, `registry.example.org/fedora`) to its new `host/namespace`, the
 * path after the host kept. Unlike the endpoint map, a key may carry a path, so the inverse of
 * a recipe's maps (`quay.io/fedora → registry.example.org`, used by `--reverse`) works too.
 *
 * @example
 * const map = RegistryValueMap.from({ 'registry.example.org': 'quay.io/example' });
 * map.map('registry.example.org:5000/app'); // => 'quay.io/example/app'
 * map.map('quay.io/example'); // => 'quay.io/example' (already a target)
 * map.map('localhost:5000'); // => 'localhost:5000' (not mapped)
 */
export class RegistryValueMap {
  private constructor(private readonly rules: readonly Rule[]) {}

  /** Validates and builds a map; a key that is not `host[:port][/path]` or a value that is not `host[/namespace]` is an error. */
  static from(map: Readonly<Record<string, string>>): RegistryValueMap {
    const rules: Rule[] = [];
    for (const [rawFrom, rawTo] of Object.entries(map)) {
      const from = splitValue(rawFrom.trim().replace(/\/+$/, ''));
      if (!from || from.scheme) throw new AnsimodError({ code: 'INVALID_OPTION', message: `maps: "${rawFrom}" is not a registry host[/namespace]` });
      const target = rawTo.trim().replace(/\/+$/, '');
      const to = splitValue(target);
      if (!to || to.scheme || /\/\/|\s/.test(to.path)) {
        throw new AnsimodError({ code: 'INVALID_OPTION', message: `maps: "${rawTo}" is not host[/namespace]` });
      }
      rules.push({ host: from.host.toLowerCase(), path: from.path, target });
    }
    // Longest first, so `quay.io/fedora-testing` wins over `quay.io/fedora` and a path rule over its bare host.
    rules.sort((a, b) => b.host.length + b.path.length - (a.host.length + a.path.length));
    return new RegistryValueMap(rules);
  }

  /**
   * The value with its registry moved: a mapped host (with or without a port) or `host/path`
   * becomes the target with the rest of the path after it. A value already at a target, and
   * any value the map does not name, comes back unchanged.
   */
  map(value: string): string {
    const v = splitValue(value);
    if (!v || this.isTarget(v)) return value;
    const host = v.host.toLowerCase();
    for (const r of this.rules) {
      const hostMatches = r.host === host || (!r.host.includes(':') && r.host === withoutPort(host));
      if (hostMatches && pathStartsWith(v.path, r.path)) return v.scheme + r.target + v.path.slice(r.path.length);
    }
    return value;
  }

  /** True when the value already names one of the targets (so mapping it again changes nothing). */
  isTargetValue(value: string): boolean {
    const v = splitValue(value);
    return !!v && this.isTarget(v);
  }

  /** True when the map moves this value somewhere else. */
  moves(value: string): boolean {
    return this.map(value) !== value;
  }

  /**
   * Substrings any value the map names must contain: the first DNS label of each source host
   * and of each target host (to recognise migrated files too).
   */
  needles(): string[] {
    const labels = this.rules.flatMap((r) => [r.host, r.target]).map((h) => h.split(/[.:/]/)[0] as string);
    return [...new Set(labels)];
  }

  private isTarget(v: SplitValue): boolean {
    const text = (v.host + v.path).toLowerCase();
    return this.rules.some((r) => {
      const t = r.target.toLowerCase();
      return text === t || text.startsWith(`${t}/`);
    });
  }
}
