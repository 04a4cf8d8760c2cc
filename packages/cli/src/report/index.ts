/**
 * The review report of a job (`ansimod report`, `ansimod plan --report FILE`): the plan, the
 * rendered values per environment and the ledger, as one self-contained HTML page.
 */
import { jobLedger, type JobResult } from '../job.js';
import { ledgerRows } from './ledger.js';
import { renderedChanges } from './rendered-values.js';
import { reportData } from './report-data.js';
import { reportHtml } from './report-html.js';

export { ledgerRows, ledgerTotals, type LedgerEntry, type LedgerStatus } from './ledger.js';
export { renderedChanges, changedRuns, type RenderedChange, type RenderedEnvironment, type RenderedHunk } from './rendered-values.js';
export { reportData, type ReportData, type ReportFile, type ReportStage } from './report-data.js';
export { reportHtml, scriptJson } from './report-html.js';

/**
 * The report page of a job: its plan, the rendered values, and its ledger (every reference to a
 * mapped host, migrated, kept by a keep rule of the recipe, or unaccounted).
 *
 * @example
 * writeOutput('review.html', await jobReport(job));
 */
export async function jobReport(job: JobResult): Promise<string> {
  const [ledger, rendered] = await Promise.all([jobLedger(job), renderedChanges(job.plan.root, job.plan.changes, job.plan.environments)]);
  return reportHtml(reportData(job, rendered, ledgerRows(ledger)));
}
