import {
  enclosingBlocks,
  insertBeforeEdit,
  removeNodeEdit,
  type ConfDocument,
  type ConfNode,
  type Environment,
  type RenderedData,
  type RepoView,
  type TextEdit,
  type VisitResult,
} from '@ansimod/core';
import { endpointMapFor, type EndpointTarget } from '../endpoints/endpoint-map.js';
import { envCondition } from '../endpoints/per-environment.js';
import type { Evaluate } from '../endpoints/host-occurrences.js';
import { looksLikeServedVhost, servedDestnames, vhostLinks, type VhostLink } from './vhost-templates.js';

/**
 * The comment above the inserted rules, written as the repository's own comments are: it says
 * what the rules do, and lets a second run recognise them and `--reverse` remove them.
 */
export const REDIRECT_MARKER = '# Image pulls (manifests, blobs, tag lists) are redirected to';
/** How the comment read before: still recognised, so such a redirect is neither added twice nor left by --reverse. */
const FORMER_MARKERS = ['# ansimod: pulls under /v2/ are redirected to'];

/**
 * The repository paths of the registry API (`/v2/<name>/manifests|blobs|tags/…`); the API's own
 * paths (`/v2/`, `/v2/_catalog`) do not match and are served as before.
 */
export const REPOSITORY_PATH = '^/v2/(.+/(?:manifests|blobs|tags)/.+)$';

const V2_PATTERN = /^"?\^?\/v2(\/|\b)/;

/** A redirect target, and the site it is for when the template also serves other registries. */
interface Redirect {
  target: EndpointTarget;
  /** Set when the template is shared with another registry's site: only this host is redirected. */
  onlyHost?: string;
}

function redirectLines({ target: t, onlyHost }: Redirect): string[] {
  const ns = t.namespace ? `${t.namespace}/` : '';
  const host = onlyHost ? [`RewriteCond %{HTTP_HOST} ^${onlyHost.replace(/\./g, '\\.')}$ [NC]`] : [];
  return [...host, 'RewriteCond %{REQUEST_METHOD} ^(GET|HEAD)$', `RewriteRule ${REPOSITORY_PATH} https://${t.host}/v2/${ns}$1 [R=302,L]`];
}

/**
 * The inserted block: the marker comment (in every environment), then the rules — one
 * conditional per environment when the targets differ, and only for the environments that have
 * a target when some have none (a map of the production host alone leaves staging as it was).
 */
function redirectBlock(byEnv: ReadonlyMap<Environment, Redirect>, environments: readonly Environment[]): string[] {
  const redirects = [...byEnv.values()];
  const first = redirects[0] as Redirect;
  const targets = [...new Set(redirects.map((r) => r.target.text))];
  const header = `${REDIRECT_MARKER} ${targets.length === 1 ? targets[0] : [...byEnv].map(([e, r]) => `${r.target.text} in ${e.name}`).join(', ')}`;
  const everywhere = environments.every((e) => byEnv.has(e));
  if (everywhere && redirects.every((r) => r.target.text === first.target.text && r.onlyHost === first.onlyHost)) return [header, ...redirectLines(first), ''];
  const envs = [...byEnv.entries()];
  const lines = [header];
  // With every environment mapped, the first one is the `{% else %}` branch.
  const conditioned = everywhere ? envs.slice(1) : envs;
  conditioned.forEach(([env, t], i) => {
    lines.push(`{% ${i === 0 ? 'if' : 'elif'} ${envCondition(env)} %}`, ...redirectLines(t));
  });
  if (everywhere) lines.push('{% else %}', ...redirectLines(envs[0]?.[1] as Redirect));
  lines.push('{% endif %}', '');
  return lines;
}

function isV2Rule(n: ConfNode): boolean {
  return n.kind === 'directive' && n.name.toLowerCase() === 'rewriterule' && V2_PATTERN.test(n.args[0]?.raw ?? '');
}

/**
 * A `/v2/` rule that rewrites onto another repository path of this registry (`^/v2/latest/(.*)
 * /v2/f38/$1`): an alias, which must still apply before pulls are redirected.
 */
