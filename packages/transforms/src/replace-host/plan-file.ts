import { LineIndex, type Environment, type FileEdit } from '@ansimod/core';
import { findHostOccurrences, hostRuns, type Evaluate, type HostOccurrence } from '../endpoints/host-occurrences.js';
import { perEnvironmentValue } from '../endpoints/per-environment.js';
import type { HostMap, HostRule } from './host-map.js';
import { keptBy, type KeepRule } from './keep-rules.js';

/** What moving the hosts of one file needs: the map, the keep rules, the environments. */
export interface HostMoveContext {
  map: HostMap;
  keep: readonly KeepRule[];
  environments: readonly Environment[];
  evaluate: Evaluate;
  /** Whether a new `{{ … }}` expression may be written in this file (a template, a YAML file Ansible templates). */
  jinjaAllowed: boolean;
}

/** The edits of one file, and the account of what was left and why. */
export interface HostMovePlan {
  edits: FileEdit[];
  /** One line per changed occurrence (`line 3: a.iad2 → a.rdu3`). */
  moved: string[];
  /** Occurrences a keep rule keeps, with the rule's reason. */
  kept: string[];
  /** Occurrences that name a mapped host but could not be moved, with why. */
  unresolved: string[];
  /** Hosts (before) that keep rules keep in this file: the render check leaves them too. */
  keptHosts: Set<string>;
}

function insideJinjaTag(text: string, offset: number): boolean {
  const open = Math.max(text.lastIndexOf('{{', offset), text.lastIndexOf('{%', offset));
  if (open < 0) return false;
  const close = Math.max(text.lastIndexOf('}}', offset), text.lastIndexOf('%}', offset));
  return close < open;
}

/**
 * The pattern rule (for every environment) whose domain the written host ends with, literally:
 * `{{ name }}.iad2.example.org` moves by replacing the domain alone, whatever `name` is.
 */
function literalDomainRule(source: string, map: HostMap): { rule: HostRule; at: number } | undefined {
  const plain = source.replace(/\\\./g, '.').toLowerCase();
  for (const rule of map.rules) {
    if (!rule.pattern || rule.environment !== undefined || !plain.endsWith(rule.from) || plain.length === rule.from.length) continue;
    // Where the domain starts in the source as written (escaped dots count twice).
    let at = source.length;
    for (let k = rule.from.length; k > 0; k--) at -= source[at - 1] === '.' && source[at - 2] === '\\' ? 2 : 1;
    return { rule, at };
  }
  return undefined;
}

/** The pattern rule (for every environment) whose domain is `source`, written after a dot. */
function domainSuffixRule(source: string, map: HostMap): { rule: HostRule; at: number } | undefined {
  const plain = `.${source.replace(/\\\./g, '.').toLowerCase()}`;
  const rule = map.rules.find((r) => r.pattern && r.environment === undefined && r.from === plain);
  return rule && { rule: { ...rule, to: rule.to.slice(1) }, at: 0 };
}

function replaceDomain(source: string, at: number, rule: HostRule): string {
  const escaped = source.slice(at).includes('\\.');
  return source.slice(0, at) + (escaped ? rule.to.replace(/\./g, '\\.') : rule.to);
}

/**
 * Plans the host moves of one file: every host of the map written in it — literally, with
 * escaped dots, or split by Jinja and evaluated per environment — becomes its new name. A
 * Jinja-split host whose environments move differently is written the way the repository's
 * templates write one (`proxy01{{ env_suffix }}.rdu3.example.org`, else a choice on `env`); a
 * host whose name Jinja computes (`{{ name }}.iad2.example.org`) moves by its literal domain
 * under a `*.domain` rule. A host followed by more labels (`host.cert`, a file name) and a
 * longer host that contains a mapped one are not the host.
 *
 * @example
 * const plan = await planHostMoves('roles/a/templates/x.conf', text, ctx);
 * plan.edits; // splices, one per moved host
 */
