import type { HostOccurrence } from '../endpoints/host-occurrences.js';

/**
 * What a reference to a registry host is used as. Only `registry-endpoint` references are ones a
 * migration moves; the others are listed so a reviewer sees what was deliberately left alone.
 */
export type ReferenceKind =
  | 'registry-endpoint'
  | 'image-reference'
  | 'web-content-url'
  | 'file-path'
  | 'vhost-or-host-name'
  | 'comment'
  | 'documentation'
  | 'other';

/** Keys and directives that name a virtual host or machine rather than an endpoint to push to or pull from. */
const HOST_NAME_KEYS = /^(host|.*_host|hosts|servername|serveralias|site_?name|server_?names?|server_?aliases|website|vhost|virtual_?host|hostname|host_?name|inventory_hostname|cert_?name|sitename|ssl_?name)$/i;
const REGISTRY_KEYS = /(registry|registries|public_url|auths|push|pull|source_registry|destination_registry)/i;
const IMAGE_KEYS = /^(image|from|base_?image|container_?image|FROM)$/i;
const FILE_SUFFIX = /^\.(cert|crt|key|pem|csr|pub|conf|htpasswd|passwd|json|ya?ml|ini|txt)$/i;

/** The facts about an occurrence's surroundings that decide its kind. */
export interface ReferenceSurroundings {
  /** Text on the same line before the host. */
  before: string;
  /** Text on the same line after the host. */
  after: string;
  /** The innermost key, INI key, JSON member name or directive the host is in, when known. */
  key?: string;
  /** Any enclosing key names (YAML path, JSON path, INI section). */
  path?: readonly string[];
  /** True when the host is inside a comment. */
  inComment: boolean;
}

/**
 * Classifies one host occurrence by how it is written and where.
 *
 * @example
 * classifyReference(occ, { before: 'registry=docker://', after: '', key: 'registry', inComment: false }); // => 'registry-endpoint'
 */
export function classifyReference(occ: HostOccurrence, s: ReferenceSurroundings): ReferenceKind {
  if (s.inComment) return 'comment';
  const before = s.before;
  const key = s.key ?? '';
  const path = s.path ?? [];
  const inPath = /[/\\]$/.test(before) && !/:\/\/$/.test(before);
  if (FILE_SUFFIX.test(occ.suffix) || inPath) return 'file-path';
  if (occ.suffix) return 'vhost-or-host-name';
  // A key naming a host or site is about the name itself, even when its value is a URL.
  if (HOST_NAME_KEYS.test(key) || path.some((p) => /^(server_?aliases|aliases)$/i.test(p))) return 'vhost-or-host-name';
  if (/docker:\/\/$|oci:\/\/$/i.test(before)) return 'registry-endpoint';
  if (/https?:\/\/$/i.test(before)) {
    if (/^\/v2(\/|$)/.test(s.after)) return 'registry-endpoint';
    if (/public_url|registry|registries/i.test(key) || path.some((p) => /registries/i.test(p))) return 'registry-endpoint';
    return 'web-content-url';
  }
  if (path.includes('auths') || /^auths$/i.test(path[path.length - 2] ?? '')) return 'registry-endpoint';
  if (HOST_NAME_KEYS.test(key) || /^\s*(ServerName|ServerAlias)\b/i.test(before)) return 'vhost-or-host-name';
  if (IMAGE_KEYS.test(key) || /^\s*FROM\s+$/i.test(before) || /^\/[^\s]*[:@]/.test(s.after)) return 'image-reference';
  if (REGISTRY_KEYS.test(key) || path.some((p) => REGISTRY_KEYS.test(p))) return 'registry-endpoint';
  return 'other';
}
