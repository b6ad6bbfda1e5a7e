/**
 * The map wall's reads on a real PostGIS with the demo district and cases
 * registered through the API: the numbers agree with the cases; nothing
 * personal reaches the wall; urgent cases come first; the case tiles count
 * every case once when clustered, show each case with its card when zoomed
 * in, follow a new case at once and a card when the sweep runs with the clock
 * moved; filters narrow tiles and loads alike; play-back is in time order.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import {
  createApp,
  createLogger,
  loadConfig,
  ManualClock,
  Readiness,
  sweepCards,
  TILE_ENCODERS,
  TILE_LAYER_DEFINITIONS,
  tileFrame,
  type App,
} from '@minqing/api';
import { sql } from '@minqing/db';
import { tileOf } from '@minqing/shared';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

let database: TestDatabase;
let app: App;
// A Monday morning in China.
const clock = new ManualClock(new Date('2026-11-23T09:00:00+08:00'));
const sessions = new Map<string, { cookie: string; at: number }>();
const PHONE = '13987654321';
const NAME = '欧阳明月';

async function signIn(username: string): Promise<string> {
  const known = sessions.get(username);
  if (known && clock.now().getTime() - known.at < 11 * 3_600_000) return known.cookie;
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'minqing2026' }),
  });
  expect(response.status, `sign in as ${username}`).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  sessions.set(username, { cookie, at: clock.now().getTime() });
  return cookie;
}

async function get(username: string | null, path: string): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = username ? { cookie: await signIn(username) } : {};
  const response = await app.request(path, { headers });
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? ((await response.json()) as Json) : {};
  return { status: response.status, body, headers: response.headers };
}

async function tile(path: string, username = 'wall'): Promise<{ status: number; tile: VectorTile | null; headers: Headers }> {
  const response = await app.request(path, { headers: { cookie: await signIn(username) } });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const decoded = response.status === 200 && bytes.byteLength > 0 ? new VectorTile(new PbfReader(bytes)) : null;
  return { status: response.status, tile: decoded, headers: response.headers };
}

function properties(tileValue: VectorTile | null, layer: string): Json[] {
  const found = tileValue?.layers[layer];
  if (!found) return [];
  return Array.from({ length: found.length }, (_, index) => found.feature(index).properties as Json);
}

let core: { lon: number; lat: number; grid: string; town: string };
const registered: { id: number; urgency: string; channel: string }[] = [];

async function register(index: number, extra: Json = {}): Promise<number> {
  const response = await app.request('/api/cases', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: await signIn('dispatcher') },
    body: JSON.stringify({
      channel: index % 3 === 0 ? 'wechat' : 'hotline',
      categoryCode: index % 2 === 0 ? '0401' : '0101',
      urgency: index % 4 === 0 ? 'urgent' : 'normal',
      title: `第${index}号诉求：${PHONE}反映`,
      description: `居民${NAME}反映问题，电话${PHONE}。`,
      location: { lon: core.lon + (index % 5) * 0.0003, lat: core.lat + Math.floor(index / 5) * 0.0002 },
      reporterName: NAME,
      reporterPhone: PHONE,
      ...extra,
    }),
  });
  const body = (await response.json()) as Json;
  expect(response.status, JSON.stringify(body)).toBe(201);
  registered.push({ id: body.case.id, urgency: body.case.urgency, channel: body.case.channel });
  return body.case.id as number;
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({ db: database.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
  const [row] = await database.db.query<typeof core>(sql`
    select ST_X(ST_PointOnSurface(g.boundary)) as lon, ST_Y(ST_PointOnSurface(g.boundary)) as lat, g.code as grid,
      left(g.village_code, 9) || '000' as town
    from grid g where g.valid_to is null and left(g.village_code, 9) = '500101001' order by ST_Area(g.boundary) desc limit 1`);
  core = row!;
  for (let index = 0; index < 12; index++) await register(index);
});

afterAll(async () => {
  await database?.drop();
});

describe('the numbers beside the map', () => {
  test("today's intake by channel, open, overdue, urgent, cards and this month's rates agree with the cases", async () => {
    const { status, body } = await get('wall', '/api/wall/summary');
    expect(status).toBe(200);
    const [counts] = await database.db.query<{ open: number; urgent: number; wechat: number; hotline: number }>(sql`
      select (count(*) filter (where state in ('registered', 'dispatched', 'accepted', 'in_progress')))::int as open,
        (count(*) filter (where urgency = 'urgent' and state in ('registered', 'dispatched', 'accepted', 'in_progress')))::int as urgent,
        (count(*) filter (where channel = 'wechat' and created_at >= '2026-11-23T00:00:00+08:00'))::int as wechat,
        (count(*) filter (where channel = 'hotline' and created_at >= '2026-11-23T00:00:00+08:00'))::int as hotline
      from cases`);
    expect(body.open).toBe(counts!.open);
    expect(body.urgent).toBe(counts!.urgent);
    expect(body.today.byChannel.wechat).toBe(counts!.wechat);
    expect(body.today.byChannel.hotline).toBe(counts!.hotline);
    expect(body.today.total).toBe(registered.length);
    expect(body).toMatchObject({ overdue: 0, yellow: 0, red: 0 });
    expect(body.month).toMatchObject({
      received: registered.length,
      done: 0,
      closureRate: 0,
      onTimeRate: null,
      satisfactionRate: null,
    });
  });

  test('only roles that watch the whole district read the wall', async () => {
    expect((await get(null, '/api/wall/summary')).status).toBe(401);
    expect((await get('chengguan', '/api/wall/summary')).status).toBe(403);
    expect((await get('leader', '/api/wall/summary')).status).toBe(200);
  });
});

describe('feed, cases and detail carry nothing personal', () => {
  test('the feed: newest first, titles masked', async () => {
    const { body } = await get('wall', '/api/wall/feed?limit=5');
    expect(body.events).toHaveLength(5);
    const ids = body.events.map((event: Json) => event.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    expect(body.events[0].case.title).toContain('139****4321');
    const text = JSON.stringify(body);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(NAME);
  });

  test('open cases: urgent ones first', async () => {
    const { body } = await get('wall', '/api/wall/cases?limit=12');
    const urgencies = body.cases.map((item: Json) => item.urgency);
    const firstNormal = urgencies.indexOf('normal');
    expect(urgencies.slice(0, firstNormal).every((urgency: string) => urgency === 'urgent')).toBe(true);
    expect(urgencies.slice(firstNormal)).not.toContain('urgent');
    expect(urgencies.filter((urgency: string) => urgency === 'urgent')).toHaveLength(3);
  });

  test('one case: summary and timeline by unit, with neither reporter nor description', async () => {
    const id = registered[0]!.id;
    const { status, body } = await get('wall', `/api/wall/cases/${id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, gridCode: core.grid, card: 'none', overdue: false });
    expect(body.timeline.map((entry: Json) => entry.kind)).toEqual(['registered', 'dispatch']);
    expect(body.timeline[1].toUnit).toEqual(expect.any(String));
    const text = JSON.stringify(body);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(NAME);
    expect(body).not.toHaveProperty('description');
    expect(body).not.toHaveProperty('reporterName');
    expect((await get('wall', '/api/wall/cases/99999999')).status).toBe(404);
    expect((await get('wall', '/api/wall/cases/abc')).status).toBe(400);
  });

  test('one grid: its counts, its worker, its open cases', async () => {
    const { status, body } = await get('wall', `/api/wall/grids/${core.grid}`);
    expect(status).toBe(200);
    expect(body.counts.open).toBe(body.openCases.length);
    expect(body.counts.open).toBeGreaterThan(0);
    expect(body.workers.map((worker: Json) => worker.name)).toHaveLength(body.workers.length);
    expect(body.workers.length).toBeGreaterThan(0);
    expect((await get('wall', '/api/wall/grids/123')).status).toBe(400);
  });
});

describe('grid loads and filters', () => {
  test('open cases per grid add up, and a filter narrows them', async () => {
    const all = (await get('wall', '/api/wall/grids')).body.grids as Json[];
    const [grids] = await database.db.query<{ n: number }>(sql`select count(*)::int as n from grid where valid_to is null`);
    expect(all).toHaveLength(grids!.n);
    const total = all.reduce((sum, grid) => sum + grid.open, 0);
    expect(total).toBe(registered.length);
    const urgent = (await get('wall', '/api/wall/grids?urgency=urgent')).body.grids as Json[];
    expect(urgent.reduce((sum, grid) => sum + grid.open, 0)).toBe(3);
    const loaded = all.find((grid) => grid.open > 0)!;
    expect(loaded.load).toBeCloseTo((loaded.open / loaded.households) * 100, 1);
  });

  test.each([
    ['/api/wall/grids?state=lost', /query parameter state/],
    ['/api/wall/grids?town=5001', /query parameter town/],
    ['/api/wall/cases?hours=0', /query parameter hours/],
    ['/api/wall/grids?colour=red', /unknown query parameter colour/],
    [`/tiles/case/12/${tileOf(108.4, 30.8, 12).x}/${tileOf(108.4, 30.8, 12).y}.mvt?category=x`, /query parameter category/],
  ])('%s → 400', async (path, message) => {
    const { status, body } = await get('wall', path);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
  });
});

describe('case tiles', () => {
  test('clustered below zoom 15, every case counted once; points from zoom 15 with state, urgency and card', async () => {
    let clustered = 0;
    const { z, x, y } = tileOf(core.lon, core.lat, 11);
    const low = await tile(`/tiles/case/${z}/${x}/${y}.mvt`);
    expect(low.status).toBe(200);
    for (const cluster of properties(low.tile, 'case_cluster')) clustered += cluster.count as number;
    expect(clustered).toBe(registered.length);
    expect(properties(low.tile, 'case')).toEqual([]);
    const urgentInClusters = properties(low.tile, 'case_cluster').reduce((sum, cluster) => sum + (cluster.urgent as number), 0);
    expect(urgentInClusters).toBe(3);

    const point = tileOf(core.lon, core.lat, 17);
    const high = await tile(`/tiles/case/17/${point.x}/${point.y}.mvt`);
    const cases = properties(high.tile, 'case');
    const first = cases.find((item) => item.id === registered[0]!.id);
    expect(first).toMatchObject({ state: 'dispatched', urgency: 'urgent', card: 'none', overdue: false, category: '04' });
  });

  test('signed-in only; cached until a case changes', async () => {
    const { z, x, y } = tileOf(core.lon, core.lat, 13);
    const path = `/tiles/case/${z}/${x}/${y}.mvt`;
    expect((await app.request(path)).status).toBe(401);
    expect((await tile(path, 'planner')).status).toBe(403);
    await tile(path);
    const again = await tile(path);
    expect(again.headers.get('x-tile-cache')).toBe('hit');
    expect(again.headers.get('cache-control')).toBe('private, no-cache');
    const before = properties(again.tile, 'case_cluster').reduce((sum, cluster) => sum + (cluster.count as number), 0);

    await register(12);
    await expect
      .poll(
        async () =>
          properties((await tile(path)).tile, 'case_cluster').reduce((sum, cluster) => sum + (cluster.count as number), 0),
        { timeout: 5_000, interval: 50 },
      )
      .toBe(before + 1);
  });

  test('a card from the sweep with the clock moved turns the case yellow on the map and in the numbers', async () => {
    const id = registered[1]!.id;
    const point = tileOf(core.lon + 0.0003, core.lat, 17);
    const path = `/tiles/case/17/${point.x}/${point.y}.mvt`;
    const cardOf = async () => properties((await tile(path)).tile, 'case').find((item) => item.id === id)?.card;
    expect(await cardOf()).toBe('none');
    clock.advanceDays(8);
    sessions.clear();
    const result = await sweepCards(database.db, clock.now());
    expect(result.yellow).toBeGreaterThanOrEqual(registered.length);
    await expect.poll(cardOf, { timeout: 5_000, interval: 50 }).toBe('yellow');
    const summary = (await get('wall', '/api/wall/summary')).body;
    expect(summary.yellow).toBe(registered.length);
    expect(summary.overdue).toBeGreaterThan(0);
    const [row] = await database.db.query<{ card_colour: string }>(sql`select card_colour from cases where id = ${id}`);
    expect(row!.card_colour).toBe('yellow');
  });

  test('filters narrow the tiles: urgent only, another town', async () => {
    const { z, x, y } = tileOf(core.lon, core.lat, 11);
    const count = async (query: string) =>
      properties((await tile(`/tiles/case/${z}/${x}/${y}.mvt${query}`)).tile, 'case_cluster').reduce(
        (sum, cluster) => sum + (cluster.count as number),
        0,
      );
    expect(await count('?urgency=urgent')).toBe(registered.filter((item) => item.urgency === 'urgent').length);
    expect(await count(`?town=${core.town}`)).toBe(registered.length);
    expect(await count('?town=500101002000')).toBe(0);
    expect(await count('?state=closed')).toBe(0);
  });

  test('the JavaScript encoder (embedded engine) gives the same case and worker features as ST_AsMVT', async () => {
    for (const name of ['case', 'worker'] as const) {
      for (const z of [11, 13, 16]) {
        const frame = tileFrame(tileOf(core.lon, core.lat, z));
        const context = { band: { min: 300, max: 500 }, now: clock.now() };
        const layer = TILE_LAYER_DEFINITIONS[name]!;
        const decode = (bytes: Uint8Array) => (bytes.byteLength ? new VectorTile(new PbfReader(bytes)) : null);
        const postgis = decode(await TILE_ENCODERS.postgis.encode(database.db, layer, frame, context));
        const javascript = decode(await TILE_ENCODERS.javascript.encode(database.db, layer, frame, context));
        for (const source of layer.sourceLayers) {
          const sort = (items: Json[]) => items.map((item) => JSON.stringify(item)).sort();
          expect(sort(properties(javascript, source.name)), `${name} ${z} ${source.name}`).toEqual(
            sort(properties(postgis, source.name)),
          );
        }
      }
    }
  });
});

describe('play-back', () => {
  test('the cases of the last 24 hours in time order, every state', async () => {
    const { status, body } = await get('wall', '/api/wall/playback');
    expect(status).toBe(200);
    expect(body.truncated).toBe(false);
    // The clock moved 8 days on: nothing in the last 24 hours; the window of the day of intake has them all.
    expect(body.cases).toEqual([]);
    const window = await get('wall', '/api/wall/playback?since=2026-11-23T00:00:00%2B08:00&until=2026-11-24T00:00:00%2B08:00');
    expect(window.body.cases).toHaveLength(registered.length);
    const times = window.body.cases.map((row: Json[]) => row[3]);
    expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
    expect(window.body.cases[0]).toEqual([
      registered[0]!.id,
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
      1,
      'dispatched',
      'yellow',
      '0401',
    ]);
  });
});