function isV2Alias(n: ConfNode): boolean {
  return isV2Rule(n) && n.kind === 'directive' && /^"?\/v2\//.test(n.args[1]?.raw ?? '');
}

/**
 * Where pulls must be redirected: ahead of the first rule that handles `/v2/` — a `/v2/`
 * RewriteRule (with the RewriteCond lines that guard it) or an `{% include %}` of a file that
 * has such rules — lifted out of any Jinja block or `<Section>` around it, so that it applies
 * in every environment.
 */
async function insertionPoint(doc: ConfDocument, includesV2: (target: string) => Promise<boolean>): Promise<ConfNode | undefined> {
  let groupStart: ConfNode | undefined;
  for (const n of doc.nodes) {
    if (n.kind === 'directive' && n.name.toLowerCase() === 'rewritecond') {
      groupStart ??= n;
      continue;
    }
    let hit = false;
    if (isV2Rule(n) && !isV2Alias(n)) hit = true;
    else if (n.kind === 'jinja' && n.include?.target && (await includesV2(n.include.target))) hit = true;
    if (n.kind === 'directive' || n.kind === 'open') {
      if (!hit) groupStart = undefined;
    }
    if (!hit) continue;
    let at: ConfNode = n.kind === 'directive' && groupStart ? groupStart : n;
    // Out of any <Section> and any Jinja block around it.
    if ((at.kind === 'directive' || at.kind === 'open') && at.sections.length) {
      const outer = at.sections[0]?.open;
      if (outer) at = outer;
    }
    const blocks = enclosingBlocks(doc.jinja, at.start);
    const outerBlock = blocks[0]?.block.open;
    if (outerBlock) at = doc.nodes.find((x) => x.start <= outerBlock.start && outerBlock.start < x.next) ?? at;
    // Comment lines right above a rule describe it: the redirect goes above them, not between.
    let i = doc.nodes.indexOf(at);
    while (i > 0 && doc.nodes[i - 1]?.kind === 'comment') i--;
    return doc.nodes[i] ?? at;
  }
  return undefined;
}

