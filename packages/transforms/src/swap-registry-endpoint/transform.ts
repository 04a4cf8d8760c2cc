import { AnsimodError, YamlDocument, defineTransform, type DataChange, type Environment, type FileEdit, type FormatName, type RenderCheck, type VisitResult } from '@ansimod/core';
import { EndpointMap, endpointMapFor } from '../endpoints/endpoint-map.js';
import { parseRegistryRef } from '../endpoints/registry-ref.js';
import { rewriteHosts } from './host-rewrite.js';
import { ChangedSettings, registryRenderCheck } from './render-check.js';
import { findValueSites, type ValueSite } from './value-sites.js';
import { organizationWork, reverseOrganization } from './organization.js';
import { hostVariables } from './variable-definitions.js';
import { definitionChecks, rewriteVariable, type VariableContext, type VariableRewrite, type VariableValues } from './variable-rewrite.js';

/** The formats whose key/value settings this transform reads. */
const SUPPORTED_FORMATS: readonly FormatName[] = ['yaml', 'ini'];

function formatsOf(formats: readonly string[]): FormatName[] {
  const unknown = formats.filter((f) => !SUPPORTED_FORMATS.includes(f as FormatName));
  if (unknown.length > 0) {
    throw new AnsimodError({ code: 'INVALID_OPTION', message: `swap-registry-endpoint: formats must be among ${SUPPORTED_FORMATS.join(', ')}, got ${unknown.join(', ')}` });
  }
  return formats as FormatName[];
}

/** What was done with the sites of one file. */
interface FileWork {
  edits: FileEdit[];
  /** The YAML data changes the edits make (the engine checks them). */
  data: DataChange[];
  settings: ChangedSettings;
  /** Sites whose own value was rewritten (not through a variable). */
  rewritten: ValueSite[];
  rewrites: VariableRewrite[];
  notes: string[];
  matched: boolean;
  /** A value's host is a variable that could not be followed to a definition naming a mapped host. */
  unresolved: boolean;
  /** Sites were chosen by where they are (`under`, `roles`), not by key alone: the check follows their paths. */
  scoped: boolean;
}

/** True when the value, rendered in every environment (with the variables' values), already names a target. */
async function allAtTarget(
  value: string,
  map: EndpointMap,
  environments: readonly Environment[],
  evaluate: (t: string, env: Environment, extra?: Record<string, unknown>) => Promise<string>,
  vars: ReadonlyMap<string, VariableValues> = new Map(),
): Promise<boolean> {
  for (const env of environments) {
    const extra: Record<string, unknown> = {};
    for (const [name, values] of vars) {
      const v = values.get(env.name);
      if (v) extra[name] = v.before;
    }
    const rendered = await evaluate(value, env, extra).catch(() => undefined);
    if (rendered === undefined || !map.isTarget(rendered)) return false;
  }
  return environments.length > 0;
}

/**
 * `swap-registry-endpoint`: points registry references and registry URLs held by named keys
 * (`registry=docker://…` in an INI file, `public_url: https://…/` in YAML, also inside a
 * ConfigMap's `config.yaml: |-`) at their mapped registry, per environment. A host written with
 * a variable (`docker://{{candidate_registry}}`) is changed where the variable is defined for
 * the template: the task's `vars:`, the role's vars, group_vars or the role's defaults.
 *
 * @example
 * await planSteps(root, [{
 *   transform: swapRegistryEndpoint,
 *   options: { maps: { 'candidate-registry.fedoraproject.org': 'quay.io/fedora' }, keys: ['registry'], sections: ['push'], formats: ['ini'] },
 *   stage: 'Koji',
 *   target: 'flatpak.conf',
 * }]);
 */
