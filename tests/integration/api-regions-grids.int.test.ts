/**
 * Regions and grids over HTTP (app.request, no port) on a real PostGIS holding
 * a small hand-made district, so every count and band can be checked exactly;
 * and every malformed request answered with a 4xx that says what is wrong.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, createLogger, loadConfig, Readiness, type App } from '@minqing/api';
import { sql } from '@minqing/db';
import {
  DISTRICT,
  FIXTURE_GRIDS,
  FIXTURE_TOTALS,
  insertFixtureDistrict,
  TOWN_EAST,
  TOWN_WEST,
  VILLAGE_EAST,
  VILLAGE_MIDDLE,
  VILLAGE_WEST,
} from '../../api/test/fixture-district.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let app: App;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of every shape; the assertions check them
type Json = any;

interface GridFeatureBody {
  properties: { code: string; name: string; band: string };
}

async function get(path: string): Promise<{ status: number; body: Json }> {
  const response = await app.request(path);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  database = await createTestDatabase({ template: 'empty' });
  await insertFixtureDistrict(database.db);
  const state = new Readiness();
  state.markReady({ migrations: 9, demo: null });
  app = createApp({ db: database.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }) });
});
afterAll(() => database?.drop());

describe('GET /api/regions', () => {
  test('lists the whole tree ordered by code, with grid totals rolled up and no geometry', async () => {
    const { status, body } = await get('/api/regions');
    expect(status).toBe(200);
    expect(body.map((region: { code: string }) => region.code)).toEqual([
      DISTRICT,
      TOWN_WEST,
      VILLAGE_WEST,
      VILLAGE_MIDDLE,
      TOWN_EAST,
      VILLAGE_EAST,
    ]);
    for (const region of body) {
      const totals = FIXTURE_TOTALS[region.code as keyof typeof FIXTURE_TOTALS];
      expect(region, region.code).toMatchObject({
        households: totals.households,
        population: totals.population,
        gridCount: totals.grids,
      });
      expect(region).not.toHaveProperty('boundary');
    }
  });

  test('towns of the district, with names, kind, parent, bbox, label point and the synthetic source', async () => {
    const { status, body } = await get(`/api/regions?level=town&parent=${DISTRICT}`);
    expect(status).toBe(200);
    expect(body).toHaveLength(2);
    expect(body[0]).toEqual({
      code: TOWN_WEST,
      name: '高笋塘街道',
      fullName: '高笋塘街道办事处',
      level: 'town',
      kind: 'street',
      parentCode: DISTRICT,
      households: 1190,
      population: 3400,
      gridCount: 3,
      bbox: [108, 30.6, 108.3, 31],
      labelPoint: expect.any(Array),
      geometrySource: 'synthetic',
    });
    const [lon, lat] = body[0].labelPoint;
    expect(lon).toBeGreaterThan(108);
    expect(lon).toBeLessThan(108.3);
    expect(lat).toBeGreaterThan(30.6);
    expect(lat).toBeLessThan(31);
  });

  test('villages of one town', async () => {
    const { body } = await get(`/api/regions?parent=${TOWN_WEST}`);
    expect(body.map((region: { name: string }) => region.name)).toEqual(['东方广场社区', '白岩社区']);
  });

  test('an existing region without children gives an empty list; an unknown parent a 404', async () => {
    expect(await get(`/api/regions?parent=${VILLAGE_WEST}`)).toEqual({ status: 200, body: [] });
    const unknown = await get('/api/regions?parent=500101099000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: 'region_not_found', message: 'no region with code 500101099000' });
  });

  test.each([
    ['/api/regions?level=county', 'query parameter level: must be one of district, town, village'],
    ['/api/regions?parent=5001', 'query parameter parent: must be a 12-digit region code'],
    ['/api/regions?parent=50010100100x', 'query parameter parent: must be a 12-digit region code'],
  ])('%s → 400 naming the parameter', async (path, message) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain(message);
  });
});

describe('GET /api/regions/{code}', () => {
  test('one town with its counts, parent, centroid, area and children', async () => {
    const { status, body } = await get(`/api/regions/${TOWN_EAST}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      code: TOWN_EAST,
      name: '太白街道',
      level: 'town',
      households: 1099,
      gridCount: 3,
      parent: { code: DISTRICT, name: '万州区' },
      centroid: [108.45, 30.8],
      childLevel: 'village',
      childrenCount: 1,
      bbox: [108.3, 30.6, 108.6, 31],
      geometrySource: 'synthetic',
    });
    // 0.3° × 0.4° at 30.8°N: about 28.7 km × 44.4 km.
    expect(body.areaKm2).toBeGreaterThan(1200);
    expect(body.areaKm2).toBeLessThan(1350);
    expect(body).not.toHaveProperty('boundary');
  });

  test('a village counts its current grids as children; the district has no parent', async () => {
    expect((await get(`/api/regions/${VILLAGE_EAST}`)).body).toMatchObject({ childLevel: 'grid', childrenCount: 3 });
    expect((await get(`/api/regions/${DISTRICT}`)).body).toMatchObject({
      parent: null,
      childLevel: 'town',
      childrenCount: 2,
      households: 2289,
    });
  });

  test('?geometry=true adds the boundary as a GeoJSON MultiPolygon', async () => {
    const { body } = await get(`/api/regions/${VILLAGE_WEST}?geometry=true`);
    expect(body.boundary.type).toBe('MultiPolygon');
    const ring: number[][] = body.boundary.coordinates[0][0];
    expect(ring).toContainEqual([108, 30.6]);
    expect(ring).toContainEqual([108.15, 31]);
  });

  test('a malformed code is a 400, an unknown one a 404, a bad switch a 400', async () => {
    const malformed = await get('/api/regions/12345');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('path parameter code: must be a 12-digit region code');
    const unknown = await get('/api/regions/500101001099');
    expect(unknown).toEqual({
      status: 404,
      body: { error: { code: 'region_not_found', message: 'no region with code 500101001099' } },
    });
    const badSwitch = await get(`/api/regions/${DISTRICT}?geometry=yes please`);
    expect(badSwitch.status).toBe(400);
    expect(badSwitch.body.error.message).toContain('query parameter geometry: must be true or false');
  });
});

describe('GET /api/grids?bbox=', () => {
  test('the current grids touching the box as GeoJSON, with the band of each', async () => {
    const { status, body } = await get('/api/grids?bbox=108.35,30.7,108.45,30.75');
    expect(status).toBe(200);
    expect(body.type).toBe('FeatureCollection');
    expect(body.truncated).toBe(false);
    expect(body.bandRange).toEqual({ min: 300, max: 500 });
    expect(body.features.map((feature: { properties: object }) => feature.properties)).toEqual([
      {
        code: '500101002001001',
        name: '太白岩村第1网格',
        villageCode: VILLAGE_EAST,
        households: 300,
        population: 900,
        band: 'within',
      },
      {
        code: '500101002001002',
        name: '太白岩村第2网格',
        villageCode: VILLAGE_EAST,
        households: 500,
        population: 1400,
        band: 'within',
      },
    ]);
    expect(body.features[0].geometry.type).toBe('MultiPolygon');
  });

  test('the whole district: every current grid once, none of the closed versions, bands below/within/above', async () => {
    const { body } = await get('/api/grids?bbox=107.9,30.5,108.7,31.1');
    const bands = Object.fromEntries(
      body.features.map((feature: GridFeatureBody) => [feature.properties.code, feature.properties.band]),
    );
    expect(Object.keys(bands)).toEqual(FIXTURE_GRIDS.map((grid) => grid.code));
    expect(bands).toMatchObject({
      '500101001001001': 'below',
      '500101001002002': 'above',
      '500101002001003': 'below',
      '500101001002001': 'within',
    });
    expect(body.features.find((feature: GridFeatureBody) => feature.properties.name === '太白岩村旧网格')).toBeUndefined();
  });

  test('limit cuts the list and says so', async () => {
    const { body } = await get('/api/grids?bbox=107.9,30.5,108.7,31.1&limit=4');
    expect(body.features).toHaveLength(4);
    expect(body.truncated).toBe(true);
    const exact = await get('/api/grids?bbox=107.9,30.5,108.7,31.1&limit=6');
    expect(exact.body.truncated).toBe(false);
  });

  test('a box outside the district gives an empty collection', async () => {
    const { status, body } = await get('/api/grids?bbox=100,20,101,21');
    expect(status).toBe(200);
    expect(body.features).toEqual([]);
  });

  test.each([
    ['/api/grids', 'query parameter bbox: is required'],
    ['/api/grids?bbox=108.3,30.7,108.4,30.8&bbox=108.3,30.7,108.4,30.8', 'query parameter bbox: must be given once'],
    ['/api/grids?bbox=108.3,30.7,108.4', 'bbox must be four numbers west,south,east,north; got 3 values'],
    ['/api/grids?bbox=108.3,north,108.4,30.8', 'bbox south is not a number: "north"'],
    ['/api/grids?bbox=108.4,30.7,108.3,30.8', 'bbox west (108.4) must be less than east (108.3)'],
    ['/api/grids?bbox=108.3,30.8,108.4,30.7', 'bbox south (30.8) must be less than north (30.7)'],
    ['/api/grids?bbox=190,30.7,191,30.8', 'bbox west must be a longitude from -180 to 180, got 190'],
    ['/api/grids?bbox=108,95,109,96', 'bbox south must be a latitude from -90 to 90, got 95'],
    ['/api/grids?bbox=100,20,110,30', 'bbox is too big'],
    ['/api/grids?bbox=108.3,30.7,108.4,30.8&limit=0', 'query parameter limit: must be a whole number from 1 to 5000'],
    ['/api/grids?bbox=108.3,30.7,108.4,30.8&limit=9999', 'query parameter limit: must be a whole number from 1 to 5000'],
    ['/api/grids?bbox=108.3,30.7,108.4,30.8&limit=ten', 'query parameter limit: must be a whole number from 1 to 5000'],
  ])('%s → 400: %s', async (path, message) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.message).toContain(message);
  });
});

describe('GET /api/grids/{code}', () => {
  test('one grid with its village, town, counts, buildings and band', async () => {
    const { status, body } = await get('/api/grids/500101001002001');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      code: '500101001002001',
      name: '白岩社区第1网格',
      version: 1,
      validFrom: '2025-01-01T00:00:00.000Z',
      village: { code: VILLAGE_MIDDLE, name: '白岩社区' },
      town: { code: TOWN_WEST, name: '高笋塘街道' },
      households: 420,
      population: 1200,
      buildings: 3,
      band: 'within',
      bandRange: { min: 300, max: 500 },
      flag: null,
      geometrySource: 'synthetic',
      bbox: [108.15, 30.6, 108.3, 30.8],
      centroid: [108.225, 30.7],
    });
    expect(body.areaKm2).toBeGreaterThan(300);
    expect(body.areaKm2).toBeLessThan(340);
    expect(body).not.toHaveProperty('boundary');
  });

  test('the current version of a grid that has history; a flagged small village below the band', async () => {
    expect((await get('/api/grids/500101002001001')).body).toMatchObject({ version: 2, households: 300, band: 'within' });
    expect((await get('/api/grids/500101001001001')).body).toMatchObject({ band: 'below', flag: 'small_village', buildings: 1 });
    expect((await get('/api/grids/500101001002002')).body).toMatchObject({ band: 'above', buildings: 0 });
  });

  test('the band follows the policy table', async () => {
    await database.db.query(sql`update policy set value = '{"min": 450, "max": 600}' where key = 'grid.household_band'`);
    try {
      expect((await get('/api/grids/500101001002001')).body).toMatchObject({ band: 'below', bandRange: { min: 450, max: 600 } });
      expect((await get('/api/grids/500101001002002')).body).toMatchObject({ band: 'within' });
    } finally {
      await database.db.query(sql`update policy set value = '{"min": 300, "max": 500}' where key = 'grid.household_band'`);
    }
  });

  test('?geometry=true adds the boundary', async () => {
    const { body } = await get('/api/grids/500101002001003?geometry=true');
    expect(body.boundary.type).toBe('MultiPolygon');
  });

  test('a malformed code is a 400, an unknown grid a 404', async () => {
    const malformed = await get('/api/grids/50010100100200');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('path parameter code: must be a 15-digit grid code');
    expect(await get('/api/grids/500101001002009')).toEqual({
      status: 404,
      body: { error: { code: 'grid_not_found', message: 'no current grid with code 500101001002009' } },
    });
  });
});

describe('on the full demo district', () => {
  let demo: TestDatabase;
  let demoApp: App;

  beforeAll(async () => {
    demo = await createTestDatabase({ template: 'demo' });
    const state = new Readiness();
    state.markReady({ migrations: 9, demo: null });
    demoApp = createApp({ db: demo.db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }) });
  });
  afterAll(() => demo?.drop());

  test('52 towns and 610 villages whose totals add up to the district, all marked synthetic', async () => {
    const towns = await (await demoApp.request('/api/regions?level=town')).json();
    const villages = await (await demoApp.request('/api/regions?level=village')).json();
    const district = await (await demoApp.request('/api/regions/500101000000')).json();
    expect(towns).toHaveLength(52);
    expect(villages).toHaveLength(610);
    const sum = (regions: { households: number }[]) => regions.reduce((total, region) => total + region.households, 0);
    expect(sum(towns)).toBe(district.households);
    expect(sum(villages)).toBe(district.households);
    expect(district.households).toBeGreaterThan(500_000);
    expect(new Set([...towns, ...villages].map((region: { geometrySource: string }) => region.geometrySource))).toEqual(
      new Set(['synthetic']),
    );
  });

  test('the grids of the urban core by bbox, each one found again by its code with the same counts and band', async () => {
    const core = await (await demoApp.request('/api/regions/500101001000')).json();
    const collection = await (await demoApp.request(`/api/grids?bbox=${core.bbox.join(',')}&limit=5000`)).json();
    expect(collection.truncated).toBe(false);
    expect(collection.features.length).toBeGreaterThanOrEqual(core.gridCount);
    for (const feature of collection.features.slice(0, 10)) {
      const grid = await (await demoApp.request(`/api/grids/${feature.properties.code}`)).json();
      expect(grid).toMatchObject({
        code: feature.properties.code,
        households: feature.properties.households,
        band: feature.properties.band,
        village: { code: feature.properties.villageCode },
      });
    }
  });
});
