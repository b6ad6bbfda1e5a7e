/**
 * Bring your own district in real Chromium: a deployment started with
 * DEMO=off on an empty database sends the visitor to the import wizard; the
 * administrator-to-be enters the setup code from the server log and chooses
 * a password, uploads a small county as one zipped shapefile (county, towns
 * and villages; GBK attributes), sees the fields read, the report (a gap
 * between two villages, shown on the map) and the preview drawn over the
 * basemap, commits — and the district map then shows the new jurisdiction.
 * Screenshots go to test-results/import-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from '@minqing/db';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { shapefileFeatures, SMALL_DISTRICT, rectangle } from '../fixtures/import/small-district.ts';
import { shapefileZip } from '../fixtures/import/shapefile-writer.ts';

const resultsFolder = fileURLToPath(new URL('../../test-results', import.meta.url));

interface PageMap {
  getStyle(): { layers: { id: string; type: string; source?: string; 'source-layer'?: string }[] };
  once(event: 'idle', listener: () => void): unknown;
  triggerRepaint(): void;
  queryRenderedFeatures(...query: unknown[]): { properties: Record<string, unknown> }[];
}
type PageWindow = Window & { __minqing?: { map: PageMap }; __minqingImport?: { map: PageMap; previewFeatures: number } };

describe('the import wizard', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase({ template: 'empty' });
    server = await startServer({ databaseUrl: database.url, demo: false, label: 'e2e-import' });
    browser = await launchBrowser({ width: 1440, height: 900 });
    folder = mkdtempSync(join(tmpdir(), 'minqing-e2e-import-'));
    mkdirSync(resultsFolder, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const diagnostics = () =>
    `page problems:\n${browser.problems.slice(-20).join('\n') || '(none)'}\nserver output:\n${server.output().split('\n').slice(-30).join('\n')}`;
  const shot = (page: Page, name: string) => page.screenshot({ path: `${resultsFolder}/import-${name}.png` });

  test('an administrator imports a small county from a shapefile and the map shows it', async () => {
    const { page } = browser;
    expect(server.health.demo).toBeNull();

    // An empty deployment: the map sends the visitor to the wizard, which asks for the setup code.
    await page.goto(server.url);
    await page.waitForURL(/\/import$/, { timeout: 60_000 });
    await page.locator('[data-testid=import-setup]').waitFor({ timeout: 60_000 });
    const codeInLog = /Setup code for the import wizard \(\/import\): ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/;
    await expect.poll(() => codeInLog.test(server.output()), { timeout: 15_000, message: diagnostics() }).toBe(true);
    const logged = codeInLog.exec(server.output())![1]!;
    await page.locator('[data-testid=import-setup-code]').fill(logged);
    await page.locator('[data-testid=import-setup-username]').fill('chief');
    await page.locator('[data-testid=import-setup-password]').fill('county-secret-1');
    await page.locator('[data-testid=import-setup-repeat]').fill('county-secret-1');
    await page.locator('[data-testid=import-setup-start]').click();

    // One zip, three shapefiles (one per level), GBK attributes named by their .cpg; 新华社区 leaves a gap in 新华街道.
    const regions = SMALL_DISTRICT.map((region) =>
      region.code === '500999002002' ? { ...region, rings: [rectangle(107.1, 29.12, 107.2, 29.2)] } : region,
    );
    const level = (wanted: string) => regions.filter((region) => region.level === wanted);
    const options = { encoding: 'gbk' as const, cpg: 'GBK' };
    const zip = shapefileZip({
      county: { features: shapefileFeatures(level('district')), options },
      towns: { features: shapefileFeatures(level('town')), options },
      villages: { features: shapefileFeatures(level('village')), options },
    });
    const zipPath = join(folder, '示例县-2026.zip');
    writeFileSync(zipPath, zip);
    await page.locator('[data-testid=import-file-input]').setInputFiles(zipPath);
    const files = page.locator('[data-testid=import-file][data-status=read]');
    await expect.poll(() => files.count(), { timeout: 60_000, message: diagnostics() }).toBe(3);
    expect(await page.locator('[data-testid=import-file]').allTextContents()).toEqual([
      expect.stringContaining('county.shp'),
      expect.stringContaining('towns.shp'),
      expect.stringContaining('villages.shp'),
    ]);
    // The level of each file and its code and name fields are suggested from the file names and the Chinese headers.
    expect(await page.locator('[data-testid=import-level-2]').inputValue()).toBe('town');
    expect(await page.locator('[data-testid=import-field-3-code]').inputValue()).toBe('区划代码');
    expect(await page.locator('[data-testid=import-field-3-name]').inputValue()).toBe('名称');

    await page.locator('[data-testid=import-check]').click();
    const report = page.locator('[data-testid=import-report]');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.getAttribute('data-can-commit')).toBe('true');
    expect(await page.locator('[data-testid=import-report-summary]').textContent()).toMatch(/错误 0 个，警告 1 个/);
    const gap = page.locator('[data-testid=import-problem][data-check=gap]');
    expect(await gap.textContent()).toMatch(/新华街道/);

    // The preview is drawn over the basemap: the seven boundaries are on the map.
    const container = page.locator('[data-testid=import-map]');
    await expect.poll(() => container.getAttribute('data-preview-drawn'), { timeout: 90_000, message: diagnostics() }).toBe('7');
    const drawn = await page.evaluate(() => {
      const map = (window as unknown as PageWindow).__minqingImport!.map;
      return map.queryRenderedFeatures({ layers: ['import-preview-fill'] }).map((feature) => String(feature.properties.code));
    });
    expect(new Set(drawn)).toEqual(new Set(regions.map((region) => region.code)));
    await gap.locator('button').click();
    await shot(page, 'report');

    await page.locator('[data-testid=import-commit]').click();
    await page.locator('[data-testid=import-done]').waitFor({ timeout: 60_000 });
    const [written] = await database.db.query<{ regions: number; administrators: number }>(sql`
      select (select count(*) from region where geometry_source = 'imported') as regions,
             (select count(*) from app_user where username = 'chief' and role = 'administrator') as administrators`);
    expect(written).toEqual({ regions: 7, administrators: 1 });
    await shot(page, 'done');

    // The district map now shows the imported villages, and the administrator is signed in.
    await page.locator('[data-testid=import-view-map]').click();
    await page.waitForURL(new RegExp(`${server.url}/?$`), { timeout: 30_000 });
    // (The map's own readiness flag waits for grids; this county has none yet: wait for its villages instead.)
    await page.waitForFunction(() => Boolean((window as unknown as PageWindow).__minqing?.map), undefined, { timeout: 120_000 });
    const renderedVillages = () =>
      page.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            const map = (window as unknown as PageWindow).__minqing!.map;
            const read = () => {
              const layers = map
                .getStyle()
                .layers.filter((layer) => layer['source-layer'] === 'village' && (layer.type === 'line' || layer.type === 'fill'))
                .map((layer) => layer.id);
              resolve(
                [...new Set(map.queryRenderedFeatures({ layers }).map((feature) => String(feature.properties.code)))].sort(),
              );
            };
            map.once('idle', read);
            map.triggerRepaint();
          }),
      );
    let villages: string[] = [];
    await expect
      .poll(async () => (villages = await renderedVillages()).length, {
        timeout: 150_000,
        interval: 2_000,
        message: diagnostics(),
      })
      .toBe(4);
    expect(villages, diagnostics()).toEqual(['500999001001', '500999001002', '500999002001', '500999002002']);
    // The header names the imported county, not 万州; the signed-in administrator has a link back to the wizard.
    const header = page.locator('[data-testid=header-district]');
    await expect
      .poll(async () => (await header.textContent()) ?? '', { timeout: 15_000, message: diagnostics() })
      .toContain('示例县');
    expect(await header.textContent()).not.toContain('万州');
    const importLink = page.locator('[data-testid=nav-import]');
    await importLink.waitFor({ timeout: 15_000 });
    expect(await importLink.getAttribute('href')).toBe('/import');
    await shot(page, 'map');
  });
});
