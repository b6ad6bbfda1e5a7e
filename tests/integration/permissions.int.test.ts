/**
 * Who may do what: every role × every case endpoint, against the real API on
 * the demo district. The tables below are the rules, written out so a reader
 * can check them against the seeds; each cell is one request by the demo user
 * of that role on a case made fresh for it, in the state the action needs,
 * so a refusal is about the person and not about the case.
 *
 * The case: a blocked drain in 分水镇石碾村, registered from the public web form
 * (so nobody is its registrar) and dispatched to the 石碾村 village station. The
 * users relate to it as follows:
 *   administrator   admin        district-wide; coordinates like the command center
 *   dispatcher      dispatcher   the command center (CC-01): coordinates, calls back
 *   leader          leader       leader in charge (L4-02): district-wide reads, urges, takes over
 *   department_handler chengguan 区城市管理局: the case is not its → 404 (not in scope)
 *   town_officer    fenshui      分水镇 town centre: sees the town's cases, does not own this one
 *   village_cadre   shinian      石碾村 station: owns the case
 *   grid_worker     wanggeyuan   a grid worker of 石碾村, member of its station: owns it too
 *   planner         planner      draws grids; no business with cases
 *   wall_viewer     wall         the map wall (its account sits in CC-01): reads, masked, never acts
 *   public          (none)       no session → 401 wherever a session is needed
 *
 * Where the API answers differently from the rule, the cell is listed in
 * KNOWN_DEVIATIONS with what it answers today and why that is wrong; the test
 * checks the deviation is still there, so fixing it makes the test say so.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, registerCase, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

const ROLES = [
  'administrator',
  'dispatcher',
  'leader',
  'department_handler',
  'town_officer',
  'village_cadre',
  'grid_worker',
  'planner',
  'wall_viewer',
  'public',
] as const;
type Role = (typeof ROLES)[number];

const USERS: Record<Role, string | null> = {
  administrator: 'admin',
  dispatcher: 'dispatcher',
  leader: 'leader',
  department_handler: 'chengguan',
  town_officer: 'fenshui',
  village_cadre: 'shinian',
  grid_worker: 'wanggeyuan',
  planner: 'planner',
  wall_viewer: 'wall',
  public: null,
};

/** Statuses in the order of ROLES. */
type Row = [number, number, number, number, number, number, number, number, number, number];

