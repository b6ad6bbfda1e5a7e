/**
 * The leaders' view in real Chromium, on the built app served by the real
 * API (with its pg-boss workers) over a PostGIS database holding the demo
 * district and a year of generated history: a leader opens /hotspots and
 * sees the hot grids of the planted cluster, painted hot on the map; opens
 * a common-problem group and its cases; and exports the assessment to Excel,
 * which opens with the rows the page shows.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateCaseHistory, type CaseHistorySummary } from '@minqing/api';
import { sql } from '@minqing/db';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const resultsFolder = fileURLToPath(new URL('../../test-results', import.meta.url));

interface PageMap {
  getFeatureState(feature: { source: string; sourceLayer: string; id: string }): Record<string, unknown>;
}
type PageWindow = Window & { __minqing: { map: PageMap } };

describe("the leaders' view", () => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let history: CaseHistorySummary;

  beforeAll(async () => {
    database = await createTestDatabase({ template: 'demo' });
    history = await generateCaseHistory(database.db, { cases: 4000, end: new Date(), days: 365, seed: 11 });
    server = await startServer({ databaseUrl: database.url, demo: true, label: 'e2e-hotspots' });
    browser = await launchBrowser({ width: 1400, height: 900 });
    const signedIn = await browser.page.request.post(`${server.url}/api/auth/sign-in`, {
      data: { username: 'leader', password: 'minqing2026' },
    });
    expect(signedIn.status()).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  const diagnostics = () =>
    `page problems:\n${browser.problems.slice(-20).join('\n') || '(none)'}\nserver output:\n${server.output().split('\n').slice(-30).join('\n')}`;

  test('a leader sees the hot grids of the planted cluster, opens a common problem, and exports the assessment to Excel', async () => {
    const { page } = browser;
    mkdirSync(resultsFolder, { recursive: true });

    // Hot spots: the planted cluster's grids are listed hot and painted hot on the map.
    await page.goto(`${server.url}/hotspots`);
    await page
      .waitForFunction(() => Boolean(document.body.dataset.hotspotsReady), undefined, { timeout: 150_000, polling: 500 })
      .catch((error: unknown) => {
        throw new Error(`the hot spots never showed: ${String(error)}\n${diagnostics()}`);
      });
    const listed = await page
      .locator('[data-testid=hot-grid]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-grid-code')));
    const planted = history.hotspot!.grids;
    expect(
      listed.slice(0, 3).every((code) => planted.includes(code!)),
      `hot grids ${listed.slice(0, 5)} vs planted ${planted}`,
    ).toBe(true);
    const state = await page.evaluate(
      (code) =>
        (window as unknown as PageWindow).__minqing.map.getFeatureState({ source: 'grid', sourceLayer: 'grid', id: code }),
      planted[0]!,
    );
    expect(state.bin).toBe(3);
    await page.locator('[data-testid=hot-grid]').first().click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${resultsFolder}/hotspots.png` });

    // Common problems: the nightly run computes at start-up; a leader may also ask for it.
    await page.locator('[data-testid=tab-problems]').click();
    const groups = page.locator('[data-testid=problem-group]');
    await expect.poll(async () => groups.count(), { timeout: 180_000, interval: 2000 }).toBeGreaterThan(0);
    const [run] = await database.db.query<{ id: number }>(
      sql`select id from analytics_run where kind = 'common_problems' and status = 'done' order by computed_at desc limit 1`,
    );
    const [cp1] = await database.db.query<{ group_no: number; cases: number }>(sql`
      select m.group_no, (select cases from common_problem_group g where g.run_id = m.run_id and g.group_no = m.group_no) as cases
      from common_problem_group_case m join cases c on c.id = m.case_id
      where m.run_id = ${run!.id} and c.tracking_code like 'CP1-%' group by m.run_id, m.group_no order by count(*) desc limit 1`);
    // Everyday complaints form big groups too; the leader looks for the property-certificate problem by a word of it.
    await page.locator('[data-testid=problem-filter]').fill('集资房');
    await page.locator(`[data-testid=problem-group][data-group-no="${cp1!.group_no}"]`).click();
    const members = page.locator('[data-testid=group-cases] li');
    await expect.poll(async () => members.count(), { timeout: 30_000 }).toBe(cp1!.cases);
    expect(await page.locator('[data-testid=group-cases]').textContent()).toContain('CP1-');
    await page.locator('[data-testid=make-problem]').click();
    await page.locator('[data-testid=problem-made]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${resultsFolder}/hotspots-common-problem.png` });

    // Assessment: computed by the nightly run, or on request; then exported to Excel.
    await page.goto(`${server.url}/assessment`);
    await page.waitForFunction(() => Boolean(document.body.dataset.assessmentReady), undefined, { timeout: 60_000 });
    if ((await page.locator('[data-testid=assessment-not-computed]').count()) > 0) {
      await page.locator('[data-testid=assessment-compute]').click();
    }
    const rows = page.locator('[data-testid=assessment-row]');
    await expect.poll(async () => rows.count(), { timeout: 180_000, interval: 2000 }).toBeGreaterThan(0);
    const shown = await rows.evaluateAll((elements) =>
      elements.map((element) => Array.from(element.querySelectorAll('td')).map((cell) => cell.textContent?.trim() ?? '')),
    );
    await page.screenshot({ path: `${resultsFolder}/assessment.png` });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-xlsx]').click()]);
    expect(download.suggestedFilename()).toMatch(/^assessment-unit-.*\.xlsx$/);
    const file = `${resultsFolder}/assessment-export.xlsx`;
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(readFileSync(file)).buffer);
    const sheet = workbook.worksheets[0]!;
    const cells: unknown[][] = [];
    sheet.eachRow((row) => cells.push((row.values as unknown[]).slice(1)));
    const header = cells.findIndex((row) => row[0] === '排名 Rank');
    expect(header, 'the sheet has the Chinese header row').toBeGreaterThan(0);
    const ranked = cells.slice(header + 1).filter((row) => typeof row[0] === 'number');
    // The ranked rows of the file are the ranked rows of the page, in the same order, with the same names.
    expect(ranked.map((row) => row[1])).toEqual(shown.map((row) => row[1]));
    expect(ranked.map((row) => row[0])).toEqual(shown.map((row) => Number(row[0])));
    expect(
      browser.problems.filter((problem) => problem.startsWith('page error')),
      diagnostics(),
    ).toEqual([]);
  });
});
