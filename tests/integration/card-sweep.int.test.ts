/**
 * The card sweep (红黄牌) when things go wrong, on a real PostGIS with the
 * demo district and tens of thousands of open cases generated in SQL: a
 * sweep killed midway (SIGKILL, its own process) leaves every colour either
 * wholly issued or not at all and every card with its trace event; then two
 * sweeps at once, on separate connections, issue exactly one card of each
 * due colour per case — none missing, none doubled — each charged to the unit
 * that owned the case when the threshold passed, also for a case whose owner
 * changed after its yellow threshold and before its red one — and the sweep's
 * work list (case_card_due) is left right for the next one.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, sweepCards, type App } from '@minqing/api';
import { openDatabase, sql, type Database } from '@minqing/db';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { generateOpenCases, type GeneratedCases } from '../support/open-cases.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

/** Enough open cases that one sweep takes a while (tens of thousands of cards). */
const OPEN_CASES = Number(process.env.CARD_SWEEP_TEST_CASES ?? 40_000);
// A Monday morning in China; the generated cases came in over the 30 days before.
const NOW = new Date('2026-11-23T09:00:00+08:00');
const DAY = 86_400_000;

let database: TestDatabase;
let generated: GeneratedCases;
let movedCaseId: number;
const clock = new ManualClock(new Date(NOW.getTime() - 20 * DAY));

async function call(app: App, cookie: string | null, method: string, path: string, body?: unknown): Promise<Json> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (cookie) headers.cookie = cookie;
  const response = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return text ? (JSON.parse(text) as Json) : {};
}

async function signIn(app: App, username: string): Promise<string> {
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'minqing2026' }),
  });
  expect(response.status, `sign in as ${username}`).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

/**
 * Through the API: a blocked drain in 石碾村 reported 20 days before NOW goes
 * to the village station; ten days later (after its yellow threshold, before
 * its red one) the village cadre transfers it to the 分水镇 town centre.
 */
