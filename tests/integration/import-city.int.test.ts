/**
 * A jurisdiction of another shape than 万州 — a generated city district of
 * 100 neighbourhoods in four streets, with 200 grids — imported on an empty
 * deployment together with its units and users (an Excel workbook) and a
 * household register (CSV). Then cases are filed through the API, one in
 * every neighbourhood, and each lands in its polygon and goes to its unit.
 *
 * Points on shared edges follow the tie rule of case placement
 * (api/src/cases/placement.ts): a point on an edge or corner shared by
 * several villages (or grids) belongs to the one with the lowest code, and
 * is flagged near the boundary.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ImportClient, type Json } from '../fixtures/import/import-client.ts';
import { cityGeoJson, generateCity, householdRegister, type Position } from '../../db/src/import/generated-city.ts';
import { replaceSetupCode } from '../../api/src/import/import-access.ts';

let database: TestDatabase;
let app: App;
const clock = new ManualClock(new Date('2026-11-24T10:00:00+08:00'));
const fetcher = (path: string, init: RequestInit) => Promise.resolve(app.request(path, init));
const city = generateCity({ rows: 10, columns: 10, block: 5 });
const encode = (text: string) => new TextEncoder().encode(text);

async function signIn(username: string, password: string): Promise<string> {
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status, `sign in as ${username}: ${await response.clone().text()}`).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function importAll(client: ImportClient, kind: string, files: [string, Uint8Array][], settings: Json = {}): Promise<Json> {
  const session = await client.open(kind);
  for (const [name, bytes] of files) {
    const uploaded = await client.upload(session.id, name, bytes);
    expect(uploaded.status, `${name}: ${JSON.stringify(uploaded.body)}`).toBe(200);
  }
  const report = await client.check(session.id, settings);
  expect(report.body.errors, `${kind}: ${JSON.stringify(report.body.problems?.slice(0, 5))}`).toBe(0);
  const committed = await client.commit(session.id);
  expect(committed.status, JSON.stringify(committed.body)).toBe(200);
  return committed.body;
}

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
});

afterAll(async () => {
  await database?.drop();
});

describe('a generated city of 100 neighbourhoods', () => {
  let dispatcherCookie: string;

  test('imports its boundaries, grids, units and users, and households', async () => {
    const setup = new ImportClient(fetcher, { setupCode: await replaceSetupCode(database.db) });
    const session = await setup.open('jurisdiction', { username: 'admin', password: 'city-admin-2026' });
    const all = [city.district, ...city.towns, ...city.villages];
    expect((await setup.upload(session.id, 'city.geojson', encode(cityGeoJson(all)))).status).toBe(200);
    // The parent column is named PARENT: mapped by the user.
    const report = await setup.check(session.id, { files: { '1': { fields: { parentCode: 'PARENT' } } } });
    expect(report.body).toMatchObject({ errors: 0, warnings: 0 });
    expect(report.body.changes).toMatchObject({ district: { added: 1 }, town: { added: 4 }, village: { added: 100 } });
    expect((await setup.commit(session.id)).status).toBe(200);

    const admin = new ImportClient(fetcher, { cookie: await signIn('admin', 'city-admin-2026') });
    const grids = await importAll(admin, 'grids', [['grids.geojson', encode(cityGeoJson(city.grids))]]);
    expect(grids.report.changes.grid).toMatchObject({ added: 200, retired: 0 });

    const workbook = new ExcelJS.Workbook();
    const units = workbook.addWorksheet('单位');
    units.addRow(['单位编码', '单位名称', '类型', '区划代码', '上级单位编码', '分管领导单位编码', '联系电话']);
    units.addRow(['L4-01', '副区长（分管城乡建设）', '分管领导', city.district.code, null, null, null]);
    units.addRow(['D-001', '区市政设施管理处', '部门', city.district.code, 'CC-01', 'L4-01', '020-12345678']);
    units.addRow([
      `LP-${city.villages[0]!.code}-1`,
      `${city.villages[0]!.name}第1联系点`,
      '联系点',
      city.villages[0]!.code,
      `V-${city.villages[0]!.code}`,
      null,
      null,
    ]);
    const users = workbook.addWorksheet('用户');
    users.addRow(['用户名', '姓名', '角色', '单位编码', '密码']);
    users.addRow(['duty', '值班员甲', '值班员', 'CC-01', 'duty-pass-2026']);
    users.addRow(['shizheng', '市政经办人', '部门经办人', 'D-001', null]);
    const unitImport = await importAll(admin, 'units', [
      ['organisation.xlsx', new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer)],
    ]);
    expect(unitImport.report.changes).toMatchObject({ unit: { added: 3 }, user: { added: 2 } });
    // The generated password is shown once, and works.
    expect(unitImport.generatedPasswords).toEqual([
      { username: 'shizheng', password: expect.stringMatching(/^[A-Za-z0-9]{12}$/) },
    ]);
    await signIn('shizheng', unitImport.generatedPasswords[0].password);
    dispatcherCookie = await signIn('duty', 'duty-pass-2026');

    const register = [...householdRegister(city, 2_000, 10)].join('\n');
    const households = await importAll(admin, 'buildings', [['household-register.csv', encode(register)]]);
    expect(households.report.changes.building).toMatchObject({ added: 200 });
    const [totals] = await database.db.query<{ households: number; buildings: number }>(sql`
      select (select sum(households) from grid where valid_to is null) as households, (select count(*) from building) as buildings`);
    expect(totals).toEqual({ households: 2_000, buildings: 200 });
  });

  /** Files a case at a point as the dispatcher; answers where it was placed and who owns it. */
  async function fileCase(point: Position, categoryCode = '0401'): Promise<{ status: number; body: Json }> {
    const response = await app.request('/api/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: dispatcherCookie },
      body: JSON.stringify({
        channel: 'hotline',
        categoryCode,
        description: `下水道堵塞 ${point[0].toFixed(6)},${point[1].toFixed(6)}`,
        location: { lon: point[0], lat: point[1] },
      }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  test('a case in each neighbourhood lands in its village and grid and goes to its station', async () => {
    const { rows, columns } = city.options;
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const village = city.villageAt(row, column);
        const half = ((row + column) % 2) as 0 | 1;
        const filed = await fileCase(city.inside(row, column, half));
        expect(filed.status, JSON.stringify(filed.body)).toBe(201);
        const placed = filed.body.case;
        expect(placed.village.code, `cell ${row},${column}`).toBe(village.code);
        expect(placed.gridCode).toBe(`${village.code}00${half + 1}`);
        expect(placed.town.code).toBe(village.parentCode);
        expect(placed.owner).toMatchObject({ name: `${village.name}便民服务站`, kind: 'village_station' });
      }
    }
    // A department's category goes to the imported department of that name.
    const road = await fileCase(city.inside(3, 3, 0), '0402');
    expect(road.body.case.owner).toMatchObject({ name: '区市政设施管理处', kind: 'department' });
  });

  test('points on shared edges and corners go to the lowest code, flagged near the boundary', async () => {
    const { rows, columns, block } = city.options;
    const checks: { point: Position; villages: string[]; grids: string[]; what: string }[] = [];
    // The midpoint of the edge between two neighbourhoods, one above the other: both villages, all four grids touch it.
    for (const [row, column] of [
      [1, 1],
      [5, 2], // between two streets (rows 0–4 and 5–9)
      [7, 8],
    ] as const) {
      const below = city.villageAt(row - 1, column);
      const above = city.villageAt(row, column);
      checks.push({
        what: `edge between ${below.name} and ${above.name}`,
        point: city.edgeMidpoint(row, column),
        villages: [below.code, above.code],
        grids: [`${below.code}001`, `${below.code}002`, `${above.code}001`, `${above.code}002`],
      });
    }
    // A corner shared by four neighbourhoods of four streets: the centre of the city.
    const [middleRow, middleColumn] = [block, block];
    const around = [
      city.villageAt(middleRow - 1, middleColumn - 1),
      city.villageAt(middleRow - 1, middleColumn),
      city.villageAt(middleRow, middleColumn - 1),
      city.villageAt(middleRow, middleColumn),
    ];
    checks.push({
      what: 'corner of four streets',
      point: city.corner(middleRow, middleColumn),
      villages: around.map((village) => village.code),
      grids: [`${around[0]!.code}002`, `${around[1]!.code}001`, `${around[2]!.code}002`, `${around[3]!.code}001`],
    });
    expect(new Set(around.map((village) => village.parentCode)).size).toBe(4);
    for (const check of checks) {
      const filed = await fileCase(check.point);
      expect(filed.status, `${check.what}: ${JSON.stringify(filed.body)}`).toBe(201);
      const lowestVillage = [...check.villages].sort()[0]!;
      expect(filed.body.case.village.code, check.what).toBe(lowestVillage);
      expect(filed.body.case.gridCode, check.what).toBe([...check.grids].sort()[0]);
      expect(filed.body.case.town.code, check.what).toBe(
        city.villages.find((village) => village.code === lowestVillage)!.parentCode,
      );
      expect(filed.body.case.nearBoundary, check.what).toBe(true);
    }
    // Outside the city: refused, nothing filed.
    const west = city.corner(Math.floor(rows / 2), 0);
    const outside = await fileCase([west[0] - 0.01, west[1]]);
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe('outside_district');
    void columns;
  });
});