export const swapRegistryEndpoint = defineTransform({
  name: 'swap-registry-endpoint',
  displayName: 'Swap registry endpoints',
  description:
    'Points the registry references and URLs held by the given keys (INI entries, YAML pairs at any depth, documents in YAML block scalars) at their mapped registry in every environment, editing the variable definition when the host is a variable.',
  options: {
    maps: {
      type: 'map',
      required: true,
      description: 'Registry host to its new host[/namespace].',
      example: 'candidate-registry.fedoraproject.org=quay.io/fedora',
    },
    keys: {
      type: 'string[]',
      required: true,
      description: 'Names of the keys whose values are registry references or registry URLs.',
      example: 'registry,public_url',
    },
    sections: {
      type: 'string[]',
      description: 'INI sections to look in (default: every section).',
      example: 'push',
    },
    formats: {
      type: 'string[]',
      default: ['yaml', 'ini'],
      description: 'File formats to look at (yaml, ini).',
      example: 'ini',
    },
    under: {
      type: 'string[]',
      description: 'YAML: only values whose key path goes through one of these keys (the `url` of `registries:` entries, not of `source_registry:`).',
      example: 'registries',
    },
    roles: {
      type: 'string[]',
      description: 'YAML: only parameters of role entries (`- role: NAME` in a play\'s `roles:`) of these roles.',
      example: 'login-registry',
    },
    reverse: {
      type: 'boolean',
      default: false,
      description:
        'Set by --reverse: the maps are inverted. With hostOnly, a value naming only a host that several sources moved to cannot be restored: it is an error naming the place.',
      example: 'false',
    },
    organizationKey: {
      type: 'string',
      description:
        'YAML, with under: when the values are registry API URLs (hostOnly) and the map gives a namespace, the key beside the `under` list that holds it, set (or added above the list) to the namespace: atomic-reactor\'s registries_organization.',
      example: 'registries_organization',
    },
    hostOnly: {
      type: 'boolean',
      default: false,
      description:
        'Only the registry host moves, never a namespace: for a registry login or a registry API URL (`https://host/v2`), which name a host, not a repository.',
      example: 'true',
    },
  },
  // A target names a managed key (its value may name the host only through a variable defined
  // elsewhere, so the host is no requirement); a file naming none is never parsed. `visit` then
  // checks the keys exactly, and `claims` asks for a key too.
  select: (options) => ({
    formats: formatsOf(options.formats),
    contains: [...new Set(options.keys)],
  }),

  /**
   * A file that does not parse is this transform's target when a line sets a managed key to a
   * value naming a mapped host (`public_url: https://registry.example.org/`).
   */
  claims(text, options) {
    const needles = endpointMapFor(options.maps).needles().map(escapeRegExp).join('|');
    const keys = options.keys.map(escapeRegExp).join('|');
    if (!needles || !keys) return false;
    return new RegExp(`^[ \\t]*["']?(?:${keys})["']?[ \\t]*[:=][^\\n]*(?:${needles})(?:[.]|\\{\\{)`, 'm').test(text);
  },

  async visit(file, ctx): Promise<VisitResult> {
    const keys = new Set(ctx.options.keys);
    if (![...keys].some((k) => file.text.includes(k))) return { outcome: 'skip', reason: 'names no managed key' };
    const sections = ctx.options.sections ? new Set(ctx.options.sections) : undefined;
    const scope = {
      ...(ctx.options.under ? { under: new Set(ctx.options.under) } : {}),
      ...(ctx.options.roles ? { roles: new Set(ctx.options.roles) } : {}),
    };
    const { sites, unreadable } = findValueSites(file.document, { keys, ...(sections ? { sections } : {}), ...scope });
    const given = endpointMapFor(ctx.options.maps);
    const map = !ctx.options.hostOnly ? given : ctx.options.reverse ? hostsBack(given) : hostsOnly(given);
    // A nested document that would be a target (a managed key and a mapped host) but does not parse
    // is an error at its line, never a silent "not found".
    const broken = unreadable.find((u) => map.needles().some((n) => u.content.includes(n)));
    if (broken) {
      const { line, column } = file.document.lines.position(broken.offset);
      return {
        outcome: 'error',
        diagnostic: { code: 'PARSE_ERROR', severity: 'error', path: file.path, line, column, message: `${broken.where} cannot be read as ${broken.format.toUpperCase()}: ${broken.reason}` },
      };
    }
    if (sites.length === 0) return { outcome: 'skip', reason: 'no value of a managed key' };

    const work: FileWork = { edits: [], data: [], settings: new ChangedSettings(), rewritten: [], rewrites: [], notes: [], matched: false, unresolved: false, scoped: Object.keys(scope).length > 0 };
    const organizationKey = ctx.options.organizationKey;
    // --reverse: a bare host beside an organization is restored exactly (the organization names the source).
    const byOrganization =
      ctx.options.reverse && ctx.options.hostOnly && organizationKey && ctx.options.under && file.document instanceof YamlDocument
        ? reverseOrganization(file.document, sites, given, organizationKey, new Set(ctx.options.under), work.settings, (h, back) => EndpointMap.from({ [h]: back }), file.path)
        : undefined;
    if (byOrganization?.error) return { outcome: 'error', diagnostic: byOrganization.error };
    if (byOrganization) {
      work.edits.push(...byOrganization.edits);
      work.data.push(...byOrganization.data);
      work.notes.push(...byOrganization.notes);
    }
    if (ctx.options.reverse && ctx.options.hostOnly) {
      const refused = unrestorableHost(sites.filter((s) => !byOrganization?.maps.has(s)), endpointMapFor(ctx.options.maps));
      if (refused) {
        const { line, column } = file.document.lines.position(refused.site.edit(refused.site.value, '').start);
        return { outcome: 'error', diagnostic: { code: 'INVALID_OPTION', severity: 'error', path: file.path, line, column, message: refused.message } };
      }
    }
    for (const site of sites) await visitSite(site, file.path, byOrganization?.maps.get(site) ?? map, ctx, work);
    if (organizationKey && ctx.options.under && !ctx.options.reverse && work.edits.length > 0 && file.document instanceof YamlDocument) {
      const org = await organizationWork(file.document, file.path, work.rewritten, given, organizationKey, new Set(ctx.options.under), ctx.environments, (t, env) => ctx.evaluate(t, env), work.settings);
      if ('error' in org) return { outcome: 'error', diagnostic: org.error };
      work.edits.push(...org.edits);
      work.data.push(...org.data);
      work.notes.push(...org.notes);
    }
    for (const u of unreadable) work.notes.push(`${u.where} (${u.format.toUpperCase()} that does not parse): not read`);

    if (work.edits.length === 0) {
      if (work.matched) return { outcome: 'nochange', matched: true, notes: work.notes };
      // Shown in the report (a skip is not): the host may be set somewhere this transform does not read.
      if (work.unresolved) return { outcome: 'nochange', matched: false, notes: work.notes };
      return { outcome: 'skip', reason: 'no managed value names a mapped registry' };
    }
    // The render check expects each host restored by the map that restored it.
    const checkMap = byOrganization?.maps.size
      ? EndpointMap.from(Object.fromEntries([...map.entries().map(([from, t]) => [from, t.text]), ...[...byOrganization.maps.values()].flatMap((m) => m.entries().map(([from, t]) => [from, t.text]))]))
      : map;
    return { outcome: 'changed', edits: work.edits, data: work.data, checks: checksFor(file.path, work, checkMap, ctx.environments), notes: work.notes };
  },
});