async function caseWithNewOwner(db: Database): Promise<number> {
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  const app = createApp({ db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
  const [place] = await db.query<{ lon: number; lat: number; town_center: number }>(sql`
    select ST_X(ST_PointOnSurface(v.boundary)) as lon, ST_Y(ST_PointOnSurface(v.boundary)) as lat,
           (select id from unit where kind = 'town_center' and region_code = t.code) as town_center
    from region v join region t on t.code = v.parent_code where v.name = '石碾村' and t.name = '分水镇'`);
  const created = await call(app, await signIn(app, 'dispatcher'), 'POST', '/api/cases', {
    channel: 'hotline',
    categoryCode: '0401',
    description: '石碾村公路边的下水道堵了，雨水漫到院坝里',
    location: { lon: place!.lon, lat: place!.lat },
  });
  expect(created.case.owner.kind).toBe('village_station');
  clock.advanceDays(10);
  const moved = await call(app, await signIn(app, 'shinian'), 'POST', `/api/cases/${created.case.id}/actions`, {
    action: 'transfer',
    unitId: place!.town_center,
    reason: '涉及镇级道路排水，由镇便民服务中心办理',
  });
  expect(moved.owner.kind).toBe('town_center');
  return created.case.id as number;
}

interface Consistency {
  cardsWithoutEvent: number;
  eventsWithoutCard: number;
  doubledEvents: number;
  yellow: number;
  red: number;
  dueYellow: number;
  dueRed: number;
}

/** Cards against their trace events, and against the open cases past each threshold at `at`. */
async function consistency(db: Database, at: Date): Promise<Consistency> {
  const [row] = await db.query<Consistency>(sql`
    select
      (select count(*) from card k where not exists (
         select 1 from case_event e where e.case_id = k.case_id and e.kind = 'card_issued'
           and e.data ->> 'colour' = k.colour and e.to_unit_id = k.unit_id)) as "cardsWithoutEvent",
      (select count(*) from case_event e where e.kind = 'card_issued' and not exists (
         select 1 from card k where k.case_id = e.case_id and k.colour = e.data ->> 'colour' and k.unit_id = e.to_unit_id))
        as "eventsWithoutCard",
      (select count(*) from (select 1 from case_event where kind = 'card_issued'
                             group by case_id, data ->> 'colour' having count(*) > 1) as doubled) as "doubledEvents",
      (select count(*) from card where colour = 'yellow') as yellow,
      (select count(*) from card where colour = 'red') as red,
      (select count(*) from cases where state in ('registered', 'dispatched', 'accepted', 'in_progress')
         and created_at + interval '7 days' < ${at}) as "dueYellow",
      (select count(*) from cases where state in ('registered', 'dispatched', 'accepted', 'in_progress')
         and created_at + interval '15 days' < ${at}) as "dueRed"`);
  return row!;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`gave up waiting ${timeoutMs / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  movedCaseId = await caseWithNewOwner(database.db);
  generated = await generateOpenCases(database.db, { count: OPEN_CASES, now: NOW, bulk: true });
  await database.db.query(sql`analyze cases`);
  await database.db.query(sql`analyze case_event`);
}, 300_000);

afterAll(async () => {
  await database?.drop();
});

describe('a sweep killed midway, then two sweeps at once', () => {
  test(
    'every colour wholly issued or not at all; then exactly one card of each due colour, charged right',
    { timeout: 600_000 },
    async () => {
      const { db, url } = database;
      expect(generated.count).toBe(OPEN_CASES);
      expect(generated.transferred).toBeGreaterThan(OPEN_CASES / 10);
      const due = await consistency(db, NOW);
      expect(due.dueYellow).toBeGreaterThan(OPEN_CASES / 2);
      expect(due.yellow + due.red).toBe(0);

      // The sweep in a process of its own, killed while it writes cards.
      const application = `minqing-sweep-child-${randomBytes(4).toString('hex')}`;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('../support/sweep-child.ts', import.meta.url))],
        {
          env: { ...process.env, DATABASE_URL: url, SWEEP_AT: NOW.toISOString(), APPLICATION_NAME: application },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      let exitCode: number | null | undefined;
      const exited = new Promise<void>((resolve) =>
        child.once('exit', (code) => {
          exitCode = code;
          resolve();
        }),
      );
      const childWriting = async () => {
        if (exitCode !== undefined) throw new Error(`the sweep ended before it could be killed (exit ${exitCode}):\n${output}`);
        // Its statement holds a write lock on card from the moment it starts writing cards.
        const rows = await db.query(sql`
        select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where a.application_name = ${application} and l.relation = 'card'::regclass and l.mode = 'RowExclusiveLock'`);
        return rows.length > 0;
      };
      await waitFor(childWriting, 'the sweep to write cards', 120_000);
      await new Promise((resolve) => setTimeout(resolve, 250));
      child.kill('SIGKILL');
      // Its connection goes down with it (as when the machine running the sweep dies); PostgreSQL would otherwise
      // finish the statement the dead process had sent. What was not committed rolls back.
      await db.query(sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${application}`);
      await exited;
      expect(exitCode, output).toBeNull(); // killed, not finished
      expect(output).not.toContain('"yellow"');
      await waitFor(
        async () => (await db.query(sql`select 1 from pg_stat_activity where application_name = ${application}`)).length === 0,
        'the killed sweep’s session to end',
        180_000,
      );

      const afterKill = await consistency(db, NOW);
      console.info(
        `killed sweep left ${afterKill.yellow} of ${due.dueYellow} yellow and ${afterKill.red} of ${due.dueRed} red cards`,
      );
      expect(afterKill.cardsWithoutEvent).toBe(0);
      expect(afterKill.eventsWithoutCard).toBe(0);
      expect(afterKill.doubledEvents).toBe(0);
      // No partial colour: each colour is issued for every due case or for none.
      expect([0, due.dueYellow]).toContain(afterKill.yellow);
      expect([0, due.dueRed]).toContain(afterKill.red);
      // Red is only ever issued after yellow.
      if (afterKill.red > 0) expect(afterKill.yellow).toBe(due.dueYellow);

      // Two sweeps at once, each on a connection of its own.
      const [first, second] = await Promise.all([
        openDatabase({ databaseUrl: url, maxConnections: 1 }),
        openDatabase({ databaseUrl: url, maxConnections: 1 }),
      ]);
      try {
        const results = await Promise.all([sweepCards(first, NOW), sweepCards(second, NOW)]);
        const issued = results.reduce((sum, result) => ({ yellow: sum.yellow + result.yellow, red: sum.red + result.red }), {
          yellow: 0,
          red: 0,
        });
        expect(issued).toEqual({ yellow: due.dueYellow - afterKill.yellow, red: due.dueRed - afterKill.red });
        // And again: nothing left to issue.
        expect(await sweepCards(first, NOW)).toMatchObject({ yellow: 0, red: 0 });
      } finally {
        await Promise.all([first.close(), second.close()]);
      }

      const final = await consistency(db, NOW);
      expect(final).toEqual({
        cardsWithoutEvent: 0,
        eventsWithoutCard: 0,
        doubledEvents: 0,
        yellow: due.dueYellow,
        red: due.dueRed,
        dueYellow: due.dueYellow,
        dueRed: due.dueRed,
      });
      // Exactly the due cases carry each colour (counts alone could hide one missing and one extra).
      const [misplaced] = await db.query<{ yellow: number; red: number }>(sql`
      select
        (select count(*) from cases c where c.state in ('registered', 'dispatched', 'accepted', 'in_progress')
           and c.created_at + interval '7 days' < ${NOW}
           and not exists (select 1 from card k where k.case_id = c.id and k.colour = 'yellow')) as yellow,
        (select count(*) from cases c where c.state in ('registered', 'dispatched', 'accepted', 'in_progress')
           and c.created_at + interval '15 days' < ${NOW}
           and not exists (select 1 from card k where k.case_id = c.id and k.colour = 'red')) as red`);
      expect(misplaced).toEqual({ yellow: 0, red: 0 });
      // The sweep's work list after all that: each open case short of a red card waits for the first colour it lacks.
      const [list] = await db.query<{ missing: number; wrong: number; done: number }>(sql`
      select
        (select count(*) from cases c where c.state in ('registered', 'dispatched', 'accepted', 'in_progress')
           and not exists (select 1 from card k where k.case_id = c.id and k.colour = 'red')
           and not exists (select 1 from case_card_due q where q.case_id = c.id)) as missing,
        (select count(*) from case_card_due q
          where q.colour <> case when exists (select 1 from card k where k.case_id = q.case_id and k.colour = 'yellow')
                                 then 'red' else 'yellow' end) as wrong,
        (select count(*) from case_card_due q
          where exists (select 1 from card k where k.case_id = q.case_id and k.colour = 'red')) as done`);
      expect(list).toEqual({ missing: 0, wrong: 0, done: 0 });

      // Charged to the owner at the threshold: for a generated case transferred after it, the unit it was first
      // dispatched to; otherwise its owner today.
      const [charges] = await db.query<{ checked: number; wrong: number; before_transfer: number }>(sql`
      select count(*) as checked,
             count(*) filter (where k.unit_id <> expected.unit_id) as wrong,
             count(*) filter (where c.received_at > k.threshold_at and c.received_at > c.created_at) as before_transfer
      from card k
      join cases c on c.id = k.case_id
      cross join lateral (
        select case when c.received_at > k.threshold_at
                    then (select e.to_unit_id from case_event e where e.case_id = c.id and e.kind = 'dispatch')
                    else c.owner_unit_id end as unit_id
      ) as expected
      where c.tracking_code like 'BULK-%'`);
      expect(charges!.checked).toBe(due.dueYellow + due.dueRed - 2); // all but the two cards of the case made through the API
      expect(charges!.before_transfer).toBeGreaterThan(1000);
      expect(charges!.wrong).toBe(0);

      const moved = await db.query<{ colour: string; unit_kind: string; unit_name: string }>(sql`
      select k.colour, u.kind as unit_kind, u.name as unit_name from card k join unit u on u.id = k.unit_id
      where k.case_id = ${movedCaseId} order by k.threshold_at`);
      expect(moved.map((card) => [card.colour, card.unit_kind])).toEqual([
        ['yellow', 'village_station'],
        ['red', 'town_center'],
      ]);
    },
  );
});