// prettier-ignore
const ENDPOINT_RULES: Record<string, Row> = {
  //                                                  admin disp lead dept town vill grid plan wall public
  'POST /api/cases (register)':                       [201, 201, 403, 201, 201, 201, 201, 403, 403, 401],
  'GET /api/cases (queue)':                           [200, 200, 200, 200, 200, 200, 200, 403, 200, 401],
  'GET /api/cases/{id} (case in 石碾村)':               [200, 200, 200, 404, 200, 200, 200, 403, 200, 401],
  'GET /api/cases/{id} (case in 沙河街道)':             [200, 200, 200, 404, 404, 404, 404, 403, 200, 401],
  'GET /api/cases/{id}/duplicates':                   [200, 200, 200, 404, 200, 200, 200, 403, 200, 401],
  'GET /api/cases/{id}/photos/{photoId}':             [200, 200, 200, 404, 200, 200, 200, 403, 200, 401],
  'GET /api/units':                                   [200, 200, 200, 200, 200, 200, 200, 200, 200, 401],
  'GET /api/categories':                              [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/public/cases/{trackingCode}':             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/public/cases':                           [201, 201, 201, 201, 201, 201, 201, 201, 201, 201],
  'POST /api/categories':                             [201, 403, 403, 403, 403, 403, 403, 403, 403, 401],
  'PATCH /api/categories/{code}':                     [200, 403, 403, 403, 403, 403, 403, 403, 403, 401],
  'GET /api/policy':                                  [200, 403, 403, 403, 403, 403, 403, 403, 403, 401],
  'PUT /api/policy/{key}':                            [200, 403, 403, 403, 403, 403, 403, 403, 403, 401],
  'GET /api/calendar':                                [200, 403, 403, 403, 403, 403, 403, 403, 403, 401],
  'PUT /api/calendar/overrides/{date}':               [200, 403, 403, 403, 403, 403, 403, 403, 403, 401],
  'DELETE /api/calendar/overrides/{date}':            [200, 403, 403, 403, 403, 403, 403, 403, 403, 401],
  'POST /api/admin/jobs/card-sweep':                  [200, 403, 403, 403, 403, 403, 403, 403, 403, 401],
  // Webhooks answer to their shared secret, not to sessions: a signed-in user without it is refused like anyone.
  'POST /api/intake/sms (with the webhook token)':    [201, 201, 201, 201, 201, 201, 201, 201, 201, 201],
  'POST /api/intake/sms (without the token)':         [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
  'GET /open311/v2/services.json':                    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /open311/v2/requests.json':                   [201, 201, 201, 201, 201, 201, 201, 201, 201, 201],
};

/**
 * POST /api/cases/{id}/actions, each action on a case in the state it needs:
 * dispatch and close on a registered case held at the command center; accept,
 * transfer, escalate, urge, take over and link a duplicate on a dispatched one;
 * start and resolve on an accepted one; callback on a resolved one.
 * 403: the role or relation does not allow it; 404: the case is not in the user's scope.
 */
// prettier-ignore
const ACTION_RULES: Record<string, Row> = {
  //                 admin disp lead dept town vill grid plan wall public
  dispatch:          [200, 200, 403, 404, 403, 403, 403, 403, 403, 401],
  accept:            [403, 403, 403, 404, 403, 200, 200, 403, 403, 401],
  start:             [403, 403, 403, 404, 403, 200, 200, 403, 403, 401],
  resolve:           [403, 403, 403, 404, 403, 200, 200, 403, 403, 401],
  transfer:          [403, 403, 403, 404, 403, 200, 200, 403, 403, 401],
  escalate:          [403, 403, 403, 404, 403, 200, 200, 403, 403, 401],
  urge:              [200, 200, 200, 404, 403, 403, 403, 403, 403, 401],
  take_over:         [403, 403, 200, 404, 403, 403, 403, 403, 403, 401],
  callback:          [200, 200, 403, 404, 403, 403, 403, 403, 403, 401],
  close:             [200, 200, 403, 404, 403, 403, 403, 403, 403, 401],
  link_duplicate:    [200, 200, 403, 404, 403, 200, 200, 403, 403, 401],
};

/** Cells where the API answers otherwise today: [row, role] → what it answers and why the rule above is the right one. */
const KNOWN_DEVIATIONS: Record<string, { actual: number; why: string }> = {};

let database: TestDatabase;
let app: App;
const clock = new ManualClock(new Date('2026-11-23T09:00:00+08:00'));
const WEBHOOK_TOKEN = 'permissions-test-webhook-token';
const cookies = new Map<string, string>();
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

let shinianPoint: { lon: number; lat: number };
let shahePoint: { lon: number; lat: number };
let chengguanUnit: number;
let villageCase: { id: number; trackingCode: string; photoId: number };
let farCaseId: number;
let originalCaseId: number;

async function cookieOf(username: string): Promise<string> {
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

/** JSON bodies as objects; anything else (a page, an image) kept as a short text. */
function parseBody(text: string): Json {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { raw: text.slice(0, 100) };
  }
}

async function request(
  role: Role,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const username = USERS[role];
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
  if (username) headers.cookie = await cookieOf(username);
  const response = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: parseBody(text) };
}

/** A case from the public web form in 石碾村: held at the command center (registered) or dispatched to the village. */
async function freshCase(dispatch: boolean): Promise<number> {
  const result = await registerCase(
    { db: database.db, clock },
    {
      channel: 'web',
      categoryCode: '0401',
      urgency: 'normal',
      description: '石碾村公路边的下水道堵了',
      location: { ...shinianPoint, coordinateSystem: 'WGS84' },
      photos: [],
      dispatch,
    },
    null,
  );
  return result.id;
}

/** The village station moves the case along (the owner acting through the API). */
async function byOwner(caseId: number, action: Json): Promise<void> {
  const response = await request('village_cadre', 'POST', `/api/cases/${caseId}/actions`, action);
  expect(response.status, `${action.action} by the owner: ${JSON.stringify(response.body)}`).toBe(200);
}

async function caseFor(action: string): Promise<number> {
  switch (action) {
    case 'dispatch':
    case 'close':
      return freshCase(false);
    case 'start':
    case 'resolve': {
      const id = await freshCase(true);
      await byOwner(id, { action: 'accept' });
      return id;
    }
    case 'callback': {
      const id = await freshCase(true);
      await byOwner(id, { action: 'accept' });
      await byOwner(id, { action: 'resolve', resolution: '已疏通' });
      return id;
    }
    default:
      return freshCase(true);
  }
}

function actionBody(action: string): Json {
  switch (action) {
    case 'resolve':
      return { action, resolution: '组织村民疏通了下水道' };
    case 'transfer':
      return { action, unitId: chengguanUnit, reason: '属于城市管理范围' };
    case 'escalate':
      return { action, reason: '需要镇里协调施工队' };
    case 'callback':
      return { action, contacted: true, satisfaction: 'satisfied' };
    case 'close':
      return { action, reason: 'invalid' };
    case 'link_duplicate':
      return { action, originalCaseId };
    default:
      return { action };
  }
}

let categorySerial = 0;

/** One request for an endpoint row, as the given role; returns the status. */
async function callEndpoint(row: string, role: Role): Promise<number> {
  const located = { ...shinianPoint };
  switch (row) {
    case 'POST /api/cases (register)':
      return (
        await request(role, 'POST', '/api/cases', {
          channel: 'hotline',
          categoryCode: '0401',
          description: '下水道堵了',
          location: located,
        })
      ).status;
    case 'GET /api/cases (queue)':
      return (await request(role, 'GET', '/api/cases?view=scope')).status;
    case 'GET /api/cases/{id} (case in 石碾村)':
      return (await request(role, 'GET', `/api/cases/${villageCase.id}`)).status;
    case 'GET /api/cases/{id} (case in 沙河街道)':
      return (await request(role, 'GET', `/api/cases/${farCaseId}`)).status;
    case 'GET /api/cases/{id}/duplicates':
      return (await request(role, 'GET', `/api/cases/${villageCase.id}/duplicates`)).status;
    case 'GET /api/cases/{id}/photos/{photoId}':
      return (await request(role, 'GET', `/api/cases/${villageCase.id}/photos/${villageCase.photoId}`)).status;
    case 'GET /api/units':
      return (await request(role, 'GET', '/api/units?kind=department')).status;
    case 'GET /api/categories':
      return (await request(role, 'GET', '/api/categories')).status;
    case 'GET /api/public/cases/{trackingCode}':
      return (await request(role, 'GET', `/api/public/cases/${villageCase.trackingCode}`)).status;
    case 'POST /api/public/cases':
      return (
        await request(role, 'POST', '/api/public/cases', { categoryCode: '0401', description: '下水道堵了', location: located })
      ).status;
    case 'POST /api/categories':
      categorySerial++;
      return (
        await request(role, 'POST', '/api/categories', {
          code: String(70 + categorySerial),
          name: `测试大类${categorySerial}`,
          nameEn: `Test group ${categorySerial}`,
        })
      ).status;
    case 'PATCH /api/categories/{code}':
      return (await request(role, 'PATCH', '/api/categories/0401', { name: '排水与下水道' })).status;
    case 'GET /api/policy':
      return (await request(role, 'GET', '/api/policy')).status;
    case 'PUT /api/policy/{key}':
      return (await request(role, 'PUT', '/api/policy/case.cards', { value: { yellowAfterDays: 7, redAfterDays: 15 } })).status;
    case 'GET /api/calendar':
      return (await request(role, 'GET', '/api/calendar?year=2026')).status;
    case 'PUT /api/calendar/overrides/{date}':
      return (await request(role, 'PUT', '/api/calendar/overrides/2026-12-31', { isWorkday: false, note: '测试' })).status;
    case 'DELETE /api/calendar/overrides/{date}': {
      // There is an override to remove whoever asks.
      await database.db.query(sql`
        insert into calendar_override (day, is_workday, note) values ('2026-12-30', false, '测试')
        on conflict (day) do nothing`);
      return (await request(role, 'DELETE', '/api/calendar/overrides/2026-12-30')).status;
    }
    case 'POST /api/admin/jobs/card-sweep':
      return (await request(role, 'POST', '/api/admin/jobs/card-sweep')).status;
    case 'POST /api/intake/sms (with the webhook token)':
      return (
        await request(
          role,
          'POST',
          '/api/intake/sms',
          { from: '13812345678', text: '石碾村下水道堵了' },
          {
            'x-minqing-webhook-token': WEBHOOK_TOKEN,
          },
        )
      ).status;
    case 'POST /api/intake/sms (without the token)':
      return (await request(role, 'POST', '/api/intake/sms', { from: '13812345678', text: '石碾村下水道堵了' })).status;
    case 'GET /open311/v2/services.json':
      return (await request(role, 'GET', '/open311/v2/services.json')).status;
    case 'POST /open311/v2/requests.json':
      return (
        await request(role, 'POST', '/open311/v2/requests.json', {
          service_code: '0401',
          lat: located.lat,
          long: located.lon,
          description: '下水道堵了',
        })
      ).status;
    default:
      throw new Error(`no request written for ${row}`);
  }
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({
    db: database.db,
    logger: createLogger('silent'),
    state,
    config: loadConfig({ LOG_LEVEL: 'silent', INTAKE_WEBHOOK_TOKEN: WEBHOOK_TOKEN }),
    clock,
  });
  const point = async (village: string, town: string) => {
    const [row] = await database.db.query<{ lon: number; lat: number }>(sql`
      select ST_X(ST_PointOnSurface(v.boundary)) as lon, ST_Y(ST_PointOnSurface(v.boundary)) as lat
      from region v join region t on t.code = v.parent_code where v.name = ${village} and t.name = ${town}`);
    return row!;
  };
  shinianPoint = await point('石碾村', '分水镇');
  shahePoint = await point('凤仙路社区', '沙河街道');
  const [unit] = await database.db.query<{ id: number }>(sql`select id from unit where name = '区城市管理局'`);
  chengguanUnit = unit!.id;

  const withPhoto = await registerCase(
    { db: database.db, clock },
    {
      channel: 'web',
      categoryCode: '0401',
      urgency: 'normal',
      description: '石碾村公路边的下水道堵了，附照片',
      location: { ...shinianPoint, coordinateSystem: 'WGS84' },
      reporterName: '黄昌术',
      reporterPhone: '13812345678',
      photos: [{ contentType: 'image/png', fileName: 'drain.png', dataBase64: PNG_1X1 }],
      dispatch: true,
    },
    null,
  );
  const [photo] = await database.db.query<{ id: number }>(sql`select id from case_photo where case_id = ${withPhoto.id}`);
  villageCase = { id: withPhoto.id, trackingCode: withPhoto.trackingCode, photoId: photo!.id };
  originalCaseId = await freshCase(true);
  farCaseId = (
    await registerCase(
      { db: database.db, clock },
      {
        channel: 'web',
        categoryCode: '0401',
        urgency: 'normal',
        description: '凤仙路社区下水道堵了',
        location: { ...shahePoint, coordinateSystem: 'WGS84' },
        photos: [],
        dispatch: true,
      },
      null,
    )
  ).id;
});

