/**
 * Grid workers' positions on a real PostGIS with the demo district: a walk
 * inside the grid is stored and moves the marker; GCJ-02 from a phone is
 * stored as WGS-84; impossible coordinates and times are refused and store
 * nothing; a jump across the district, a point outside it and a blurred fix
 * are stored but flagged and never move the marker; only grid workers report;
 * the worker tile shows the marker and the track.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { prunePositions } from '../../api/src/positions/position-retention.job.ts';
import { sql } from '@minqing/db';
import { fromWgs84, tileOf } from '@minqing/shared';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

let database: TestDatabase;
let app: App;
const clock = new ManualClock(new Date('2026-11-24T10:00:00+08:00'));
const cookies = new Map<string, string>();
let worker: { username: string; userId: number; gridCode: string; lon: number; lat: number };

async function signIn(username: string): Promise<string> {
  const known = cookies.get(username);
  if (known) return known;
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'minqing2026' }),
  });
  expect(response.status, `sign in as ${username}`).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  cookies.set(username, cookie);
  return cookie;
}

async function report(
  body: unknown,
  username = worker.username,
  path = '/api/positions',
): Promise<{ status: number; body: Json }> {
  const response = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: await signIn(username) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const secondsAgo = (seconds: number) => new Date(clock.now().getTime() - seconds * 1000).toISOString();
const storedCount = async () =>
  (
    await database.db.query<{ n: number }>(sql`select count(*)::int as n from worker_position where user_id = ${worker.userId}`)
  )[0]!.n;
const lastPosition = async () =>
  (
    await database.db.query<{ lon: number; lat: number; recorded_at: Date }>(sql`
      select ST_X(location) as lon, ST_Y(location) as lat, recorded_at from worker_last_position where user_id = ${worker.userId}`)
  )[0];

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({ db: database.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
  const [row] = await database.db.query<typeof worker>(sql`
    select u.username, u.id as "userId", g.code as "gridCode",
      ST_X(ST_PointOnSurface(g.boundary)) as lon, ST_Y(ST_PointOnSurface(g.boundary)) as lat
    from grid_assignment a join app_user u on u.id = a.user_id join grid g on g.code = a.grid_code and g.valid_to is null
    where u.username like 'gw%' and left(g.village_code, 9) = '500101001'
    order by ST_Area(g.boundary) desc limit 1`);
  worker = row!;
});

afterAll(async () => {
  await database?.drop();
});

describe('reporting positions', () => {
  test('a walk in the own grid: accepted, stored with its grid, the marker follows', async () => {
    const first = await report({ lon: worker.lon, lat: worker.lat, accuracy: 8, recordedAt: secondsAgo(60) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ status: 'accepted', flags: [], gridCode: worker.gridCode, message: 'accepted' });
    const second = await report({ lon: worker.lon + 0.0004, lat: worker.lat, accuracy: 8, recordedAt: secondsAgo(30) });
    expect(second.body.status).toBe('accepted');
    expect(await lastPosition()).toMatchObject({ lon: expect.closeTo(worker.lon + 0.0004, 7) });
  });

  test('GCJ-02 from a phone map is stored as WGS-84', async () => {
    const [lon, lat] = fromWgs84(worker.lon, worker.lat, 'GCJ02');
    const response = await report({ lon, lat, coordinateSystem: 'GCJ02', accuracy: 10, recordedAt: secondsAgo(20) });
    expect(response.status).toBe(201);
    // GCJ-02 is shifted by a few hundred metres here; back in WGS-84 it is within a metre of the point.
    expect(Math.abs(lon - worker.lon) + Math.abs(lat - worker.lat)).toBeGreaterThan(0.001);
    expect(response.body.lon).toBeCloseTo(worker.lon, 5);
    expect(response.body.lat).toBeCloseTo(worker.lat, 5);
    expect(response.body.status).toBe('accepted');
  });

  test.each([
    [{ lon: 200, lat: 30.8 }, /lon must be within -180…180/],
    [{ lon: 0, lat: 0 }, /what a device sends before it has a fix/],
    [{ recordedAt: '2026-11-24T10:30:00+08:00' }, /recordedAt is in the future/],
    [{ recordedAt: '2026-11-22T10:00:00+08:00' }, /more than 24 hours ago/],
    [{ recordedAt: 'yesterday' }, /body field recordedAt: must be a date-time/],
    [{ lon: '108.4' }, /body field lon: must be a number/],
    [{ coordinateSystem: 'BD-09' }, /body field coordinateSystem: must be one of WGS84, GCJ02, BD09/],
    [{ accuracy: -5 }, /body field accuracy: must be above 0/],
  ])('refused, nothing stored: %j', async (change, message) => {
    const before = await storedCount();
    const response = await report({ lon: worker.lon, lat: worker.lat, accuracy: 8, recordedAt: secondsAgo(10), ...change });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
    expect(await storedCount()).toBe(before);
  });

  test('a jump across the district, a point outside it, a blurred fix: stored for the record, the marker stays', async () => {
    const before = await lastPosition();
    const jump = await report({ lon: worker.lon + 0.3, lat: worker.lat + 0.1, accuracy: 8, recordedAt: secondsAgo(5) });
    expect(jump.status).toBe(201);
    expect(jump.body).toMatchObject({ status: 'flagged', flags: expect.arrayContaining(['impossible_speed']) });
    expect(jump.body.message).toMatch(/^stored but not drawn: .*faster than a person on patrol.*km\/h/);
    const outside = await report({ lon: 116.4, lat: 39.9, accuracy: 8, recordedAt: secondsAgo(4) });
    expect(outside.body.flags).toContain('outside_district');
    const blurred = await report({ lon: worker.lon, lat: worker.lat, accuracy: 1500, recordedAt: secondsAgo(3) });
    expect(blurred.body).toMatchObject({ status: 'flagged', flags: ['low_accuracy'] });
    expect(await lastPosition()).toEqual(before);
  });

  test('a batch is judged fix by fix, and a batch with one impossible fix stores nothing', async () => {
    const ok = await report(
      {
        positions: [
          { lon: worker.lon + 0.0002, lat: worker.lat, accuracy: 6, recordedAt: secondsAgo(2) },
          { lon: worker.lon + 0.0003, lat: worker.lat, accuracy: 6, recordedAt: secondsAgo(1) },
        ],
      },
      worker.username,
      '/api/positions/batch',
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ accepted: 2, flagged: 0 });
    const before = await storedCount();
    const bad = await report(
      {
        positions: [
          { lon: worker.lon, lat: worker.lat, accuracy: 6, recordedAt: secondsAgo(0) },
          { lon: worker.lon, lat: worker.lat, accuracy: 6, recordedAt: '2030-01-01T00:00:00+08:00' },
        ],
      },
      worker.username,
      '/api/positions/batch',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^position 1 refused: recordedAt is in the future/);
    expect(await storedCount()).toBe(before);
  });

  test('only grid workers report positions', async () => {
    for (const username of ['dispatcher', 'wall', 'fenshui']) {
      const response = await report({ lon: worker.lon, lat: worker.lat, recordedAt: secondsAgo(1) }, username);
      expect(response.status, username).toBe(403);
      expect(response.body.error.code).toBe('not_a_grid_worker');
    }
    const anonymous = await app.request('/api/positions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lon: worker.lon, lat: worker.lat, recordedAt: secondsAgo(1) }),
    });
    expect(anonymous.status).toBe(401);
  });

  test('the worker tile shows the marker where the last accepted fix is, and the track of the hour', async () => {
    const at = await lastPosition();
    const { z, x, y } = tileOf(at!.lon, at!.lat, 16);
    const anonymous = await app.request(`/tiles/worker/${z}/${x}/${y}.mvt`);
    expect(anonymous.status).toBe(401);
    const response = await app.request(`/tiles/worker/${z}/${x}/${y}.mvt`, { headers: { cookie: await signIn('wall') } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    const tile = new VectorTile(new PbfReader(new Uint8Array(await response.arrayBuffer())));
    const markers = tile.layers.worker!;
    const mine = Array.from({ length: markers.length }, (_, index) => markers.feature(index).properties).find(
      (properties) => properties.user_id === worker.userId,
    );
    expect(mine).toMatchObject({ grid_code: worker.gridCode, age_minutes: 0 });
    const tracks = tile.layers.worker_track!;
    const ages = Array.from({ length: tracks.length }, (_, index) => tracks.feature(index).properties)
      .filter((properties) => properties.user_id === worker.userId)
      .map((properties) => properties.age);
    expect(ages).toContain(0);
  });

  test('positions older than the retention are pruned at night; the last one of each worker stays', async () => {
    const [old] = await database.db.query<{ id: number }>(sql`
      insert into worker_position (user_id, location, coordinate_system, recorded_at, received_at, accepted)
      values (${worker.userId}, ST_SetSRID(ST_MakePoint(${worker.lon}, ${worker.lat}), 4326), 'WGS84',
              ${new Date(clock.now().getTime() - 100 * 86_400_000)}, ${new Date(clock.now().getTime() - 100 * 86_400_000)}, true)
      returning id`);
    const before = await storedCount();
    expect(await prunePositions(database.db, clock.now())).toBe(1);
    expect(await storedCount()).toBe(before - 1);
    const [gone] = await database.db.query(sql`select 1 from worker_position where id = ${old!.id}`);
    expect(gone).toBeUndefined();
    expect(await lastPosition()).toBeDefined();
  });
});
