/**
 * Vector tiles over HTTP on a real PostGIS: decoded with @mapbox/vector-tile
 * as a map would, checked against the hand-made district; the HTTP contract
 * (204, 404, 400, ETag → 304, cache) and fresh tiles after a change; and the
 * two encoders (ST_AsMVT, and SQL + JavaScript for PGlite) giving the same
 * features for the same tiles — on the fixture and on the full demo district.
 */
import { VectorTile, type VectorTileLayer } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createApp,
  createLogger,
  loadConfig,
  Readiness,
  TILE_ENCODERS,
  TILE_LAYER_DEFINITIONS,
  tileFrame,
  type App,
  type TileLayerDefinition,
} from '@minqing/api';
import { sql, type Database } from '@minqing/db';
import { tileOf, type TileCoordinate } from '@minqing/shared';
import { FIXTURE_GRIDS, insertFixtureDistrict, TOWN_EAST, VILLAGE_EAST } from '../../api/test/fixture-district.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

function buildApp(db: Database, options: { tileCacheMegabytes?: number; tileEncoder?: 'postgis' | 'javascript' } = {}): App {
  const state = new Readiness();
  state.markReady({ migrations: 9, demo: null });
  const config = loadConfig({ LOG_LEVEL: 'silent', TILE_CACHE_MB: String(options.tileCacheMegabytes ?? 16) });
  return createApp({
    db,
    logger: createLogger('silent'),
    state,
    config,
    ...(options.tileEncoder ? { tileEncoder: options.tileEncoder } : {}),
  });
}

function decode(bytes: Uint8Array): VectorTile {
  return new VectorTile(new PbfReader(bytes));
}

function features(layer: VectorTileLayer | undefined) {
  if (!layer) return [];
  return Array.from({ length: layer.length }, (_, index) => layer.feature(index));
}

/** Twice the signed area of a ring by the surveyor's formula in tile coordinates (MVT: exterior rings positive). */
function doubledArea(ring: { x: number; y: number }[]): number {
  let sum = 0;
  for (let index = 0, previous = ring.length - 1; index < ring.length; previous = index++) {
    sum += ring[previous]!.x * ring[index]!.y - ring[index]!.x * ring[previous]!.y;
  }
  return sum;
}

function tilePath(layer: string, { z, x, y }: TileCoordinate): string {
  return `/tiles/${layer}/${z}/${x}/${y}.mvt`;
}

/** Fixture grids whose box overlaps the tile and its buffer (a feature only touching the edge collapses). */
function fixtureGridsIn(coordinate: TileCoordinate): string[] {
  const { west, south, east, north } = tileFrame(coordinate).bufferedDegrees;
  return FIXTURE_GRIDS.filter(({ box: [w, s, e, n] }) => w < east && e > west && s < north && n > south).map((grid) => grid.code);
}

