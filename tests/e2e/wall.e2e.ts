/**
 * The map wall in real Chromium at 1920×1080, on the built web app served by
 * the real API over a PostGIS database holding the demo district:
 * - the wall opens signed in as the wall viewer and goes live;
 * - a case registered through the API (as the hotline would) appears in the
 *   feed and on the map without a reload, masked;
 * - the card sweep, run with the clock moved eight days on, turns it yellow on
 *   the map and in the feed;
 * - a grid worker driven by the simulator appears and moves;
 * - the stream is cut for a while, a case comes in meanwhile, and once the
 *   stream is back the wall has it — once;
 * - a click on the case opens its detail with its timeline and no personal data.
 * Screenshots go to test-results/wall-*.png.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { sweepCards } from '@minqing/api';
import { sql } from '@minqing/db';
import { Simulator } from '../../api/src/simulator/simulator.ts';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const resultsFolder = fileURLToPath(new URL('../../test-results', import.meta.url));
const REPORTER_NAME = '欧阳明月';
const REPORTER_PHONE = '13987654321';

interface WallSnapshot {
  status: string;
  reconnects: number;
  feedCaseIds: number[];
  feedKinds: string[];
  liveCases: Record<number, string | null>;
  workers: number;
}

/** The parts of the page's MapLibre map (window.__minqing.map) the test uses. */
interface PageMap {
  jumpTo(options: { center: [number, number]; zoom: number }): unknown;
  once(event: 'idle', listener: () => void): unknown;
  project(lonLat: [number, number]): { x: number; y: number };
  getCanvas(): HTMLCanvasElement;
  queryRenderedFeatures(...query: unknown[]): { properties: Record<string, unknown> }[];
  getSource(id: string): {
    serialize(): { data: { features: { properties: Record<string, unknown>; geometry: { coordinates: number[] } }[] } };
  };
}
type PageWindow = Window & {
  __minqing: { map: PageMap };
  __minqingWall: { snapshot(): WallSnapshot & { worker(userId: number): [number, number] | null }; drop(): void };
};