export async function planHostMoves(path: string, text: string, ctx: HostMoveContext): Promise<HostMovePlan> {
  const out: HostMovePlan = { edits: [], moved: [], kept: [], unresolved: [], keptHosts: new Set() };
  const found = await findHostOccurrences(text, ctx.map, ctx.environments, ctx.evaluate);
  const covered = new Set(found.map((o) => o.start));
  const lines = new LineIndex(text);
  for (const occ of found) await planOccurrence(path, text, lines, occ, ctx, out);
  // Runs the finder could not evaluate (a host computed by Jinja from variables no environment
  // defines) still move under a *.domain rule when the domain is written literally.
  for (const [start, end] of hostRuns(text, ctx.map)) {
    if (covered.has(start)) continue;
    const source = text.slice(start, end);
    // `.iad2.example.org` (a domain suffix, as `no_proxy` writes it) is every host under the
    // domain: the pattern itself.
    const lit = source.includes('{{') ? literalDomainRule(source, ctx.map) : text[start - 1] === '.' ? domainSuffixRule(source, ctx.map) : undefined;
    if (!lit) continue;
    const where = `line ${lines.position(start).line}`;
    const rule = keptBy(ctx.keep, path, [source]);
    if (rule) {
      out.kept.push(`${where}: ${source} (${rule.reason})`);
      continue;
    }
    const next = replaceDomain(source, lit.at, lit.rule);
    out.edits.push({ start, end, text: next, reason: `${where}: host moved (${lit.rule.written})` });
    out.moved.push(`${where}: ${source} → ${next}`);
  }
  return out;
}

async function planOccurrence(path: string, text: string, lines: LineIndex, occ: HostOccurrence, ctx: HostMoveContext, out: HostMovePlan): Promise<void> {
  const where = `line ${lines.position(occ.start).line}`;
  // `host.cert`: a file named after the host; the host itself is not written here.
  if (occ.suffix !== '') {
    out.unresolved.push(`${where}: ${occ.source} names a file after the host (left as it is)`);
    return;
  }
  const hosts = [...new Set(Object.values(occ.byEnv))];
  const targets = new Map<string, string>();
  for (const env of ctx.environments) {
    const host = occ.byEnv[env.name];
    const to = host === undefined ? undefined : ctx.map.target(host, env.name);
    if (to !== undefined) targets.set(env.name, to);
  }
  const rule = keptBy(ctx.keep, path, [...hosts, ...targets.values()]);
  if (rule) {
    out.kept.push(`${where}: ${occ.source} (${rule.reason})`);
    for (const h of hosts) out.keptHosts.add(h);
    return;
  }
  if (targets.size === 0) return;
  let next: string | undefined;
  const lit = occ.templated ? literalDomainRule(occ.source, ctx.map) : undefined;
  if (lit && ctx.environments.every((e) => !targets.has(e.name) || ctx.map.ruleFor(occ.byEnv[e.name] ?? '', e.name) === lit.rule)) {
    next = replaceDomain(occ.source, lit.at, lit.rule);
  } else {
    const values: Record<string, string> = {};
    for (const env of ctx.environments) {
      values[env.name] = targets.get(env.name) ?? (await ctx.evaluate(occ.source.replace(/\\\./g, '.'), env).catch(() => occ.source));
    }
    next = perEnvironmentValue(values, ctx.environments);
    if (next.includes('{{') && !occ.templated && !ctx.jinjaAllowed) {
      out.unresolved.push(`${where}: ${occ.source} moves in some environments only, and this file is not a template (left as it is)`);
      return;
    }
    if (next.startsWith('{{') && insideJinjaTag(text, occ.start)) {
      out.unresolved.push(`${where}: ${occ.source} moves differently per environment inside a Jinja expression (left as it is)`);
      return;
    }
    if (occ.source.includes('\\.') && !next.includes('{{')) next = next.replace(/\./g, '\\.');
  }
  if (next === occ.source) return;
  out.edits.push({ start: occ.start, end: occ.end, text: next, reason: `${where}: host moved` });
  out.moved.push(`${where}: ${occ.source} → ${next}`);
}
