/**
 * Grids, household registers and units from files, on the hand-made county
 * (示例县): rows that cannot be taken are reported by row with the reason —
 * a point outside the district, an address with no coordinates that matches
 * no building, a number that is not one, an unknown role — and block the
 * commit; GCJ-02 coordinates declared by the user are converted; a second
 * register replaces counts instead of adding to them; a grid file replaces
 * the grid set of the villages it covers, with history kept.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { toWgs84 } from '@minqing/shared';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ImportClient, type Json } from '../fixtures/import/import-client.ts';
import { geoJson, rectangle, SMALL_DISTRICT } from '../fixtures/import/small-district.ts';
import { replaceSetupCode } from '../../api/src/import/import-access.ts';

let database: TestDatabase;
let app: App;
let admin: ImportClient;
const clock = new ManualClock(new Date('2026-11-25T10:00:00+08:00'));
const fetcher = (path: string, init: RequestInit) => Promise.resolve(app.request(path, init));
const encode = (text: string) => new TextEncoder().encode(text);

const problemsOf = (report: Json, check: string) => (report.problems as Json[]).filter((problem) => problem.check === check);

beforeAll(async () => {
  database = await createTestDatabase({ template: 'empty' });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  app = createApp({
    db: database.db,
    logger: createLogger((process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent'),
    state,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    clock,
  });
  const setup = new ImportClient(fetcher, { setupCode: await replaceSetupCode(database.db) });
  const session = await setup.open('jurisdiction', { username: 'chief', password: 'county-secret-1' });
  await setup.upload(session.id, 'boundaries.geojson', geoJson(SMALL_DISTRICT));
  expect((await setup.commit(session.id)).status).toBe(200);
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'chief', password: 'county-secret-1' }),
  });
  admin = new ImportClient(fetcher, { cookie: response.headers.get('set-cookie')!.split(';')[0]! });
});

afterAll(async () => {
  await database?.drop();
});

describe('grids', () => {
  const grid = (code: string, name: string, ring: [number, number][]) => ({
    type: 'Feature',
    properties: { 网格编码: code, 网格名称: name },
    geometry: { type: 'Polygon', coordinates: [ring] },
  });
  const collection = (features: Json[]) => encode(JSON.stringify({ type: 'FeatureCollection', features }));

  test('a grid far outside its village blocks the commit; a sliver overhang is clipped', async () => {
    const session = await admin.open('grids');
    await admin.upload(
      session.id,
      'grids.geojson',
      collection([
        // 石桥村 is 107.0–107.1 × 29.0–29.1: the first grid overhangs by a hair, the second by a kilometre.
        grid('500999001001001', '石桥一网格', rectangle(107.0, 29.0, 107.05, 29.1000001)),
        grid('500999001001002', '石桥二网格', rectangle(107.05, 29.0, 107.11, 29.1)),
      ]),
    );
    const { body: report } = await admin.check(session.id);
    const outside = problemsOf(report, 'outside_parent');
    // Errors come first in a report.
    expect(outside.map((problem) => [problem.code, problem.severity])).toEqual([
      ['500999001001002', 'error'],
      ['500999001001001', 'warning'],
    ]);
    expect(outside[0]!.message).toMatch(/lies .* outside 石桥村 \(500999001001\)/);
    expect(outside[0]!.location[0]).toBeGreaterThan(107.1);
    expect((await admin.commit(session.id)).status).toBe(422);
    expect(await database.db.query(sql`select 1 from grid`)).toEqual([]);
    await admin.call('DELETE', `/api/import/sessions/${session.id}`);
  });

  test('a grid file replaces the grid set of the villages it covers; history kept', async () => {
    const first = await admin.open('grids');
    await admin.upload(
      first.id,
      'grids.geojson',
      collection([
        grid('500999001001001', '石桥一网格', rectangle(107.0, 29.0, 107.05, 29.1000001)),
        grid('500999001001002', '石桥二网格', rectangle(107.05, 29.0, 107.1, 29.1)),
        grid('500999001002001', '河坝网格', rectangle(107.0, 29.1, 107.1, 29.2)),
      ]),
    );
    const report = await admin.check(first.id);
    expect(report.body.errors).toBe(0);
    expect(problemsOf(report.body, 'outside_parent')).toHaveLength(1);
    expect((await admin.commit(first.id)).status).toBe(200);
    const [clipped] = await database.db.query<{ north: number }>(
      sql`select ST_YMax(boundary) as north from grid where code = '500999001001001'`,
    );
    expect(clipped!.north).toBeCloseTo(29.1, 9);

    // 石桥村 is re-planned as three grids; 河坝村 is not in the file and keeps its grid.
    const second = await admin.open('grids');
    await admin.upload(
      second.id,
      'grids-2027.geojson',
      collection([
        grid('500999001001001', '石桥一网格', rectangle(107.0, 29.0, 107.04, 29.1)),
        grid('500999001001003', '石桥三网格', rectangle(107.04, 29.0, 107.07, 29.1)),
        grid('500999001001004', '石桥四网格', rectangle(107.07, 29.0, 107.1, 29.1)),
      ]),
    );
    const { body: replacing } = await admin.check(second.id);
    expect(replacing.errors).toBe(0);
    expect(replacing.changes.grid).toEqual({ added: 2, changed: 1, unchanged: 0, kept: 1, retired: 1 });
    expect(problemsOf(replacing, 'grids_replaced')).toHaveLength(1);
    expect((await admin.commit(second.id)).status).toBe(200);
    const rows = await database.db.query<{ code: string; version: number; current: boolean }>(
      sql`select code, version, valid_to is null as current from grid order by code, version`,
    );
    expect(rows).toEqual([
      { code: '500999001001001', version: 1, current: false },
      { code: '500999001001001', version: 2, current: true },
      { code: '500999001001002', version: 1, current: false },
      { code: '500999001001003', version: 1, current: true },
      { code: '500999001001004', version: 1, current: true },
      { code: '500999001002001', version: 1, current: true },
    ]);
  });
});

describe('household registers', () => {
  // Two buildings of 石桥村 with coordinates; rows with problems; a GCJ-02 file.
  const header = '地址,户主,人口,经度,纬度';
  const good = [
    '石桥村1组1号,张一,3,107.02,29.02',
    '石桥村1组1号,张二,4,107.02,29.02',
    '石桥村1组1号,张三,2,,', // no coordinates: placed by its address (another row has them)
    '河坝村2组8号,李四,5,107.03,29.15',
  ];

  test('bad rows are reported by row and block the commit; GBK text is detected', async () => {
    const session = await admin.open('buildings');
    const lines = [
      header,
      ...good,
      ',王五,3,107.02,29.03', // 6: no address
      '石桥村1组2号,赵六,三,107.02,29.03', // 7: residents is not a number
      '石桥村1组3号,孙七,2,东经107,29.03', // 8: coordinates are not numbers
      '外县某村1号,周八,2,108.5,30.5', // 9: outside the district
      '无坐标村9号,吴九,2,,', // 10: no coordinates and no building of that address
      '河坝村2组8号,郑十,1,107.09,29.19', // 11: the same address 9 km from its other row
    ];
    const uploaded = await admin.upload(session.id, 'register.csv', new Uint8Array(iconv.encode(lines.join('\r\n'), 'gbk')));
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    expect(uploaded.body.files[0].summary.encoding).toMatch(/^gbk/);
    expect(uploaded.body.files[0].suggested.fields).toMatchObject({ address: '地址', residents: '人口' });
    const { body: report } = await admin.check(session.id);
    const rowOf = (check: string) => problemsOf(report, check).map((problem) => problem.position);
    expect(rowOf('empty_attribute')).toEqual([5]);
    expect(rowOf('bad_number')).toEqual([6]);
    expect(rowOf('bad_coordinates')).toEqual([7]);
    expect(rowOf('outside_jurisdiction')).toEqual([8]);
    expect(problemsOf(report, 'outside_jurisdiction')[0]!.location).toEqual([108.5, 30.5]);
    expect(rowOf('unmatched_address')).toEqual([9]);
    expect(problemsOf(report, 'unmatched_address')[0]!.message).toMatch(/无坐标村9号/);
    expect(problemsOf(report, 'scattered_address')[0]).toMatchObject({ severity: 'warning', name: '河坝村2组8号' });
    expect(report.canCommit).toBe(false);
    expect((await admin.commit(session.id)).status).toBe(422);
    expect(await database.db.query(sql`select 1 from building`)).toEqual([]);
    await admin.call('DELETE', `/api/import/sessions/${session.id}`);
  });

  test('GCJ-02 coordinates are converted; a second register replaces the counts', async () => {
    const gcj = [107.02, 29.02] as const;
    const session = await admin.open('buildings');
    const lines = [
      header,
      `石桥村1组1号,张一,3,${gcj[0]},${gcj[1]}`,
      `石桥村1组1号,张二,4,${gcj[0]},${gcj[1]}`,
      '石桥村1组1号,张三,2,,',
    ];
    await admin.upload(session.id, 'register.csv', encode(lines.join('\n')), { coordinateSystem: 'GCJ02' });
    const { body: report } = await admin.check(session.id);
    expect(report.errors).toBe(0);
    expect((await admin.commit(session.id)).status).toBe(200);
    const [building] = await database.db.query<{
      households: number;
      residents: number;
      lon: number;
      lat: number;
      village_code: string;
    }>(sql`
      select households, residents, ST_X(location) as lon, ST_Y(location) as lat, village_code from building where address = '石桥村1组1号'`);
    const [lon, lat] = toWgs84(gcj[0], gcj[1], 'GCJ02');
    expect(building).toMatchObject({ households: 3, residents: 9, village_code: '500999001001' });
    expect(building!.lon).toBeCloseTo(lon, 7);
    expect(building!.lat).toBeCloseTo(lat, 7);
    // GCJ-02 lies a few hundred metres off WGS-84 here: the conversion moved the point.
    expect(Math.abs(building!.lon - gcj[0]) + Math.abs(building!.lat - gcj[1])).toBeGreaterThan(0.002);
    const [grid] = await database.db.query<{ households: number; population: number }>(
      sql`select households, population from grid where code = '500999001001001' and valid_to is null`,
    );
    expect(grid).toEqual({ households: 3, population: 9 });

    // Next year's register for the same building, without coordinates: matched by address, counts replaced.
    const next = await admin.open('buildings');
    await admin.upload(next.id, 'register-2027.csv', encode(['地址,人口', '石桥村1组1号,5', '石桥村1组1号,1'].join('\n')));
    const { body: nextReport } = await admin.check(next.id);
    expect(nextReport.errors).toBe(0);
    expect(nextReport.changes.building).toMatchObject({ added: 0, changed: 1 });
    expect((await admin.commit(next.id)).status).toBe(200);
    const [after] = await database.db.query<{ households: number; residents: number }>(
      sql`select households, residents from building where address = '石桥村1组1号'`,
    );
    expect(after).toEqual({ households: 2, residents: 6 });
  });
});

describe('units and users', () => {
  test('unknown kinds and roles, missing references, weak passwords and bad usernames are reported by row', async () => {
    const workbook = new ExcelJS.Workbook();
    const units = workbook.addWorksheet('units');
    units.addRow(['code', 'name', 'kind', 'region_code', 'parent_code']);
    units.addRow(['D-001', '区城市管理局', '部门', '500999000000', 'CC-01']); // 1: fine
    units.addRow(['X-001', '神秘机构', '秘密部门', '500999000000', null]); // 2: unknown kind
    units.addRow(['T-9', '错位中心', '便民服务中心', '500999001001', null]); // 3: a town centre in a village
    units.addRow(['LP-1', '某联系点', '联系点', '500999001001', 'NOPE']); // 4: unknown parent
    units.addRow(['D-001', '重复', '部门', '500999000000', null]); // 5: duplicate code
    const users = workbook.addWorksheet('users');
    users.addRow(['username', 'display_name', 'role', 'unit_code', 'password']);
    users.addRow(['cg01', '城管经办人', '部门经办人', 'D-001', 'long-enough-1']); // 1: fine
    users.addRow(['Bad Name', '坏用户名', '网格员', null, null]); // 2: malformed username
    users.addRow(['boss', '老板', '老板', null, null]); // 3: unknown role
    users.addRow(['short', '短密码', '值班员', 'CC-01', '123']); // 4: weak password
    users.addRow(['cg01', '重复', '部门经办人', 'D-001', null]); // 5: duplicate username
    users.addRow(['ghost', '无单位', '部门经办人', 'D-404', null]); // 6: unknown unit
    const session = await admin.open('units');
    const uploaded = await admin.upload(
      session.id,
      'organisation.xlsx',
      new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer),
    );
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    expect(uploaded.body.files.map((file: Json) => file.suggested.table)).toEqual(['units', 'users']);
    const { body: report } = await admin.check(session.id);
    const rows = (report.problems as Json[]).map((problem) => [problem.file.split(' · ')[1], problem.position, problem.check]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['units', 2, 'unknown_value'],
        ['units', 3, 'unknown_reference'],
        ['units', 4, 'unknown_reference'],
        ['units', 5, 'duplicate_code'],
        ['users', 2, 'malformed_code'],
        ['users', 3, 'unknown_value'],
        ['users', 4, 'weak_password'],
        ['users', 5, 'duplicate_code'],
        ['users', 6, 'unknown_reference'],
      ]),
    );
    expect(report.errors).toBe(9);
    expect((await admin.commit(session.id)).status).toBe(422);
    expect(await database.db.query(sql`select 1 from unit where code = 'D-001'`)).toEqual([]);
    expect(await database.db.query(sql`select 1 from app_user where username = 'cg01'`)).toEqual([]);
  });
});