describe('the map wall', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let simulator: Simulator | null = null;
  let place: { lon: number; lat: number; grid: string };
  const cookies = new Map<string, string>();

  async function signIn(username: string): Promise<string> {
    const known = cookies.get(username);
    if (known) return known;
    const response = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'minqing2026' }),
    });
    expect(response.status, `sign in as ${username}`).toBe(200);
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    cookies.set(username, cookie);
    return cookie;
  }

  async function registerCase(title: string, urgency: 'normal' | 'urgent' = 'normal'): Promise<number> {
    const response = await fetch(`${server.url}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await signIn('dispatcher') },
      body: JSON.stringify({
        channel: 'hotline',
        categoryCode: '0403',
        urgency,
        title,
        description: `${title}，联系人${REPORTER_NAME}，电话${REPORTER_PHONE}`,
        location: { lon: place.lon, lat: place.lat },
        reporterName: REPORTER_NAME,
        reporterPhone: REPORTER_PHONE,
      }),
    });
    const body = (await response.json()) as { case: { id: number } };
    expect(response.status, JSON.stringify(body)).toBe(201);
    return body.case.id;
  }

  const snapshot = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).__minqingWall.snapshot());
  const shot = (page: Page, name: string) => page.screenshot({ path: `${resultsFolder}/wall-${name}.png` });
  const diagnostics = () =>
    `page problems:\n${browser.problems.slice(-20).join('\n') || '(none)'}\nserver output:\n${server.output().split('\n').slice(-30).join('\n')}`;

  /** Moves the map to a place and waits until it has drawn it. */
  async function look(page: Page, lon: number, lat: number, zoom: number) {
    await page.evaluate(
      ({ lon, lat, zoom }) =>
        new Promise<void>((resolve) => {
          const map = (window as unknown as PageWindow).__minqing.map;
          map.once('idle', () => resolve());
          map.jumpTo({ center: [lon, lat], zoom });
        }),
      { lon, lat, zoom },
    );
  }

  /** The case's point as the map draws it (the live layer or the tile layer), with its properties. */
  const drawnCase = (page: Page, id: number) =>
    page.evaluate((caseId) => {
      const map = (window as unknown as PageWindow).__minqing.map;
      const features = map.queryRenderedFeatures({ layers: ['wall-live-point', 'wall-case-point'] });
      return features.find((feature) => feature.properties.id === caseId)?.properties ?? null;
    }, id);

  beforeAll(async () => {
    mkdirSync(resultsFolder, { recursive: true });
    database = await createTestDatabase({ template: 'demo' });
    server = await startServer({ databaseUrl: database.url, demo: true, label: 'e2e-wall' });
    browser = await launchBrowser({ width: 1920, height: 1080 });
    // The urban core: the largest grid of 高笋塘街道.
    const [row] = await database.db.query<typeof place>(sql`
      select ST_X(ST_PointOnSurface(boundary)) as lon, ST_Y(ST_PointOnSurface(boundary)) as lat, code as grid
      from grid where valid_to is null and left(village_code, 9) = '500101001' order by ST_Area(boundary) desc limit 1`);
    place = row!;
    // A few cases so the wall has something to show when it opens.
    for (const title of ['路灯不亮', '井盖缺失', '垃圾未及时清运']) await registerCase(`高笋塘${title}`);
  });

  afterAll(async () => {
    simulator?.stop();
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  test('opens signed in and goes live', async () => {
    const { page, context } = browser;
    const [name, value] = (await signIn('wall')).split('=') as [string, string];
    await context.addCookies([{ name, value, url: server.url }]);
    await page.goto(`${server.url}/wall`);
    try {
      await page.waitForFunction(() => document.body.dataset.wallReady === 'true', undefined, { timeout: 150_000, polling: 500 });
    } catch (error) {
      throw new Error(`the wall never said it was ready: ${String(error)}\n${diagnostics()}`, { cause: error });
    }
    expect((await snapshot(page)).status).toBe('live');
    await expect.poll(async () => (await page.locator('[data-testid=wall-number-open] strong').textContent())?.trim()).toBe('3');
  });

  test('a case registered through the API appears in the feed and on the map, live and masked', async () => {
    const { page } = browser;
    await look(page, place.lon, place.lat, 16);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));

    const started = performance.now();
    const id = await registerCase('高笋塘下水道堵塞外溢', 'urgent');
    const item = page.locator(`[data-testid=wall-feed] li[data-case-id="${id}"]`).first();
    await item.waitFor({ timeout: 15_000 });
    const feedDelay = Math.round(performance.now() - started);
    await expect.poll(() => drawnCase(page, id), { timeout: 15_000 }).toMatchObject({ id, urgency: 'urgent', card: 'none' });
    const mapDelay = Math.round(performance.now() - started);
    console.log(`wall e2e: case ${id} in the feed after ${feedDelay} ms, drawn on the map after ${mapDelay} ms (software WebGL)`);

    expect(navigations, 'the page was not reloaded').toEqual([]);
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('高笋塘下水道堵塞外溢');
    expect(await page.locator('[data-testid=wall]').textContent()).not.toContain(REPORTER_PHONE);
    await expect
      .poll(async () => (await page.locator('[data-testid=wall-number-urgent] strong').textContent())?.trim())
      .toBe('1');
    await shot(page, 'new-case');
  });

  test('the card sweep with the clock moved on turns the case yellow on the map and in the feed', async () => {
    const { page } = browser;
    const [newest] = await database.db.query<{ id: number }>(sql`select max(id) as id from cases`);
    const id = newest!.id;
    const result = await sweepCards(database.db, new Date(Date.now() + 8 * 86_400_000));
    expect(result.yellow).toBeGreaterThan(0);
    await page
      .locator(`[data-testid=wall-feed] li[data-case-id="${id}"][data-kind="card_issued"]`)
      .first()
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => drawnCase(page, id), { timeout: 15_000 }).toMatchObject({ id, card: 'yellow' });
    await expect
      .poll(async () => (await page.locator('[data-testid=wall-number-yellow] strong').textContent())?.trim())
      .toBe('4');
  });

  test('a grid worker on patrol appears and moves', async () => {
    const { page } = browser;
    simulator = new Simulator({
      url: server.url,
      workers: 1,
      gridCodes: [place.grid],
      intervalSeconds: 1,
      casesPerMinute: 0,
      progressCases: false,
      password: 'minqing2026',
      seed: 7,
      log: () => {},
    });
    await simulator.start();
    const [worker] = await database.db.query<{ id: number }>(sql`select id from app_user where username = ${`gw${place.grid}`}`);
    const markerAt = () =>
      page.evaluate((userId) => (window as unknown as PageWindow).__minqingWall.snapshot().worker(userId), worker!.id);
    await expect.poll(markerAt, { timeout: 20_000 }).not.toBeNull();
    const first = (await markerAt())!;
    await expect.poll(async () => JSON.stringify(await markerAt()), { timeout: 20_000 }).not.toBe(JSON.stringify(first));
    // And the map draws the marker where the worker is.
    const [lon, lat] = (await markerAt())!;
    await look(page, lon, lat, 16);
    const drawn = await page.evaluate(() => {
      const map = (window as unknown as PageWindow).__minqing.map;
      return map.queryRenderedFeatures({ layers: ['wall-worker-marker'] }).map((feature) => feature.properties.userId);
    });
    expect(drawn).toContain(worker!.id);
    simulator.stop();
  });

  test('with the stream cut for a while, a case that came in meanwhile arrives once it is back, and only once', async () => {
    const { page } = browser;
    await page.route('**/api/stream**', (route) => route.abort());
    await page.evaluate(() => (window as unknown as PageWindow).__minqingWall.drop());
    await expect.poll(async () => (await snapshot(page)).status, { timeout: 10_000 }).toBe('reconnecting');
    await page.locator('[role=alert]').first().waitFor({ state: 'visible', timeout: 10_000 });
    const id = await registerCase('高笋塘燃气异味');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await snapshot(page)).feedCaseIds).not.toContain(id);

    await page.unroute('**/api/stream**');
    await expect.poll(async () => (await snapshot(page)).status, { timeout: 40_000 }).toBe('live');
    await expect.poll(async () => (await snapshot(page)).feedCaseIds, { timeout: 15_000 }).toContain(id);
    const kinds = (await snapshot(page)).feedKinds;
    expect(kinds.filter((kind) => kind === `${id}:registered`)).toHaveLength(1);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  test('a click on a case opens its summary and timeline, with no personal data', async () => {
    const { page } = browser;
    const [newest] = await database.db.query<{ id: number }>(sql`select min(id) as id from cases where urgency = 'urgent'`);
    await page.locator(`[data-testid=wall-case-list] li[data-case-id="${newest!.id}"]`).click();
    const panel = page.locator('[data-testid=wall-detail-case]');
    await panel.waitFor({ timeout: 15_000 });
    await expect
      .poll(async () => (await page.locator('[data-testid=wall-detail-case-title]').textContent()) ?? '')
      .toContain('下水道');
    await expect.poll(async () => page.locator('[data-testid=wall-detail-timeline] li').count()).toBeGreaterThanOrEqual(3);
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('黄牌');
    expect(text).not.toContain(REPORTER_PHONE);
    expect(text).not.toContain(REPORTER_NAME);
    await look(page, place.lon, place.lat, 13.5);
    await shot(page, 'case-detail');
  });
});
