/**
 * A newcomer's first start: no DATABASE_URL, a fresh data folder, DEMO on.
 * The real server boots on the embedded engine (PGlite), generates the full
 * demo district, and serves regions, grids and grid tiles; started again on
 * the same folder it comes up without generating the district again.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tileOf } from '@minqing/shared';
import { startServer, type RunningServer } from '../support/server.ts';

/** The bound on the first start's demo generation, on this kind of 2-core machine. */
const FIRST_START_LIMIT_SECONDS = 120;
const timingsFile = fileURLToPath(new URL('../../test-results/smoke-timings.json', import.meta.url));

interface DemoSummary {
  towns: number;
  villages: number;
  grids: number;
  households: number;
  seconds: number;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 500)}`);
  return JSON.parse(body) as T;
}

describe('first start on the embedded engine', () => {
  let dataDir: string;
  let server: RunningServer | undefined;
  const timings: Record<string, number> = {};

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'minqing-smoke-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(join(timingsFile, '..'), { recursive: true });
    writeFileSync(timingsFile, `${JSON.stringify(timings, null, 2)}\n`);
  });

  let firstReadyMs = 0;
  let firstSummary: DemoSummary | undefined;

  test('becomes healthy on the embedded engine with the full demo district, within two minutes', async () => {
    server = await startServer({ dataDir, demo: true, label: 'smoke-first-start', readyTimeoutMs: 280_000 });
    firstReadyMs = server.readyInMs;
    firstSummary = server.health.demo as DemoSummary | undefined;
    timings.firstStartSeconds = Math.round(firstReadyMs / 100) / 10;
    if (firstSummary) timings.demoGenerationSeconds = firstSummary.seconds;
    console.log(
      `first start: healthy after ${(firstReadyMs / 1000).toFixed(1)} s` +
        (firstSummary ? `, demo district generated in ${firstSummary.seconds} s` : ''),
    );

    expect(server.health).toMatchObject({ status: 'ok', database: 'embedded' });
    expect(firstSummary).toMatchObject({ towns: 52, villages: 610 });
    expect(firstSummary!.grids).toBeGreaterThan(1000);
    expect(firstSummary!.households).toBeGreaterThan(500_000);
    expect(firstSummary!.seconds).toBeLessThan(FIRST_START_LIMIT_SECONDS);
    // The whole first start, engine start and migrations included, stays near that bound.
    expect(firstReadyMs / 1000).toBeLessThan(FIRST_START_LIMIT_SECONDS + 30);
  });

  test('serves the region list, a grid, and a grid tile with features', async () => {
    expect(server, 'the server did not start').toBeDefined();
    const base = server!.url;

    const towns = await getJson<{ code: string; name: string; level: string; bbox: [number, number, number, number] }[]>(
      `${base}/api/regions?level=town`,
    );
    expect(towns).toHaveLength(52);
    const core = towns.find((town) => town.code === '500101001000');
    expect(core).toMatchObject({ name: '高笋塘街道', level: 'town' });

    const grids = await getJson<{ type: string; features: { properties: { code: string } }[] }>(
      `${base}/api/grids?bbox=${core!.bbox.join(',')}&limit=50`,
    );
    expect(grids.type).toBe('FeatureCollection');
    expect(grids.features.length).toBeGreaterThan(0);
    const code = grids.features[0]!.properties.code;

    const grid = await getJson<{
      code: string;
      households: number;
      band: string;
      village: { code: string };
      centroid: [number, number];
    }>(`${base}/api/grids/${code}`);
    expect(grid.code).toMatch(/^\d{15}$/);
    expect(grid.code).toBe(code);
    expect(grid.village.code).toBe(code.slice(0, 12));
    expect(grid.households).toBeGreaterThan(0);
    expect(['below', 'within', 'above']).toContain(grid.band);

    // The tile holding the grid's centroid, drawn by the embedded engine's own encoder.
    const { z, x, y } = tileOf(grid.centroid[0], grid.centroid[1], 14);
    const response = await fetch(`${base}/tiles/grid/${z}/${x}/${y}.mvt`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/vnd.mapbox-vector-tile');
    const tile = new VectorTile(new PbfReader(new Uint8Array(await response.arrayBuffer())));
    const layer = tile.layers.grid;
    expect(layer, `tile layers: ${Object.keys(tile.layers).join(', ')}`).toBeDefined();
    expect(layer!.length).toBeGreaterThan(0);
    const codes = Array.from({ length: layer!.length }, (_, index) => layer!.feature(index).properties.code);
    expect(codes).toContain(code);
  });

  test('restarts on the same data folder without generating the district again', async () => {
    expect(server, 'the server did not start').toBeDefined();
    expect(await server!.stop()).not.toBeNull(); // it shut down by itself on SIGTERM, not killed
    server = await startServer({ dataDir, demo: true, label: 'smoke-restart', readyTimeoutMs: 120_000 });
    timings.restartSeconds = Math.round(server.readyInMs / 100) / 10;
    console.log(`restart: healthy after ${(server.readyInMs / 1000).toFixed(1)} s`);

    expect(server.health).toMatchObject({ status: 'ok', database: 'embedded' });
    // The same district as before, found in place.
    expect(server.health.demo).toEqual(firstSummary);
    expect(server.output()).not.toMatch(/demo district generated/);
    expect(server.readyInMs).toBeLessThan(firstReadyMs / 2);
  });
});
