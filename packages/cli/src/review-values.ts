/**
 * What the review texts (the patch body, the pull-request description) show besides the diff:
 * the new value of each changed file in each environment — the lines Ansible would produce
 * after the change, rendered per environment — and the ledger's summary.
 */
import type { Ledger } from '@ansimod/transforms';
import { jobLedger, type JobResult } from './job.js';
import { changedRuns, renderedChanges, type RenderedChange } from './report/rendered-values.js';

/** The rendered values of a job's changes, and its ledger when the text summarises it. */
export interface Review {
  readonly rendered: ReadonlyMap<string, RenderedChange>;
  readonly ledger?: Ledger;
}

/**
 * Renders the job's changes per environment (and builds its ledger when asked), once for every
 * text made from it.
 *
 * @example
 * const review = await jobReview(job, { ledger: true });
 * pullRequestMarkdown(job, 'Move Fedora flatpaks to quay.io', review);
 */
export async function jobReview(job: JobResult, opts: { ledger?: boolean } = {}): Promise<Review> {
  const [rendered, ledger] = await Promise.all([
    renderedChanges(job.plan.root, job.plan.changes, job.plan.environments),
    opts.ledger ? jobLedger(job) : Promise.resolve(undefined),
  ]);
  return { rendered: new Map(rendered.map((r) => [r.path, r])), ...(ledger ? { ledger } : {}) };
}

/** At most this many new lines are shown per file and environment; the diff has the rest. */
const VALUE_LINES = 8;

/** The new value of a changed file in some environments: the lines it renders to after the change. */
export interface NewValue {
  /** `production and staging`, or `every environment` for a file without Jinja. */
  readonly where: string;
  readonly lines: readonly string[];
  /** Set when the file could not be rendered there: the lines are then the text as written. */
  readonly asWritten?: string;
}

/**
 * The new value of one changed file per environment (environments that render alike share
 * one), as the review texts show it.
 *
 * @example
 * newValues(job, review, 'roles/bodhi2/base/templates/production.ini.j2');
 * // => [{ where: 'production', lines: ['container.destination_registry = quay.io/fedora', …] }, { where: 'staging', … }]
 */
export function newValues(job: JobResult, review: Review, path: string): NewValue[] {
  const rendered = review.rendered.get(path);
  const change = job.plan.changes.find((c) => c.path === path);
  if (!rendered || !change) return [];
  const out: NewValue[] = [];
  for (const e of rendered.environments) {
    const where = e.environments.includes('*') ? 'every environment' : e.environments.join(' and ');
    if (e.error !== undefined) {
      out.push({ where, lines: shown(changedRuns(change.before, change.after).flatMap((h) => h.after)), asWritten: e.error });
      continue;
    }
    const lines = shown(e.hunks.flatMap((h) => h.after));
    const value = lines.length ? lines : e.hunks.length ? ['(lines removed)'] : ['(renders as before)'];
    // Environments whose new value is the same are named together (their old values may differ).
    const same = out.find((o) => o.asWritten === undefined && o.where !== 'every environment' && JSON.stringify(o.lines) === JSON.stringify(value));
    if (same) out[out.indexOf(same)] = { where: `${same.where} and ${where}`, lines: same.lines };
    else out.push({ where, lines: value });
  }
  return out;
}

function shown(lines: readonly string[]): string[] {
  const trimmed = lines.map((l) => l.trim()).filter((l) => l !== '');
  return trimmed.length > VALUE_LINES ? [...trimmed.slice(0, VALUE_LINES), `… (${trimmed.length - VALUE_LINES} more lines: see the diff)`] : trimmed;
}

/**
 * The new values of a file as plain-text lines for a commit message, indented under its entry.
 *
 * @example
 * valueLines(job, review, 'inventory/group_vars/osbs_masters');
 * // => ['  production and staging now render:', '      - url: https://quay.io/v2']
 */
export function valueLines(job: JobResult, review: Review, path: string): string[] {
  return newValues(job, review, path).flatMap((v) => [
    v.asWritten !== undefined ? `  ${v.where}: not rendered (${v.asWritten}); as written:` : `  ${v.where} now render${v.where.includes(' and ') ? '' : 's'}:`,
    ...v.lines.map((l) => `      ${l}`),
  ]);
}

/**
 * The ledger's summary for a pull-request description: the counts, the keep rules with how many
 * references each kept, and every unaccounted reference.
 *
 * @example
 * ledgerMarkdown(ledger); // ['## Every reference to the old registries', '', '11 migrated, 52 kept by a rule, 0 unaccounted …', …]
 */
export function ledgerMarkdown(ledger: Ledger): string[] {
  const { migrated, kept, unaccounted } = ledger.counts;
  const files = new Set(ledger.entries.map((e) => e.path)).size;
  const rules = new Map<string, { reason: string; n: number }>();
  for (const e of ledger.entries) {
    if (e.status !== 'kept' || e.rule === undefined) continue;
    const r = rules.get(e.rule) ?? { reason: e.reason ?? '', n: 0 };
    r.n++;
    rules.set(e.rule, r);
  }
  const lines = [
    '## Every reference to the old registries (the ledger)',
    '',
    `${migrated + kept + unaccounted} references in ${files} files: **${migrated} migrated** by this change, **${kept} kept** by a rule of the recipe, **${unaccounted} unaccounted**. ` +
      '`ansimod audit` lists each one; `ansimod check --strict` fails while any is unaccounted.',
    '',
  ];
  if (rules.size) {
    lines.push('| Kept by rule | References | Why they stay |', '| --- | --- | --- |');
    for (const [rule, r] of rules) lines.push(`| \`${rule}\` | ${r.n} | ${r.reason.replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  const open = ledger.entries.filter((e) => e.status === 'unaccounted');
  if (open.length) {
    lines.push('Unaccounted (a reviewer must look at each):', '');
    for (const e of open) lines.push(`- \`${e.path}:${e.line}:${e.column}\` \`${e.source}\` (${e.kind}, ${e.context})`);
    lines.push('');
  }
  return lines;
}
