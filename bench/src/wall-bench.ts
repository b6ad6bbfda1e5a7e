/**
 * `pnpm bench wall`: the map wall's figures, measured in one run on this
 * machine (it is shared and has two cores: read ratios and orders of
 * magnitude, not promises). Parts (WALL_BENCH_PARTS, default all):
 *
 * - latency: 1,000 cases registered one after another through the API on one
 *   API process, a live client (GET /api/stream) on a second process; p50/p99
 *   from sending the request, and from its answer, to the event's arrival —
 *   with grid workers' positions streaming in meanwhile.
 * - positions: position reports sustained per second against one API process,
 *   one fix per request and batches of 10, from 200 signed-in grid workers.
 * - tiles: with 1,000,000 cases (generated once, 80 % within 8 km of the core),
 *   case and grid tiles at zoom 10, 13 and 16 around the core: the bare
 *   ST_AsMVT query of the same rows, the endpoint with the cache off, and the
 *   endpoint with the cache on.
 * - fps: the wall in headless Chromium (software WebGL) at 1920×1080 over the
 *   million cases, frames per second while panning at zoom 12 and 15.
 *
 * Database: WALL_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/minqing_bench_wall
 * (created and kept; the demo district and the million cases are made once).
 * Results: bench/results/wall-<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createApp, createLogger, loadConfig, Readiness, TILE_LAYER_DEFINITIONS, tileFrame } from '@minqing/api';
import { sql, type Database, type SqlFragment } from '@minqing/db';
import { tileOf, type TileCoordinate } from '@minqing/shared';
import { openLiveClient } from '../../api/src/stream/live-client.ts';
import { launchBrowser } from '../../tests/support/browser.ts';
import { startServer } from '../../tests/support/server.ts';
import {
  CORE,
  distribution,
  ensureBenchCases,
  ms,
  openWallBenchDatabase,
  printable,
  signIn,
  WALL_BENCH_URL,
  type Distribution,
} from './wall-support.ts';

const PARTS = (process.env.WALL_BENCH_PARTS ?? 'latency,positions,tiles,fps').split(',').map((part) => part.trim());
const LATENCY_CASES = Number(process.env.WALL_BENCH_LATENCY_CASES ?? 1_000);
const CASES = Number(process.env.WALL_BENCH_CASES ?? 1_000_000);
const TILE_ROUNDS = Number(process.env.WALL_BENCH_TILE_ROUNDS ?? 8);
const resultsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

const results: Record<string, unknown> = {};

async function gridWorkers(db: Database, count: number): Promise<{ username: string; lon: number; lat: number }[]> {
  return db.query<{ username: string; lon: number; lat: number }>(sql`
    select u.username, ST_X(ST_PointOnSurface(g.boundary)) as lon, ST_Y(ST_PointOnSurface(g.boundary)) as lat
    from grid_assignment a join app_user u on u.id = a.user_id join grid g on g.code = a.grid_code and g.valid_to is null
    where u.username like 'gw%' order by md5(g.code) limit ${count}::int`);
}

// ------------------------------------------------------------------ latency

async function latency(db: Database): Promise<void> {
  const [count] = await db.query<{ n: number }>(sql`select count(*)::int as n from cases`);
  console.log(
    `\nEvent latency: ${LATENCY_CASES} cases on process A, a live client on process B (${count!.n.toLocaleString('en')} cases in the database)`,
  );
  const a = await startServer({
    databaseUrl: WALL_BENCH_URL,
    label: 'bench-wall-a',
    env: { LOG_LEVEL: process.env.WALL_BENCH_LOG_LEVEL ?? 'warn' },
  });
  const b = await startServer({
    databaseUrl: WALL_BENCH_URL,
    label: 'bench-wall-b',
    env: { LOG_LEVEL: process.env.WALL_BENCH_LOG_LEVEL ?? 'warn' },
  });
  let stopBackground = false;
  try {
    const dispatcher = await signIn(a.url, 'dispatcher');
    const wall = await signIn(b.url, 'wall');
    const arrivals = new Map<number, number>();
    const client = await openLiveClient(`${b.url}/api/stream?topics=cases`, { cookie: wall });
    void (async () => {
      for await (const event of client.events) {
        const data = event.data as { kind?: string; case?: { id: number } };
        if (event.event === 'case' && data.kind === 'registered' && data.case) arrivals.set(data.case.id, event.receivedAt);
      }
    })().catch(() => {});

    // Grid workers report meanwhile (about 50 positions a second through A).
    const workers = await gridWorkers(db, 25);
    const cookies = await Promise.all(workers.map((worker) => signIn(a.url, worker.username)));
    let positions = 0;
    const background = (async () => {
      while (!stopBackground) {
        await Promise.all(
          workers.map((worker, index) =>
            fetch(`${a.url}/api/positions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', cookie: cookies[index]! },
              body: JSON.stringify({ lon: worker.lon, lat: worker.lat, accuracy: 10, recordedAt: new Date().toISOString() }),
            }).then((response) => {
              if (response.ok) positions++;
              return response.arrayBuffer();
            }),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();

    const fromRequest: number[] = [];
    const fromAnswer: number[] = [];
    const [place] = await db.query<{ lon: number; lat: number }>(sql`
      select ST_X(ST_PointOnSurface(boundary)) as lon, ST_Y(ST_PointOnSurface(boundary)) as lat
      from grid where valid_to is null and left(village_code, 9) = '500101001' limit 1`);
    for (let index = 0; index < LATENCY_CASES; index++) {
      const sent = performance.now();
      const response = await fetch(`${a.url}/api/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: dispatcher },
        body: JSON.stringify({
          channel: 'hotline',
          categoryCode: '0403',
          title: `压测路灯 ${index}`,
          description: '路灯不亮，压测用',
          location: { lon: place!.lon + (index % 50) * 0.00002, lat: place!.lat },
        }),
      });
      const answered = performance.now();
      const body = (await response.json()) as { case?: { id: number } };
      if (!body.case) throw new Error(`intake failed: ${JSON.stringify(body)}`);
      const id = body.case.id;
      const deadline = performance.now() + 10_000;
      while (!arrivals.has(id) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
      const arrived = arrivals.get(id);
      if (arrived === undefined) throw new Error(`case ${id}: no event at process B within 10 s`);
      fromRequest.push(arrived - sent);
      fromAnswer.push(Math.max(0, arrived - answered));
    }
    stopBackground = true;
    await background;
    client.close();
    const request = distribution(fromRequest);
    const answer = distribution(fromAnswer);
    console.log(`  from sending the request: p50 ${ms(request.p50)} ms, p99 ${ms(request.p99)} ms (target p99 < 500 ms)`);
    console.log(`  from the API's answer:    p50 ${ms(answer.p50)} ms, p99 ${ms(answer.p99)} ms`);
    console.log(`  positions stored meanwhile: ${positions}`);
    results.latency = {
      cases: LATENCY_CASES,
      casesInDatabase: count!.n,
      fromRequest: request,
      fromAnswer: answer,
      backgroundPositions: positions,
    };
  } finally {
    stopBackground = true;
    await b.stop();
    await a.stop();
  }
}

// ---------------------------------------------------------------- positions

async function positions(db: Database): Promise<void> {
  const SECONDS = Number(process.env.WALL_BENCH_POSITION_SECONDS ?? 20);
  console.log(`\nPosition ingest: 200 grid workers against one API process, ${SECONDS} s per mode`);
  const server = await startServer({
    databaseUrl: WALL_BENCH_URL,
    label: 'bench-wall-positions',
    env: { LOG_LEVEL: process.env.WALL_BENCH_LOG_LEVEL ?? 'warn' },
  });
  try {
    const workers = await gridWorkers(db, 200);
    const cookies: string[] = [];
    for (let index = 0; index < workers.length; index += 10)
      cookies.push(...(await Promise.all(workers.slice(index, index + 10).map((worker) => signIn(server.url, worker.username)))));
    const figures: Record<string, unknown> = {};
    for (const mode of [
      { name: 'one fix per request', batch: 1, concurrency: 48 },
      { name: 'batches of 10', batch: 10, concurrency: 16 },
    ]) {
      let stored = 0;
      let flagged = 0;
      let failed = 0;
      let next = 0;
      const ends = performance.now() + SECONDS * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: mode.concurrency }, async () => {
          while (performance.now() < ends) {
            const index = next++ % workers.length;
            const worker = workers[index]!;
            const now = Date.now();
            const fixes = Array.from({ length: mode.batch }, (_, step) => ({
              lon: worker.lon + ((now / 1000) % 60) * 0.000001 + step * 0.000001,
              lat: worker.lat,
              accuracy: 10,
              recordedAt: new Date(now - (mode.batch - step) * 10).toISOString(),
            }));
            const response = await fetch(`${server.url}/api/positions${mode.batch > 1 ? '/batch' : ''}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', cookie: cookies[index]! },
              body: JSON.stringify(mode.batch > 1 ? { positions: fixes } : fixes[0]),
            });
            const body = (await response.json()) as { status?: string; accepted?: number; flagged?: number };
            if (!response.ok) failed++;
            else if (mode.batch > 1) {
              stored += (body.accepted ?? 0) + (body.flagged ?? 0);
              flagged += body.flagged ?? 0;
            } else {
              stored++;
              if (body.status !== 'accepted') flagged++;
            }
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const perSecond = Math.round(stored / seconds);
      console.log(
        `  ${mode.name.padEnd(20)} ${perSecond} positions/s sustained (${stored} stored, ${flagged} flagged, ${failed} failed requests)`,
      );
      figures[mode.name] = { perSecond, stored, flagged, failed, seconds, concurrency: mode.concurrency };
    }
    results.positions = figures;
  } finally {
    await server.stop();
  }
}

// -------------------------------------------------------------------- tiles

function bareQuery(layerName: 'case' | 'grid', { z, x, y }: TileCoordinate, now: Date): SqlFragment {
  const layer = TILE_LAYER_DEFINITIONS[layerName]!;
  const frame = tileFrame({ z, x, y });
  const context = { band: { min: 300, max: 500 }, now };
  const parts = layer.sourceLayers
    .filter((source) => z >= (source.minZoom ?? 0) && z < (source.maxZoom ?? Infinity))
    .map(
      (source) => sql`coalesce((
        select ST_AsMVT(tile, ${source.name}::text, 4096, 'geom') from (
          select ${sql.join(
            source.properties.map((property) => sql`source.${sql.identifier(property)}`),
            ', ',
          )}, ST_AsMVTGeom(ST_Transform(source.geom, 3857), ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int), 4096, 256, true) as geom
          from (${source.rows(frame, context)}) as source
        ) as tile where tile.geom is not null), ''::bytea)`,
    );
  return sql`select ${sql.join(parts, ' || ')} as tile`;
}

async function serveApp(db: Database, cacheMegabytes: number): Promise<{ url: string; server: ServerType }> {
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  const app = createApp({
    db,
    logger: createLogger('silent'),
    state,
    config: loadConfig({ LOG_LEVEL: 'silent', TILE_CACHE_MB: String(cacheMegabytes) }),
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

function neighbourhood(centre: TileCoordinate): TileCoordinate[] {
  const tiles: TileCoordinate[] = [];
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) tiles.push({ z: centre.z, x: centre.x + dx, y: centre.y + dy });
  return tiles;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function tiles(db: Database): Promise<void> {
  await ensureBenchCases(db, CASES);
  const [counts] = await db.query<{ cases: number; open: number }>(sql`
    select count(*)::int as cases, (count(*) filter (where state in ('registered','dispatched','accepted','in_progress')))::int as open from cases`);
  console.log(
    `\nTiles over the core (${CORE.join('°E ')}°N and its 8 neighbours), ${counts!.cases.toLocaleString('en')} cases (${counts!.open.toLocaleString('en')} open); ${TILE_ROUNDS} rounds; ms`,
  );
  const cold = await serveApp(db, 0);
  const warm = await serveApp(db, 512);
  const cookie = await signIn(cold.url, 'wall');
  const rows: Record<string, unknown>[] = [];
  try {
    const header = [
      'layer z',
      'bytes',
      'bare p50',
      'bare p99',
      'endpoint p50',
      'endpoint p99',
      'ratio p50',
      'cached p50',
      'cached p99',
    ];
    const lines: string[][] = [];
    for (const layer of ['case', 'grid'] as const) {
      for (const z of [10, 13, 16]) {
        const coordinates = neighbourhood(tileOf(CORE[0], CORE[1], z));
        const bare: number[] = [];
        const endpoint: number[] = [];
        const cached: number[] = [];
        let bytes = 0;
        let hit = false;
        const fetchTile = async (base: string, { z: tz, x, y }: TileCoordinate) => {
          const response = await fetch(`${base}/tiles/${layer}/${tz}/${x}/${y}.mvt`, { headers: { cookie } });
          hit = response.headers.get('x-tile-cache') === 'hit';
          const body = await response.arrayBuffer();
          if (response.status !== 200 && response.status !== 204) throw new Error(`${layer} ${tz}/${x}/${y}: ${response.status}`);
          return body.byteLength;
        };
        for (const coordinate of coordinates) await fetchTile(warm.url, coordinate); // prime the cache
        for (let round = 0; round < TILE_ROUNDS + 1; round++) {
          for (const coordinate of coordinates) {
            const now = new Date();
            const b = await timed(() => db.query(bareQuery(layer, coordinate, now)));
            let size = 0;
            const e = await timed(async () => (size = await fetchTile(cold.url, coordinate)));
            const c = await timed(() => fetchTile(warm.url, coordinate));
            if (round === 0) continue; // warm-up
            bare.push(b);
            endpoint.push(e);
            // Only answers from the cache: the case layer's minute slice (and a new case) makes the next one a miss.
            if (hit) cached.push(c);
            bytes += size;
          }
        }
        const bareFigures: Distribution = distribution(bare);
        const endpointFigures = distribution(endpoint);
        const cachedFigures = distribution(cached);
        const meanBytes = Math.round(bytes / endpoint.length);
        lines.push([
          `${layer} ${z}`,
          meanBytes.toLocaleString('en'),
          ms(bareFigures.p50),
          ms(bareFigures.p99),
          ms(endpointFigures.p50),
          ms(endpointFigures.p99),
          (endpointFigures.p50 / bareFigures.p50).toFixed(2),
          ms(cachedFigures.p50),
          ms(cachedFigures.p99),
        ]);
        rows.push({ layer, z, meanBytes, bare: bareFigures, endpoint: endpointFigures, cached: cachedFigures });
        console.log(`  ${lines.at(-1)!.join(' · ')}`);
      }
    }
    const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
    console.log(
      `\n${[header, ...lines].map((line) => `| ${line.map((cell, column) => cell.padStart(widths[column]!)).join(' | ')} |`).join('\n')}`,
    );
    results.tiles = { cases: counts!.cases, open: counts!.open, rounds: TILE_ROUNDS, rows };
  } finally {
    cold.server.close();
    warm.server.close();
  }
}

// ---------------------------------------------------------------------- fps

async function fps(db: Database): Promise<void> {
  await ensureBenchCases(db, CASES);
  console.log('\nPanning the wall in headless Chromium (software WebGL, SwiftShader) at 1920×1080 over the million cases');
  const { url, server } = await serveApp(db, 512);
  const browser = await launchBrowser({ width: 1920, height: 1080 });
  try {
    const [name, value] = (await signIn(url, 'wall')).split('=') as [string, string];
    await browser.context.addCookies([{ name, value, url }]);
    await browser.page.goto(`${url}/wall`);
    await browser.page.waitForFunction("document.body.dataset.wallReady === 'true'", undefined, {
      timeout: 300_000,
      polling: 1000,
    });
    const figures: Record<string, unknown> = {};
    // The same panning on the district map without cases and workers: what the renderer gives any map here.
    for (const page of [
      { name: 'wall', path: '', ready: '' },
      { name: 'district map (baseline)', path: '/', ready: "document.body.dataset.mapReady === 'true'" },
    ]) {
      if (page.path) {
        await browser.page.goto(`${url}${page.path}`);
        await browser.page.waitForFunction(page.ready, undefined, { timeout: 300_000, polling: 1000 });
      }
      for (const zoom of [12, 15]) {
        // In the page (a string: this package has no DOM types): settle at the zoom, then pan back and forth for 10 s counting frames.
        const measured = (await browser.page.evaluate(`(async () => {
        const map = window.__minqing.map;
        await new Promise((resolve) => { map.once('idle', resolve); map.jumpTo({ center: [${CORE[0]}, ${CORE[1]}], zoom: ${zoom} }); });
        let frames = 0;
        const count = () => frames++;
        map.on('render', count);
        const started = performance.now();
        let direction = 1;
        while (performance.now() - started < 10000) {
          await new Promise((resolve) => { map.once('moveend', resolve); map.panBy([direction * 400, direction * 150], { duration: 1000 }); });
          direction = -direction;
        }
        map.off('render', count);
        return { frames, seconds: (performance.now() - started) / 1000 };
      })()`)) as { frames: number; seconds: number };
        const perSecond = Math.round((measured.frames / measured.seconds) * 10) / 10;
        console.log(
          `  ${page.name}, zoom ${zoom}: ${perSecond} frames/s while panning (${measured.frames} frames in ${measured.seconds.toFixed(1)} s)`,
        );
        figures[`${page.name}, zoom ${zoom}`] = { framesPerSecond: perSecond, ...measured };
      }
    }
    results.fps = { renderer: 'SwiftShader (software WebGL), headless Chromium', viewport: '1920x1080', ...figures };
  } finally {
    await browser.close();
    server.close();
  }
}

export async function wallBench(): Promise<void> {
  console.log(`wall bench on ${printable(WALL_BENCH_URL)}: ${PARTS.join(', ')}`);
  const db = await openWallBenchDatabase();
  const runs: Record<string, (db: Database) => Promise<void>> = { latency, positions, tiles, fps };
  try {
    for (const part of PARTS) {
      const run = runs[part];
      if (!run) throw new Error(`unknown part ${part}: choose from ${Object.keys(runs).join(', ')}`);
      await run(db);
    }
  } finally {
    await db.close();
  }
  mkdirSync(resultsFolder, { recursive: true });
  const file = join(resultsFolder, `wall-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await wallBench();
