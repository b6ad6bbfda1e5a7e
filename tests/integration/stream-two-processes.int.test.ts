/**
 * Two API processes on one database, as behind a load balancer: a case
 * registered on one reaches a live client of the other; when that process
 * stops, the client comes back to a freshly started one with its last event
 * id and gets exactly what it missed meanwhile — and the same cursor read on
 * the first process gives the same events: no process holds state a client
 * depends on.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from '@minqing/db';
import { openLiveClient, type LiveClient, type LiveClientEvent } from '../../api/src/stream/live-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServer, type RunningServer } from '../support/server.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- event bodies are checked field by field
}

let database: TestDatabase;
let first: RunningServer;
let second: RunningServer | null = null;
let place: { lon: number; lat: number };

async function signIn(server: RunningServer, username: string): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'minqing2026' }),
  });
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function registerCase(server: RunningServer, cookie: string, title: string): Promise<number> {
  const response = await fetch(`${server.url}/api/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({
      channel: 'hotline',
      categoryCode: '0602',
      title,
      description: `${title}，已经三天没人管。`,
      location: place,
    }),
  });
  const body = (await response.json()) as Json;
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body.case.id as number;
}

/** Reads events in the background. */
function collect(client: LiveClient): { events: LiveClientEvent[]; cases: () => Json[] } {
  const events: LiveClientEvent[] = [];
  void (async () => {
    for await (const event of client.events) events.push(event);
  })().catch(() => {});
  return { events, cases: () => events.filter((event) => event.event === 'case').map((event) => event.data as Json) };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  // One after the other: two processes creating pg-boss queues at the same moment can deadlock (a start-up matter, not the stream's).
  first = await startServer({ databaseUrl: database.url, label: 'stream-process-a' });
  second = await startServer({ databaseUrl: database.url, label: 'stream-process-b' });
  const [row] = await database.db.query<{ lon: number; lat: number }>(sql`
    select ST_X(ST_PointOnSurface(boundary)) as lon, ST_Y(ST_PointOnSurface(boundary)) as lat
    from grid where valid_to is null order by code limit 1 offset 700`);
  place = row!;
}, 300_000);

afterAll(async () => {
  await second?.stop();
  await first?.stop();
  await database?.drop();
});

describe('live events across two API processes', () => {
  test('a case registered on one process reaches a client of the other; after a restart the client resumes exactly', async () => {
    const dispatcher = await signIn(first, 'dispatcher');
    const wall = await signIn(second!, 'wall');

    const client = await openLiveClient(`${second!.url}/api/stream?topics=cases`, { cookie: wall });
    expect(client.status).toBe(200);
    const seen = collect(client);
    await until(() => seen.events.some((event) => event.event === 'hello'), 'hello');

    const id = await registerCase(first, dispatcher, '垃圾桶满溢无人清运');
    await until(() => seen.cases().some((event) => event.case.id === id), `case ${id} at the other process`);
    const lastId = client.lastEventId()!;
    client.close();

    // The process the client was on goes away; cases keep coming in on the other.
    await second!.stop();
    second = null;
    const missed = [
      await registerCase(first, dispatcher, '小区垃圾清运不及时'),
      await registerCase(first, dispatcher, '垃圾站异味扰民'),
    ];
    const expected = (
      await database.db.query<{ id: number }>(
        sql`select id from case_event where case_id = any(${missed.map(String)}::text[]::int8[]) order by id`,
      )
    ).map((row) => row.id);

    second = await startServer({ databaseUrl: database.url, label: 'stream-process-b-again' });
    const resumed = await openLiveClient(`${second.url}/api/stream?topics=cases`, { cookie: wall, lastEventId: lastId });
    expect(resumed.status).toBe(200);
    const after = collect(resumed);
    await until(() => after.cases().length >= expected.length, 'the missed events');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(after.events[0]!.data).toMatchObject({ resumed: true, caughtUp: { cases: expected.length } });
    expect(after.cases().map((event) => event.id)).toEqual(expected);
    resumed.close();

    // The same cursor on the first process: the same events.
    const elsewhere = await openLiveClient(`${first.url}/api/stream?topics=cases`, { cookie: wall, lastEventId: lastId });
    const there = collect(elsewhere);
    await until(() => there.cases().length >= expected.length, 'the missed events at the first process');
    expect(there.cases().map((event) => event.id)).toEqual(expected);
    elsewhere.close();
  });
});
