import { AnsimodError, matchesPaths } from '@ansimod/core';
import { HostMap } from './host-map.js';

/**
 * A keep rule, as data: occurrences of hosts that stay as they are, with the reason the
 * ledger gives. Written in a recipe as `keep: { "path:roles/nagios/** host:*.iad2.example.org": "why" }`:
 * a `path:` glob (`*`, `**`, `?`), a `host:` name or `*.domain` pattern, or both (all must hold).
 */
export interface KeepRule {
  paths: readonly string[];
  /** Hosts the rule keeps (matched as the map matches them), or undefined: every host. */
  hosts: HostMap | undefined;
  reason: string;
  written: string;
}

/**
 * Parses the `keep` option: selector → reason.
 *
 * @example
 * parseKeepRules({ 'path:inventory/** host:bastion01.iad2.example.org': 'stays in iad2' })[0].paths; // => ['inventory/**']
 */
export function parseKeepRules(keep: Readonly<Record<string, string>> | undefined): KeepRule[] {
  const rules: KeepRule[] = [];
  for (const [selector, reason] of Object.entries(keep ?? {})) {
    const paths: string[] = [];
    const hosts: Record<string, string> = {};
    for (const part of selector.trim().split(/\s+/)) {
      if (part.startsWith('path:') && part.length > 5) paths.push(part.slice(5));
      else if (part.startsWith('host:') && part.length > 5) hosts[part.slice(5)] = part.slice(5);
      else throw new AnsimodError({ code: 'INVALID_OPTION', message: `replace-host: keep rule "${selector}": expected path:GLOB and/or host:NAME, got "${part}"` });
    }
    rules.push({ paths, hosts: Object.keys(hosts).length ? HostMap.from(hosts) : undefined, reason, written: selector });
  }
  return rules;
}

/**
 * The rule that keeps a host (or the host it becomes) in a file, if any.
 *
 * @example
 * keptBy(rules, 'inventory/hosts', ['bastion01.iad2.example.org'])?.reason; // => 'stays in iad2'
 */
export function keptBy(rules: readonly KeepRule[], path: string, hosts: readonly string[]): KeepRule | undefined {
  return rules.find(
    (r) =>
      (r.paths.length === 0 || matchesPaths(path, r.paths)) &&
      (r.hosts === undefined || hosts.some((h) => r.hosts?.matchHost(h)?.suffix === '')),
  );
}

/**
 * Whether some rule keeps every occurrence in the file (a path rule naming no host).
 *
 * @example
 * keepsWholeFile(rules, 'roles/nagios/templates/hosts.cfg.j2'); // => true for "path:roles/nagios/**"
 */
export function keepsWholeFile(rules: readonly KeepRule[], path: string): KeepRule | undefined {
  return rules.find((r) => r.hosts === undefined && r.paths.length > 0 && matchesPaths(path, r.paths));
}
