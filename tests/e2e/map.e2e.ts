/**
 * The district map in real Chromium: the built web app, served by the real
 * API on a PostGIS database holding the demo district, draws the grids; a
 * click on a grid opens its panel with its code and household count.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from '@minqing/db';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const resultsFolder = fileURLToPath(new URL('../../test-results', import.meta.url));
const URBAN_CORE_TOWN = '500101001000'; // 高笋塘街道

/** The part of the MapLibre map (window.__minqing.map) the test uses; maplibre-gl is the web app's dependency, not ours. */
interface PageMap {
  getStyle(): { layers: { id: string; type: string; 'source-layer'?: string }[] };
  once(event: 'idle', listener: () => void): unknown;
  jumpTo(options: { center: [number, number]; zoom: number }): unknown;
  project(lonLat: [number, number]): { x: number; y: number };
  getCanvas(): HTMLCanvasElement;
  queryRenderedFeatures(...query: unknown[]): { properties: Record<string, unknown> }[];
}
type PageWindow = Window & { __minqing: { map: PageMap } };

/** Runs in the page: the ids of the fill layers drawn from the grid tiles. */
function gridFillLayers(): string[] {
  const map = (window as unknown as PageWindow).__minqing.map;
  return map
    .getStyle()
    .layers.filter((layer) => layer.type === 'fill' && layer['source-layer'] === 'grid')
    .map((layer) => layer.id);
}

describe('the district map', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    database = await createTestDatabase({ template: 'demo' });
    server = await startServer({ databaseUrl: database.url, demo: true, label: 'e2e-map' });
    browser = await launchBrowser({ width: 1280, height: 800 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  /** What went wrong in the page and the server, for failure messages. */
  const diagnostics = () =>
    `page problems:\n${browser.problems.slice(-20).join('\n') || '(none)'}\nserver output:\n${server.output().split('\n').slice(-30).join('\n')}`;

  test('draws the grids, and a click on a grid shows its code and households', async () => {
    const { page } = browser;
    // The deployment holds a jurisdiction (/api/config names it): the page never asks for the import status.
    const importStatusRequests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/import/status') importStatusRequests.push(request.url());
    });
    await page.goto(server.url);
    try {
      await page.waitForFunction(() => document.body.dataset.mapReady === 'true', undefined, { timeout: 150_000, polling: 500 });
    } catch (error) {
      throw new Error(`the map never said it was ready (document.body.dataset.mapReady): ${String(error)}\n${diagnostics()}`, {
        cause: error,
      });
    }

    // A grid of the urban core that holds a household count inside the band, and a point inside it.
    const [grid] = await database.db.query<{ code: string; households: number; lon: number; lat: number }>(sql`
      select code, households, ST_X(ST_PointOnSurface(boundary)) as lon, ST_Y(ST_PointOnSurface(boundary)) as lat
      from grid
      where valid_to is null and left(village_code, 9) = ${URBAN_CORE_TOWN.slice(0, 9)} and households between 300 and 500
      order by ST_Area(boundary) desc
      limit 1`);
    expect(grid, 'the demo district has no grid in the urban core').toBeDefined();

    // Zoom to that grid, as a user would before clicking, and let the map settle.
    await page.evaluate(
      ({ lon, lat }) =>
        new Promise<void>((resolve) => {
          const map = (window as unknown as PageWindow).__minqing.map;
          map.once('idle', () => resolve());
          map.jumpTo({ center: [lon, lat], zoom: 14 });
        }),
      { lon: grid!.lon, lat: grid!.lat },
    );

    const layers = await page.evaluate(gridFillLayers);
    expect(layers, 'no fill layer draws the grid tiles (source-layer "grid")').not.toEqual([]);
    const rendered = await page.evaluate((layerIds) => {
      const map = (window as unknown as PageWindow).__minqing.map;
      return map.queryRenderedFeatures({ layers: layerIds }).map((feature) => String(feature.properties.code));
    }, layers);
    expect(rendered.length, `no grid features rendered\n${diagnostics()}`).toBeGreaterThan(0);

    // The grid under the point, as the map has it, is the one we picked.
    const target = await page.evaluate(
      ({ lon, lat, layerIds }) => {
        const map = (window as unknown as PageWindow).__minqing.map;
        const point = map.project([lon, lat]);
        const rectangle = map.getCanvas().getBoundingClientRect();
        const [feature] = map.queryRenderedFeatures(point, { layers: layerIds });
        return {
          x: rectangle.left + point.x,
          y: rectangle.top + point.y,
          code: feature ? String(feature.properties.code) : null,
        };
      },
      { lon: grid!.lon, lat: grid!.lat, layerIds: layers },
    );
    expect(target.code).toBe(grid!.code);

    await page.mouse.click(target.x, target.y);
    const panel = page.locator('[data-testid=grid-panel]');
    await panel.waitFor({ state: 'visible', timeout: 30_000 });
    const code = page.locator('[data-testid=grid-code]');
    await expect.poll(async () => (await code.textContent())?.trim(), { timeout: 15_000 }).toMatch(/\d{15}/);
    expect((await code.textContent())!).toContain(grid!.code);
    const households = (await page.locator('[data-testid=grid-households]').textContent()) ?? '';
    expect(households).toMatch(new RegExp(`(^|\\D)${grid!.households}(\\D|$)`));

    // The header names the district the API serves; nobody is signed in, so there is no link to the import wizard.
    const [district] = await database.db.query<{ full_name: string }>(sql`select full_name from region where level = 'district'`);
    await expect
      .poll(async () => (await page.locator('[data-testid=header-district]').textContent()) ?? '', { timeout: 15_000 })
      .toContain(district!.full_name);
    expect(await page.locator('[data-testid=nav-import]').count()).toBe(0);
    expect(importStatusRequests, 'a page load asked for /api/import/status').toEqual([]);

    mkdirSync(resultsFolder, { recursive: true });
    await page.screenshot({ path: `${resultsFolder}/map.png` });
    expect(
      browser.problems.filter((problem) => problem.startsWith('page error')),
      diagnostics(),
    ).toEqual([]);
  });
});
