import type { ConfDocument, Environment, RepoView } from '@ansimod/core';
import { endpointMapFor } from '../endpoints/endpoint-map.js';
import type { Evaluate } from '../endpoints/host-occurrences.js';

/**
 * Which reverse-proxy templates serve which web site, read from the playbooks that install
 * them: a role entry `{ role: httpd/reverseproxy, website: X, destname: D }` installs
 * `reversepassproxy.D.conf` as the rules of site X.
 */
export interface VhostLink {
  /** The site as written (may hold Jinja). */
  website: string;
  destname: string;
  /** Where the link is declared. */
  declaredIn: string;
}

/**
 * Reads every `website` / `destname` pair of the repository's YAML files.
 *
 * @example
 * const links = await vhostLinks(ctx.repo); // [{ website: 'registry.example.org', destname: 'registry-example', declaredIn: 'playbooks/…' }]
 */
export function vhostLinks(repo: RepoView): Promise<VhostLink[]> {
  // Read once per repository: every candidate conf file of a run asks for the same links.
  let links = linksByRepo.get(repo);
  if (!links) linksByRepo.set(repo, (links = readVhostLinks(repo)));
  return links;
}

const linksByRepo = new WeakMap<RepoView, Promise<VhostLink[]>>();

async function readVhostLinks(repo: RepoView): Promise<VhostLink[]> {
  const links: VhostLink[] = [];
  // Role entries of playbooks: YAML only (no need to search scripts and data files).
  for (const p of await repo.grep('destname', { formats: ['yaml'] })) {
    const file = await repo.file(p);
    const doc = file?.document;
    if (!doc || doc.format !== 'yaml') continue;
    // `website` and `destname` are siblings: keyed by document and parent path, one pass.
    const parentOf = (q: { doc: number; path: readonly (string | number)[] }): string => `${q.doc}:${JSON.stringify(q.path.slice(0, -1))}`;
    const pairs = doc.pairs().filter((q) => q.keyText === 'destname' || q.keyText === 'website');
    const websites = new Map<string, string>();
    for (const q of pairs) if (q.keyText === 'website' && q.value.value !== undefined && !websites.has(parentOf(q))) websites.set(parentOf(q), q.value.value);
    for (const dest of pairs) {
      if (dest.keyText !== 'destname' || dest.value.value === undefined) continue;
      const website = websites.get(parentOf(dest));
      if (website !== undefined) links.push({ website, destname: dest.value.value, declaredIn: p });
    }
  }
  return links;
}

/**
 * The vhost template names (`destname`s) whose site is the served host in some environment.
 *
 * @example
 * await servedDestnames(links, envs, evaluate, servedHostByEnv); // => Set { 'registry-fedora' }
 */
export async function servedDestnames(
  links: readonly VhostLink[],
  environments: readonly Environment[],
  evaluate: Evaluate,
  servedHostByEnv: Readonly<Record<string, string>>,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const link of links) {
    for (const env of environments) {
      const site = (await evaluate(link.website, env).catch(() => link.website)).toLowerCase();
      if (Object.values(servedHostByEnv).some((h) => h.toLowerCase() === site)) out.add(link.destname);
    }
  }
  return out;
}

const V2_RULE = /^\s*RewriteRule\s+"?\^?\/v2(\/|\b)/m;

/**
 * When no playbook links a site to its template (a partial checkout), a template is taken for the
 * served registry's vhost by its name and content: it has `/v2/` rules (its own or an included
 * file's), no other template includes it (shared rules are not one site's), and its name holds the
 * served host's first label as a word but not a longer mapped label that contains it
 * (`registry-fedora`, not `candidate-registry`).
 *
 * @example
 * await looksLikeServedVhost('roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf', doc, repo, { production: 'registry.fedoraproject.org' }, maps);
 */
export async function looksLikeServedVhost(
  path: string,
  doc: ConfDocument,
  repo: RepoView,
  servedByEnv: Readonly<Record<string, string>>,
  maps: Readonly<Record<string, string>>,
): Promise<boolean> {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const words = base.split(/[^a-z0-9-]+/);
  const labels = new Set(Object.values(servedByEnv).map((h) => h.split('.')[0] as string));
  const longer = endpointMapFor(maps)
    .needles()
    .filter((l) => ![...labels].includes(l) && [...labels].some((s) => l.includes(s)));
  const named = words.some((w) => [...labels].some((l) => w === l || w.startsWith(`${l}-`))) && !longer.some((l) => base.includes(l));
  if (!named) return false;
  for (const p of await repo.grep(base, { formats: ['conf'] })) {
    if (p === path) continue;
    const other = await repo.file(p);
    if (other?.document.format === 'conf' && other.document.includes.some((i) => i.target?.endsWith(base))) return false;
  }
  if (V2_RULE.test(doc.text)) return true;
  for (const inc of doc.includes) {
    if (!inc.target) continue;
    const name = inc.target.replace(/^\.\//, '');
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    const f = await repo.file(dir + name);
    if (f && V2_RULE.test(f.text)) return true;
  }
  return false;
}