function markerRange(doc: ConfDocument): { first: ConfNode; last: ConfNode } | undefined {
  const i = doc.nodes.findIndex((n) => n.kind === 'comment' && [REDIRECT_MARKER, ...FORMER_MARKERS].some((m) => doc.text.slice(n.start, n.end).trim().startsWith(m)));
  if (i < 0) return undefined;
  let j = i + 1;
  let lastRule = i;
  for (; j < doc.nodes.length; j++) {
    const n = doc.nodes[j] as ConfNode;
    const src = doc.text.slice(n.start, n.end).trim();
    if (n.kind === 'jinja' && /^\{%-?\s*(if|elif|else|endif)\b/.test(src)) lastRule = j;
    else if (n.kind === 'directive' && /^(RewriteCond|RewriteRule)$/i.test(n.name)) lastRule = j;
    else break;
  }
  const next = doc.nodes[lastRule + 1];
  if (next?.kind === 'blank') lastRule++;
  return { first: doc.nodes[i] as ConfNode, last: doc.nodes[lastRule] as ConfNode };
}

/** Significant rendered lines expected after the change, for one environment. */
function expectLines(before: RenderedData, anchor: string | undefined, inserted: string[]): RenderedData {
  if (before.format !== 'conf' && before.format !== 'text') return before;
  const lines = [...before.lines];
  const at = anchor === undefined ? 0 : lines.findIndex((l) => l.trim() === anchor);
  lines.splice(at < 0 ? 0 : at, 0, ...inserted);
  return { format: before.format, lines };
}

/** The served host per environment, the playbooks' vhost links, and the templates serving that host. */
interface ServedSite {
  servedByEnv: Record<string, string>;
  links: VhostLink[];
  served: Set<string>;
}

const servedSites = new WeakMap<RepoView, Map<string, Promise<ServedSite>>>();

/**
 * {@link ServedSite} of a repository, worked out once per plan: a run visits hundreds of conf
 * files, and every one asks the same question (the links' sites are evaluated per environment).
 */
function servedSite(repo: RepoView, servedHost: string, environments: readonly Environment[], evaluate: Evaluate): Promise<ServedSite> {
  const key = `${servedHost}\u0000${environments.map((e) => e.name).join('\u0000')}`;
  let byKey = servedSites.get(repo);
  if (!byKey) servedSites.set(repo, (byKey = new Map()));
  let site = byKey.get(key);
  if (!site) {
    site = (async () => {
      const servedByEnv: Record<string, string> = {};
      for (const env of environments) servedByEnv[env.name] = (await evaluate(servedHost, env)).toLowerCase();
      const links = await vhostLinks(repo);
      return { servedByEnv, links, served: await servedDestnames(links, environments, evaluate, servedByEnv) };
    })();
    byKey.set(key, site);
  }
  return site;
}

/**
 * `insert-registry-redirect`: on the reverse-proxy template of a registry's virtual host, inserts
 * a redirect of pulls (GET/HEAD of repository paths: manifests, blobs, tag lists) to the same
 * repository on the new registry — `https://<host>/v2/<namespace>/<rest>` for each environment's
 * map — after the alias rules and ahead of the other `/v2/` rules (an included file's rules, like
 * a CDN blob rule, included). The API's own paths and all other paths are untouched.
 *
 * @example
 * // RewriteRule ^/v2/latest/(.*) /v2/f38/$1 [R,L]
 * // + # Image pulls (manifests, blobs, tag lists) are redirected to quay.io/fedora
 * // + RewriteCond %{REQUEST_METHOD} ^(GET|HEAD)$
 * // + RewriteRule ^/v2/(.+/(?:manifests|blobs|tags)/.+)$ https://quay.io/v2/fedora/$1 [R=302,L]
 * // {% include './reversepassproxy.registry-generic.conf' %}
 */
export const insertRegistryRedirect = defineRedirect();

import { defineTransform } from '@ansimod/core';
function defineRedirect() {
  return defineTransform({
    name: 'insert-registry-redirect',
    displayName: 'Insert registry pull redirect',
    description:
      "Redirects pulls under /v2/ on a registry's reverse-proxy vhost template to the mapped registry and namespace, per environment, ahead of the existing /v2/ rules.",
    options: {
      maps: { type: 'map', required: true, description: 'Registry host to its new host[/namespace].', example: 'registry.fedoraproject.org=quay.io/fedora' },
      servedHost: {
        type: 'string',
        required: true,
        description: "The registry host the vhost serves, evaluated per environment (Jinja allowed).",
        example: 'registry{{ env_suffix }}.fedoraproject.org',
      },
      reverse: { type: 'boolean', default: false, description: 'Remove the redirect this transform inserted (set by --reverse).', example: 'false' },
    },
    select: { formats: ['conf'], contains: ['Rewrite', 'include'] },

    async visit(file, ctx): Promise<VisitResult> {
      const base = file.path.slice(file.path.lastIndexOf('/') + 1);
      const evaluate = (t: string, env: Environment) => ctx.evaluate(t, env);
      const { servedByEnv, links, served } = await servedSite(ctx.repo, ctx.options.servedHost, ctx.environments, evaluate);
      const templateOf = (d: string) => base === `reversepassproxy.${d}.conf` || base === `reversepassproxy.${d}.conf.j2` || base.includes(`.${d}.`);
      // When the playbooks link the served site to its template, the file name decides, before
      // anything is parsed (a repository has hundreds of conf files that mention `include`).
      const notVhost: VisitResult = { outcome: 'skip', reason: 'not the reverse-proxy template of the served registry' };
      if (served.size && ![...served].some(templateOf)) return notVhost;
      const doc = file.document;
      if (doc.format !== 'conf') return { outcome: 'skip', reason: 'not Apache conf' };
      if (!served.size && !(await looksLikeServedVhost(file.path, doc, ctx.repo, servedByEnv, ctx.options.maps))) return notVhost;
      // A template that another mapped registry's site uses too (the candidate registry) must only
      // redirect the served host's pulls.
      const sourceHosts = new Set(Object.keys(ctx.options.maps).map((h) => h.toLowerCase()));
      const servedHosts = new Set(Object.values(servedByEnv));
      let shared = false;
      for (const link of links.filter((l) => templateOf(l.destname))) {
        for (const env of ctx.environments) {
          const site = (await evaluate(link.website, env).catch(() => link.website)).toLowerCase();
          if (sourceHosts.has(site) && !servedHosts.has(site)) shared = true;
        }
      }

      const existing = markerRange(doc);
      if (ctx.options.reverse) {
        if (!existing) return { outcome: 'nochange', matched: true, notes: ['no pull redirect to remove'] };
        const edits: TextEdit[] = [];
        for (const n of doc.nodes.slice(doc.nodes.indexOf(existing.first), doc.nodes.indexOf(existing.last) + 1)) {
          edits.push(removeNodeEdit(doc, n, 'remove the pull redirect'));
        }
        return { outcome: 'changed', edits, notes: ['pull redirect removed'] };
      }
      // Forward maps are keyed by registry host; a reversed map is keyed by host/namespace and never reaches here.
      const map = endpointMapFor(ctx.options.maps);
      const byEnv = new Map<Environment, Redirect>();
      for (const env of ctx.environments) {
        const host = servedByEnv[env.name] as string;
        const t = map.target(host);
        if (t) byEnv.set(env, shared ? { target: t, onlyHost: host } : { target: t });
      }
      if (!byEnv.size) return { outcome: 'skip', reason: `the served host is not mapped in any environment` };
      if (existing) return { outcome: 'nochange', matched: true, notes: ['pull redirect already in place'] };

      const includesV2 = async (target: string): Promise<boolean> => {
        const p = (ctx.repo as { resolveInclude?: (n: string, f: string) => string | undefined }).resolveInclude?.(target, file.path);
        const inc = p ? await ctx.repo.file(p) : undefined;
        return !!inc && inc.document.format === 'conf' && inc.document.nodes.some(isV2Rule);
      };
      const at = await insertionPoint(doc, includesV2);
      if (!at) return { outcome: 'skip', reason: 'no /v2/ rules to put the redirect ahead of' };
      const block = redirectBlock(byEnv, ctx.environments);
      const edit = insertBeforeEdit(doc, at, block, `redirect pulls under /v2/ to ${[...new Set([...byEnv.values()].map((r) => r.target.text))].join(' / ')}`);
      // Anchor for the rendered check: the insertion node if it renders as itself, else the
      // nearest plain line before it that no earlier line repeats (so the render finds it once).
      const atText = doc.text.slice(at.start, at.end).trim();
      let anchor: string | undefined = at.kind === 'directive' && !atText.includes('{') ? atText : undefined;
      let anchorAfter = false;
      if (anchor === undefined) {
        const before = doc.nodes.slice(0, doc.nodes.indexOf(at));
        const texts = before.map((n) => doc.text.slice(n.start, n.end).trim());
        const k = [...before.keys()].reverse().find((j) => {
          const n = before[j] as ConfNode;
          const t = texts[j] as string;
          return n.kind !== 'blank' && n.kind !== 'jinja' && t !== '' && !t.includes('{') && texts.indexOf(t) === j && enclosingBlocks(doc.jinja, n.start).length === 0;
        });
        anchor = k === undefined ? undefined : texts[k];
        anchorAfter = true;
      }
      const check = {
        path: file.path,
        describe: 'pulls under /v2/ redirected ahead of the existing /v2/ rules',
        expect: (before: RenderedData, env: Environment): RenderedData => {
          const t = byEnv.get(env) ?? byEnv.get([...byEnv.keys()].find((e) => e.name === env.name) as Environment);
          // The marker comment renders in every environment; the rules only where mapped.
          const header = (block[0] as string).trimEnd();
          const inserted = [header, ...(t ? redirectLines(t) : [])];
          if (!anchorAfter) return expectLines(before, anchor, inserted);
          if (before.format !== 'conf' && before.format !== 'text') return before;
          const lines = [...before.lines];
          const i = anchor === undefined ? -1 : lines.findIndex((l) => l.trim() === anchor);
          lines.splice(i + 1, 0, ...inserted);
          return { format: before.format, lines };
        },
      };
      return { outcome: 'changed', edits: [edit], checks: [check], notes: [`redirect inserted before line ${at.line}`] };
    },
  });
}