describe('tiles of the hand-made district', () => {
  let database: TestDatabase;
  let app: App;

  beforeAll(async () => {
    database = await createTestDatabase({ template: 'empty' });
    await insertFixtureDistrict(database.db);
    app = buildApp(database.db);
  });
  afterAll(() => database?.drop());

  test('a grid tile holds the grids it overlaps, with their properties and band, polygons wound as MVT asks', async () => {
    const coordinate = tileOf(108.42, 30.75, 12);
    const response = await app.request(tilePath('grid', coordinate));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    // Revalidated every time: a published boundary shows at once, an unchanged tile costs a 304.
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    const tile = decode(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(tile.layers)).toContain('grid');
    const grid = features(tile.layers.grid);
    const expected = fixtureGridsIn(coordinate);
    expect(expected.length).toBeGreaterThan(0);
    expect(grid.map((feature) => feature.properties.code).sort()).toEqual(expected.sort());
    const second = grid.find((feature) => feature.properties.code === '500101002001002');
    expect(second?.properties).toEqual({
      code: '500101002001002',
      name: '太白岩村第2网格',
      village_code: VILLAGE_EAST,
      households: 500,
      population: 1400,
      band: 'within',
    });
    for (const feature of grid) {
      expect(feature.type).toBe(3);
      const [exterior] = feature.loadGeometry();
      expect(doubledArea(exterior!)).toBeGreaterThan(0);
    }
  });

  test('one label point per grid, inside the grid, with its households and band', async () => {
    const coordinate = tileOf(108.45, 30.8, 12);
    const tile = decode(new Uint8Array(await (await app.request(tilePath('grid', coordinate))).arrayBuffer()));
    const labels = features(tile.layers.grid_label).filter((feature) => feature.properties.code === '500101002001002');
    expect(labels).toHaveLength(1);
    const [label] = labels;
    expect(label!.type).toBe(1);
    expect(label!.properties).toEqual({ code: '500101002001002', households: 500, band: 'within' });
    const point = label!.loadGeometry()[0]![0]!;
    // Grid 500101002001002 spans 108.4–108.5°E: its label lies between, in tile units.
    const [west, east] = [108.4, 108.5].map((lon) => (((lon + 180) / 360) * 2 ** coordinate.z - coordinate.x) * 4096);
    expect(point.x).toBeGreaterThan(west!);
    expect(point.x).toBeLessThan(east!);
  });

  test('grid labels only from zoom 10: a small-scale tile holds the polygons alone', async () => {
    const tile = decode(new Uint8Array(await (await app.request(tilePath('grid', tileOf(108.3, 30.8, 9)))).arrayBuffer()));
    expect(Object.keys(tile.layers)).toEqual(['grid']);
  });

  test('bands in the tile: below, within, above', async () => {
    const tile = decode(new Uint8Array(await (await app.request(tilePath('grid', tileOf(108.3, 30.8, 7)))).arrayBuffer()));
    const bands = Object.fromEntries(
      features(tile.layers.grid).map((feature) => [feature.properties.code, feature.properties.band]),
    );
    expect(bands).toEqual({
      '500101001001001': 'below',
      '500101001002001': 'within',
      '500101001002002': 'above',
      '500101002001001': 'within',
      '500101002001002': 'within',
      '500101002001003': 'below',
    });
  });

  test('region layers: the district, towns and villages with their parents', async () => {
    const coordinate = tileOf(108.3, 30.8, 9);
    const layerOf = async (name: string) =>
      decode(new Uint8Array(await (await app.request(tilePath(name, coordinate))).arrayBuffer())).layers[name];
    expect(features(await layerOf('district')).map((feature) => feature.properties)).toEqual([
      { code: '500101000000', name: '万州区' },
    ]);
    const towns = features(await layerOf('town')).map((feature) => feature.properties);
    expect(towns).toContainEqual({ code: TOWN_EAST, name: '太白街道', parent_code: '500101000000' });
    const villages = features(await layerOf('village')).map((feature) => feature.properties);
    expect(villages).toContainEqual({ code: VILLAGE_EAST, name: '太白岩村', parent_code: TOWN_EAST });
  });

  test('the base tile: river, road and settlement layers, each with kind and name', async () => {
    const tile = decode(new Uint8Array(await (await app.request(tilePath('base', tileOf(108.3, 30.8, 7)))).arrayBuffer()));
    expect(Object.keys(tile.layers).sort()).toEqual(['river', 'road', 'settlement']);
    expect(features(tile.layers.river).map((feature) => [feature.type, feature.properties])).toEqual([
      [2, { kind: 'major', name: '长江' }],
    ]);
    expect(features(tile.layers.road).map((feature) => feature.properties)).toEqual([{ kind: 'national', name: 'G318' }]);
    const settlements = features(tile.layers.settlement);
    expect(settlements.map((feature) => feature.properties.name).sort()).toEqual(['万州城区', '高笋塘'].sort());
    expect(settlements.every((feature) => feature.type === 1)).toBe(true);
  });

  test('a tile with nothing in it: 204 without a body', async () => {
    const response = await app.request(tilePath('grid', tileOf(116.4, 39.9, 12)));
    expect(response.status).toBe(204);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  test('an unknown layer is a 404 naming the layers served; the live layers need a signed-in user', async () => {
    const unknown = await app.request('/tiles/roads/10/826/421.mvt');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: {
        code: 'unknown_tile_layer',
        message: "unknown tile layer 'roads'; layers served: district, town, village, grid, base, case, worker",
      },
    });
    const cases = await app.request('/tiles/case/10/826/421.mvt');
    expect(cases.status).toBe(401);
  });

  test.each([
    ['/tiles/grid/23/0/0.mvt', 'zoom must be an integer from 0 to 22, got 23'],
    ['/tiles/grid/3/8/0.mvt', 'x must be an integer from 0 to 7 at zoom 3, got 8'],
    ['/tiles/grid/3/0/8.mvt', 'y must be an integer from 0 to 7 at zoom 3, got 8'],
    ['/tiles/grid/abc/0/0.mvt', 'zoom must be an integer from 0 to 22, got NaN'],
    ['/tiles/grid/3/-1/0.mvt', 'x must be an integer'],
    ['/tiles/grid/3/0/1.5.mvt', 'y must be an integer'],
  ])('%s → 400: %s', async (path, message) => {
    const response = await app.request(path);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe('tile_out_of_range');
    expect(body.error.message).toContain(message);
  });

  test('ETag: the same tile again with If-None-Match is a 304; the second answer comes from the cache', async () => {
    const path = tilePath('village', tileOf(108.2, 30.8, 11));
    const first = await app.request(path);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await app.request(path, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('x-tile-cache')).toBe('hit');
    const other = await app.request(path, { headers: { 'If-None-Match': '"something-else"' } });
    expect(other.status).toBe(200);
  });

  test('a change to the grids shows in the next tile (map_version + NOTIFY map_changed)', async () => {
    const path = tilePath('grid', tileOf(108.55, 30.8, 12));
    const householdsIn = async () => {
      const tile = decode(new Uint8Array(await (await app.request(path)).arrayBuffer()));
      return features(tile.layers.grid).find((feature) => feature.properties.code === '500101002001003')?.properties;
    };
    expect(await householdsIn()).toMatchObject({ households: 299, band: 'below' });
    await database.db.query(sql`update grid set households = 350 where code = '500101002001003' and valid_to is null`);
    try {
      await expect.poll(householdsIn, { timeout: 5_000, interval: 50 }).toMatchObject({ households: 350, band: 'within' });
    } finally {
      await database.db.query(sql`update grid set households = 299 where code = '500101002001003' and valid_to is null`);
    }
  });

  test('the JavaScript encoder gives the same features as ST_AsMVT, at low and high zoom, on every layer', async () => {
    const coordinates = [tileOf(108.3, 30.8, 6), tileOf(108.3, 30.8, 9), tileOf(108.42, 30.75, 12), tileOf(108.31, 30.79, 15)];
    for (const layer of Object.values(TILE_LAYER_DEFINITIONS)) {
      for (const coordinate of coordinates) await expectSameTile(database.db, layer!, coordinate);
    }
  });
});

