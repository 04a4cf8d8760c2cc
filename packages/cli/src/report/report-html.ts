/**
 * The review report as one self-contained HTML page: the template shipped in
 * `packages/cli/assets/report.html` (style and script inline, a Content-Security-Policy that
 * forbids every fetch) with the report's data embedded as JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReportData } from './report-data.js';

/**
 * The template's path: beside the sources (`src/report/` and `dist/report/` both sit two folders
 * under the package) or beside the CLI bundle (`bundle/main.cjs`, one folder under it).
 */
function templatePath(): string {
  for (const rel of ['../../assets/report.html', '../assets/report.html']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error('the report template (packages/cli/assets/report.html) is missing from the installation');
}

let template: string | undefined;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/**
 * JSON that is safe inside a `<script>` element: no `</script>` or `<!--` can end it early.
 *
 * @example
 * scriptJson({ a: '</script>' }); // => '{"a":"\\u003c/script>"}'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The report page.
 *
 * @example
 * writeFileSync('review.html', reportHtml(reportData(job, rendered, ledger)));
 */
export function reportHtml(data: ReportData): string {
  template ??= readFileSync(templatePath(), 'utf8');
  // Function replacers: `$` in the data must not be read as a replacement pattern.
  return template.replace('__ANSIMOD_TITLE__', () => escapeHtml(data.title)).replace('__ANSIMOD_REPORT_DATA__', () => scriptJson(data));
}