/**
 * Cards as the people who handle cases meet them, on a database of its own
 * with the demo district and only the cases made here, through the API with
 * the clock moved: a case resolved after its yellow threshold but before a
 * sweep saw it, a case reopened after an unsatisfied callback, new card
 * thresholds set by an administrator. Each sweep is run twice: the second
 * issues nothing.
 */
describe('cards as users meet them', () => {
  let own: TestDatabase;
  let app: App;
  // A Monday morning in China.
  const clock = new ManualClock(new Date('2026-11-02T09:00:00+08:00'));
  const at = (start: Date, days: number, minutes = 0) => new Date(start.getTime() + days * DAY + minutes * 60_000);

  async function as(username: string, method: string, path: string, body?: unknown): Promise<Json> {
    return call(app, await signIn(app, username), method, path, body);
  }

  async function report(description: string): Promise<{ id: number; createdAt: Date }> {
    const [place] = await own.db.query<{ lon: number; lat: number }>(sql`
      select ST_X(ST_PointOnSurface(v.boundary)) as lon, ST_Y(ST_PointOnSurface(v.boundary)) as lat
      from region v join region t on t.code = v.parent_code where v.name = '石碾村' and t.name = '分水镇'`);
    // Entered by the village cadre at the village station: signed for on the spot, owned there.
    const created = await as('shinian', 'POST', '/api/cases', {
      channel: 'liaison_point',
      categoryCode: '0401',
      description,
      location: { lon: place!.lon, lat: place!.lat },
    });
    expect(created.case.owner.kind).toBe('village_station');
    return { id: created.case.id as number, createdAt: new Date(created.case.createdAt as string) };
  }

  const resolve = (id: number) => as('shinian', 'POST', `/api/cases/${id}/actions`, { action: 'resolve', resolution: '已处理' });

  /** The cards on the case page, and the colour the map wall draws it with. */
  async function cardsOf(id: number): Promise<{ card: string | null; cards: Json[]; wall: string | null }> {
    const detail = await as('dispatcher', 'GET', `/api/cases/${id}`);
    const [row] = await own.db.query<{ card_colour: string | null }>(sql`select card_colour from cases where id = ${id}`);
    return { card: detail.card, cards: detail.cards, wall: row!.card_colour };
  }

  /** A sweep as the schedule runs it, then the same again, which must issue nothing. */
  async function sweep(): Promise<{ yellow: number; red: number }> {
    const { yellow, red } = await sweepCards(own.db, clock.now());
    expect(await sweepCards(own.db, clock.now()), 'the second sweep').toMatchObject({ yellow: 0, red: 0 });
    return { yellow, red };
  }

  beforeAll(async () => {
    own = await createTestDatabase({ template: 'demo' });
    const state = new Readiness();
    state.markReady({ migrations: 0, demo: null });
    app = createApp({ db: own.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
  });

  afterAll(async () => {
    await own?.drop();
  });

  test('resolved after its yellow threshold, before a sweep saw it: the yellow card it earned, no red', async () => {
    const late = await report('石碾村4组路灯不亮');
    const onTime = await report('石碾村5组井盖松动');
    clock.set(at(onTime.createdAt, 3));
    await resolve(onTime.id);
    // The sweeps of the days before ran while both were young; the one after the yellow threshold did not run.
    clock.set(at(late.createdAt, 6));
    expect(await sweep()).toEqual({ yellow: 0, red: 0 });
    clock.set(at(late.createdAt, 8));
    await resolve(late.id);
    clock.set(at(late.createdAt, 8, 10));
    expect(await sweep()).toEqual({ yellow: 1, red: 0 });
    expect(await cardsOf(late.id)).toMatchObject({
      card: 'yellow',
      cards: [{ colour: 'yellow', unit: '石碾村便民服务站', thresholdAt: at(late.createdAt, 7).toISOString() }],
      wall: 'yellow',
    });
    expect(await cardsOf(onTime.id)).toEqual({ card: null, cards: [], wall: null });
    // Past the red threshold: it was resolved before it, so no red.
    clock.set(at(late.createdAt, 16));
    expect(await sweep()).toEqual({ yellow: 0, red: 0 });
    expect((await cardsOf(late.id)).cards).toHaveLength(1);
  });

  test('reopened after an unsatisfied callback: the cards it is due from then on', async () => {
    const redone = await report('石碾村6组自来水管漏水');
    clock.set(at(redone.createdAt, 5));
    await resolve(redone.id);
    // Resolved in five days: past the yellow threshold, a resolved case earns nothing.
    clock.set(at(redone.createdAt, 7, 10));
    expect(await sweep()).toEqual({ yellow: 0, red: 0 });
    clock.set(at(redone.createdAt, 8));
    const reopened = await as('dispatcher', 'POST', `/api/cases/${redone.id}/actions`, {
      action: 'callback',
      contacted: true,
      satisfaction: 'unsatisfied',
    });
    expect(reopened.state).toBe('dispatched');
    // Open again and older than seven days: the yellow card at once, charged to the unit that owned it then.
    clock.set(at(redone.createdAt, 8, 10));
    expect(await sweep()).toEqual({ yellow: 1, red: 0 });
    expect(await cardsOf(redone.id)).toMatchObject({
      card: 'yellow',
      cards: [{ colour: 'yellow', unit: '石碾村便民服务站', thresholdAt: at(redone.createdAt, 7).toISOString() }],
      wall: 'yellow',
    });
    clock.set(at(redone.createdAt, 15, -10));
    expect(await sweep()).toEqual({ yellow: 0, red: 0 });
    clock.set(at(redone.createdAt, 15, 10));
    expect(await sweep()).toEqual({ yellow: 0, red: 1 });
    expect(await cardsOf(redone.id)).toMatchObject({ card: 'red', wall: 'red' });
    expect((await cardsOf(redone.id)).cards.map((card) => card.colour)).toEqual(['yellow', 'red']);
  });

  test('new card thresholds move what is due for the cases already open; cards given stay', async () => {
    const open = await report('石碾村7组垃圾无人清运');
    const setThresholds = async (yellowAfterDays: number, redAfterDays: number) =>
      as('admin', 'PUT', '/api/policy/case.cards', { value: { yellowAfterDays, redAfterDays } });
    clock.set(at(open.createdAt, 2));
    expect(await sweep()).toEqual({ yellow: 0, red: 0 });
    try {
      // Shorter thresholds: two days old is past the yellow one (one day) at once, not yet past the red one (three).
      await setThresholds(1, 3);
      expect(await sweep()).toEqual({ yellow: 1, red: 0 });
      expect(await cardsOf(open.id)).toMatchObject({
        card: 'yellow',
        cards: [{ colour: 'yellow', thresholdAt: at(open.createdAt, 1).toISOString() }],
      });
      // Back to seven and fifteen days: the yellow card stays; the red one is due at fifteen days again, not three.
      await setThresholds(7, 15);
      clock.set(at(open.createdAt, 4));
      expect(await sweep()).toEqual({ yellow: 0, red: 0 });
      clock.set(at(open.createdAt, 15, 10));
      expect(await sweep()).toEqual({ yellow: 0, red: 1 });
      expect((await cardsOf(open.id)).cards.map((card) => [card.colour, card.thresholdAt])).toEqual([
        ['yellow', at(open.createdAt, 1).toISOString()],
        ['red', at(open.createdAt, 15).toISOString()],
      ]);
    } finally {
      await setThresholds(7, 15);
    }
  });
});