describe('the two encoders on the full demo district', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ template: 'demo' });
  });
  afterAll(() => database?.drop());

  test('same features, properties and shapes for tiles of the urban core and the countryside', async () => {
    const places: [number, number][] = [
      [108.38, 30.8], // urban core, along the river
      [108.1, 30.6], // countryside
    ];
    for (const [lon, lat] of places) {
      for (const z of [8, 11, 14]) {
        for (const name of ['grid', 'village', 'town', 'base'] as const) {
          await expectSameTile(database.db, TILE_LAYER_DEFINITIONS[name]!, tileOf(lon, lat, z));
        }
      }
    }
  });
});

interface FeatureSummary {
  type: number;
  bbox: number[];
  /** Polygons: sum of the exterior rings' areas less the holes'; lines and points: vertex count. */
  measure: number;
  /** Length of all rings or lines, in tile units. */
  perimeter: number;
}

function ringLength(ring: { x: number; y: number }[], closed: boolean): number {
  let length = 0;
  for (let index = 1; index < ring.length + (closed ? 1 : 0); index++) {
    const a = ring[index - 1]!;
    const b = ring[index % ring.length]!;
    length += Math.hypot(b.x - a.x, b.y - a.y);
  }
  return length;
}

function summarise(bytes: Uint8Array): Record<string, Map<string, FeatureSummary[]>> {
  const tile = decode(bytes);
  const layers: Record<string, Map<string, FeatureSummary[]>> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const byProperties = new Map<string, FeatureSummary[]>();
    for (const feature of features(layer)) {
      const rings = feature.loadGeometry();
      const measure =
        feature.type === 3
          ? rings.reduce((sum, ring) => sum + doubledArea(ring) / 2, 0)
          : rings.reduce((sum, ring) => sum + ring.length, 0);
      const key = JSON.stringify(Object.entries(feature.properties).sort());
      const perimeter = rings.reduce((sum, ring) => sum + ringLength(ring, feature.type === 3), 0);
      byProperties.set(key, [...(byProperties.get(key) ?? []), { type: feature.type, bbox: feature.bbox(), measure, perimeter }]);
    }
    layers[name] = byProperties;
  }
  return layers;
}

async function expectSameTile(db: Database, layer: TileLayerDefinition, coordinate: TileCoordinate): Promise<void> {
  const frame = tileFrame(coordinate);
  const context = { band: { min: 300, max: 500 } };
  const label = `${layer.name} ${coordinate.z}/${coordinate.x}/${coordinate.y}`;
  const [postgis, javascript] = [
    summarise(await TILE_ENCODERS.postgis.encode(db, layer, frame, context)),
    summarise(await TILE_ENCODERS.javascript.encode(db, layer, frame, context)),
  ];
  expect(Object.keys(javascript).sort(), label).toEqual(Object.keys(postgis).sort());
  for (const [name, expected] of Object.entries(postgis)) {
    const actual = javascript[name]!;
    expect([...actual.keys()].sort(), `${label} layer ${name}: the same features`).toEqual([...expected.keys()].sort());
    for (const [key, [want]] of expected) {
      const got = actual.get(key)![0]!;
      expect(got.type, `${label} ${key}`).toBe(want!.type);
      // Both snap to the same integer grid; corners may differ by a unit where the clipping differs.
      got.bbox.forEach((value, index) =>
        expect(Math.abs(value - want!.bbox[index]!), `${label} ${key} bbox`).toBeLessThanOrEqual(2),
      );
      // Snapping moves an edge by at most half a unit: areas agree within half the perimeter (or 1 %).
      if (want!.type === 3) {
        const tolerance = Math.max(8, want!.measure * 0.01, want!.perimeter / 2);
        expect(Math.abs(got.measure - want!.measure), `${label} ${key} area`).toBeLessThanOrEqual(tolerance);
      }
    }
  }
}
