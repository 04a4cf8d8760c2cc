import { AnsimodError } from '@ansimod/core';

/** Where a registry host moves to: a host and an optional namespace (`quay.io/fedora`). */
export interface EndpointTarget {
  host: string;
  /** Namespace path without slashes at either end ('' when none). */
  namespace: string;
  /** `host/namespace` as written. */
  text: string;
}

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;

/**
 * An endpoint map: registry host → new `host[/namespace]`. Keys are matched case-insensitively.
 *
 * @example
 * const map = EndpointMap.from({ 'registry.example.org': 'quay.io/example' });
 * map.target('REGISTRY.example.org'); // => { host: 'quay.io', namespace: 'example', text: 'quay.io/example' }
 */
export class EndpointMap {
  private readonly targets = new Map<string, EndpointTarget>();

  private constructor(entries: ReadonlyArray<readonly [string, EndpointTarget]>) {
    for (const [from, to] of entries) this.targets.set(from, to);
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
    return [...this.targets.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
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
    return this.sources().some((h) => h.includes('/'));
  }

  entries(): Array<[string, EndpointTarget]> {
    return [...this.targets.entries()];
  }
}
