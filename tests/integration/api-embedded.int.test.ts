/**
 * The API on the embedded engine (PGlite, in memory), whose PostGIS cannot
 * write vector tiles itself: regions, grids and tiles still answer, the tiles
 * made by the SQL + JavaScript encoder — with the same features PostGIS's own
 * ST_AsMVT gives on a real server for the same district.
 */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canEncodeWithPostgis, createApp, createLogger, loadConfig, Readiness, type App } from '@minqing/api';
import { migrate, openDatabase, type Database } from '@minqing/db';
import { tileOf, type TileCoordinate } from '@minqing/shared';
import { insertFixtureDistrict, TOWN_WEST } from '../../api/test/fixture-district.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

function buildApp(db: Database): App {
  const state = new Readiness();
  state.markReady({ migrations: 9, demo: null });
  return createApp({ db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }) });
}

/** Layer name → the sorted properties of its features. */
async function tileContent(app: App, layer: string, coordinate: TileCoordinate): Promise<Record<string, string[]>> {
  const response = await app.request(`/tiles/${layer}/${coordinate.z}/${coordinate.x}/${coordinate.y}.mvt`);
  if (response.status === 204) return {};
  expect(response.status).toBe(200);
  const tile = new VectorTile(new PbfReader(new Uint8Array(await response.arrayBuffer())));
  return Object.fromEntries(
    Object.entries(tile.layers).map(([name, content]) => [
      name,
      Array.from({ length: content.length }, (_, index) => JSON.stringify(content.feature(index).properties)).sort(),
    ]),
  );
}

describe('the API on the embedded engine', () => {
  let embedded: Database;
  let app: App;
  let postgis: TestDatabase;
  let postgisApp: App;

  beforeAll(async () => {
    embedded = await openDatabase({ dataDir: 'memory://' });
    await migrate(embedded);
    await insertFixtureDistrict(embedded);
    app = buildApp(embedded);
    postgis = await createTestDatabase({ template: 'empty' });
    await insertFixtureDistrict(postgis.db);
    postgisApp = buildApp(postgis.db);
  });
  afterAll(async () => {
    await embedded?.close();
    await postgis?.drop();
  });

  test('health says embedded; regions and grids answer as on PostGIS', async () => {
    expect(await (await app.request('/api/health')).json()).toMatchObject({ status: 'ok', database: 'embedded' });
    const towns = await (await app.request('/api/regions?level=town')).json();
    expect(towns.map((town: { code: string; households: number }) => [town.code, town.households])).toEqual([
      [TOWN_WEST, 1190],
      ['500101002000', 1099],
    ]);
    expect(await (await app.request('/api/grids/500101001002001')).json()).toEqual(
      await (await postgisApp.request('/api/grids/500101001002001')).json(),
    );
    const grids = await (await app.request('/api/grids?bbox=108.35,30.7,108.45,30.75')).json();
    expect(grids.features.map((feature: { properties: { code: string } }) => feature.properties.code)).toEqual([
      '500101002001001',
      '500101002001002',
    ]);
  });

  test('PGlite has no ST_AsMVT, yet every tile layer is served, with the features ST_AsMVT gives on PostGIS', async () => {
    expect(await canEncodeWithPostgis(embedded)).toBe(false);
    expect(await canEncodeWithPostgis(postgis.db)).toBe(true);
    for (const coordinate of [tileOf(108.3, 30.8, 7), tileOf(108.42, 30.75, 12), tileOf(108.2, 30.7, 14)]) {
      for (const layer of ['district', 'town', 'village', 'grid', 'base']) {
        const content = await tileContent(app, layer, coordinate);
        expect(content, `${layer} ${coordinate.z}/${coordinate.x}/${coordinate.y}`).toEqual(
          await tileContent(postgisApp, layer, coordinate),
        );
      }
    }
    const grid = await tileContent(app, 'grid', tileOf(108.42, 30.75, 12));
    expect(grid.grid?.length).toBeGreaterThan(0);
  });

  test('empty tiles, ETags and 304 work the same way', async () => {
    expect((await app.request('/tiles/grid/12/3370/1552.mvt')).status).toBe(204);
    const coordinate = tileOf(108.2, 30.7, 13);
    const path = `/tiles/grid/${coordinate.z}/${coordinate.x}/${coordinate.y}.mvt`;
    const first = await app.request(path);
    expect(first.status).toBe(200);
    const again = await app.request(path, { headers: { 'If-None-Match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});
