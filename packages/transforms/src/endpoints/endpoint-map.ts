import { AnsimodError } from '@ansimod/core';
import { parseRegistryRef, type RegistryRef } from './registry-ref.js';

/** Where a registry host moves to: a host and an optional namespace (`quay.io/fedora`). */
export interface EndpointTarget {
  host: string;
  /** Namespace path without slashes at either end ('' when none). */
  namespace: string;
  /** `host/namespace` as written. */
  text: string;
}

/** One source of the map split at its first slash: an inverted map (`--reverse`) has `host/namespace` sources. */
interface Rule {
  /** Lower-cased host, with `:port` only when the map names one. */
  host: string;
  /** Lower-cased path after the host, with its leading slash, or ''. */
  path: string;
  target: EndpointTarget;
}

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;
const PORT = /:\d{1,5}$/;

/** Whether `path` is `prefix` or continues it with a `/` segment. */
function pathStartsWith(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && (prefix === '' || path[prefix.length] === '/'));
}

/**
 * An endpoint map: registry host → new `host[/namespace]`. Keys are matched case-insensitively.
 *
 * @example
 * const map = EndpointMap.from({ 'registry.example.org': 'quay.io/example' });
 * map.target('REGISTRY.example.org'); // => { host: 'quay.io', namespace: 'example', text: 'quay.io/example' }
 */
export class EndpointMap {
  private readonly targets = new Map<string, EndpointTarget>();
  /** Longest source first (so a longer host, or `host/namespace`, wins over a shorter one). */
  private readonly rules: Rule[];

  private constructor(entries: ReadonlyArray<readonly [string, EndpointTarget]>) {
    for (const [from, to] of entries) this.targets.set(from, to);
    this.rules = [...this.targets.keys()]
      .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
      .map((from) => {
        const slash = from.indexOf('/');
        const host = slash < 0 ? from : from.slice(0, slash);
        return { host, path: from.slice(host.length), target: this.targets.get(from) as EndpointTarget };
      });
  }

  /** Validates and builds a map; a FROM that is not a host or a TO that is not `host[/namespace]` is an error. */
  static from(map: Readonly<Record<string, string>>): EndpointMap {
    const entries: Array<[string, EndpointTarget]> = [];
    for (const [rawFrom, rawTo] of Object.entries(map)) {
      // A source is a registry host; an inverted map (--reverse) has host/namespace sources.
      const from = rawFrom.trim().toLowerCase().replace(/\/+$/, '');
      const fromHost = from.split('/')[0] as string;
      if (!HOST.test(fromHost) || /\/\/|\s/.test(from)) {
        throw new AnsimodError({ code: 'INVALID_OPTION', message: `map: "${rawFrom}" is not a registry host` });
      }
      const to = rawTo.trim().replace(/\/+$/, '');
      const slash = to.indexOf('/');
      const host = slash < 0 ? to : to.slice(0, slash);
      const namespace = slash < 0 ? '' : to.slice(slash + 1);
      if (!HOST.test(host) || /\/\/|\s/.test(namespace)) {
        throw new AnsimodError({ code: 'INVALID_OPTION', message: `map: "${rawTo}" is not host[/namespace]` });
      }
      entries.push([from, { host, namespace, text: to }]);
    }
    return new EndpointMap(entries);
  }

  /** The target for a registry host (port included when the map names one), or undefined. */
  target(host: string): EndpointTarget | undefined {
    return this.targets.get(host.toLowerCase());
  }

  /** The mapped source hosts, longest first (so a longer host wins over a shorter suffix). */
  sources(): string[] {
    return this.rules.map((r) => r.host + r.path);
  }

