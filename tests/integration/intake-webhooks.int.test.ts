/**
 * Inbound SMS, WeChat and e-mail webhooks on a real PostGIS with the demo
 * district: each channel's message becomes a case with its category guessed
 * from the taxonomy's keywords and its place found in the message or its
 * text; a message naming no place waits in triage at the command center; a
 * redelivered message id makes no second case, even when both deliveries
 * arrive at once; a missing or wrong token, and bad payloads, write nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { fromWgs84 } from '@minqing/shared';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

interface Json {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

const TOKEN = 'webhook-test-secret-0123456789';
let database: TestDatabase;
let app: App;
let appWithoutToken: App;
const clock = new ManualClock(new Date('2026-11-23T09:00:00+08:00'));

async function deliver(
  channel: string,
  payload: unknown,
  { token = TOKEN, target = app }: { token?: string | null; target?: App } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers['x-minqing-webhook-token'] = token;
  const response = await target.request(`/api/intake/${channel}`, { method: 'POST', headers, body: JSON.stringify(payload) });
  return { status: response.status, body: await response.json() };
}

interface StoredCase {
  channel: string;
  state: string;
  category_code: string;
  reporter_name: string | null;
  reporter_phone: string | null;
  village_code: string | null;
  owner_kind: string;
  lon: number | null;
  lat: number | null;
  address: string | null;
  title: string;
  description: string;
}

async function storedCase(trackingCode: string): Promise<StoredCase> {
  const [row] = await database.db.query<StoredCase>(sql`
    select c.channel, c.state, c.category_code, c.reporter_name, c.reporter_phone, c.village_code, u.kind as owner_kind,
           ST_X(c.location) as lon, ST_Y(c.location) as lat, c.address, c.title, c.description
    from cases c join unit u on u.id = c.owner_unit_id where c.tracking_code = ${trackingCode}`);
  return row!;
}

async function caseCount(): Promise<number> {
  const [row] = await database.db.query<{ count: number }>(sql`select count(*) as count from cases`);
  return row!.count;
}

async function village(name: string, town: string): Promise<{ code: string; lon: number; lat: number }> {
  const [row] = await database.db.query<{ code: string; lon: number; lat: number }>(sql`
    select v.code, ST_X(ST_PointOnSurface(v.boundary)) as lon, ST_Y(ST_PointOnSurface(v.boundary)) as lat
    from region v join region t on t.code = v.parent_code where v.name = ${name} and t.name = ${town}`);
  return row!;
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  const logger = createLogger('silent');
  app = createApp({
    db: database.db,
    logger,
    state,
    config: loadConfig({ LOG_LEVEL: 'silent', INTAKE_WEBHOOK_TOKEN: TOKEN }),
    clock,
  });
  appWithoutToken = createApp({ db: database.db, logger, state, config: loadConfig({ LOG_LEVEL: 'silent' }), clock });
});

afterAll(async () => {
  await database?.drop();
});

describe('the shared secret', () => {
  test('while INTAKE_WEBHOOK_TOKEN is unset the webhooks answer 503 and say how to turn them on', async () => {
    const response = await deliver('sms', { from: '13812345678', text: '下水道堵了' }, { target: appWithoutToken });
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('webhooks_off');
    expect(response.body.error.message).toMatch(/INTAKE_WEBHOOK_TOKEN/);
  });

  test.each([
    [null, 'webhook_token_missing', /X-Minqing-Webhook-Token/],
    ['not-the-secret', 'webhook_token_wrong', /wrong/],
  ])('token %j → 401 and nothing written', async (token, code, message) => {
    const before = await caseCount();
    for (const channel of ['sms', 'wechat', 'email']) {
      const response = await deliver(channel, { from: '13812345678', text: '下水道堵了' }, { token });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toMatch(message);
    }
    expect(await caseCount()).toBe(before);
  });
});

describe('SMS', () => {
  test('an address in the text places the case at that building; the keywords choose the category', async () => {
    const [building] = await database.db.query<{ address: string; lon: number; lat: number; village_code: string }>(sql`
      select address, ST_X(location) as lon, ST_Y(location) as lat, village_code from building
      where address like '分水镇石碾村%' order by id limit 1`);
    // Residents leave the town out: 石碾村2组1号.
    const local = building!.address.replace(/^分水镇/, '');
    const { status, body } = await deliver('sms', {
      messageId: 'sms-0001',
      from: '13812345678',
      text: `${local}门口下水道堵了，污水漫到路上`,
      receivedAt: '2026-11-23T08:59:30+08:00',
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({
      categoryCode: '0401',
      categoryGuessed: true,
      located: true,
      placeSource: 'text',
      state: 'dispatched',
      repeated: false,
    });
    const stored = await storedCase(body.trackingCode);
    expect(stored).toMatchObject({
      channel: 'sms',
      category_code: '0401',
      reporter_phone: '13812345678',
      village_code: building!.village_code,
      owner_kind: 'village_station',
      address: building!.address,
    });
    expect(stored.lon).toBeCloseTo(building!.lon, 9);
    expect(stored.lat).toBeCloseTo(building!.lat, 9);
    const [reference] = await database.db.query<Json>(
      sql`select sender, sent_at from case_intake_reference where channel = 'sms' and reference = 'sms-0001'`,
    );
    expect(reference).toEqual({ sender: '13812345678', sent_at: new Date('2026-11-23T00:59:30Z') });
    // The resident can follow it with the code the gateway texts back.
    expect((await app.request(body.trackUrl)).status).toBe(200);
  });

  test('the same message id delivered again answers with the same case and makes no second one', async () => {
    const before = await caseCount();
    const again = await deliver('sms', { messageId: 'sms-0001', from: '13812345678', text: '重发：门口下水道堵了' });
    expect(again.status).toBe(200);
    expect(again.body.repeated).toBe(true);
    const first = await database.db.query<{ tracking_code: string }>(sql`
      select c.tracking_code from case_intake_reference r join cases c on c.id = r.case_id where r.reference = 'sms-0001'`);
    expect(again.body.trackingCode).toBe(first[0]!.tracking_code);
    expect(await caseCount()).toBe(before);
  });

  test('two deliveries of one message at the same moment make exactly one case', async () => {
    const before = await caseCount();
    const payload = { messageId: 'sms-race', from: '13900001111', text: '凤仙路社区路灯不亮' };
    const results = await Promise.all([deliver('sms', payload), deliver('sms', payload), deliver('sms', payload)]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(results.map((result) => result.body.trackingCode)).size).toBe(1);
    expect(await caseCount()).toBe(before + 1);
  });

  test('the same id on another channel is another message', async () => {
    const response = await deliver('email', { messageId: 'sms-0001', from: 'a@example.com', text: '凤仙路社区路灯不亮' });
    expect(response.status).toBe(201);
  });
});

describe('WeChat', () => {
  test('a shared location in GCJ-02 is converted to WGS-84 and places the case', async () => {
    const place = await village('凤仙路社区', '沙河街道');
    const [lon, lat] = fromWgs84(place.lon, place.lat, 'GCJ02');
    const { status, body } = await deliver('wechat', {
      messageId: 'wx-1001',
      openId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      nickname: '凤仙路老王',
      text: '小区门口的路灯不亮好几天了，联系电话13698765432',
      location: { lon, lat },
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ categoryCode: '0403', located: true, placeSource: 'message_location' });
    const stored = await storedCase(body.trackingCode);
    expect(stored).toMatchObject({ channel: 'wechat', reporter_name: '凤仙路老王', reporter_phone: '13698765432' });
    expect(stored.village_code).toBe(place.code);
    // GCJ-02 is about 500 m off around 万州: the stored point is the WGS-84 one, to a metre.
    expect(Math.abs(stored.lon! - place.lon)).toBeLessThan(1e-5);
    expect(Math.abs(stored.lat! - place.lat)).toBeLessThan(1e-5);
  });

  test('a location outside the district does not lose the message: it waits in triage', async () => {
    const { status, body } = await deliver('wechat', {
      openId: 'oUpF8uMuAJO_beijing',
      text: '下水道堵了',
      location: { lon: 116.4, lat: 39.9 },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ located: false, state: 'registered', placeSource: null });
    expect((await storedCase(body.trackingCode)).owner_kind).toBe('command_center');
  });
});

describe('e-mail', () => {
  test('the subject is the title, the sender the reporter; a village named in the subject places it', async () => {
    const place = await village('凤仙路社区', '沙河街道');
    const { status, body } = await deliver('email', {
      messageId: '<CAF=abc123@mail.example.com>',
      from: '黄昌术 <Huang@Example.com>',
      subject: '凤仙路社区路面破损',
      text: '主干道上有一个大坑，电动车摔了好几次。',
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ categoryCode: '0402', located: true, placeSource: 'text' });
    const stored = await storedCase(body.trackingCode);
    expect(stored).toMatchObject({
      channel: 'email',
      title: '凤仙路社区路面破损',
      description: '主干道上有一个大坑，电动车摔了好几次。',
      reporter_name: '黄昌术',
      village_code: place.code,
    });
    const [reference] = await database.db.query<{ sender: string }>(
      sql`select sender from case_intake_reference where channel = 'email' and reference = '<CAF=abc123@mail.example.com>'`,
    );
    expect(reference!.sender).toBe('huang@example.com');
  });
});

describe('a message that names no place', () => {
  test('is registered and held in triage at the command center, without a location, in the dispatcher’s queue', async () => {
    const { status, body } = await deliver('sms', { from: '13512340000', text: '你好，我想咨询一下养老政策' });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ located: false, placeSource: null, state: 'registered', categoryGuessed: true });
    const stored = await storedCase(body.trackingCode);
    expect(stored).toMatchObject({ state: 'registered', owner_kind: 'command_center', lon: null, lat: null, village_code: null });

    const signIn = await app.request('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password: 'minqing2026' }),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const queue = await (await app.request('/api/cases?view=mine&state=registered', { headers: { cookie } })).json();
    const held = queue.cases.find((item: Json) => item.id === body.caseId);
    expect(held).toMatchObject({ channel: 'sms', location: null, state: 'registered' });
  });

  test('no keyword of any category: 9902 其他诉求; a town alone is a hint, not a place', async () => {
    const { status, body } = await deliver('sms', { from: '13512340001', text: '分水镇那边有人天天在半夜吵闹，没人管' });
    expect(status).toBe(201);
    // 吵闹 is not a keyword of the demo taxonomy (噪音 is): the fallback.
    expect(body.categoryGuessed).toBe(false);
    expect(body.categoryCode).toBe('9902');
    expect(body.located).toBe(false);
    const stored = await storedCase(body.trackingCode);
    expect(stored).toMatchObject({ state: 'registered', owner_kind: 'command_center', lon: null });
    expect(stored.address).toBe('分水镇（位置待核实 / place to be confirmed）');
  });
});

describe('bad payloads are refused with the field named, and nothing is written', () => {
  test.each([
    ['no sender', 'sms', { text: '下水道堵了' }, /body field from: is required/],
    ['sender not a phone', 'sms', { from: 'call me', text: '下水道堵了' }, /body field from: must be a phone number/],
    ['blank text', 'sms', { from: '13812345678', text: '   ' }, /body field text: must not be empty/],
    [
      'text too long',
      'sms',
      { from: '13812345678', text: '堵'.repeat(4001) },
      /body field text: must be at most 4000 characters/,
    ],
    [
      'bad receivedAt',
      'sms',
      { from: '13812345678', text: '下水道', receivedAt: 'yesterday' },
      /body field receivedAt: must be an ISO 8601/,
    ],
    ['unknown field', 'sms', { from: '13812345678', text: '下水道', priority: 'high' }, /priority/],
    ['empty messageId', 'sms', { from: '13812345678', text: '下水道', messageId: '' }, /body field messageId: must not be empty/],
    [
      'latitude out of range',
      'wechat',
      { openId: 'o-1', text: '下水道', location: { lon: 108.4, lat: 200 } },
      /body field location.lat: must be at most 90/,
    ],
    [
      'unknown coordinate system',
      'wechat',
      { openId: 'o-1', text: '下水道', location: { lon: 108.4, lat: 30.8, coordinateSystem: 'MARS' } },
      /coordinateSystem/,
    ],
    ['bad openId', 'wechat', { openId: 'not an id!', text: '下水道' }, /body field openId: must be a WeChat openId/],
    ['sender not an e-mail address', 'email', { from: 'nobody', text: '下水道' }, /body field from: must be an e-mail address/],
    ['no text', 'email', { from: 'a@example.com' }, /body field text: is required/],
  ])('%s (%s)', async (_label, channel, payload, message) => {
    const before = await caseCount();
    const response = await deliver(channel, payload);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
    expect(await caseCount()).toBe(before);
  });
});
