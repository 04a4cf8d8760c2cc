import type { Environment, RepoView } from '@ansimod/core';

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
export async function vhostLinks(repo: RepoView): Promise<VhostLink[]> {
  const links: VhostLink[] = [];
  for (const p of await repo.grep('destname')) {
    const file = await repo.file(p);
    const doc = file?.document;
    if (!doc || doc.format !== 'yaml') continue;
    const pairs = doc.pairs();
    for (const dest of pairs) {
      if (dest.keyText !== 'destname' || dest.value.value === undefined) continue;
      const parent = JSON.stringify(dest.path.slice(0, -1));
      const site = pairs.find((q) => q.doc === dest.doc && q.keyText === 'website' && JSON.stringify(q.path.slice(0, -1)) === parent);
      if (site?.value.value !== undefined) links.push({ website: site.value.value, destname: dest.value.value, declaredIn: p });
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
  evaluate: (t: string, env: Environment) => Promise<string>,
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
