/**
 * The grid planner in real Chromium: a planner opens 石碾村, where two grids
 * were once drawn as one over-full grid (red), splits it with a line drawn on
 * the map, sees both halves turn green, publishes — and the district map and
 * the case filed in that area name the new grid.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { sql } from '@minqing/db';
import { splitGrid, suggestSplitLine, type PlannerBuilding, type PlannerGrid, type Position } from '@minqing/shared';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const SHINIAN = '500101144200'; // 分水镇石碾村

interface PageMap {
  project(lonLat: [number, number]): { x: number; y: number };
  getCanvas(): HTMLCanvasElement;
  once(event: 'idle', listener: () => void): unknown;
  jumpTo(options: { center: [number, number]; zoom: number }): unknown;
  getStyle(): { layers: { id: string; type: string; 'source-layer'?: string }[] };
  queryRenderedFeatures(...query: unknown[]): { properties: Record<string, unknown> }[];
}
type PageWindow = Window & { __minqing: { map: PageMap } };

/** Where on the page a place is, through the map itself. */
async function pixelOf(page: Page, position: Position): Promise<{ x: number; y: number }> {
  return page.evaluate((lonLat) => {
    const map = (window as unknown as PageWindow).__minqing.map;
    const point = map.project(lonLat as [number, number]);
    const box = map.getCanvas().getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  }, position);
}

/** The part of an endless line that crosses a box a little larger than the grid. */
function clipLine(line: Position[], grid: PlannerGrid): Position[] {
  const positions = grid.boundary.coordinates.flat(2);
  const xs = positions.map((position) => position[0]);
  const ys = positions.map((position) => position[1]);
  const padX = (Math.max(...xs) - Math.min(...xs)) * 0.08;
  const padY = (Math.max(...ys) - Math.min(...ys)) * 0.08;
  const [west, east, south, north] = [
    Math.min(...xs) - padX,
    Math.max(...xs) + padX,
    Math.min(...ys) - padY,
    Math.max(...ys) + padY,
  ];
  const [a, b] = [line[0]!, line.at(-1)!];
  let low = 0;
  let high = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  for (const [p, q] of [
    [-dx, a[0] - west],
    [dx, east - a[0]],
    [-dy, a[1] - south],
    [dy, north - a[1]],
  ] as [number, number][]) {
    if (p === 0) continue;
    const t = q / p;
    if (p < 0) low = Math.max(low, t);
    else high = Math.min(high, t);
  }
  return [
    [a[0] + dx * low, a[1] + dy * low],
    [a[0] + dx * high, a[1] + dy * high],
  ];
}

