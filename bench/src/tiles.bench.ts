/**
 * `pnpm bench tiles`: tile endpoint latency against the bare ST_AsMVT query for the
 * same tile, on the full demo district in PostgreSQL + PostGIS.
 *
 * For each layer (grid, village, base) and zoom (8, 11, 14) it takes the tile
 * over the urban core (108.38°E 30.80°N) and its eight neighbours, and times,
 * interleaved, round after round:
 *
 * - bare: the textbook `ST_AsMVT(… ST_AsMVTGeom(…))` query for the tile;
 * - cold: GET /tiles/… over HTTP from a server with the tile cache off;
 * - warm: the same from a server with the cache on (already primed).
 *
 * It prints p50/p99 of each and the ratios endpoint / bare — figures measured in
 * one run on this machine, not pass/fail assertions — and writes them to
 * bench/results/tile-latency-<time>.json.
 */
import { cpus } from 'node:os';
import { serve, type ServerType } from '@hono/node-server';
import { createApp, createLogger, loadConfig, Readiness } from '@minqing/api';
import { sql, type Database, type SqlFragment } from '@minqing/db';
import { tileOf, type TileCoordinate } from '@minqing/shared';
import { openDemoDatabase, printable } from './support/database.ts';
import { writeResults } from './support/results.ts';
import { distribution, format, time, type Distribution } from './support/statistics.ts';

const CENTRE: [number, number] = [108.38, 30.8];
const ZOOMS = [8, 11, 14];
const LAYERS = ['grid', 'village', 'base'] as const;
type BenchLayer = (typeof LAYERS)[number];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const WARMUP_ROUNDS = 2;
// -------------------------------------------------------------- bare queries

/** The textbook tile query: ST_TileEnvelope, ST_AsMVTGeom, ST_AsMVT — no simplification, no cache, no HTTP. */
function bareLayer(
  name: string,
  columns: SqlFragment,
  from: SqlFragment,
  geometry: string,
  { z, x, y }: TileCoordinate,
): SqlFragment {
  return sql`coalesce((
    select ST_AsMVT(tile, ${name}::text, 4096, 'geom') from (
      select ${columns}, ST_AsMVTGeom(ST_Transform(${sql.unsafeRaw(geometry)}, 3857), ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int), 4096, 256, true) as geom
      from ${from} and ${sql.unsafeRaw(geometry)} && ST_Transform(ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int, margin => 0.0625), 4326)
    ) as tile where tile.geom is not null), ''::bytea)`;
}

function bareQuery(layer: BenchLayer, tile: TileCoordinate): SqlFragment {
  if (layer === 'grid') {
    return bareLayer(
      'grid',
      sql`code, name, village_code, households, population,
        case when households < 300 then 'below' when households > 500 then 'above' else 'within' end as band`,
      sql`grid where valid_to is null`,
      'boundary',
      tile,
    );
  }
  if (layer === 'village')
    return bareLayer('village', sql`code, name, parent_code`, sql`region where level = 'village'`, 'boundary', tile);
  return sql.join(
    ['river', 'road', 'settlement'].map((part) =>
      bareLayer(part, sql`kind, name`, sql`basemap_feature where layer = ${part}`, 'geom', tile),
    ),
    ' || ',
  );
}

// ------------------------------------------------------------------- timing

function neighbourhood(centre: TileCoordinate): TileCoordinate[] {
  const size = 2 ** centre.z;
  const tiles: TileCoordinate[] = [];
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const x = centre.x + dx;
      const y = centre.y + dy;
      if (x >= 0 && y >= 0 && x < size && y < size) tiles.push({ z: centre.z, x, y });
    }
  }
  return tiles;
}

