/**
 * The review report in a real browser (Debian's chromium, driven by playwright-core): the page
 * `ansimod plan --report` writes for the fixture repository, and the page of a 1,000-file change.
 * Screenshots go to test/integration/artifacts/ (not committed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse } from 'yaml';
import { ansimod, fixtureDir, gitRepo, recipeFacts, repoRoot, tempDir } from '../cli-e2e/helpers.js';
import { requireTool } from './support/tools.js';

const artifacts = path.join(repoRoot, 'test/integration/artifacts');
/** The shipped recipe's default maps: what each environment's candidate registry becomes. */
const defaultMaps = (parse(readFileSync(path.join(repoRoot, 'packages/transforms/recipes/flatpaks-to-quay.yml'), 'utf8')) as { options: { maps: { default: Record<string, string> } } }).options.maps.default;

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: requireTool('chromium'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
});

/** A page that records console errors, page errors and every request that is not the report itself. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
  });
  return { page, problems };
}

function writeReport(repo: string, extra: string[] = []): string {
  const file = path.join(tempDir('ansimod-report-'), 'review.html');
  const r = ansimod(['plan', '--repo', repo, '--report', file, '--quiet', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return file;
}

describe('the review report of the fixture repository', () => {
  it('shows every stage, the rendered values of both environments, and a ledger filtered by keyboard', async () => {
    const file = writeReport(gitRepo({ from: fixtureDir }));
    const { page, problems } = await openPage();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="1"]');

    // Every stage of the recipe has its section.
    const stages = await page.$$eval('section.stage', (s) => s.map((e) => e.getAttribute('data-stage')));
    expect(stages).toEqual(recipeFacts().stages);

    // Per stage, each file's new value in each environment, shown without opening the file, in
    // the words of the PR description (the same function writes both).
    const kojiValue = async (env: string): Promise<string> => page.locator(`section.stage[data-stage="Koji"] .new-value[data-path="roles/koji_builder/tasks/main.yml"][data-env~="${env}"]`).innerText();
    expect(await kojiValue('production')).toContain(`candidate_registry: "${defaultMaps['candidate-registry.fedoraproject.org']}"`);
    expect(await kojiValue('staging')).toContain(`candidate_registry: "${defaultMaps['candidate-registry.stg.fedoraproject.org']}"`);
    const prFile = path.join(tempDir('ansimod-report-pr-'), 'pr.md');
    const pr = ansimod(['patch', '--repo', gitRepo({ from: fixtureDir }), '-o', `${prFile}.patch`, '--pr', prFile, '--quiet']);
    expect(pr.code).toBe(0);
    const description = readFileSync(prFile, 'utf8');
    const blocks = await page.locator('.new-value').evaluateAll((ds) => ds.map((d) => ({ head: d.querySelector('p')?.textContent ?? '', lines: (d.querySelector('pre')?.textContent ?? '').split('\n') })));
    expect(blocks.length).toBeGreaterThan(recipeFacts().stages.length);
    for (const b of blocks) {
      expect(description).toContain(`- \`${b.head.replace(/, /, '\`, ')}`);
      for (const l of b.lines) expect(description).toContain(`  ${l}`);
    }

    // Diffs are built on demand: none before a file is opened.
    expect(await page.locator('pre.diff').count()).toBe(0);
    const koji = page.locator('details.file[data-path="roles/koji_builder/tasks/main.yml"]');
    await koji.locator('summary').click();
    await expect.poll(() => koji.locator('pre.diff').count()).toBe(1);
    expect(await koji.locator('pre.diff .tj').count()).toBeGreaterThan(0); // Jinja highlighted
    const rendered = async (env: string): Promise<string> => (await koji.locator(`.rendered tr[data-env~="${env}"]`).allInnerTexts()).join('\n');
    expect(await rendered('production')).toContain('candidate_registry: "candidate-registry.fedoraproject.org"');
    expect(await rendered('production')).toContain(`candidate_registry: "${defaultMaps['candidate-registry.fedoraproject.org']}"`);
    expect(await rendered('staging')).toContain('candidate_registry: "candidate-registry.stg.fedoraproject.org"');
    expect(await rendered('staging')).toContain(`candidate_registry: "${defaultMaps['candidate-registry.stg.fedoraproject.org']}"`);

    // Bodhi, opened by keyboard: production gains settings it did not have; staging's change.
    const bodhi = page.locator('details.file[data-path="roles/bodhi2/base/templates/production.ini.j2"]');
    await bodhi.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => bodhi.locator('.rendered tr[data-env~="staging"]').innerText()).toContain('container.source_registry = quay.io/fedora-testing');
    expect(await bodhi.locator('.rendered tr[data-env~="production"]').innerText()).toContain('container.source_registry = quay.io/fedora');

    // Verification names both environments.
    expect(await page.locator('#environments tbody tr').allInnerTexts()).toEqual([expect.stringContaining('production'), expect.stringContaining('staging')]);

    // Ledger: `/` focuses the file filter, typing filters, Shift+Tab reaches the selects, arrows pick a status.
    const rows = page.locator('#ledger-table tbody tr');
    const total = await rows.count();
    expect(total).toBeGreaterThan(10);
    await page.locator('body').press('/');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('filter-file');
    await page.keyboard.type('proxies-websites');
    const websites = await rows.count();
    expect(websites).toBeGreaterThan(0);
    expect(websites).toBeLessThan(total);
    for (const cell of await page.locator('#ledger-table tbody tr td:nth-child(3)').allInnerTexts()) expect(cell).toMatch(/^playbooks\/include\/proxies-websites\.yml:\d+:\d+$/);
    await page.keyboard.press('Escape');
    expect(await rows.count()).toBe(total);
    await page.keyboard.press('Shift+Tab'); // rule
    await page.keyboard.press('Shift+Tab'); // status
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('filter-status');
    await page.keyboard.press('ArrowDown');
    const status = await page.locator('#filter-status').inputValue();
    expect(status).not.toBe('');
    const statuses = new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status'))));
    expect([...statuses]).toEqual([status]);
    expect(await rows.count()).toBeLessThan(total);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'report-fixture.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the review report of a 1,000-file change', () => {
  it('becomes interactive in under 2 seconds', async () => {
    const repo = gitRepo({
      from: tempDir('ansimod-empty-'),
      prepare: (dir) => {
        for (let i = 0; i < 1000; i++) {
          mkdirSync(path.join(dir, `roles/app${i}/tasks`), { recursive: true });
          writeFileSync(
            path.join(dir, `roles/app${i}/tasks/main.yml`),
            `- name: Run app ${i}\n  containers.podman.podman_container:\n    name: app${i}\n    image: registry.fedoraproject.org/app${i}:1\n    env:\n      SUFFIX: "{{ env_suffix | default('') }}"\n`,
          );
        }
      },
    });
    const file = writeReport(repo, ['--transform', path.join(repoRoot, 'examples/transforms/move-image-registry.ts')]);
    const { page, problems } = await openPage();
    const start = Date.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="1"]');
    // The page's own clock: from navigation start to the end of its script, then from a click on
    // the last file to its diff being laid out (the browser's work, not the test driver's).
    const readyAt = Number(await page.getAttribute('body', 'data-ready-at'));
    // (A string: the function runs in the page, where the DOM is; the test code has no DOM types.)
    const openMs = Number(
      await page.evaluate(`(async () => {
        const t0 = performance.now();
        const summary = document.querySelector('details.file[data-path="roles/app999/tasks/main.yml"] summary');
        const shown = new Promise((resolve) => summary.parentElement.addEventListener('toggle', () => requestAnimationFrame(resolve), { once: true }));
        summary.click();
        await shown;
        if (!summary.parentElement.querySelector('pre.diff').getBoundingClientRect().height) throw new Error('the diff was not shown');
        return performance.now() - t0;
      })()`),
    );
    const wall = Date.now() - start;
    expect(await page.locator('details.file').count()).toBe(1000);
    expect(await page.locator('pre.diff').count()).toBe(1);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'report-1000-files.png') });
    const script = await page.getAttribute('body', 'data-script-ms');
    writeFileSync(
      path.join(artifacts, 'report-1000-files.txt'),
      `ready ${readyAt} ms after navigation start (script ${script} ms), a file's diff shown ${Math.round(openMs)} ms after its click; ${wall} ms as the test driver saw it\n`,
    );
    expect(problems).toEqual([]);
    expect(readyAt + openMs).toBeLessThan(2000);
    await page.close();
  });
});