async function visitSite(
  site: ValueSite,
  path: string,
  map: EndpointMap,
  ctx: VariableContext,
  work: FileWork,
): Promise<void> {
  const environments = ctx.environments;
  const evaluate = (t: string, env: Environment) => ctx.evaluate(t, env);
  const rewritten = await rewriteHosts(site.value, map, environments, evaluate);
  if (rewritten) {
    const edit = site.edit(rewritten.value, `${site.where}: registry host → mapped registry`);
    const quote = edit.text[0];
    work.edits.push(edit);
    work.rewritten.push(site);
    if (site.data) work.data.push(site.data(rewritten.value));
    work.settings.add(site.key, site.location, site.style === 'plain' && (quote === '"' || quote === "'") ? quote : '', work.scoped);
    work.notes.push(`${site.where}: ${site.value} → ${rewritten.value}`);
    return;
  }
  const names = hostVariables(site.value);
  const vars = new Map<string, VariableValues>();
  let edited = false;
  for (const name of names) {
    // Several keys of a file may use one variable: it is followed (and edited) once.
    const known = work.rewrites.find((w) => w.name === name);
    const r = known ?? (await rewriteVariable(name, path, map, ctx));
    if (!known) {
      work.rewrites.push(r);
      work.edits.push(...r.edits);
      work.data.push(...r.data);
      work.notes.push(...r.notes.map((n) => `${site.where}: ${n}`));
    }
    if (r.contexts[0]) vars.set(name, r.contexts[0].values);
    if (r.edits.length > 0) edited = true;
  }
  if (edited) {
    work.settings.add(site.key, site.location, '', work.scoped);
    return;
  }
  if (await allAtTarget(site.value, map, environments, ctx.evaluate, vars)) {
    work.matched = true;
    work.notes.push(`${site.where}: already names a target registry`);
  } else if (names.length > 0) {
    work.unresolved = true;
  }
}

