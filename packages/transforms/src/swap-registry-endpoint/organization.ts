import { YamlDocument, type DataChange, type Diagnostic, type Environment, type FileEdit, type YamlPath } from '@ansimod/core';
import type { EndpointMap } from '../endpoints/endpoint-map.js';
import { parseRegistryRef } from '../endpoints/registry-ref.js';
import type { ChangedSettings } from './render-check.js';
import type { ValueSite } from './value-sites.js';

/**
 * The list a YAML site is in (the last key of its path named in `under`): the document, the
 * mapping holding the list, the list's key, and an id of that mapping.
 */
function listOf(site: ValueSite, under: ReadonlySet<string>): { doc: number; parent: YamlPath; list: string; id: string } | undefined {
  if (site.location.format !== 'yaml' || site.location.nested) return undefined;
  const p = site.location.path;
  const at = p.map((k, i) => (typeof k === 'string' && under.has(k) ? i : -1)).filter((i) => i >= 0).pop();
  if (at === undefined) return undefined;
  const doc = site.location.doc ?? 0;
  const parent = p.slice(0, at);
  return { doc, parent, list: p[at] as string, id: `${doc}\u0000${JSON.stringify(parent)}` };
}

/**
 * What setting the registries' organization adds to a file: the edit, its data change, and a
 * note; or an error naming the place.
 */
export type OrganizationWork = { edits: FileEdit[]; data: DataChange[]; notes: string[] } | { error: Diagnostic };

/**
 * Where the registry URLs are only the registry's API (`https://quay.io/v2`, atomic-reactor's
 * `registries[].url`), the namespace of the map's target is a setting of its own beside the
 * list: `organizationKey` (atomic-reactor's `registries_organization`) in the mapping that holds
 * the `under` key. Each mapping whose edited URLs move to a namespace gets that key set to it
 * (added on the line above the list, or its value changed); one organization applies to every
 * registry of the mapping and every environment, so differing namespaces are an error.
 *
 * @example
 * await organizationWork(doc, path, sites, given, 'registries_organization', new Set(['registries']), envs, evaluate, settings);
 * // adds "  registries_organization: fedora-candidates" above "  registries:"
 */
export async function organizationWork(
  doc: YamlDocument,
  path: string,
  edited: readonly ValueSite[],
  given: EndpointMap,
  organizationKey: string,
  under: ReadonlySet<string>,
  environments: readonly Environment[],
  evaluate: (t: string, env: Environment) => Promise<string>,
  settings: ChangedSettings,
): Promise<OrganizationWork> {
  const byParent = new Map<string, { doc: number; parent: YamlPath; list: string; namespaces: Set<string>; sites: ValueSite[] }>();
  for (const site of edited) {
    const place = listOf(site, under);
    if (!place) continue;
    const entry = byParent.get(place.id) ?? { ...place, namespaces: new Set<string>(), sites: [] };
    for (const env of environments) {
      const host = parseRegistryRef(await evaluate(site.value, env).catch(() => site.value))?.host;
      const target = host === undefined ? undefined : given.target(host);
      if (target) entry.namespaces.add(target.namespace);
    }
    entry.sites.push(site);
    byParent.set(place.id, entry);
  }
  const out = { edits: [] as FileEdit[], data: [] as DataChange[], notes: [] as string[] };
  for (const { doc: d, parent, list, namespaces, sites } of byParent.values()) {
    const listPair = doc.pairsAt([...parent, list], d)[0];
    if (!listPair) continue;
    const where = [...parent, organizationKey].join('.');
    const position = doc.lines.position(listPair.key.range.start);
    if (namespaces.size > 1) {
      return {
        error: {
          code: 'INVALID_OPTION',
          severity: 'error',
          path,
          line: position.line,
          column: position.column,
          message: `${where}: one organization applies to every registry of ${[...parent, list].join('.')} in every environment, but the maps move them to the namespaces ${[...namespaces].map((n) => n || '(none)').join(' and ')} (${sites.map((s) => s.where).join(', ')}); give maps with one namespace here`,
        },
      };
    }
    const namespace = [...namespaces][0] ?? '';
    if (namespace === '') continue;
    const existing = doc.pairsAt([...parent, organizationKey], d)[0];
    if (existing) {
      if (existing.value.kind !== 'scalar' || existing.value.value === namespace) continue;
      out.edits.push({ start: existing.value.range.start, end: existing.value.range.end, text: namespace, reason: `${where}: the registries' namespace → ${namespace}` });
    } else {
      const lineStart = doc.text.lastIndexOf('\n', listPair.key.range.start - 1) + 1;
      const indent = doc.text.slice(lineStart, listPair.key.range.start);
      if (!/^[ ]*$/.test(indent) || listPair.jinja.length > 0) {
        return {
          error: {
            code: 'UNSUPPORTED_TEMPLATE',
            severity: 'error',
            path,
            line: position.line,
            column: position.column,
            message: `${where}: cannot add the registries' organization (${namespace}) beside ${list}: it is not a block mapping key on its own line outside Jinja blocks; add "${organizationKey}: ${namespace}" by hand`,
          },
        };
      }
      out.edits.push({ start: lineStart, end: lineStart, text: `${indent}${organizationKey}: ${namespace}\n`, reason: `${where}: the registries' namespace ${namespace} (the URL names only the registry API)` });
    }
    out.data.push({ op: 'set', doc: d, at: [...parent, organizationKey], value: namespace });
    settings.set([d, ...parent, organizationKey], namespace);
    out.notes.push(`${where}: ${existing ? `${existing.value.value ?? ''} → ` : ''}${namespace}`);
  }
  return out;
}

