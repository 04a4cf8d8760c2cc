/**
 * Container registry references as a type: `[scheme]host[:port][/namespace…][/repo][:tag|@digest]`,
 * as found in `docker://` URIs, `https://host/…` URLs and bare image names.
 */
export interface RegistryRef {
  /** `docker://`, `https://`, any other `scheme://`, or '' for a bare reference. */
  scheme: string;
  /** Host name, possibly with `:port`. */
  host: string;
  /** Everything after the host up to a tag or digest, with its leading slash ('' when none). */
  path: string;
  tag?: string;
  digest?: string;
}

/** Any URL scheme (`docker://`, `https://`, a transport such as `oci-archive://`): what follows it is the host. */
const SCHEME = /^([a-z][a-z0-9+.-]*:\/\/)/i;

/**
 * Parses a registry reference. A bare string counts as a reference only when its first
 * segment looks like a host (has a dot or a port, or is `localhost`), as Docker decides.
 *
 * @example
 * parseRegistryRef('docker://registry.example.org:5000/fedora/app:39');
 * // => { scheme: 'docker://', host: 'registry.example.org:5000', path: '/fedora/app', tag: '39' }
 */
export function parseRegistryRef(value: string): RegistryRef | undefined {
  const s = value.trim();
  const scheme = SCHEME.exec(s)?.[1] ?? '';
  const rest = s.slice(scheme.length);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (!host || /\s/.test(host)) return undefined;
  if (!scheme && !(host.includes('.') || host.includes(':') || host === 'localhost')) return undefined;
  let path = slash < 0 ? '' : rest.slice(slash);
  const ref: RegistryRef = { scheme, host, path: '' };
  const at = path.indexOf('@');
  if (at >= 0) {
    ref.digest = path.slice(at + 1);
    path = path.slice(0, at);
  }
  const lastSlash = path.lastIndexOf('/');
  const colon = path.indexOf(':', lastSlash + 1);
  if (colon >= 0 && !scheme.startsWith('http')) {
    ref.tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  ref.path = path;
  return ref;
}

/**
 * Prints a reference back: `formatRegistryRef(parseRegistryRef(s)!) === s` for any well-formed `s`.
 *
 * @example
 * formatRegistryRef({ scheme: '', host: 'quay.io', path: '/fedora/app', tag: 'latest' }); // => 'quay.io/fedora/app:latest'
 */
export function formatRegistryRef(ref: RegistryRef): string {
  let s = ref.scheme + ref.host;
  s += ref.path;
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}
