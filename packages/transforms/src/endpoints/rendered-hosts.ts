import { isHostChar, isPathChar, PORT_AFTER } from './host-chars.js';

/** Where each host goes: an {@link EndpointMap}, or one environment's view of another host map. */
export interface HostTargets {
  /** The text a whole host (or `host/namespace`) becomes, or undefined when it stays. */
  target(host: string): { text: string } | undefined;
  hasPathSources(): boolean;
}

/**
 * The longest mapped source starting at `start` whose host ends at `hostEnd`: the host itself,
 * or (for an inverted map, whose sources are `host/namespace`) the host and whole path segments.
 */
function longestSource(text: string, start: number, hostEnd: number, map: HostTargets, withPaths: boolean): { end: number; to: string } | undefined {
  const ends = [hostEnd];
  if (withPaths) {
    let e = hostEnd;
    while (text.charCodeAt(e) === 47 /* / */ && isPathChar(text.charCodeAt(e + 1))) {
      e++;
      while (e < text.length && isPathChar(text.charCodeAt(e))) e++;
      ends.push(e);
    }
  }
  for (let k = ends.length - 1; k >= 0; k--) {
    const end = ends[k] as number;
    const target = map.target(text.slice(start, end));
    if (target) return { end, to: target.text };
  }
  return undefined;
}

/**
 * The rendered text with every whole mapped host replaced by its target (a `:port` after it
 * dropped): what a rendered setting must read after the change, computed from the rendered
 * text alone so a render check does not repeat the edit's own reasoning. Longer hosts that
 * contain a mapped one (`cdn.registry.example.org`) and file names (`registry.example.org.cert`)
 * stay. Sources with a namespace (an inverted map: `quay.io/example`) match whole path segments.
 * A port after a host is dropped (a registry target names its own endpoint) unless `keepPorts`.
 *
 * @example
 * mapRenderedHosts('https://registry.example.org/v2/', map); // => 'https://quay.io/example/v2/'
 */
export function mapRenderedHosts(text: string, map: HostTargets, opts: { keepPorts?: boolean } = {}): string {
  const withPaths = map.hasPathSources();
  const parts: string[] = [];
  let at = 0;
  let i = 0;
  while (i < text.length) {
    if (!isHostChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && isHostChar(text.charCodeAt(j))) j++;
    let end = j;
    while (end > i && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    const found = end === j || !withPaths ? longestSource(text, i, end, map, withPaths) : longestSource(text, i, end, map, false);
    if (found) {
      const port = found.end === end && !opts.keepPorts ? (PORT_AFTER.exec(text.slice(end))?.[0] ?? '') : '';
      parts.push(text.slice(at, i), found.to);
      at = found.end + port.length;
      j = Math.max(j, at);
    }
    i = j;
  }
  if (at === 0) return text;
  parts.push(text.slice(at));
  return parts.join('');
}