afterAll(async () => {
  await database?.drop();
});

function expectedStatus(row: string, rule: Row, role: Role): { status: number; deviation: string | null } {
  const deviation = KNOWN_DEVIATIONS[`${row}/${role}`];
  return deviation
    ? { status: deviation.actual, deviation: deviation.why }
    : { status: rule[ROLES.indexOf(role)]!, deviation: null };
}

const cells = (rules: Record<string, Row>) =>
  Object.entries(rules).flatMap(([row, rule]) =>
    ROLES.map((role) => {
      const deviation = KNOWN_DEVIATIONS[`${row}/${role}`];
      const label = deviation
        ? `KNOWN WRONG: rule ${rule[ROLES.indexOf(role)]}, answers ${deviation.actual}`
        : String(rule[ROLES.indexOf(role)]);
      return [row, role, label, rule] as const;
    }),
  );

describe('case endpoints, administration, webhooks, public and Open311', () => {
  test.each(cells(ENDPOINT_RULES))('%s as %s → %s', async (row, role, _label, rule) => {
    const expected = expectedStatus(row, rule, role);
    expect(await callEndpoint(row, role), expected.deviation ?? undefined).toBe(expected.status);
  });
});

describe('POST /api/cases/{id}/actions, action by action', () => {
  test.each(cells(ACTION_RULES))('%s as %s → %s', async (action, role, _label, rule) => {
    const caseId = await caseFor(action);
    const before = await database.db.query<Json>(sql`select state, owner_unit_id, version from cases where id = ${caseId}`);
    const response = await request(role, 'POST', `/api/cases/${caseId}/actions`, actionBody(action));
    const expected = expectedStatus(action, rule, role);
    expect(response.status, `${JSON.stringify(response.body)} ${expected.deviation ?? ''}`).toBe(expected.status);
    const after = await database.db.query<Json>(sql`select state, owner_unit_id, version from cases where id = ${caseId}`);
    // A refusal leaves the case as it was; an action moves it on.
    if (response.status >= 400) expect(after).toEqual(before);
    else expect(after[0]!.version).toBe(before[0]!.version + 1);
  });
});

