/**
 * Cases on a real PostGIS with the demo district: every path a case can take
 * — resolved in the village, up all five levels, transferred, taken over,
 * reopened after 不满意, linked as a duplicate — and the cards a case left open
 * earns while the test moves the clock (it never waits).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, registerCase, sweepCards, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

let database: TestDatabase;
let app: App;
// A Monday morning in China, so working-day deadlines are easy to reason about.
const clock = new ManualClock(new Date('2026-11-23T09:00:00+08:00'));
const sessions = new Map<string, { cookie: string; at: number }>();

async function signIn(username: string): Promise<string> {
  const known = sessions.get(username);
  // Sessions last 12 hours of the (moving) test clock.
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

async function call(
  username: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (username) headers.cookie = await signIn(username);
  const response = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && username && sessions.has(username)) {
    // The test moved the clock past the session's expiry: sign in again.
    sessions.delete(username);
    return call(username, method, path, body);
  }
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const act = (username: string, caseId: number, action: Json) => call(username, 'POST', `/api/cases/${caseId}/actions`, action);

async function pointIn(villageName: string, townName: string): Promise<{ lon: number; lat: number; code: string }> {
  const [row] = await database.db.query<{ lon: number; lat: number; code: string }>(sql`
    select ST_X(ST_PointOnSurface(v.boundary)) as lon, ST_Y(ST_PointOnSurface(v.boundary)) as lat, v.code
    from region v join region t on t.code = v.parent_code
    where v.name = ${villageName} and t.name = ${townName}`);
  return row!;
}

async function register(username: string, input: Json): Promise<Json> {
  const response = await call(username, 'POST', '/api/cases', input);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

const kinds = (detail: Json) => detail.timeline.map((event: Json) => event.kind);

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({ db: database.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
});

afterAll(async () => {
  await database?.drop();
});

describe('a case resolved in the village', () => {
  test('a village cadre registers a blocked drain, handles it, and the callback closes it', async () => {
    const place = await pointIn('石碾村', '分水镇');
    const created = await register('shinian', {
      channel: 'liaison_point',
      categoryCode: '0401',
      description: '石碾村3组公路边的下水道堵了，雨水漫到院坝里',
      location: { lon: place.lon, lat: place.lat },
      reporterName: '黄昌术',
      reporterPhone: '13812345678',
    });
    const detail = created.case;
    expect(detail.village.code).toBe(place.code);
    expect(detail.gridCode).toMatch(new RegExp(`^${place.code}[0-9]{3}$`));
    expect(detail.owner.kind).toBe('village_station');
    // Entered at its own station: signed for on the spot.
    expect(detail.state).toBe('accepted');
    expect(detail.trackingCode).toMatch(/^[0-9]{6}-[A-Z2-9]{6}-[A-Z2-9]$/);
    expect(detail.reporterName).toBe('黄昌术');

    clock.advance(3_600_000);
    expect((await act('shinian', detail.id, { action: 'start' })).body.state).toBe('in_progress');
    const resolved = await act('shinian', detail.id, { action: 'resolve', resolution: '组织村民疏通了下水道' });
    expect(resolved.body.state).toBe('resolved');
    // The handler does not rate their own work; the command center calls back.
    expect((await act('shinian', detail.id, { action: 'callback', contacted: true, satisfaction: 'satisfied' })).status).toBe(
      403,
    );
    const closed = await act('dispatcher', detail.id, { action: 'callback', contacted: true, satisfaction: 'satisfied' });
    expect(closed.body.state).toBe('closed');
    expect(closed.body.satisfaction).toBe('satisfied');
    expect(kinds(closed.body)).toEqual(['registered', 'dispatch', 'accept', 'start', 'resolve', 'callback']);

    const tracked = await call(null, 'GET', `/api/public/cases/${detail.trackingCode.toLowerCase()}`);
    expect(tracked.status).toBe(200);
    expect(tracked.body.state).toBe('closed');
    expect(JSON.stringify(tracked.body)).not.toContain('黄昌术');
    expect(JSON.stringify(tracked.body)).not.toContain('13812345678');
  });
});

describe('the five-level ladder', () => {
  test('village → town → command center → department → leader in charge → principal leaders', async () => {
    const place = await pointIn('石碾村', '分水镇');
    const created = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '0401',
      description: '石碾村下水道长期堵塞，多次反映未解决',
      location: place,
      reporterPhone: '13900001111',
    });
    const id = created.case.id;
    expect(created.case.state).toBe('dispatched');
    expect(created.case.owner.kind).toBe('village_station');

    expect((await act('shinian', id, { action: 'escalate', reason: '需要镇里协调施工队' })).body.owner.kind).toBe('town_center');
    expect((await act('fenshui', id, { action: 'accept' })).body.state).toBe('accepted');
    expect((await act('fenshui', id, { action: 'escalate', reason: '涉及市政管网，超出镇街能力' })).body.owner.kind).toBe(
      'command_center',
    );
    const [department] = await database.db.query<{ id: number }>(sql`select id from unit where name = '区城市管理局'`);
    const sent = await act('dispatcher', id, { action: 'dispatch', unitId: department!.id, note: '请区城管局牵头处理' });
    expect(sent.body.owner.name).toBe('区城市管理局');
    const toLeader = await act('chengguan', id, { action: 'escalate', reason: '需要分管领导协调资金' });
    expect(toLeader.body.owner).toMatchObject({ kind: 'leader_office', ladderLevel: 4 });
    const toPrincipal = await act('leader', id, { action: 'escalate', reason: '请主要领导决策' });
    expect(toPrincipal.body.owner).toMatchObject({ kind: 'leader_office', ladderLevel: 5 });

    const top = await act('leader.principal', id, { action: 'escalate', reason: '没有更高一级' });
    expect(top.status).toBe(409);
    expect(top.body.error.code).toBe('top_of_ladder');
    await act('leader.principal', id, { action: 'accept' });
    const done = await act('leader.principal', id, { action: 'resolve', resolution: '区政府专题会议决定改造管网' });
    expect(done.body.state).toBe('resolved');
    expect(kinds(done.body).filter((kind: string) => kind === 'escalate')).toHaveLength(4);
  });
});

describe('transfer, bouncing and leader takeover', () => {
  test('a transfer needs a reason; a case sent back to a unit that had it is copied to the leader in charge', async () => {
    const place = await pointIn('石碾村', '分水镇');
    const created = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '1001',
      description: '邻居占用通道堆放杂物',
      location: place,
    });
    const id = created.case.id;
    const [town] = await database.db.query<{ id: number }>(
      sql`select id from unit where kind = 'town_center' and name = '分水镇便民服务中心'`,
    );

    const noReason = await act('shinian', id, { action: 'transfer', unitId: town!.id });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/reason/);

    const there = await act('shinian', id, { action: 'transfer', unitId: town!.id, reason: '涉及两个村的土地边界' });
    expect(there.body.owner.id).toBe(town!.id);
    expect(there.body.copiedToLeader).toBe(false);
    const villageStation = created.case.owner.id;
    const back = await act('fenshui', id, { action: 'transfer', unitId: villageStation, reason: '属于村内邻里纠纷' });
    expect(back.body.copiedToLeader).toBe(true);
    expect(kinds(back.body)).toContain('copied_to_leader');
    expect(back.body.owner.id).toBe(villageStation);
  });

  test('a leader takes over (领办) and owns the case', async () => {
    const place = await pointIn('凤仙路社区', '沙河街道');
    const created = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '0402',
      description: '凤仙路人行道塌陷',
      location: place,
    });
    const taken = await act('leader', created.case.id, { action: 'take_over', note: '我来牵头' });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ state: 'accepted', takenOver: true, owner: { kind: 'leader_office' } });
    expect((await act('leader', created.case.id, { action: 'take_over' })).status).toBe(409);
  });
});

describe('callback and redo', () => {
  test('不满意 sends the case back to the unit that resolved it and counts a redo', async () => {
    const place = await pointIn('凤仙路社区', '沙河街道');
    const created = await register('fengxianlu', {
      channel: 'liaison_point',
      categoryCode: '0401',
      description: '小区门口下水道反水',
      location: place,
    });
    const id = created.case.id;
    await act('fengxianlu', id, { action: 'resolve', resolution: '已疏通' });
    const missing = await act('dispatcher', id, { action: 'callback', contacted: true });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/satisfaction/);
    const unreached = await act('dispatcher', id, { action: 'callback', contacted: false, note: '电话无人接听' });
    expect(unreached.body.state).toBe('callback');
    const unhappy = await act('dispatcher', id, {
      action: 'callback',
      contacted: true,
      satisfaction: 'unsatisfied',
      note: '两天后又堵了',
    });
    expect(unhappy.body).toMatchObject({ state: 'dispatched', redoCount: 1, owner: { id: created.case.owner.id } });
    expect(kinds(unhappy.body).slice(-2)).toEqual(['callback', 'reopened']);
  });
});

describe('duplicates (重复件)', () => {
  test('the same complaint again is offered as a likely duplicate; linking counts the resident on the original', async () => {
    const place = await pointIn('凤仙路社区', '沙河街道');
    const first = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '0403',
      description: '凤仙路128号门口的路灯坏了一个多月，晚上很黑',
      location: place,
      reporterPhone: '13700002222',
    });
    const second = await register('dispatcher', {
      channel: 'wechat',
      categoryCode: '0403',
      description: '凤仙路128号附近路灯不亮一个多月了，晚上出门很黑',
      location: { lon: place.lon + 0.0005, lat: place.lat },
    });
    expect(second.likelyDuplicates.map((candidate: Json) => candidate.id)).toContain(first.case.id);
    const linked = await act('dispatcher', second.case.id, { action: 'link_duplicate', originalCaseId: first.case.id });
    expect(linked.body).toMatchObject({ state: 'closed', closureReason: 'duplicate', duplicateOfId: first.case.id });
    const original = await call('dispatcher', 'GET', `/api/cases/${first.case.id}`);
    expect(original.body.raisedCount).toBe(2);
    expect(kinds(original.body)).toContain('duplicate_linked');
  });
});

describe('cards', () => {
  test('left open, a case earns a yellow card after 7 days and a red after 15, charged to its owner, never twice', async () => {
    const start = clock.now();
    const place = await pointIn('石碾村', '分水镇');
    const created = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '0502',
      description: '石碾村2组停水三天',
      location: place,
    });
    const owner = created.case.owner.name;

    clock.set(new Date(start.getTime() + 7 * 86_400_000 - 60_000));
    await sweepCards(database.db, clock.now());
    expect((await call('dispatcher', 'GET', `/api/cases/${created.case.id}`)).body.card).toBeNull();

    clock.set(new Date(start.getTime() + 7 * 86_400_000 + 60_000));
    const first = await sweepCards(database.db, clock.now());
    expect(first.yellow).toBeGreaterThanOrEqual(1);
    let detail = (await call('dispatcher', 'GET', `/api/cases/${created.case.id}`)).body;
    expect(detail.card).toBe('yellow');
    expect(detail.cards).toEqual([expect.objectContaining({ colour: 'yellow', unit: owner })]);

    clock.set(new Date(start.getTime() + 15 * 86_400_000 + 60_000));
    await sweepCards(database.db, clock.now());
    const again = await sweepCards(database.db, clock.now());
    expect(again).toMatchObject({ yellow: 0, red: 0 });
    detail = (await call('dispatcher', 'GET', `/api/cases/${created.case.id}`)).body;
    expect(detail.card).toBe('red');
    expect(detail.cards.map((card: Json) => card.colour)).toEqual(['yellow', 'red']);
    expect(kinds(detail).filter((kind: string) => kind === 'card_issued')).toHaveLength(2);
  });

  test('the database itself refuses to change or remove cards and trace events', async () => {
    await expect(database.db.query(sql`update card set colour = 'yellow' where colour = 'red'`)).rejects.toThrow(/append-only/);
    await expect(database.db.query(sql`delete from card`)).rejects.toThrow(/append-only/);
    await expect(database.db.query(sql`update case_event set note = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(database.db.query(sql`delete from case_event`)).rejects.toThrow(/append-only/);
    await expect(database.db.exec('truncate case_event cascade')).rejects.toThrow(/append-only/);
  });
});

describe('triage', () => {
  test('a message that named no place waits at the command center until the dispatcher locates and dispatches it', async () => {
    const held = await registerCase(
      { db: database.db, clock },
      { channel: 'sms', categoryCode: '0401', urgency: 'normal', description: '下水道堵了好几天了', photos: [], dispatch: false },
      null,
      { holdWithoutLocation: true },
    );
    const before = await call('dispatcher', 'GET', `/api/cases/${held.id}`);
    expect(before.body).toMatchObject({ state: 'registered', location: null, owner: { kind: 'command_center' } });
    expect(before.body.suggestedUnit).toBeNull();
    const unplaced = await act('dispatcher', held.id, { action: 'dispatch' });
    expect(unplaced.status).toBe(400);
    expect(unplaced.body.error.code).toBe('no_location');
    const place = await pointIn('石碾村', '分水镇');
    const dispatched = await act('dispatcher', held.id, { action: 'dispatch', location: { lon: place.lon, lat: place.lat } });
    expect(dispatched.status).toBe(200);
    expect(dispatched.body).toMatchObject({
      state: 'dispatched',
      village: { code: place.code },
      owner: { kind: 'village_station' },
    });
    expect(dispatched.body.gridCode).toMatch(new RegExp(`^${place.code}`));
  });

  test('a wall viewer in the command center watches but cannot act', async () => {
    const place = await pointIn('凤仙路社区', '沙河街道');
    const created = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '1001',
      description: '楼上漏水纠纷',
      location: place,
    });
    const seen = await call('wall', 'GET', `/api/cases/${created.case.id}`);
    expect(seen.body.allowedActions).toEqual([]);
    expect((await act('wall', created.case.id, { action: 'urge' })).status).toBe(403);
  });
});

describe('two clerks at once', () => {
  test('one accept wins, the other is told the case moved on, and the trace has one accept', async () => {
    const place = await pointIn('凤仙路社区', '沙河街道');
    const created = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '1002',
      description: '家庭赡养纠纷',
      location: place,
    });
    await signIn('fengxianlu');
    const results = await Promise.all([
      act('fengxianlu', created.case.id, { action: 'accept' }),
      act('fengxianlu', created.case.id, { action: 'accept' }),
    ]);
    expect(results.map((result) => result.status).sort(), JSON.stringify(results)).toEqual([200, 409]);
    const detail = (await call('dispatcher', 'GET', `/api/cases/${created.case.id}`)).body;
    expect(kinds(detail).filter((kind: string) => kind === 'accept')).toHaveLength(1);
    const stale = await act('fengxianlu', created.case.id, { action: 'start', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
  });
});

describe('bad input', () => {
  test('each gets a 4xx naming the problem, and nothing is written', async () => {
    const [{ before }] = (await database.db.query<{ before: number }>(sql`select count(*) as before from cases`)) as [
      { before: number },
    ];
    const place = await pointIn('石碾村', '分水镇');
    const base = { channel: 'hotline', categoryCode: '0401', description: '测试', location: place };
    const cases: [Json, RegExp][] = [
      [{ ...base, categoryCode: '7777' }, /unknown category 7777/],
      [{ ...base, categoryCode: '04' }, /4-digit/],
      [{ ...base, location: { lon: 116.4, lat: 39.9 } }, /outside the district/],
      [{ ...base, location: { lon: 200, lat: 30 } }, /location\.lon: must be at most 180/],
      [{ ...base, description: '' }, /description/],
      [{ ...base, description: '长'.repeat(4001) }, /at most 4000/],
      [{ ...base, channel: 'pigeon' }, /channel/],
      [{ ...base, location: undefined, address: '不存在的地址123号' }, /not in the gazetteer/],
      [{ ...base, photos: [{ contentType: 'image/gif', dataBase64: 'R0lGOD' }] }, /contentType/],
      [{ ...base, reporterPhone: 'call me' }, /phone/],
    ];
    for (const [input, message] of cases) {
      const response = await call('dispatcher', 'POST', '/api/cases', input);
      expect(response.status, JSON.stringify(input).slice(0, 80)).toBe(400);
      expect(response.body.error.message).toMatch(message);
    }
    const [{ after }] = (await database.db.query<{ after: number }>(sql`select count(*) as after from cases`)) as [
      { after: number },
    ];
    expect(after).toBe(before);
    expect((await call('dispatcher', 'POST', '/api/cases/999999999/actions', { action: 'urge' })).status).toBe(404);
    expect((await call('dispatcher', 'POST', '/api/cases/abc/actions', { action: 'urge' })).status).toBe(400);
    expect((await call('dispatcher', 'POST', '/api/cases/1/actions', { action: 'fly' })).status).toBe(400);
    expect((await call(null, 'GET', '/api/public/cases/not-a-code')).status).toBe(400);
  });

  test('an address in the gazetteer places the case', async () => {
    const [building] = await database.db.query<{ address: string; village_code: string }>(
      sql`select address, village_code from building where kind = 'house' order by id limit 1`,
    );
    const created = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '1001',
      description: '邻里纠纷',
      address: building!.address,
    });
    expect(created.case.village.code).toBe(building!.village_code);
  });
});

describe('personal data', () => {
  test('those who handle the case see the reporter; the wall and other units see it masked', async () => {
    const place = await pointIn('凤仙路社区', '沙河街道');
    const created = await register('dispatcher', {
      channel: 'hotline',
      categoryCode: '0601',
      description: '夜间施工噪音扰民',
      location: place,
      reporterName: '黄昌术',
      reporterPhone: '13812345678',
    });
    const owner = await call('chengguan', 'GET', `/api/cases/${created.case.id}`);
    expect(owner.body).toMatchObject({ reporterName: '黄昌术', reporterPhone: '13812345678', personalDataMasked: false });
    const wall = await call('wall', 'GET', `/api/cases/${created.case.id}`);
    expect(wall.body).toMatchObject({ reporterName: '黄*术', reporterPhone: '138****5678', personalDataMasked: true });
    const leader = await call('leader', 'GET', `/api/cases/${created.case.id}`);
    expect(leader.body.reporterPhone).toBe('138****5678');
    // A village cadre elsewhere does not see it at all.
    expect((await call('shinian', 'GET', `/api/cases/${created.case.id}`)).status).toBe(404);
  });
});

describe('sign-in', () => {
  test('a wrong password is refused, and repeated failures are rate-limited', async () => {
    const attempt = () =>
      app.request('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.8.7' },
        body: JSON.stringify({ username: 'planner', password: 'wrong' }),
      });
    for (let index = 0; index < 5; index++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(null, 'GET', '/api/cases')).status).toBe(401);
  });
});
