/**
 * Bring your own district, on a real PostGIS that starts empty (DEMO=off):
 * the setup code opens the import of a hand-made county (示例县, not 万州),
 * its first administrator comes with it; files that cannot be read are
 * refused whole with the reason; the report names every problem by file,
 * feature and place before anything is written; a newer version of the
 * boundaries — here a projected shapefile with a GBK .dbf — adds versions
 * and keeps the old ones.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, ManualClock, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ImportClient, type Json } from '../fixtures/import/import-client.ts';
import { CGCS2000_GK_CM_108E_PRJ, shapefileZip } from '../fixtures/import/shapefile-writer.ts';
import {
  BOW_TIE,
  DISTRICT_CODE,
  gaussKruger108,
  geoJson,
  rectangle,
  shapefileFeatures,
  SMALL_DISTRICT,
  type FixtureRegion,
} from '../fixtures/import/small-district.ts';
import { replaceSetupCode } from '../../api/src/import/import-access.ts';

let database: TestDatabase;
let app: App;
const clock = new ManualClock(new Date('2026-11-23T09:00:00+08:00'));
const fetcher = (path: string, init: RequestInit) => Promise.resolve(app.request(path, init));

async function signIn(username: string, password: string): Promise<string> {
  const response = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status, `sign in as ${username}`).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const regionRows = () =>
  database.db.query<{
    code: string;
    name: string;
    level: string;
    kind: string;
    parent_code: string | null;
    geometry_source: string;
  }>(sql`select code, name, level, kind, parent_code, geometry_source from region order by code`);
const versionCount = async () =>
  (await database.db.query<{ count: number }>(sql`select count(*) as count from region_version`))[0]!.count;
const stagedCount = async (sessionId: number) =>
  (
    await database.db.query<{ count: number }>(sql`select count(*) as count from import_record where session_id = ${sessionId}`)
  )[0]!.count;

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

describe('a new deployment imports its own district', () => {
  let administratorCookie: string;

  test('the setup code opens the wizard; the first jurisdiction brings the first administrator', async () => {
    const status = await app.request('/api/import/status');
    expect(await status.json()).toEqual({ jurisdiction: false, users: false, setupOpen: true });
    // The web app learns from /api/config that there is no jurisdiction yet (and only then asks the status).
    expect(((await (await app.request('/api/config')).json()) as Json).jurisdiction).toBeNull();

    const anonymous = new ImportClient(fetcher, {});
    expect((await anonymous.call('POST', '/api/import/sessions', { kind: 'jurisdiction' })).status).toBe(401);
    const wrong = new ImportClient(fetcher, { setupCode: 'AAAA-BBBB-CCCC' });
    const refused = await wrong.call('POST', '/api/import/sessions', { kind: 'jurisdiction' });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('setup_code_wrong');

    const client = new ImportClient(fetcher, { setupCode: await replaceSetupCode(database.db) });
    const unitsFirst = await client.call('POST', '/api/import/sessions', { kind: 'units' });
    expect(unitsFirst.status).toBe(409);
    expect(unitsFirst.body.error.message).toMatch(/jurisdiction first|boundaries first/);
    const noAdministrator = await client.call('POST', '/api/import/sessions', { kind: 'jurisdiction' });
    expect(noAdministrator.status).toBe(400);

    const session = await client.open('jurisdiction', {
      username: 'chief',
      displayName: '县管理员',
      password: 'county-secret-1',
    });
    expect(session.setup).toBe(true);
    const uploaded = await client.upload(session.id, 'boundaries.geojson', geoJson(SMALL_DISTRICT));
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    const [file] = uploaded.body.files;
    expect(file.records).toBe(7);
    expect(file.summary.sourceSystem).toMatch(/WGS 84/);
    expect(file.suggested.fields).toMatchObject({ code: 'CODE', name: 'NAME', level: 'LEVEL' });

    const report = await client.check(session.id);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ errors: 0, warnings: 0, canCommit: true });
    expect(report.body.changes.village).toMatchObject({ added: 4, changed: 0 });
    // Nothing is written by a check.
    expect(await regionRows()).toEqual([]);

    const preview = await client.preview(session.id);
    expect(preview.body.features).toHaveLength(7);
    expect(preview.body.bbox).toEqual([107, 29, 107.2, 29.2]);

    const committed = await client.commit(session.id);
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    expect(committed.body.session.status).toBe('committed');
    const regions = await regionRows();
    expect(regions.map((region) => [region.code, region.level, region.kind, region.parent_code])).toEqual([
      ['500999000000', 'district', 'district', null],
      ['500999001000', 'town', 'town', '500999000000'],
      ['500999001001', 'village', 'village', '500999001000'],
      ['500999001002', 'village', 'village', '500999001000'],
      ['500999002000', 'town', 'street', '500999000000'],
      ['500999002001', 'village', 'community', '500999002000'],
      ['500999002002', 'village', 'community', '500999002000'],
    ]);
    expect(new Set(regions.map((region) => region.geometry_source))).toEqual(new Set(['imported']));
    // A command center, two town centres and four stations route cases from the start.
    const units = await database.db.query<{ code: string; kind: string }>(sql`select code, kind from unit order by code`);
    expect(units.map((unit) => unit.code)).toEqual([
      'CC-01',
      'T-500999001000',
      'T-500999002000',
      'V-500999001001',
      'V-500999001002',
      'V-500999002001',
      'V-500999002002',
    ]);

    // The header names the imported district, not 万州.
    const config = (await (await app.request('/api/config')).json()) as Json;
    expect(config.jurisdiction).toMatchObject({ code: DISTRICT_CODE, name: '示例县' });
    expect(config.jurisdiction.fullName).toContain('示例县');

    // The setup is spent: the code no longer opens anything; the administrator signs in.
    expect((await (await app.request('/api/import/status')).json()) as Json).toMatchObject({
      jurisdiction: true,
      setupOpen: false,
    });
    const again = await client.call('POST', '/api/import/sessions', { kind: 'jurisdiction' });
    expect(again.body.error.code).toBe('setup_closed');
    administratorCookie = await signIn('chief', 'county-secret-1');
    const history = await new ImportClient(fetcher, { cookie: administratorCookie }).call(
      'GET',
      `/api/import/regions/${DISTRICT_CODE}/history`,
    );
    expect(history.body.versions).toEqual([
      expect.objectContaining({ version: 1, name: '示例县', validTo: null, importSessionId: session.id }),
    ]);
  });

  test('files that cannot be read are refused whole, naming the reason; nothing stays staged', async () => {
    const client = new ImportClient(fetcher, { cookie: administratorCookie });
    const session = await client.open('jurisdiction');
    const versionsBefore = await versionCount();
    const polygon = { type: 'Polygon', coordinates: [rectangle(107.0, 29.0, 107.1, 29.1)] };
    const featureCollection = (features: Json[], extra: Json = {}) =>
      new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', ...extra, features }));
    const feature = (geometry: Json | null, properties: Json = { CODE: '500999001001', NAME: '石桥村' }) => ({
      type: 'Feature',
      properties,
      geometry,
    });
    const villages = shapefileFeatures(SMALL_DISTRICT.filter((region) => region.level === 'village'));
    const cases: [string, string, Uint8Array, Record<string, string>, string, RegExp][] = [
      [
        'mixed geometry types',
        'mixed.geojson',
        featureCollection([feature(polygon), feature({ type: 'Point', coordinates: [107.05, 29.05] })]),
        {},
        'mixed_geometry_types',
        /mixes kinds of geometry: 1 Polygon \(first: feature 1\), 1 Point \(first: feature 2\)/,
      ],
      [
        '3D coordinates',
        'heights.geojson',
        featureCollection([
          feature({ type: 'Polygon', coordinates: [rectangle(107, 29, 107.1, 29.1).map(([x, y]) => [x, y, 250])] }),
        ]),
        {},
        'three_dimensional',
        /feature 1 has 3D coordinates/,
      ],
      [
        'a PolygonZ shapefile',
        'heights.zip',
        shapefileZip({ villages: { features: villages, options: { height: 250 } } }),
        {},
        'three_dimensional',
        /villages\.shp is a PolygonZ shapefile/,
      ],
      [
        'not JSON',
        'broken.geojson',
        new TextEncoder().encode('{"type":"FeatureCollection","features":[{"type":'),
        {},
        'not_json',
        /not valid JSON/,
      ],
      [
        'a projection the server cannot read (GeoJSON crs)',
        'xian80.geojson',
        featureCollection([feature(polygon)], { crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2383' } } }),
        {},
        'unknown_projection',
        /EPSG:2383 is not one this server can transform/,
      ],
      [
        'an unreadable .prj',
        'junk-prj.zip',
        shapefileZip({ villages: { features: villages, options: { prj: 'LOCAL_CS["unknown"]' } } }),
        {},
        'unknown_projection',
        /villages\.prj/,
      ],
      [
        'a shapefile without .prj',
        'no-prj.zip',
        shapefileZip({ villages: { features: villages, options: { prj: null } } }),
        {},
        'missing_projection',
        /villages\.prj is missing/,
      ],
      [
        'a GBK .dbf without .cpg, read as UTF-8',
        'gbk.zip',
        shapefileZip({ villages: { features: villages, options: { encoding: 'gbk' } } }),
        {},
        'wrong_encoding',
        /not valid UTF-8 text .*choose GBK/,
      ],
      [
        'projected coordinates a GeoJSON does not name',
        'projected.geojson',
        featureCollection([feature({ type: 'Polygon', coordinates: [rectangle(107, 29, 107.1, 29.1).map(gaussKruger108)] })]),
        {},
        'coordinates_not_degrees',
        /not longitude\/latitude degrees/,
      ],
      [
        'points for boundaries',
        'points.geojson',
        featureCollection([feature({ type: 'Point', coordinates: [107.05, 29.05] })]),
        {},
        'mixed_geometry_types',
        /boundaries are polygons/,
      ],
      ['a zip that is not one', 'fake.zip', new TextEncoder().encode('not a zip'), {}, 'not_zip', /not a zip/],
      ['an Excel 97 workbook', 'old.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]), {}, 'unknown_format', /save it as \.xlsx/],
      ['a GeoPackage', 'county.gpkg', new Uint8Array([0x53, 0x51, 0x4c]), {}, 'unsupported', /GeoPackage/],
    ];
    for (const [what, name, bytes, options, code, message] of cases) {
      const response = await client.upload(session.id, name, bytes, options);
      expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBe(422);
      expect(response.body.error.code, what).toBe(code);
      expect(response.body.error.message, what).toMatch(message);
      expect(await stagedCount(session.id), `${what}: nothing staged`).toBe(0);
    }
    const after = await client.call('GET', `/api/import/sessions/${session.id}`);
    expect(after.body.files).toEqual([]);
    expect(await versionCount()).toBe(versionsBefore);

    // The same GBK file read with the user's choice of encoding: the Chinese names come out right.
    const chosen = await client.upload(
      session.id,
      'gbk.zip',
      shapefileZip({ villages: { features: villages, options: { encoding: 'gbk' } } }),
      {
        encoding: 'gbk',
      },
    );
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    expect(chosen.body.files[0].summary.fields.find((field: Json) => field.name === '名称').samples).toContain('石桥村');
    expect((await client.call('DELETE', `/api/import/sessions/${session.id}`)).status).toBe(200);
    expect(await stagedCount(session.id)).toBe(0);
  });

  test('the report names each problem by file, feature and place; nothing is written until it is clean', async () => {
    const client = new ImportClient(fetcher, { cookie: administratorCookie });
    const session = await client.open('jurisdiction');
    const byCode = new Map(SMALL_DISTRICT.map((region) => [region.code, region]));
    const broken: (FixtureRegion & { geometry?: null; nameless?: true })[] = [
      { ...byCode.get('500999001001')!, rings: [BOW_TIE] }, // 1: invalid
      byCode.get('500999001002')!, // 2
      { ...byCode.get('500999002001')!, rings: [rectangle(107.1, 29.0, 107.25, 29.1)] }, // 3: outside its town and the district
      { ...byCode.get('500999002002')!, rings: [rectangle(107.1, 29.08, 107.2, 29.2)] }, // 4: overlaps 滨河社区
      byCode.get('500999001002')!, // 5: duplicate of 2
      { code: '50099900100X', name: '错码村', level: 'village', rings: [rectangle(107.0, 29.0, 107.01, 29.01)] }, // 6: malformed
      { code: '500999003001', name: '新村', level: 'village', rings: [rectangle(107.19, 29.19, 107.2, 29.2)] }, // 7: orphan
      { code: '500999002003', name: '', level: 'village', rings: [rectangle(107.15, 29.15, 107.16, 29.16)] }, // 8: no name
      { code: '500999002004', name: '空村', level: 'village', rings: [], geometry: null }, // 9: no geometry
    ];
    const bytes = new TextEncoder().encode(
      JSON.stringify({
        type: 'FeatureCollection',
        features: broken.map((region) => ({
          type: 'Feature',
          properties: { CODE: region.code, NAME: region.name },
          geometry: region.geometry === null ? null : { type: 'Polygon', coordinates: region.rings },
        })),
      }),
    );
    expect((await client.upload(session.id, 'villages-2026.geojson', bytes)).status).toBe(200);
    const { body: report } = await client.check(session.id);
    expect(report.canCommit).toBe(false);
    const find = (check: string, code: string | null) =>
      report.problems.find((problem: Json) => problem.check === check && (code === null || problem.code === code));
    const expectProblem = (check: string, code: string | null, position: number | null, severity = 'error') => {
      const problem = find(check, code);
      expect(problem, `${check} of ${code}: ${JSON.stringify(report.problems, null, 1)}`).toBeDefined();
      expect(problem.severity).toBe(severity);
      if (position !== null) expect(problem).toMatchObject({ file: 'villages-2026.geojson', position });
      return problem;
    };
    const invalid = expectProblem('invalid_geometry', '500999001001', 1);
    expect(invalid.message).toMatch(/Self-intersection/);
    expect(invalid.location[0]).toBeCloseTo(107.05, 6);
    expect(invalid.location[1]).toBeCloseTo(29.05, 6);
    const outside = expectProblem('outside_parent', '500999002001', 3);
    expect(outside.message).toMatch(/outside 新华街道 \(500999002000\)/);
    expect(outside.location[0]).toBeGreaterThan(107.2);
    expect(outside.areaSquareMetres).toBeGreaterThan(40_000_000);
    const overlap = expectProblem('overlap', '500999002001', 3);
    expect(overlap.message).toMatch(/overlaps village 新华社区 \(500999002002\)/);
    expect(overlap.location[1]).toBeGreaterThan(29.08);
    expect(overlap.location[1]).toBeLessThan(29.1);
    expect(expectProblem('duplicate_code', '500999001002', 5).message).toMatch(/feature 2 and .* feature 5/);
    expect(expectProblem('malformed_code', '50099900100X', 6).message).toMatch(/not a division code/);
    expect(expectProblem('orphan', '500999003001', 7).message).toMatch(
      /town 500999003000, which is neither in the files nor in place/,
    );
    expect(expectProblem('empty_attribute', '500999002003', 8).message).toMatch(/has no name/);
    expect(expectProblem('empty_geometry', '500999002004', 9).message).toMatch(/空村 .* has no geometry/);
    // Without 石桥村 (invalid), part of 东风镇 lies in no village: a warning, with where.
    const gap = expectProblem('gap', '500999001000', null, 'warning');
    expect(gap.location[1]).toBeLessThan(29.1);
    // The district and towns are not in this file: they stay as they are.
    expect(report.changes.district).toMatchObject({ kept: 1 });

    const versionsBefore = await versionCount();
    const refused = await client.commit(session.id);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('checks_failed');
    expect(refused.body.error.message).toMatch(/nothing was written: the checks found \d+ errors/);
    expect(await versionCount()).toBe(versionsBefore);
    expect((await regionRows()).find((region) => region.code === '500999002001')).toBeDefined();

    // Repairs only when accepted: the bow-tie becomes two triangles, shown in the preview first.
    const previewBefore = await client.preview(session.id);
    const bowTieBefore = previewBefore.body.features.find((item: Json) => item.properties.position === 1);
    expect(bowTieBefore.properties.invalid).toBe(true);
    const repaired = await client.check(session.id, { acceptRepairs: true });
    const repair = repaired.body.problems.find(
      (problem: Json) => problem.code === '500999001001' && problem.check === 'invalid_geometry',
    );
    expect(repair.severity).toBe('repaired');
    expect(repair.areaSquareMetres).toBeGreaterThan(0);
    const previewAfter = await client.preview(session.id);
    expect(previewAfter.body.features.find((item: Json) => item.properties.position === 1).geometry.type).toMatch(/Polygon/);
    expect(repaired.body.canCommit).toBe(false);
    await client.call('DELETE', `/api/import/sessions/${session.id}`);
  });

  test('a newer version from a projected shapefile with a GBK .dbf: new versions, the old ones kept', async () => {
    const client = new ImportClient(fetcher, { cookie: administratorCookie });
    const session = await client.open('jurisdiction');
    // The surveyors moved the line between 石桥村 and 河坝村 north to 29.12, and renamed 河坝村.
    const newer = SMALL_DISTRICT.map((region) =>
      region.code === '500999001001'
        ? { ...region, rings: [rectangle(107.0, 29.0, 107.1, 29.12)] }
        : region.code === '500999001002'
          ? { ...region, name: '河坝社区', rings: [rectangle(107.0, 29.12, 107.1, 29.2)] }
          : region,
    );
    const level = (wanted: string) => newer.filter((region) => region.level === wanted);
    const options = { prj: CGCS2000_GK_CM_108E_PRJ, encoding: 'gbk' as const, cpg: '936' };
    const zip = shapefileZip({
      county: { features: shapefileFeatures(level('district'), gaussKruger108), options },
      towns: { features: shapefileFeatures(level('town'), gaussKruger108), options },
      villages: { features: shapefileFeatures(level('village'), gaussKruger108), options },
    });
    const uploaded = await client.upload(session.id, '2027-boundaries.zip', zip);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    const files = uploaded.body.files as Json[];
    expect(files.map((file) => [file.name, file.suggested.level])).toEqual([
      ['2027-boundaries.zip · county.shp', 'district'],
      ['2027-boundaries.zip · towns.shp', 'town'],
      ['2027-boundaries.zip · villages.shp', 'village'],
    ]);
    expect(files[0]!.summary.sourceSystem).toBe('CGCS2000_3_Degree_GK_CM_108E');
    expect(files[0]!.summary.encoding).toMatch(/gbk .*\.cpg/);
    expect(files[2]!.suggested.fields).toMatchObject({ code: '区划代码', name: '名称' });

    const report = await client.check(session.id);
    expect(report.body.errors, JSON.stringify(report.body.problems)).toBe(0);
    expect(report.body.changes.village.changed).toBeGreaterThanOrEqual(2);
    const committed = await client.commit(session.id);
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);

    const [moved] = await database.db.query<{ name: string; north: number; within_metre: boolean }>(sql`
      select name, ST_YMax(boundary) as north,
             ST_HausdorffDistance(ST_Transform(boundary, 4545), ST_Transform(ST_MakeEnvelope(107.0, 29.12, 107.1, 29.2, 4326), 4545)) < 0.01 as within_metre
      from region where code = '500999001002'`);
    expect(moved).toEqual({ name: '河坝社区', north: expect.closeTo(29.2, 6), within_metre: true });
    const history = await client.call('GET', '/api/import/regions/500999001002/history');
    expect(history.body.versions).toHaveLength(2);
    expect(history.body.versions[0]).toMatchObject({ version: 1, name: '河坝村', validTo: expect.any(String) });
    expect(history.body.versions[1]).toMatchObject({ version: 2, name: '河坝社区', validTo: null, importSessionId: session.id });
    expect(history.body.versions[1].areaSquareMetres).toBeLessThan(history.body.versions[0].areaSquareMetres);
  });
});