async function startServer(db: Database, cacheMegabytes: number): Promise<{ url: string; server: ServerType }> {
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  const config = loadConfig({ LOG_LEVEL: 'silent', TILE_CACHE_MB: String(cacheMegabytes) });
  const app = createApp({ db, logger: createLogger('silent'), state, config });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

async function fetchTile(base: string, layer: string, { z, x, y }: TileCoordinate): Promise<number> {
  const response = await fetch(`${base}/tiles/${layer}/${z}/${x}/${y}.mvt`);
  const bytes = await response.arrayBuffer();
  if (response.status !== 200 && response.status !== 204)
    throw new Error(`tile ${layer}/${z}/${x}/${y}: ${response.status} ${new TextDecoder().decode(bytes)}`);
  return bytes.byteLength;
}

// ---------------------------------------------------------------------- run

interface Row {
  layer: BenchLayer;
  z: number;
  tiles: number;
  meanBytes: number;
  bare: Distribution;
  cold: Distribution;
  warm: Distribution;
}

export async function tilesBench(): Promise<void> {
  const { db, url } = await openDemoDatabase();
  const [counts] = await db.query<{ grids: number; villages: number; buildings: number; version: string }>(sql`
    select (select count(*) from grid where valid_to is null) as grids,
      (select count(*) from region where level = 'village') as villages,
      (select count(*) from building) as buildings,
      postgis_lib_version() || ' / ' || current_setting('server_version') as version`);
  const cold = await startServer(db, 0);
  const warm = await startServer(db, 256);
  console.log(
    `\nTile latency on ${printable(url)} (PostGIS / PostgreSQL ${counts!.version}; ` +
      `${counts!.grids} grids, ${counts!.villages} villages, ${counts!.buildings} buildings; ${cpus().length} CPUs)`,
  );
  console.log(`${ROUNDS} rounds over the tile at ${CENTRE.join('°E ')}°N and its neighbours; times in ms.\n`);

  const rows: Row[] = [];
  try {
    for (const layer of LAYERS) {
      for (const z of ZOOMS) {
        const tiles = neighbourhood(tileOf(CENTRE[0], CENTRE[1], z));
        const samples = { bare: [] as number[], cold: [] as number[], warm: [] as number[] };
        let bytes = 0;
        for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
          const measured = round >= WARMUP_ROUNDS;
          for (const tile of tiles) {
            const bare = await time(() => db.query(sql`select ${bareQuery(layer, tile)} as tile`));
            let size = 0;
            const coldTime = await time(async () => (size = await fetchTile(cold.url, layer, tile)));
            const warmTime = await time(() => fetchTile(warm.url, layer, tile));
            if (!measured) continue;
            samples.bare.push(bare);
            samples.cold.push(coldTime);
            samples.warm.push(warmTime);
            bytes += size;
          }
        }
        rows.push({
          layer,
          z,
          tiles: tiles.length,
          meanBytes: Math.round(bytes / (ROUNDS * tiles.length)),
          bare: distribution(samples.bare),
          cold: distribution(samples.cold),
          warm: distribution(samples.warm),
        });
        const row = rows.at(-1)!;
        console.log(
          [
            `${layer.padEnd(7)} z${String(z).padEnd(2)}`,
            `${String(Math.round(row.meanBytes / 1024)).padStart(5)} KiB`,
            `bare p50 ${format(row.bare.p50).padStart(6)} p99 ${format(row.bare.p99).padStart(6)}`,
            `cold p50 ${format(row.cold.p50).padStart(6)} p99 ${format(row.cold.p99).padStart(6)}`,
            `warm p50 ${format(row.warm.p50).padStart(6)} p99 ${format(row.warm.p99).padStart(6)}`,
            `cold/bare ${(row.cold.p50 / row.bare.p50).toFixed(2)}×`,
            `warm/bare ${(row.warm.p50 / row.bare.p50).toFixed(2)}×`,
          ].join('  '),
        );
      }
    }
  } finally {
    cold.server.close();
    warm.server.close();
    await db.close();
  }

  const ratio = (pick: (row: Row) => number) => Math.exp(rows.reduce((sum, row) => sum + Math.log(pick(row)), 0) / rows.length);
  console.log(
    `\nGeometric mean of p50 ratios over ${rows.length} layer/zoom pairs: ` +
      `endpoint cold / bare ${ratio((row) => row.cold.p50 / row.bare.p50).toFixed(2)}×, ` +
      `endpoint warm / bare ${ratio((row) => row.warm.p50 / row.bare.p50).toFixed(2)}×`,
  );
  console.log(
    'bare: the SQL alone; cold: HTTP endpoint with the tile cache off (simplified below z14); warm: the same from the cache.',
  );

  const file = writeResults('tile-latency', { centre: CENTRE, rounds: ROUNDS, rows });
  console.log(`written ${file}`);
}