/**
 * One render check per rendering context: the consumer template rendered with the variables'
 * values (before and after) of each task that defines them, or of the wider scope.
 */
function checksFor(path: string, work: FileWork, map: EndpointMap, environments: readonly Environment[]): RenderCheck[] {
  const count = Math.max(1, ...work.rewrites.map((r) => r.contexts.length));
  const checks: RenderCheck[] = definitionChecks(work.rewrites.flatMap((r) => r.checked), map);
  for (let i = 0; i < count; i++) {
    const vars = new Map<string, { before: Record<string, unknown>; after: Record<string, unknown> }>();
    for (const env of environments) {
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const r of work.rewrites) {
        const v = r.contexts[Math.min(i, r.contexts.length - 1)]?.values.get(env.name);
        if (v) {
          before[r.name] = v.before;
          after[r.name] = v.after;
        }
      }
      if (Object.keys(before).length > 0) vars.set(env.name, { before, after });
    }
    const label = work.rewrites.map((r) => r.contexts[i]?.label).find((l) => l !== undefined);
    checks.push(registryRenderCheck(path, work.settings, map, vars, count > 1 && label ? `as rendered with ${label}` : undefined));
  }
  return checks;
}

/**
 * For `--reverse` of host-only values: the first value that names just a host (`quay.io`,
 * `https://quay.io/v2`) which several sources of the inverted map live on — the namespace that
 * would tell them apart was never written there, so which registry it was cannot be known.
 */
function unrestorableHost(sites: readonly ValueSite[], inverted: EndpointMap): { site: ValueSite; message: string } | undefined {
  for (const site of sites) {
    const host = parseRegistryRef(site.value)?.host.toLowerCase();
    if (!host) continue;
    const from = inverted.sources().filter((s) => s.split('/')[0] === host);
    const back = [...new Set(from.map((s) => inverted.target(s)?.host))];
    if (back.length > 1) {
      return {
        site,
        message: `cannot restore ${site.where}: ${site.value} names only the host ${host}, and ${back.join(', ')} all moved there (a login or registry API URL holds no namespace); restore it by hand`,
      };
    }
  }
  return undefined;
}

const hostMaps = new WeakMap<EndpointMap, EndpointMap>();
const backMaps = new WeakMap<EndpointMap, EndpointMap>();

/** For `--reverse` of host-only values: each host that exactly one source moved to, back to that source's host. */
function hostsBack(inverted: EndpointMap): EndpointMap {
  let out = backMaps.get(inverted);
  if (!out) {
    const origins = new Map<string, Set<string>>();
    for (const [from, t] of inverted.entries()) {
      const host = from.split('/')[0] as string;
      origins.set(host, (origins.get(host) ?? new Set()).add(t.host));
    }
    const unique = [...origins].filter(([, o]) => o.size === 1).map(([h, o]) => [h, [...o][0] as string]);
    backMaps.set(inverted, (out = EndpointMap.from(Object.fromEntries(unique))));
  }
  return out;
}

/** The map with every target cut to its host (`quay.io/fedora` → `quay.io`), once per map. */
function hostsOnly(map: EndpointMap): EndpointMap {
  let out = hostMaps.get(map);
  if (!out) hostMaps.set(map, (out = EndpointMap.from(Object.fromEntries(map.entries().map(([from, t]) => [from, t.host])))));
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
