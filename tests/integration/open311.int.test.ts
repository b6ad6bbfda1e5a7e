/**
 * Open311 GeoReport v2 as a client uses it, on a real PostGIS with the demo
 * district: list services, file a request (form-encoded, as the spec has it,
 * and JSON), follow it by id and by token, filter requests; bad input answers
 * in Open311's error format with a 4xx and writes nothing; GET never shows
 * personal data.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { newTrackingCode } from '@minqing/shared';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

let database: TestDatabase;
let app: App;
let keyedApp: App;
const clock = new ManualClock(new Date('2026-11-23T09:00:00+08:00'));
const API_KEY = 'open311-test-key-2026';

const BASE = '/open311/v2';

async function get(path: string, target: App = app): Promise<{ status: number; body: Json }> {
  const response = await target.request(`${BASE}${path}`);
  return { status: response.status, body: await response.json() };
}

async function postForm(fields: Record<string, string | number>, target: App = app): Promise<{ status: number; body: Json }> {
  const response = await target.request(`${BASE}/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.entries(fields).map(([key, value]) => [key, String(value)])).toString(),
  });
  return { status: response.status, body: await response.json() };
}

async function postJson(fields: unknown): Promise<{ status: number; body: Json }> {
  const response = await app.request(`${BASE}/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  return { status: response.status, body: await response.json() };
}

/** An action through the case API, signed in as `username`. */
async function act(username: string, caseId: number, action: Json): Promise<{ status: number; body: Json }> {
  const signIn = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'minqing2026' }),
  });
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const response = await app.request(`/api/cases/${caseId}/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(action),
  });
  return { status: response.status, body: await response.json() };
}

async function pointIn(villageName: string, townName: string): Promise<{ lon: number; lat: number; code: string }> {
  const [row] = await database.db.query<{ lon: number; lat: number; code: string }>(sql`
    select ST_X(ST_PointOnSurface(v.boundary)) as lon, ST_Y(ST_PointOnSurface(v.boundary)) as lat, v.code
    from region v join region t on t.code = v.parent_code
    where v.name = ${villageName} and t.name = ${townName}`);
  return row!;
}

async function caseCount(): Promise<number> {
  const [row] = await database.db.query<{ count: number }>(sql`select count(*) as count from cases`);
  return row!.count;
}

/** An Open311 error: a 4xx with [{ code, description }] where code is that status. */
function expectOpen311Error(response: { status: number; body: Json }, status: number, description: RegExp) {
  expect(response.status).toBe(status);
  expect(Array.isArray(response.body), JSON.stringify(response.body)).toBe(true);
  expect(response.body).toHaveLength(1);
  expect(response.body[0].code).toBe(status);
  expect(response.body[0].description).toMatch(description);
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  const logger = createLogger('silent');
  app = createApp({ db: database.db, logger, state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
  keyedApp = createApp({
    db: database.db,
    logger,
    state,
    config: loadConfig({ LOG_LEVEL: 'silent', OPEN311_API_KEY: API_KEY }),
    clock,
  });
});

afterAll(async () => {
  await database?.drop();
});

describe('discovery and services', () => {
  test('discovery.json points at the v2 endpoint and names the command center', async () => {
    const { status, body } = await get('/discovery.json');
    expect(status).toBe(200);
    expect(body.endpoints).toEqual([
      expect.objectContaining({
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: expect.stringMatching(/\/open311\/v2$/),
        formats: ['application/json'],
        type: 'production',
      }),
    ]);
    const [center] = await database.db.query<{ name: string }>(sql`select name from unit where kind = 'command_center'`);
    expect(body.contact).toContain(center!.name);
  });

  test('services are the active subcategories, with their group and keywords', async () => {
    await database.db.query(sql`update category set active = false where code = '0303'`);
    const { status, body } = await get('/services.json');
    expect(status).toBe(200);
    const codes = body.map((service: Json) => service.service_code);
    const [active] = await database.db.query<{ count: number }>(sql`
      select count(*) as count from category c join category g on g.code = c.parent_code where c.active and g.active`);
    expect(codes).toHaveLength(active!.count);
    expect(codes).not.toContain('0303');
    expect(codes.every((code: string) => /^[0-9]{4}$/.test(code))).toBe(true);
    expect(body.find((service: Json) => service.service_code === '0401')).toEqual({
      service_code: '0401',
      service_name: '排水与下水道',
      description: '市政设施 · 排水与下水道 / Municipal facilities · Drains and sewers',
      metadata: false,
      type: 'realtime',
      keywords: '下水道,堵塞,排水,污水,积水',
      group: '市政设施',
    });
  });

  test('a service definition has no extra attributes; unknown services are 404, XML is not served', async () => {
    expect(await get('/services/0401.json')).toEqual({ status: 200, body: { service_code: '0401', attributes: [] } });
    expectOpen311Error(await get('/services/0909.json'), 404, /service_code 0909 is not a service/);
    expectOpen311Error(await get('/services/0303.json'), 404, /0303/);
    expectOpen311Error(await get('/services/0401.xml'), 400, /JSON only/);
    expectOpen311Error(await get('/services.xml'), 400, /JSON only/);
  });
});

describe('a client files a request and follows it', () => {
  let requestId: string;
  let token: string;

  test('POST requests.json (form-encoded) registers a case on channel open311, dispatched to the village', async () => {
    const place = await pointIn('石碾村', '分水镇');
    const { status, body } = await postForm({
      service_code: '0401',
      lat: place.lat,
      long: place.lon,
      description: '石碾村公路边下水道堵了，雨水漫到院坝。电话13812345678',
      first_name: '昌术',
      last_name: '黄',
      phone: '13812345678',
      email: 'huang@example.com',
      'attribute[WHISPER]': 'ignored',
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toHaveLength(1);
    requestId = body[0].service_request_id;
    token = body[0].token;
    expect(requestId).toMatch(/^[0-9]{6}-[A-Z2-9]{6}-[A-Z2-9]$/);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(body[0].service_notice).toContain(requestId);
    expect(body[0].account_id).toBeNull();

    const [stored] = await database.db.query<Json>(sql`
      select c.channel, c.state, c.reporter_name, c.reporter_phone, c.created_by_user_id, c.village_code, u.kind as owner_kind
      from cases c join unit u on u.id = c.owner_unit_id where c.tracking_code = ${requestId}`);
    expect(stored).toEqual({
      channel: 'open311',
      state: 'dispatched',
      reporter_name: '黄昌术',
      reporter_phone: '13812345678',
      created_by_user_id: null,
      village_code: place.code,
      owner_kind: 'village_station',
    });
  });

  test('GET requests/{id}.json shows its progress without personal data', async () => {
    const { status, body } = await get(`/requests/${requestId}.json`);
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    const request = body[0];
    const [owner] = await database.db.query<{ name: string }>(
      sql`select u.name from cases c join unit u on u.id = c.owner_unit_id where c.tracking_code = ${requestId}`,
    );
    expect(request).toMatchObject({
      service_request_id: requestId,
      status: 'open',
      service_code: '0401',
      service_name: '排水与下水道',
      agency_responsible: owner!.name,
      media_url: null,
      address_id: null,
    });
    expect(request.requested_datetime).toBe('2026-11-23T09:00:00+08:00');
    expect(request.expected_datetime).toMatch(/^2026-11-2[4-9]T23:59:59\+08:00$/);
    expect(request.lat).toBeCloseTo((await pointIn('石碾村', '分水镇')).lat, 6);
    expect(request.description).toContain('电话138****5678');
    const text = JSON.stringify(body);
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('黄昌术');
    expect(text).not.toContain('huang@example.com');
    // A tracking code typed in lower case finds it too.
    expect((await get(`/requests/${requestId.toLowerCase()}.json`)).status).toBe(200);
  });

  test('GET tokens/{token}.json gives the service_request_id', async () => {
    expect(await get(`/tokens/${token}.json`)).toEqual({ status: 200, body: [{ service_request_id: requestId, token }] });
    expectOpen311Error(
      await get('/tokens/00000000-0000-4000-8000-000000000000.json'),
      404,
      /no service request was given the token/,
    );
    expectOpen311Error(await get('/tokens/not-a-token.json'), 404, /token/);
  });

  test('once the village resolves it, the request reads closed with the resolution', async () => {
    const [row] = await database.db.query<{ id: number }>(sql`select id from cases where tracking_code = ${requestId}`);
    clock.advance(3_600_000);
    expect((await act('shinian', row!.id, { action: 'accept' })).status).toBe(200);
    expect((await act('shinian', row!.id, { action: 'resolve', resolution: '组织村民疏通了下水道' })).status).toBe(200);
    const { body } = await get(`/requests/${requestId}.json`);
    expect(body[0].status).toBe('closed');
    expect(body[0].status_notes).toContain('组织村民疏通了下水道');
    expect(body[0].expected_datetime).toBeNull();
    expect(body[0].updated_datetime).toBe('2026-11-23T10:00:00+08:00');
  });

  test('POST requests.json as JSON with an address_string finds the place in the gazetteer', async () => {
    const [building] = await database.db.query<{ address: string; lon: number; lat: number }>(sql`
      select address, ST_X(location) as lon, ST_Y(location) as lat from building
      where address like '沙河街道%' order by id limit 1`);
    const { status, body } = await postJson({
      service_code: '0403',
      address_string: building!.address,
      description: '路灯不亮，晚上很黑',
    });
    expect(status, JSON.stringify(body)).toBe(201);
    const request = (await get(`/requests/${body[0].service_request_id}.json`)).body[0];
    expect(request.address).toBe(building!.address);
    expect(request.lat).toBeCloseTo(building!.lat, 6);
    expect(request.long).toBeCloseTo(building!.lon, 6);
    expect(request.service_code).toBe('0403');
  });
});

describe('GET requests.json with filters', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const place = await pointIn('凤仙路社区', '沙河街道');
    // One filed 120 days ago: outside the default span of 90 days.
    const now = clock.now();
    clock.set(new Date(now.getTime() - 120 * 86_400_000));
    ids.old = (
      await postForm({ service_code: '0402', lat: place.lat, long: place.lon, description: '老路面坑洼' })
    ).body[0].service_request_id;
    clock.set(now);
    ids.road = (
      await postForm({ service_code: '0402', lat: place.lat, long: place.lon, description: '凤仙路路面破损' })
    ).body[0].service_request_id;
    ids.light = (
      await postForm({ service_code: '0403', lat: place.lat, long: place.lon, description: '凤仙路路灯不亮' })
    ).body[0].service_request_id;
  });

  const idsOf = (body: Json) => body.map((request: Json) => request.service_request_id);

  test('without filters: the last 90 days, newest first', async () => {
    const { status, body } = await get('/requests.json');
    expect(status).toBe(200);
    expect(idsOf(body)).toContain(ids.road);
    expect(idsOf(body)).toContain(ids.light);
    expect(idsOf(body)).not.toContain(ids.old);
    const times = body.map((request: Json) => Date.parse(request.requested_datetime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test('service_code, status and dates filter; service_request_id overrides every other filter', async () => {
    const roads = (await get('/requests.json?service_code=0402')).body;
    expect(idsOf(roads)).toContain(ids.road);
    expect(roads.every((request: Json) => request.service_code === '0402')).toBe(true);

    const both = idsOf((await get('/requests.json?service_code=0402,0403')).body);
    expect(both).toEqual(expect.arrayContaining([ids.road, ids.light]));

    const closed = (await get('/requests.json?status=closed')).body;
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((request: Json) => request.status === 'closed')).toBe(true);
    expect(idsOf(closed)).not.toContain(ids.road);
    const open = (await get('/requests.json?status=open')).body;
    expect(open.every((request: Json) => request.status === 'open')).toBe(true);
    expect(idsOf(open)).toContain(ids.road);

    const longAgo = idsOf(
      (await get('/requests.json?start_date=2026-07-01T00:00:00Z&end_date=2026-08-31T00:00:00%2B08:00')).body,
    );
    expect(longAgo).toEqual([ids.old]);
    expect((await get('/requests.json?start_date=2027-01-01T00:00:00Z')).body).toEqual([]);

    const chosen = idsOf((await get(`/requests.json?service_request_id=${ids.old},${ids.light}&status=closed`)).body);
    expect(chosen.sort()).toEqual([ids.old, ids.light].sort());
  });

  test('page_size and page walk through the list', async () => {
    const all = idsOf((await get('/requests.json')).body);
    const first = idsOf((await get('/requests.json?page_size=2')).body);
    const second = idsOf((await get('/requests.json?page_size=2&page=2')).body);
    expect(first).toEqual(all.slice(0, 2));
    expect(second).toEqual(all.slice(2, 4));
  });

  test.each([
    ['?status=pending', /status.*open, closed/],
    ['?service_code=drains', /service_code.*service codes/],
    ['?start_date=yesterday', /start_date: must be a W3C date-time/],
    ['?start_date=2026-11-23T09:00:00', /start_date: must be a W3C date-time with a time zone/],
    ['?start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z', /end_date: must not be before start_date/],
    ['?service_request_id=12345', /service_request_id "12345" is not one of ours/],
    ['?page_size=5000', /page_size: must be at most 1000/],
    ['?jurisdiction_id=110101', /jurisdiction_id 110101 is not served here: this endpoint serves 500101/],
  ])('GET requests.json%s is refused in Open311 format', async (query, description) => {
    const response = await get(`/requests.json${query}`);
    expectOpen311Error(response, query.includes('jurisdiction') ? 404 : 400, description);
  });

  test('jurisdiction_id 500101 is ours', async () => {
    expect((await get('/requests.json?jurisdiction_id=500101&page_size=1')).status).toBe(200);
  });
});

describe('bad input is refused in Open311 format, and nothing is written', () => {
  test.each([
    [{ lat: 30.8, long: 108.4, description: '没有服务代码' }, 400, /service_code: is required/],
    [{ service_code: '9999', lat: 30.8, long: 108.4, description: '不存在的服务' }, 400, /service_code 9999 is not a service/],
    [{ service_code: '0401', lat: 30.8, description: '只有纬度' }, 400, /long: give lat and long together/],
    [{ service_code: '0401', description: '没有位置' }, 400, /a location is required/],
    [{ service_code: '0401', lat: 'north', long: 108.4, description: '纬度不是数字' }, 400, /lat: must be a decimal number/],
    [{ service_code: '0401', lat: 95, long: 108.4, description: '纬度越界' }, 400, /lat: must be at most 90/],
    [{ service_code: '0401', lat: 39.9, long: 116.4, description: '北京的下水道' }, 400, /outside the district/],
    [{ service_code: '0401', address_string: '火星基地1号', description: '地址查不到' }, 400, /not in the gazetteer/],
    [{ service_code: '0401', address_id: '42', description: '用地址编号' }, 400, /address_id: is not supported/],
    [{ service_code: '0401', lat: 30.8, long: 108.4 }, 400, /description: is required/],
    [{ service_code: '0401', lat: 30.8, long: 108.4, description: 'x'.repeat(4001) }, 400, /description: must be at most 4000/],
    [
      { service_code: '0401', lat: 30.8, long: 108.4, description: '邮箱不对', email: 'not-an-address' },
      400,
      /email: must be an e-mail/,
    ],
  ])('POST %j → %i', async (fields, status, description) => {
    const before = await caseCount();
    expectOpen311Error(await postForm(fields as Record<string, string | number>), status, description);
    expect(await caseCount()).toBe(before);
  });

  test('a body that is not JSON, or not a form, is refused', async () => {
    const broken = await app.request(`${BASE}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"service_code": ',
    });
    expectOpen311Error({ status: broken.status, body: await broken.json() }, 400, /not valid JSON/);
    const plain = await app.request(`${BASE}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'service_code=0401',
    });
    expectOpen311Error({ status: plain.status, body: await plain.json() }, 415, /x-www-form-urlencoded/);
  });

  test('unknown ids and paths are 404 in Open311 format', async () => {
    expectOpen311Error(await get('/requests/261123-22222-2.json'), 400, /not one of ours/);
    expectOpen311Error(await get('/requests/261123-222222-2.json'), 400, /not one of ours/);
    // A well-formed code, check character and all, that no case has.
    const unused = newTrackingCode(new Date('2020-01-01T00:00:00Z'), (bytes) => bytes.fill(7));
    expectOpen311Error(await get(`/requests/${unused}.json`), 404, new RegExp(`no service request has the id ${unused}`));
    expectOpen311Error(await get('/reports.json'), 404, /no Open311 method GET \/open311\/v2\/reports.json/);
    expectOpen311Error(await get('/requests/'), 404, /no Open311 method/);
  });
});

describe('api_key, where the deployment sets one', () => {
  test('POST needs the key; reading does not', async () => {
    const place = await pointIn('石碾村', '分水镇');
    const fields = { service_code: '0401', lat: place.lat, long: place.lon, description: '下水道堵了' };
    expectOpen311Error(await postForm(fields, keyedApp), 403, /api_key is required/);
    expectOpen311Error(await postForm({ ...fields, api_key: 'guess' }, keyedApp), 403, /api_key is not valid/);
    const accepted = await postForm({ ...fields, api_key: API_KEY }, keyedApp);
    expect(accepted.status).toBe(201);
    expect((await get('/services.json', keyedApp)).status).toBe(200);
    expect((await get(`/requests/${accepted.body[0].service_request_id}.json`, keyedApp)).status).toBe(200);
  });
});
