/**
 * The wall's soak: the map wall open in headless Chromium (1920×1080) for
 * SOAK_MINUTES (default 30) of simulated activity — SOAK_WORKERS grid workers
 * (default 300) reporting every 10 s and a request every 10 s through the real
 * intake, handlers moving cases on — with the API process stopped and started
 * again half-way. Every minute it records, after a garbage collection in the
 * page, the page's JavaScript heap, DOM nodes and event listeners, the resident
 * memory of Chromium (all its processes) and of the API process, and what the
 * wall has seen, with screenshots at minute 2, just after the restart and at
 * the end. It prints the table and the trend (MiB per hour, by least squares
 * over the second half, after the warm-up) and writes
 * bench/results/soak-wall-<time>.json.
 *
 * Not part of `npm test` or the default bench run (it takes half an hour):
 *   pnpm --filter @minqing/bench exec tsx src/soak-wall.ts
 *
 * Database: SOAK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/minqing_bench_soak
 * (created with the demo district when missing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase, prepareDatabase } from '@minqing/db';
import { Simulator } from '../../api/src/simulator/simulator.ts';
import { freePort } from '../../tests/support/server.ts';
import { launchBrowser } from '../../tests/support/browser.ts';
import { ms, printable, residentMegabytes, signIn } from './wall-support.ts';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 300);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 60) * 1000;
const DATABASE_URL = process.env.SOAK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/minqing_bench_soak';
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const resultsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

async function ensureDatabase(): Promise<void> {
  const name = decodeURIComponent(new URL(DATABASE_URL).pathname.slice(1));
  const admin = new URL(DATABASE_URL);
  admin.pathname = '/postgres';
  const client = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [found] = await client`select 1 from pg_database where datname = ${name}`;
    if (!found) await client.unsafe(`create database "${name}"`);
  } finally {
    await client.end({ timeout: 5 });
  }
  const db = await openDatabase({ databaseUrl: DATABASE_URL });
  await prepareDatabase(db, { demo: true, log: (message) => message.startsWith('demo') && console.log(`  ${message}`) });
  await db.close();
}

/** The API as `npm start` runs it, on a port of our choosing (so it can come back on the same one). */
async function startApi(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(repositoryRoot, 'api'),
    // No settings file (MINQING_ENV_FILE=none): the soak runs on what it sets, not on a developer's .env.
    env: {
      ...process.env,
      MINQING_ENV_FILE: 'none',
      PORT: String(port),
      DATABASE_URL,
      DEMO: 'on',
      LOG_LEVEL: process.env.SOAK_API_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The API's log, for what happened around the restart.
  mkdirSync(resultsFolder, { recursive: true });
  const log = createWriteStream(join(resultsFolder, 'soak-wall-api.log'), { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill('SIGKILL');
  throw new Error('the API did not become healthy');
}

async function stopApi(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
}

/** Resident memory of every Chromium process started by this one (MiB). */
function chromiumMegabytes(): number {
  const children = new Map<number, number[]>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
      commands.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0;
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (/chrom/i.test(commands.get(child) ?? '')) total += residentMegabytes(child) ?? 0;
      visit(child);
    }
  };
  visit(process.pid);
  return total;
}

interface Sample {
  minute: number;
  heapMiB: number;
  domNodes: number;
  listeners: number;
  chromiumMiB: number;
  apiMiB: number | null;
  status: string;
  reconnects: number;
  feed: number;
  workersOnWall: number;
  positions: number;
  cases: number;
}

function slopePerHour(samples: readonly Sample[], value: (sample: Sample) => number | null): number | null {
  const points = samples.map((sample) => [sample.minute, value(sample)] as const).filter(([, y]) => y !== null) as [
    number,
    number,
  ][];
  if (points.length < 3) return null;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return variance === 0 ? null : (covariance / variance) * 60;
}

async function main(): Promise<void> {
  console.log(`soak: ${MINUTES} min, ${WORKERS} workers every 10 s, a request every 10 s; database ${printable(DATABASE_URL)}`);
  await ensureDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let api = await startApi(port);
  const simulator = new Simulator({
    url,
    workers: WORKERS,
    intervalSeconds: 10,
    casesPerMinute: 6,
    progressCases: true,
    password: 'minqing2026',
    seed: 4242,
    log: (message) => console.log(`  ${message}`),
  });
  await simulator.start();

  const browser = await launchBrowser({ width: 1920, height: 1080 });
  const [name, value] = (await signIn(url, 'wall')).split('=') as [string, string];
  await browser.context.addCookies([{ name, value, url }]);
  await browser.page.goto(`${url}/wall`);
  // Strings, not functions, for what runs in the page: this package has no DOM types.
  await browser.page.waitForFunction("document.body.dataset.wallReady === 'true'", undefined, {
    timeout: 180_000,
    polling: 1000,
  });
  const cdp = await browser.context.newCDPSession(browser.page);
  await cdp.send('Performance.enable');
  console.log('soak: the wall is live; sampling');

  const samples: Sample[] = [];
  const started = Date.now();
  let restarted = false;
  for (let minute = 0; minute <= MINUTES; minute += SAMPLE_MS / 60_000) {
    const target = started + minute * 60_000;
    if (target > Date.now()) await new Promise((resolve) => setTimeout(resolve, target - Date.now()));
    if (!restarted && minute >= MINUTES / 2) {
      restarted = true;
      console.log('soak: stopping the API for 20 s');
      await stopApi(api);
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      api = await startApi(port);
      console.log('soak: the API is back');
    }
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const metric = (key: string) => metrics.find((item) => item.name === key)?.value ?? Number.NaN;
    const wall = (await browser.page.evaluate(`(() => {
      const snapshot = window.__minqingWall.snapshot();
      return { status: snapshot.status, reconnects: snapshot.reconnects, feed: snapshot.feedCaseIds.length, workers: snapshot.workers };
    })()`)) as { status: string; reconnects: number; feed: number; workers: number };
    const sample: Sample = {
      minute: Math.round(((Date.now() - started) / 60_000) * 10) / 10,
      heapMiB: Math.round((metric('JSHeapUsedSize') / 1024 / 1024) * 10) / 10,
      domNodes: metric('Nodes'),
      listeners: metric('JSEventListeners'),
      chromiumMiB: chromiumMegabytes(),
      apiMiB: api.pid ? residentMegabytes(api.pid) : null,
      status: wall.status,
      reconnects: wall.reconnects,
      feed: wall.feed,
      workersOnWall: wall.workers,
      positions: simulator.statistics.positions,
      cases: simulator.statistics.cases,
    };
    samples.push(sample);
    // What the wall looked like: early on, just after the API came back, and at the end (1920×1080).
    if ([2, Math.ceil(MINUTES / 2) + 1, MINUTES].includes(minute))
      await browser.page.screenshot({ path: join(resultsFolder, `soak-wall-${minute}min.png`) });
    console.log(
      `  ${String(minute).padStart(3)} min · heap ${sample.heapMiB} MiB · ${sample.domNodes} nodes · ${sample.listeners} listeners · ` +
        `Chromium ${sample.chromiumMiB} MiB · API ${sample.apiMiB ?? '—'} MiB · ${sample.status} (${sample.reconnects} reconnects) · ` +
        `${sample.workersOnWall} workers · ${sample.positions} positions · ${sample.cases} cases`,
    );
  }

  simulator.stop();
  await browser.close();
  await stopApi(api);

  const secondHalf = samples.filter((sample) => sample.minute >= MINUTES / 2);
  const trend = {
    heapMiBPerHour: slopePerHour(secondHalf, (sample) => sample.heapMiB),
    domNodesPerHour: slopePerHour(secondHalf, (sample) => sample.domNodes),
    chromiumMiBPerHour: slopePerHour(secondHalf, (sample) => sample.chromiumMiB),
    apiMiBPerHour: slopePerHour(secondHalf, (sample) => sample.apiMiB),
  };
  console.log(
    `\nsoak trend over the second half: page heap ${ms(trend.heapMiBPerHour ?? Number.NaN)} MiB/h, DOM ${ms(trend.domNodesPerHour ?? Number.NaN)} nodes/h, ` +
      `Chromium ${ms(trend.chromiumMiBPerHour ?? Number.NaN)} MiB/h, API ${ms(trend.apiMiBPerHour ?? Number.NaN)} MiB/h; ` +
      `errors in the simulator: ${simulator.statistics.errors}${simulator.statistics.lastError ? ` (last: ${simulator.statistics.lastError})` : ''}`,
  );
  mkdirSync(resultsFolder, { recursive: true });
  const file = join(resultsFolder, `soak-wall-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ minutes: MINUTES, workers: WORKERS, samples, trend, simulator: simulator.statistics }, null, 2)}\n`,
  );
  console.log(`written to ${file}`);
  process.exit(0);
}

await main();