describe('the grid planner', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    database = await createTestDatabase({ template: 'demo' });
    server = await startServer({ databaseUrl: database.url, demo: true, label: 'e2e-planner' });
    browser = await launchBrowser({ width: 1440, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  const diagnostics = () =>
    `page problems:\n${browser.problems.slice(-20).join('\n') || '(none)'}\nserver output:\n${server.output().split('\n').slice(-30).join('\n')}`;

  async function signIn(page: Page, username: string) {
    await page.locator('[data-testid=sign-in-form]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=sign-in-username]').fill(username);
    await page.locator('[data-testid=sign-in-password]').fill('minqing2026');
    await page.keyboard.press('Enter');
  }

  test('a planner splits an over-full grid with a line, both halves turn green, publishes, and the map and a case show the new grid', async () => {
    const { db } = database;
    // Two neighbouring grids of 石碾村 drawn long ago as one: an over-full grid.
    const [pair] = await db.query<{ keep: string; gone: string }>(sql`
      select a.code as keep, b.code as gone from grid a join grid b
        on a.village_code = b.village_code and a.code < b.code and ST_Length(ST_CollectionExtract(ST_Intersection(a.boundary, b.boundary), 2)::geography) > 50
      where a.valid_to is null and b.valid_to is null and a.village_code = ${SHINIAN}
      order by a.code, b.code limit 1`);
    expect(pair, '石碾村 has two neighbouring grids').toBeDefined();
    await db.query(sql`
      update grid g set boundary = ST_Multi(ST_Union(g.boundary, b.boundary)), households = g.households + b.households, population = g.population + b.population
      from grid b where g.code = ${pair!.keep} and b.code = ${pair!.gone} and g.valid_to is null and b.valid_to is null`);
    await db.query(sql`delete from grid_assignment where grid_code = ${pair!.gone}`);
    await db.query(sql`delete from grid where code = ${pair!.gone}`);

    // Where the line will go, worked out the way the planner's "suggest a split" does; and a place in the half that becomes new.
    const workspaceResponse = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'planner', password: 'minqing2026' }),
    });
    const plannerCookie = workspaceResponse.headers.get('set-cookie')!.split(';')[0]!;
    const workspace = (await (
      await fetch(`${server.url}/api/planner/regions/${SHINIAN}`, { headers: { cookie: plannerCookie } })
    ).json()) as {
      grids: PlannerGrid[];
      buildings: PlannerBuilding[];
      band: { min: number; max: number };
    };
    const merged = workspace.grids.find((grid) => grid.code === pair!.keep)!;
    // A line well clear of buildings, so a click a pixel off still cuts between the same buildings.
    let endless: Position[] | null = null;
    for (const clearance of [25, 15, 10, 6, 3]) {
      endless = suggestSplitLine(
        merged,
        workspace.buildings,
        { min: workspace.band.min + 15, max: workspace.band.max - 15 },
        clearance,
      );
      if (endless) break;
    }
    expect(endless, 'a straight line splits the merged grid').not.toBeNull();
    const line = clipLine(endless!, merged);
    const preview = splitGrid(workspace.grids, merged.key, line, workspace.buildings);
    expect(preview.valid).toBe(true);
    if (!preview.valid) return;
    const [inside] = await db.query<{ lon: number; lat: number }>(sql`
      select ST_X(p) as lon, ST_Y(p) as lat from (
        select ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(preview.grids.find((grid) => grid.code === null)!.boundary)}), 4326)) as p) s`);

    // A case filed there now lies in the over-full grid.
    const cadre = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'shinian', password: 'minqing2026' }),
    });
    const cadreCookie = cadre.headers.get('set-cookie')!.split(';')[0]!;
    const filed = await fetch(`${server.url}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cadreCookie },
      body: JSON.stringify({
        channel: 'liaison_point',
        categoryCode: '0401',
        description: '石碾村组道边的排水沟堵塞，雨后积水漫进院坝',
        location: { lon: inside!.lon, lat: inside!.lat },
      }),
    });
    expect(filed.status, await filed.clone().text()).toBe(201);
    const caseId = ((await filed.json()) as { case: { id: number; gridCode: string } }).case.id;
    const [before] = await db.query<{ grid_code: string }>(sql`select grid_code from cases where id = ${caseId}`);
    expect(before!.grid_code).toBe(pair!.keep);

    // The planner opens the village: the over-full grid is red.
    const { page } = browser;
    await page.goto(`${server.url}/planner?region=${SHINIAN}`);
    await signIn(page, 'planner');
    try {
      await page.waitForFunction(() => document.body.dataset.plannerReady === 'true', undefined, {
        timeout: 150_000,
        polling: 500,
      });
    } catch (error) {
      throw new Error(`the planner never became ready: ${String(error)}\n${diagnostics()}`, { cause: error });
    }
    const row = (key: string) => page.locator(`[data-testid=planner-grid-row][data-key="${key}"]`);
    await expect.poll(() => row(merged.key).getAttribute('data-status'), { timeout: 30_000 }).toBe('red');

    // Select it (the map comes to it), take the split tool, draw the line across it.
    await row(merged.key).click();
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const map = (window as unknown as PageWindow).__minqing.map;
          map.once('idle', () => resolve());
          setTimeout(resolve, 5_000);
        }),
    );
    await page.waitForFunction(() => {
      const map = (window as unknown as PageWindow).__minqing?.map as unknown as { loaded(): boolean } | undefined;
      return Boolean(map?.loaded());
    });
    await page.locator('[data-testid=tool-split]').click();
    const start = await pixelOf(page, line[0]!);
    const end = await pixelOf(page, line[1]!);
    await page.mouse.move(start.x, start.y);
    await page.mouse.click(start.x, start.y);
    await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 5 });
    await page.mouse.move(end.x, end.y, { steps: 5 });
    await page.mouse.click(end.x, end.y);

    /** What the panel shows, for failure messages. */
    const panel = async () =>
      `rows: ${JSON.stringify(
        await page
          .locator('[data-testid=planner-grid-row]')
          .evaluateAll((elements) =>
            elements.map((element) => [
              element.getAttribute('data-key'),
              element.getAttribute('data-status'),
              element.getAttribute('data-households'),
            ]),
          ),
      )}\nfindings: ${
        (await page
          .locator('[data-testid=planner-issues]')
          .textContent()
          .catch(() => '')) ?? ''
      }\nmessage: ${
        (await page
          .locator('[data-testid=planner-message]')
          .textContent({ timeout: 1000 })
          .catch(() => '')) ?? ''
      }`;

    // Both halves turn green; every check passes.
    const rows = page.locator('[data-testid=planner-grid-row]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(workspace.grids.length + 1);
    await expect.poll(() => row(merged.key).getAttribute('data-status'), { timeout: 15_000 }).toBe('green');
    const added = page.locator('[data-testid=planner-grid-row][data-code=""]');
    await expect
      .poll(() => added.getAttribute('data-status'), { timeout: 15_000 })
      .toBe('green')
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await panel()}`);
      });
    await expect
      .poll(() => page.locator('[data-testid=planner-summary]').getAttribute('data-passed'), { timeout: 15_000 })
      .toBe('true');
    await expect
      .poll(async () => (await page.locator('[data-testid=save-state]').textContent()) ?? '', { timeout: 15_000 })
      .toContain('已保存');

    // Publish: preview, confirm.
    await page.locator('[data-testid=open-publish]').click();
    await page.locator('[data-testid=publish-preview-button]').click();
    await page.locator('[data-testid=publish-preview]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=publish-cases]').textContent()).toContain(pair!.keep);
    await page.locator('[data-testid=publish-confirm]').click();
    await expect
      .poll(async () => (await page.locator('[data-testid=planner-message]').textContent()) ?? '', { timeout: 60_000 })
      .toContain('已发布');
    const [published] = await db.query<{ code: string }>(sql`
      select g.code from grid g join cases c on ST_Covers(g.boundary, c.location) where c.id = ${caseId} and g.valid_to is null`);
    const newCode = published!.code;
    expect(newCode).not.toBe(pair!.keep);
    expect((await page.locator('[data-testid=planner-message]').textContent()) ?? '').toContain(newCode);

    // The district map draws the new grid there.
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.body.dataset.mapReady === 'true', undefined, { timeout: 150_000, polling: 500 });
    await page.evaluate(
      ({ lon, lat }) =>
        new Promise<void>((resolve) => {
          const map = (window as unknown as PageWindow).__minqing.map;
          map.once('idle', () => resolve());
          map.jumpTo({ center: [lon, lat], zoom: 15 });
        }),
      { lon: inside!.lon, lat: inside!.lat },
    );
    const drawn = await page.evaluate(
      ({ lon, lat }) => {
        const map = (window as unknown as PageWindow).__minqing.map;
        const layers = map
          .getStyle()
          .layers.filter((layer) => layer.type === 'fill' && layer['source-layer'] === 'grid')
          .map((layer) => layer.id);
        const [feature] = map.queryRenderedFeatures(map.project([lon, lat]), { layers });
        return feature ? String(feature.properties.code) : null;
      },
      { lon: inside!.lon, lat: inside!.lat },
    );
    expect(drawn, diagnostics()).toBe(newCode);

    // The case filed there names the new grid on its page.
    await page.context().clearCookies();
    await page.goto(`${server.url}/desk/cases/${caseId}`);
    await signIn(page, 'shinian');
    await page.waitForURL((url) => url.pathname === `/desk/cases/${caseId}`, { timeout: 30_000 });
    await expect.poll(async () => (await page.locator('body').textContent()) ?? '', { timeout: 30_000 }).toContain(newCode);
  });
});
