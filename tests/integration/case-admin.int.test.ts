/**
 * Administration on a real PostGIS with the demo district: edits take effect
 * where users notice them — a new subcategory routes cases to its department
 * and appears among Open311's services, a deactivated one takes no more
 * cases, a new holiday moves the deadline of the next case, shorter card
 * thresholds give a yellow card when the sweep is run on demand. Values that
 * make no sense are refused with a message and leave the old value in place.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

let database: TestDatabase;
let app: App;
// Monday 23 November 2026, 09:00 in China: Tuesday the 24th is an ordinary workday.
const clock = new ManualClock(new Date('2026-11-23T09:00:00+08:00'));
const sessions = new Map<string, { cookie: string; at: number }>();

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

async function call(
  username: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (username) headers.cookie = await signIn(username);
  const response = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const admin = (method: string, path: string, body?: unknown) => call('admin', method, path, body);

async function pointIn(villageName: string, townName: string): Promise<{ lon: number; lat: number }> {
  const [row] = await database.db.query<{ lon: number; lat: number }>(sql`
    select ST_X(ST_PointOnSurface(v.boundary)) as lon, ST_Y(ST_PointOnSurface(v.boundary)) as lat
    from region v join region t on t.code = v.parent_code where v.name = ${villageName} and t.name = ${townName}`);
  return row!;
}

async function registerAt(categoryCode: string, description: string): Promise<Json> {
  const response = await call('dispatcher', 'POST', '/api/cases', {
    channel: 'hotline',
    categoryCode,
    description,
    location: await pointIn('凤仙路社区', '沙河街道'),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.case;
}

async function unitId(name: string): Promise<number> {
  const [row] = await database.db.query<{ id: number }>(sql`select id from unit where name = ${name}`);
  return row!.id;
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({ db: database.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
});

afterAll(async () => {
  await database?.drop();
});

describe('only an administrator administers', () => {
  test.each([
    ['POST', '/api/categories', { code: '16', name: '共享出行', nameEn: 'Shared mobility' }],
    ['PATCH', '/api/categories/0401', { name: '排水' }],
    ['GET', '/api/policy', undefined],
    ['PUT', '/api/policy/case.cards', { value: { yellowAfterDays: 1, redAfterDays: 2 } }],
    ['GET', '/api/calendar?year=2026', undefined],
    ['PUT', '/api/calendar/overrides/2026-11-24', { isWorkday: false, note: '停工' }],
    ['DELETE', '/api/calendar/overrides/2026-11-24', undefined],
    ['POST', '/api/admin/jobs/card-sweep', undefined],
  ])('%s %s: 401 without a session, 403 for a dispatcher, nothing changes', async (method, path, body) => {
    expect((await call(null, method, path, body)).status).toBe(401);
    const refused = await call('dispatcher', method, path, body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/only an administrator can/);
    const [unchanged] = await database.db.query<{ categories: number; overrides: number; name: string; cards: Json }>(sql`
      select (select count(*) from category) as categories, (select count(*) from calendar_override) as overrides,
             (select name from category where code = '0401') as name, (select value from policy where key = 'case.cards') as cards`);
    expect(unchanged).toMatchObject({ overrides: 0, name: '排水与下水道', cards: { yellowAfterDays: 7, redAfterDays: 15 } });
  });
});

describe('the taxonomy', () => {
  test('a new group and subcategory route cases to their department and appear in Open311', async () => {
    const department = await unitId('区城市管理局');
    expect((await admin('POST', '/api/categories', { code: '16', name: '共享出行', nameEn: 'Shared mobility' })).status).toBe(
      201,
    );
    const created = await admin('POST', '/api/categories', {
      code: '1601',
      name: '共享单车乱停放',
      nameEn: 'Badly parked shared bicycles',
      routing: 'department',
      departmentUnitId: department,
      answerWorkingDays: 2,
      keywords: ['共享单车', ' 乱停 ', '共享单车'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.category).toMatchObject({
      code: '1601',
      parentCode: '16',
      routing: 'department',
      departmentUnitId: department,
      answerWorkingDays: 2,
      keywords: ['共享单车', '乱停'],
      active: true,
    });

    const listed = (await call(null, 'GET', '/api/categories')).body.categories.find((group: Json) => group.code === '16');
    expect(listed.children.map((child: Json) => child.code)).toEqual(['1601']);
    const services = await (await app.request('/open311/v2/services.json')).json();
    expect(services.find((service: Json) => service.service_code === '1601')).toMatchObject({
      service_name: '共享单车乱停放',
      group: '共享出行',
      keywords: '共享单车,乱停',
    });

    const detail = await registerAt('1601', '小区门口共享单车乱停，堵住了消防通道');
    expect(detail.owner.id).toBe(department);
    expect(detail.state).toBe('dispatched');
  });

  test('deactivating a group deactivates its subcategories: no new cases, gone from Open311', async () => {
    const changed = await admin('PATCH', '/api/categories/16', { active: false });
    expect(changed.status).toBe(200);
    expect(changed.body.deactivatedSubcategories).toEqual(['1601']);
    const refused = await call('dispatcher', 'POST', '/api/cases', {
      channel: 'hotline',
      categoryCode: '1601',
      description: '共享单车乱停',
      location: await pointIn('凤仙路社区', '沙河街道'),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/no longer in use/);
    const services = await (await app.request('/open311/v2/services.json')).json();
    expect(services.map((service: Json) => service.service_code)).not.toContain('1601');

    const early = await admin('PATCH', '/api/categories/1601', { active: true });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/group 16 .* is not active: activate it first/);
    expect((await admin('PATCH', '/api/categories/16', { active: true })).status).toBe(200);
    expect((await admin('PATCH', '/api/categories/1601', { active: true })).body.category.active).toBe(true);
  });

  test('routing back to the village drops the department', async () => {
    const changed = await admin('PATCH', '/api/categories/1601', { routing: 'village', keywords: ['单车'] });
    expect(changed.body.category).toMatchObject({ routing: 'village', departmentUnitId: null, keywords: ['单车'] });
    expect((await registerAt('1601', '共享单车乱停')).owner.kind).toBe('village_station');
  });

  test.each([
    ['POST', '/api/categories', { code: '1602', name: '电动车', nameEn: 'E-bikes' }, 400, /needs a routing/],
    [
      'POST',
      '/api/categories',
      { code: '1701', name: '无组', nameEn: 'No group', routing: 'town' },
      400,
      /group 17 does not exist/,
    ],
    ['POST', '/api/categories', { code: '16', name: '重复', nameEn: 'Again' }, 409, /category 16 already exists/],
    [
      'POST',
      '/api/categories',
      { code: '161', name: '三位', nameEn: 'Three', routing: 'town' },
      400,
      /body field code: must be a category code/,
    ],
    [
      'POST',
      '/api/categories',
      { code: '17', name: '组', nameEn: 'Group', routing: 'town' },
      400,
      /17 is a group: routing belong/,
    ],
    [
      'POST',
      '/api/categories',
      { code: '1603', name: '慢', nameEn: 'Slow', routing: 'town', answerWorkingDays: 5 },
      400,
      /answerWorkingDays: must be at most 3/,
    ],
    [
      'POST',
      '/api/categories',
      { code: '1603', name: '', nameEn: 'Empty', routing: 'town' },
      400,
      /body field name: must not be empty/,
    ],
    [
      'POST',
      '/api/categories',
      { code: '1603', name: '多', nameEn: 'Many', routing: 'town', keywords: Array(31).fill('词') },
      400,
      /at most 30 keywords/,
    ],
    ['PATCH', '/api/categories/1601', {}, 400, /say what to change/],
    ['PATCH', '/api/categories/1601', { colour: 'red' }, 400, /colour/],
    ['PATCH', '/api/categories/1699', { name: '无' }, 404, /category 1699 does not exist/],
    ['PATCH', '/api/categories/16', { routing: 'town' }, 400, /16 is a group/],
    [
      'PATCH',
      '/api/categories/1601',
      { departmentUnitId: 999999, routing: 'department' },
      400,
      /departmentUnitId 999999: no such unit/,
    ],
    ['PATCH', '/api/categories/1601', { departmentUnitId: 1, routing: 'village' }, 400, /goes with routing department/],
  ])('%s %s %j → %i', async (method, path, body, status, message) => {
    const before = await database.db.query(sql`select * from category order by code`);
    const response = await admin(method, path, body);
    expect(response.status).toBe(status);
    expect(response.body.error.message).toMatch(message);
    expect(await database.db.query(sql`select * from category order by code`)).toEqual(before);
  });

  test('a town centre is not a department', async () => {
    const [town] = await database.db.query<{ id: number; name: string }>(
      sql`select id, name from unit where kind = 'town_center' limit 1`,
    );
    const response = await admin('PATCH', '/api/categories/1601', { routing: 'department', departmentUnitId: town!.id });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(`${town!.name} is a town_center, not a district department`);
  });
});

describe('the holiday calendar', () => {
  test('the official year with its holidays and make-up workdays; a year the package does not know says so', async () => {
    const year = await admin('GET', '/api/calendar?year=2026');
    expect(year.status).toBe(200);
    expect(year.body.officialCalendarKnown).toBe(true);
    const day = (date: string) => year.body.days.find((entry: Json) => entry.date === date);
    expect(day('2026-10-01')).toMatchObject({
      isWorkday: false,
      official: { holiday: { name: '国庆节', nameEn: 'National Day' } },
    });
    expect(day('2026-10-10')).toMatchObject({ weekday: 'Saturday', isWorkday: true, override: null });
    expect(day('2026-11-24')).toBeUndefined();
    expect((await admin('GET', '/api/calendar?year=2099')).body.officialCalendarKnown).toBe(false);
  });

  test('a new holiday moves the deadline of the next case; removing it moves it back', async () => {
    const before = await registerAt('0402', '凤仙路路面坑洼，下雨积水');
    // Sign for within one working day: by the end of Tuesday the 24th.
    expect(before.signDeadlineAt).toBe('2026-11-24T15:59:59.999Z');

    const set = await admin('PUT', '/api/calendar/overrides/2026-11-24', { isWorkday: false, note: '区级防汛停工日' });
    expect(set.status).toBe(200);
    expect(set.body.day).toMatchObject({
      date: '2026-11-24',
      weekday: 'Tuesday',
      isWorkday: false,
      official: { isWorkday: true },
    });
    const year = await admin('GET', '/api/calendar?year=2026');
    expect(year.body.days.find((entry: Json) => entry.date === '2026-11-24').override).toMatchObject({
      isWorkday: false,
      note: '区级防汛停工日',
    });

    const during = await registerAt('0402', '凤仙路另一处路面破损');
    expect(during.signDeadlineAt).toBe('2026-11-25T15:59:59.999Z');
    // Deadlines already set stay as they were.
    expect((await call('dispatcher', 'GET', `/api/cases/${before.id}`)).body.signDeadlineAt).toBe('2026-11-24T15:59:59.999Z');

    const removed = await admin('DELETE', '/api/calendar/overrides/2026-11-24');
    expect(removed.status).toBe(200);
    expect(removed.body.day).toMatchObject({ isWorkday: true, override: null });
    expect((await registerAt('0402', '凤仙路第三处路面破损')).signDeadlineAt).toBe('2026-11-24T15:59:59.999Z');
  });

  test('a weekend made a workday counts as one', async () => {
    // Friday 27 November: within one working day is Monday 30th, unless Saturday 28th works.
    clock.set(new Date('2026-11-27T09:00:00+08:00'));
    expect((await registerAt('0402', '周五报的路面破损')).signDeadlineAt).toBe('2026-11-30T15:59:59.999Z');
    await admin('PUT', '/api/calendar/overrides/2026-11-28', { isWorkday: true, note: '补班' });
    expect((await registerAt('0402', '周五报的另一处路面破损')).signDeadlineAt).toBe('2026-11-28T15:59:59.999Z');
    await admin('DELETE', '/api/calendar/overrides/2026-11-28');
    clock.set(new Date('2026-11-23T09:00:00+08:00'));
  });

  test.each([
    [
      'PUT',
      '/api/calendar/overrides/2026-02-30',
      { isWorkday: false, note: '不存在的日子' },
      400,
      /must be a calendar date written YYYY-MM-DD/,
    ],
    ['PUT', '/api/calendar/overrides/tomorrow', { isWorkday: false, note: '明天' }, 400, /YYYY-MM-DD/],
    ['PUT', '/api/calendar/overrides/2026-12-24', { isWorkday: false }, 400, /body field note: is required/],
    ['PUT', '/api/calendar/overrides/2026-12-24', { isWorkday: 'no', note: '平安夜' }, 400, /body field isWorkday/],
    ['DELETE', '/api/calendar/overrides/2026-12-24', undefined, 404, /no calendar override on 2026-12-24/],
    ['GET', '/api/calendar?year=1999', undefined, 400, /query parameter year: must be from 2000/],
  ])('%s %s → %i', async (method, path, body, status, message) => {
    const response = await admin(method, path, body);
    expect(response.status).toBe(status);
    expect(response.body.error.message).toMatch(message);
    const [row] = await database.db.query<{ count: number }>(sql`select count(*) as count from calendar_override`);
    expect(row!.count).toBe(0);
  });
});

describe('policies', () => {
  test('every policy is listed with its description', async () => {
    const { status, body } = await admin('GET', '/api/policy');
    expect(status).toBe(200);
    const keys = body.policies.filter((policy: Json) => policy.editable).map((policy: Json) => policy.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'case.boundary_tolerance',
        'case.cards',
        'case.copy_to_leader',
        'case.deadlines',
        'case.duplicates',
        'grid.household_band',
      ]),
    );
    expect(body.policies.find((policy: Json) => policy.key === 'case.cards')).toMatchObject({
      value: { yellowAfterDays: 7, redAfterDays: 15 },
      description: expect.stringContaining('红黄牌'),
    });
  });

  test.each([
    [
      'case.cards',
      { value: { yellowAfterDays: 15, redAfterDays: 7 } },
      400,
      /case.cards redAfterDays: must be more than yellowAfterDays \(15\), got 7/,
    ],
    ['case.cards', { value: { yellowAfterDays: 7 } }, 400, /redAfterDays: is required/],
    ['case.cards', { value: { yellowAfterDays: '7', redAfterDays: 15 } }, 400, /yellowAfterDays: is required: a number/],
    ['case.cards', { value: [7, 15] }, 400, /body field value: must be an object/],
    ['case.cards', { yellowAfterDays: 7, redAfterDays: 15 }, 400, /body field value/],
    ['grid.household_band', { value: { min: 500, max: 300 } }, 400, /max: must be at least min \(500\), got 300/],
    ['case.deadlines', { value: { signForWorkingDays: 1 } }, 400, /ownRemitWorkingDays: is required/],
    [
      'case.duplicates',
      { value: { radiusMetres: 300, windowDays: 30, minimumSimilarity: 2 } },
      400,
      /minimumSimilarity: must be at most 1/,
    ],
    ['case.speed', { value: { fast: 1 } }, 404, /no editable policy case.speed/],
  ])('PUT %s %j → %i, the old value stays', async (key, body, status, message) => {
    const before = await database.db.query(sql`select key, value from policy order by key`);
    const response = await admin('PUT', `/api/policy/${key}`, body);
    expect(response.status).toBe(status);
    expect(response.body.error.message).toMatch(message);
    expect(await database.db.query(sql`select key, value from policy order by key`)).toEqual(before);
  });

  test('shorter card thresholds: the sweep run on demand gives a yellow card, once', async () => {
    const updated = await admin('PUT', '/api/policy/case.cards', { value: { yellowAfterDays: 2, redAfterDays: 4 } });
    expect(updated.status).toBe(200);
    expect(updated.body.policy).toMatchObject({ key: 'case.cards', value: { yellowAfterDays: 2, redAfterDays: 4 } });

    const detail = await registerAt('0402', '凤仙路人行道地砖松动');
    clock.advanceDays(3);
    const sweep = await admin('POST', '/api/admin/jobs/card-sweep');
    expect(sweep.status).toBe(200);
    expect(sweep.body.yellow).toBeGreaterThanOrEqual(1);
    expect(sweep.body.ranAt).toBe(clock.now().toISOString());
    const carded = await call('dispatcher', 'GET', `/api/cases/${detail.id}`);
    expect(carded.body.cards.map((card: Json) => card.colour)).toEqual(['yellow']);
    expect(carded.body.card).toBe('yellow');
    const again = await admin('POST', '/api/admin/jobs/card-sweep');
    expect(again.body).toMatchObject({ yellow: 0, red: 0 });

    clock.advanceDays(2);
    expect((await admin('POST', '/api/admin/jobs/card-sweep')).body.red).toBeGreaterThanOrEqual(1);
    expect((await call('dispatcher', 'GET', `/api/cases/${detail.id}`)).body.cards.map((card: Json) => card.colour)).toEqual([
      'yellow',
      'red',
    ]);
  });

  test('a household band edit shows in the grids at once', async () => {
    const [grid] = await database.db.query<{ code: string; households: number }>(
      sql`select code, households from grid where valid_to is null and households between 300 and 500 order by code limit 1`,
    );
    expect((await call(null, 'GET', `/api/grids/${grid!.code}`)).body.band).toBe('within');
    const updated = await admin('PUT', '/api/policy/grid.household_band', { value: { min: grid!.households + 1, max: 900 } });
    expect(updated.status).toBe(200);
    expect((await call(null, 'GET', `/api/grids/${grid!.code}`)).body.band).toBe('below');
  });
});
