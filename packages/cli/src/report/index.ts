/**
 * The review report of a job (`ansimod report`, `ansimod plan --report FILE`): the plan, the
 * rendered values per environment and the ledger, as one self-contained HTML page.
 */
import type { CommandArgs } from '../command.js';
import type { JobResult } from '../job.js';
import { auditMaps } from '../commands/audit.js';
import { ledgerFromAudit, type LedgerEntry } from './ledger.js';
import { renderedChanges } from './rendered-values.js';
import { reportData } from './report-data.js';
import { reportHtml } from './report-html.js';

export { ledgerFromAudit, ledgerTotals, type LedgerEntry, type LedgerStatus } from './ledger.js';
export { renderedChanges, changedRuns, type RenderedChange, type RenderedEnvironment, type RenderedHunk } from './rendered-values.js';
export { reportData, type ReportData, type ReportFile, type ReportStage } from './report-data.js';
export { reportHtml, scriptJson } from './report-html.js';

/**
 * The ledger of a job: the audit of the hosts its maps name, with the plan's edits as `migrated`.
 *
 * @example
 * const ledger = await jobLedger(job, args);
 */
export async function jobLedger(job: JobResult, args: CommandArgs): Promise<LedgerEntry[]> {
  const maps = auditMaps(args.values['map'], job.recipe, 'report');
  if (!Object.keys(maps).length) return [];
  const { auditRepository } = await import('@ansimod/transforms');
  const audit = await auditRepository(job.plan.root, { maps, environments: job.plan.environments });
  return ledgerFromAudit(audit.references, job.plan);
}

/**
 * The report page of a job.
 *
 * @example
 * writeOutput('review.html', await jobReport(job, args));
 */
export async function jobReport(job: JobResult, args: CommandArgs): Promise<string> {
  const [ledger, rendered] = await Promise.all([jobLedger(job, args), renderedChanges(job.plan.root, job.plan.changes, job.plan.environments)]);
  return reportHtml(reportData(job, rendered, ledger));
}