describe('what a refusal says', () => {
  test('403 and 404 name the reason; 401 asks to sign in', async () => {
    const caseId = await freshCase(true);
    const forbidden = await request('town_officer', 'POST', `/api/cases/${caseId}/actions`, { action: 'accept' });
    expect(forbidden.body.error).toEqual({
      code: 'only_the_owner',
      message: 'only the unit that owns the case can do this (accept)',
    });
    const hidden = await request('department_handler', 'GET', `/api/cases/${caseId}`);
    expect(hidden.body.error.message).toBe(`case ${caseId} does not exist or is not in your scope`);
    const planner = await request('planner', 'GET', '/api/cases');
    expect(planner.body.error.message).toBe('a planner cannot read cases');
    const anonymous = await request('public', 'GET', '/api/cases');
    expect(anonymous.body.error.code).toBe('unauthorized');
    const admin = await request('dispatcher', 'GET', '/api/policy');
    expect(admin.body.error.message).toBe('only an administrator can read the policies');
  });

  test('the wall and other units see the reporter masked; the handlers see the reporter', async () => {
    const seen = async (role: Role) => (await request(role, 'GET', `/api/cases/${villageCase.id}`)).body.reporterPhone;
    expect(await seen('village_cadre')).toBe('13812345678');
    expect(await seen('dispatcher')).toBe('13812345678');
    expect(await seen('wall_viewer')).toBe('138****5678');
    expect(await seen('leader')).toBe('138****5678');
    expect(await seen('town_officer')).toBe('138****5678');
  });
});