/**
 * For `--reverse` of registry API URLs beside an organization: the organization tells which
 * source a bare host came from (`https://quay.io/v2` with `registries_organization:
 * fedora-candidates` was `candidate-registry…`, the inverted map's source `quay.io/fedora-candidates`),
 * so those URLs are restored exactly and the organization line the forward run added is removed.
 * Returns, per site so restored, the map that restores it, and the edits that remove the key;
 * sites without an organization (or one the maps do not name) are left to the caller.
 *
 * @example
 * const back = reverseOrganization(doc, sites, inverted, 'registries_organization', new Set(['registries']), settings, mapFor, path);
 * // back.error: an organization that was there before the migration, named (its old value is unknown)
 * back.maps.get(site); // EndpointMap { 'quay.io' → 'candidate-registry.fedoraproject.org' }
 */
export function reverseOrganization(
  doc: YamlDocument,
  sites: readonly ValueSite[],
  inverted: EndpointMap,
  organizationKey: string,
  under: ReadonlySet<string>,
  settings: ChangedSettings,
  mapFor: (host: string, back: string) => EndpointMap,
  path: string,
): { maps: Map<ValueSite, EndpointMap>; edits: FileEdit[]; data: DataChange[]; notes: string[]; error?: Diagnostic } {
  const out: { maps: Map<ValueSite, EndpointMap>; edits: FileEdit[]; data: DataChange[]; notes: string[]; error?: Diagnostic } = { maps: new Map(), edits: [], data: [], notes: [] };
  const removed = new Set<string>();
  for (const site of sites) {
    const place = listOf(site, under);
    if (!place) continue;
    const { doc: d, parent, id } = place;
    const org = doc.pairsAt([...parent, organizationKey], d)[0];
    const host = parseRegistryRef(site.value)?.host;
    if (!org || org.value.kind !== 'scalar' || org.value.value === undefined || host === undefined) continue;
    const back = inverted.target(`${host}/${org.value.value}`);
    if (!back) continue;
    out.maps.set(site, mapFor(host, back.host));
    if (removed.has(id)) continue;
    removed.add(id);
    const lineStart = doc.text.lastIndexOf('\n', org.key.range.start - 1) + 1;
    const newline = doc.text.indexOf('\n', org.value.range.end);
    const end = newline < 0 ? doc.text.length : newline + 1;
    const where = [...parent, organizationKey].join('.');
    // The forward run adds exactly "<indent>key: value" on the line above the list. Any other
    // organization line was there before the migration, which may have changed its value: what
    // it was is not in the tree, so it is refused by name rather than deleted.
    const listPair = doc.pairsAt([...parent, place.list], d)[0];
    const listLine = listPair ? doc.text.lastIndexOf('\n', listPair.key.range.start - 1) + 1 : -1;
    const indent = listPair ? doc.text.slice(listLine, listPair.key.range.start) : undefined;
    if (listLine !== end || doc.text.slice(lineStart, end) !== `${indent ?? ''}${organizationKey}: ${org.value.value}\n`) {
      const { line, column } = doc.lines.position(org.key.range.start);
      out.error = {
        code: 'INVALID_OPTION',
        severity: 'error',
        path,
        line,
        column,
        message: `cannot restore ${where}: it was in the file before the migration (the migration adds "${organizationKey}: <namespace>" on its own line just above ${place.list}:), so its value before may have been another one, which the tree no longer holds; restore it by hand`,
      };
      return out;
    }
    out.edits.push({ start: lineStart, end, text: '', reason: `${where}: removed (the URLs name their registry again)` });
    out.data.push({ op: 'delete', doc: d, at: [...parent, organizationKey] });
    settings.set([d, ...parent, organizationKey], undefined);
    out.notes.push(`${where}: ${org.value.value} removed`);
  }
  return out;
}
