/**
 * The live stream (GET /api/stream) on a real PostGIS with the demo district:
 * a case registered through the API arrives as an event with nothing
 * personal in it; a client that goes away and comes back with its last event
 * id gets exactly what it missed — also an event whose transaction committed
 * after a later one had already been sent — and nothing twice; positions
 * arrive; bad requests are refused with a reason.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import postgres from 'postgres';
import { createApp, createLogger, loadConfig, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { openLiveClient, type LiveClient, type LiveClientEvent } from '../../api/src/stream/live-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- event bodies are checked field by field
}

let database: TestDatabase;
let app: App;
const cookies = new Map<string, string>();

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

async function post(username: string, path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const response = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: await signIn(username) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** Reads a stream in the background; waits for events that match. */
class Collector {
  readonly events: LiveClientEvent[] = [];
  private done = false;
  constructor(readonly client: LiveClient) {
    void (async () => {
      for await (const event of client.events) this.events.push(event);
      this.done = true;
    })().catch(() => (this.done = true));
  }
  async waitFor(match: (event: LiveClientEvent) => boolean, what: string, timeoutMs = 5_000): Promise<LiveClientEvent> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.done) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no ${what} within ${timeoutMs} ms; got: ${this.events.map((event) => event.event).join(', ')}`);
  }
  caseEvents(): Json[] {
    return this.events.filter((event) => event.event === 'case').map((event) => event.data as Json);
  }
  close() {
    this.client.close();
  }
}

async function connect(username: string, lastEventId: string | null = null, query = ''): Promise<Collector> {
  const client = await openLiveClient(`http://localhost/api/stream${query}`, {
    cookie: await signIn(username),
    lastEventId,
    fetcher: async (url, init) => app.request(url, init),
  });
  expect(client.status).toBe(200);
  const collector = new Collector(client);
  await collector.waitFor((event) => event.event === 'hello', 'hello');
  return collector;
}

let place: { lon: number; lat: number };

async function registerCase(title: string, extra: Json = {}): Promise<number> {
  const response = await post('dispatcher', '/api/cases', {
    channel: 'hotline',
    categoryCode: '0401',
    title,
    description: `${title}。请尽快处理。`,
    location: place,
    reporterName: '黄昌术',
    reporterPhone: '13812345678',
    ...extra,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.case.id as number;
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo', maxConnections: 8 });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({
    db: database.db,
    logger: createLogger(process.env.TEST_LOG_LEVEL === 'error' ? 'error' : 'silent'),
    state,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
  });
  const [row] = await database.db.query<{ lon: number; lat: number }>(sql`
    select ST_X(ST_PointOnSurface(boundary)) as lon, ST_Y(ST_PointOnSurface(boundary)) as lat
    from grid where valid_to is null order by code limit 1 offset 200`);
  place = row!;
});

afterAll(async () => {
  await database?.drop();
});