  /**
   * The mapped source a run of host characters starts with, where the source ends at a label
   * boundary (`.`, `:`, or `/` for a `host/namespace` source), and the rest of the run.
   *
   * @example
   * EndpointMap.from({ 'registry.example.org': 'quay.io/x' }).matchHost('registry.example.org.cert');
   * // => { host: 'registry.example.org', suffix: '.cert' }
   */
  matchHost(value: string): { host: string; suffix: string } | undefined {
    const v = value.toLowerCase();
    for (const r of this.rules) {
      const h = r.host + r.path;
      if (v === h) return { host: h, suffix: '' };
      const next = v[h.length];
      if (v.startsWith(h) && (next === '.' || next === ':' || (next === '/' && h.includes('/')))) return { host: h, suffix: value.slice(h.length) };
    }
    return undefined;
  }

  /** Every target, for recognising values that were already migrated. */
  allTargets(): EndpointTarget[] {
    return [...this.targets.values()];
  }

  /**
   * Substrings that any reference to a mapped host must contain, even one split by Jinja
   * (`candidate-registry{{ env_suffix }}.example.org`): the first DNS label of each host.
   * Used as the cheap pre-filter before parsing.
   */
  needles(): string[] {
    return [...new Set(this.sources().map((h) => h.split(/[./]/)[0] as string))];
  }

  /** True when some source has a namespace path (an inverted map). */
  hasPathSources(): boolean {
    return this.rules.some((r) => r.path !== '');
  }

  entries(): Array<[string, EndpointTarget]> {
    return [...this.targets.entries()];
  }

  /**
   * A whole registry value (`[scheme://]host[:port][/path]`, as a setting holds it) with its
   * registry moved: a mapped host — with or without a port, unless the map names the port — or
   * mapped `host/namespace` becomes the target, the rest of the path kept after it. A value
   * already at a target, and any value the map does not name, comes back unchanged.
   *
   * @example
   * const map = EndpointMap.from({ 'registry.example.org': 'quay.io/example' });
   * map.mapValue('registry.example.org:5000/app'); // => 'quay.io/example/app'
   * map.mapValue('quay.io/example'); // => 'quay.io/example' (already a target)
   * map.mapValue('cdn.registry.example.org'); // => 'cdn.registry.example.org' (not mapped)
   */
  mapValue(value: string): string {
    const ref = parseRegistryRef(value);
    if (!ref || this.isTargetRef(ref)) return value;
    const hostStart = value.length - value.trimStart().length + ref.scheme.length;
    const rest = value.slice(hostStart + ref.host.length);
    const path = rest.trimEnd().toLowerCase();
    const host = ref.host.toLowerCase();
    const bare = host.replace(PORT, '');
    for (const r of this.rules) {
      const hostMatches = r.host === host || (r.host === bare && !r.host.includes(':'));
      if (hostMatches && pathStartsWith(path, r.path)) return value.slice(0, hostStart) + r.target.text + rest.slice(r.path.length);
    }
    return value;
  }

  /**
   * Whether a value already names a target: its registry host is a target host and its path
   * starts with the target's namespace (so mapping it again changes nothing).
   *
   * @example
   * EndpointMap.from({ 'registry.example.org': 'quay.io/fedora' }).isTarget('docker://quay.io/fedora/app'); // => true
   */
  isTarget(value: string): boolean {
    const ref = parseRegistryRef(value);
    return ref !== undefined && this.isTargetRef(ref);
  }

  private isTargetRef(ref: RegistryRef): boolean {
    const host = ref.host.toLowerCase();
    const path = ref.path.toLowerCase();
    return this.allTargets().some((t) => t.host.toLowerCase() === host && pathStartsWith(path, t.namespace && `/${t.namespace.toLowerCase()}`));
  }
}

/** Maps built from one options object: transforms ask once per file, the options stay the same for a run. */
const built = new WeakMap<object, EndpointMap>();

/**
 * The endpoint map of a transform's `maps` option, validated once per options object rather
 * than once per file.
 *
 * @example
 * const map = endpointMapFor(ctx.options.maps);
 * endpointMapFor(ctx.options.maps) === map; // => true
 */
export function endpointMapFor(maps: Readonly<Record<string, string>>): EndpointMap {
  let map = built.get(maps);
  if (map === undefined) built.set(maps, (map = EndpointMap.from(maps)));
  return map;
}