describe('the live stream', () => {
  test('a new case arrives with its place, state and masked title, and nothing personal', async () => {
    const stream = await connect('wall');
    try {
      const id = await registerCase('路灯不亮，联系电话13812345678');
      const event = await stream.waitFor(
        (candidate) => candidate.event === 'case' && (candidate.data as Json).case.id === id,
        `an event for case ${id}`,
      );
      const body = event.data as Json;
      expect(body.kind).toBe('registered');
      expect(body.case).toMatchObject({ id, urgency: 'normal', card: 'none', categoryCode: '0401', channel: 'hotline' });
      expect(body.case.lon).toBeCloseTo(place.lon, 6);
      expect(body.case.title).toBe('路灯不亮，联系电话138****5678');
      expect(event.id).toMatch(/^c[0-9a-z.]+p[0-9a-z.]+$/);
      const text = JSON.stringify(stream.events.map((candidate) => candidate.data));
      expect(text).not.toContain('13812345678');
      expect(text).not.toContain('黄昌术');
      expect(text).not.toContain('scope');
      // Dispatch follows registration in the same intake: its state is on the wire too.
      await stream.waitFor(
        (candidate) =>
          candidate.event === 'case' && (candidate.data as Json).case.id === id && (candidate.data as Json).kind === 'dispatch',
        'the dispatch event',
      );
    } finally {
      stream.close();
    }
  });

  test('coming back with the last event id: exactly what was missed, in order, nothing twice', async () => {
    const first = await connect('wall');
    const before = await registerCase('井盖缺失');
    await first.waitFor((event) => event.event === 'case' && (event.data as Json).case.id === before, 'the first case');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = first.caseEvents().map((event) => event.id as number);
    const lastId = first.client.lastEventId();
    first.close();

    const missed = [await registerCase('道路破损一'), await registerCase('道路破损二'), await registerCase('道路破损三')];
    const expected = (
      await database.db.query<{ id: number }>(
        sql`select id from case_event where case_id = any(${missed.map(String)}::text[]::int8[]) order by id`,
      )
    ).map((row) => row.id);

    const second = await connect('wall', lastId);
    try {
      const hello = second.events[0]!;
      expect(hello.data).toMatchObject({ resumed: true, caughtUp: { cases: expected.length } });
      await second.waitFor(() => second.caseEvents().length >= expected.length, 'the missed events');
      const replayed = second.caseEvents().map((event) => event.id as number);
      expect(replayed).toEqual(expected);
      expect(replayed.some((id) => seen.includes(id))).toBe(false);

      // And it goes on live from there.
      const after = await registerCase('道路破损四');
      await second.waitFor((event) => event.event === 'case' && (event.data as Json).case.id === after, 'the next case');
      const ids = second.caseEvents().map((event) => event.id as number);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      second.close();
    }
  });

  test('an event whose transaction commits after a later one was sent is still delivered once, after a reconnect', async () => {
    const caseId = await registerCase('噪音扰民');
    const stream = await connect('wall');
    // Another connection opens a transaction that writes a case event and holds it open.
    const other = postgres(database.url, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldEventId = 0;
    const writer = other.begin(async (tx) => {
      const [row] = await tx<{ id: string }[]>`
        insert into case_event (case_id, kind, occurred_at, data) values (${caseId}, 'urge', now(), '{}') returning id`;
      heldEventId = Number(row!.id);
      await tx`select pg_notify('case_event', '{}')`;
      await held;
    });
    try {
      await expect.poll(() => heldEventId, { timeout: 5_000 }).toBeGreaterThan(0);
      // A later event commits and is sent at once, although an earlier id is still in flight.
      const later = await registerCase('占道经营');
      await stream.waitFor((event) => event.event === 'case' && (event.data as Json).case.id === later, 'the later case');
      expect(stream.caseEvents().some((event) => event.id === heldEventId)).toBe(false);
      const lastId = stream.client.lastEventId()!;
      stream.close();

      release();
      await writer;
      const resumed = await connect('wall', lastId);
      try {
        await resumed.waitFor((event) => event.event === 'case' && (event.data as Json).id === heldEventId, 'the held event');
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const ids = resumed.caseEvents().map((event) => event.id as number);
        expect(ids.filter((id) => id === heldEventId)).toHaveLength(1);
        const laterIds = stream.caseEvents().map((event) => event.id as number);
        expect(ids.some((id) => laterIds.includes(id))).toBe(false);
      } finally {
        resumed.close();
      }
    } finally {
      release();
      await writer.catch(() => {});
      await other.end({ timeout: 5 });
      stream.close();
    }
  });

  test('a grid worker reports a position: it arrives in a positions batch', async () => {
    const stream = await connect('wall', null, '?topics=positions');
    try {
      const [worker] = await database.db.query<{ username: string; lon: number; lat: number }>(sql`
        select u.username, ST_X(ST_PointOnSurface(g.boundary)) as lon, ST_Y(ST_PointOnSurface(g.boundary)) as lat
        from grid_assignment a join app_user u on u.id = a.user_id join grid g on g.code = a.grid_code and g.valid_to is null
        where u.username like 'gw%' order by a.grid_code limit 1`);
      const report = await post(worker!.username, '/api/positions', {
        lon: worker!.lon,
        lat: worker!.lat,
        accuracy: 8,
        recordedAt: new Date().toISOString(),
      });
      expect(report.status, JSON.stringify(report.body)).toBe(201);
      const event = await stream.waitFor(
        (candidate) =>
          candidate.event === 'positions' && (candidate.data as Json[]).some((position) => position.id === report.body.id),
        'the position',
      );
      const position = (event.data as Json[]).find((candidate) => candidate.id === report.body.id)!;
      expect(position).toMatchObject({ lon: expect.closeTo(worker!.lon, 6), lat: expect.closeTo(worker!.lat, 6), accuracy: 8 });
      // Only positions were asked for.
      await registerCase('树木倒伏');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stream.caseEvents()).toEqual([]);
    } finally {
      stream.close();
    }
  });

  test('refusals: no session, a role that reads no cases, a Last-Event-ID we did not write, an unknown topic', async () => {
    expect((await app.request('/api/stream')).status).toBe(401);
    const planner = await app.request('/api/stream', { headers: { cookie: await signIn('planner') } });
    expect(planner.status).toBe(403);
    const badId = await app.request('/api/stream', { headers: { cookie: await signIn('wall'), 'last-event-id': '12345' } });
    expect(badId.status).toBe(400);
    expect((await badId.json()).error).toMatchObject({
      code: 'invalid_last_event_id',
      message: expect.stringMatching(/^Last-Event-ID is not/),
    });
    const badTopic = await app.request('/api/stream?topics=cases,weather', { headers: { cookie: await signIn('wall') } });
    expect(badTopic.status).toBe(400);
    expect((await badTopic.json()).error.message).toContain("'weather'");
  });

  test('a cursor from far ahead (another database) makes the client reload rather than miss events', async () => {
    const stream = await connect('wall', 'c' + (10 ** 12).toString(36) + 'p0');
    try {
      expect(stream.events[0]!.data).toMatchObject({ resumed: false });
      await stream.waitFor((event) => event.event === 'reset', 'a reset');
    } finally {
      stream.close();
    }
  });
});
