/**
 * `pnpm bench intake`: case intake (validate, place on the map, route to the
 * owning unit, write the case and its events, notify, look for duplicates) on
 * the full demo district in PostgreSQL + PostGIS, measured two ways:
 *
 * - service: registerCase() in this process, input validated with the same
 *   zod schema the route uses, no HTTP;
 * - HTTP: POST /api/cases to a real server process (`node --import tsx
 *   api/src/server.ts`), signed in as the command center's dispatcher, with
 *   keep-alive connections.
 *
 * Each way gives: one intake at a time (latency), the most it sustains with
 * 16 requests in flight (cases/s), and the latency at a steady 50 cases/s
 * (requests sent on a fixed schedule; latency counted from the scheduled
 * time, so a stall is not hidden). The baseline is the bare PostGIS
 * point-in-polygon lookup — the grid containing the point — from the same
 * client: the ratio intake / bare says what everything else costs.
 *
 * Cases are real: building locations of the demo district, every leaf
 * category, phones that repeat now and then (so the duplicate check finds
 * candidates). They stay in the bench database.
 */
import { createApp, createLogger, loadConfig, Readiness, registerCase, systemClock, type Actor } from '@minqing/api';
import { compile, sql, type Database, type Queryable } from '@minqing/db';
import { CaseIntakeSchema, levelOfRegionCode, type CaseIntake } from '@minqing/shared';
import { openDemoDatabase, printable } from './support/database.ts';
import { describeMachine, watchMachine } from './support/machine.ts';
import { writeResults, table } from './support/results.ts';
import { startServerProcess } from './support/server-process.ts';
import { distribution, format, sleep, time, type Distribution } from './support/statistics.ts';

const SINGLE_SAMPLES = Number(process.env.BENCH_INTAKE_SINGLE ?? 300);
const CONCURRENCY = Number(process.env.BENCH_INTAKE_CONCURRENCY ?? 16);
const SUSTAIN_SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 10);
const STEADY_RATE = 50;
const STEADY_SECONDS = Number(process.env.BENCH_INTAKE_STEADY_SECONDS ?? 10);
const OPERATOR = 'dispatcher';
const PASSWORD = 'minqing2026';

const DESCRIPTIONS = [
  '小区门口的下水道堵了，雨水漫到路上，行人过不去',
  '楼下烧烤店每天夜里噪音很大，影响老人和孩子休息',
  '村道上的路灯坏了一个多月，晚上出行很不安全',
  '工地渣土车撒漏严重，道路上全是泥浆',
  '反映社保卡补办手续繁琐，希望能简化流程',
  '山坡上有危岩松动，下雨时有落石，担心安全',
  '自来水水压太低，高层住户经常停水',
  '征地补偿款迟迟没有到位，村民意见很大',
];

interface Fixture {
  points: { lon: number; lat: number }[];
  categories: string[];
}

async function loadFixture(db: Database): Promise<Fixture> {
  // A fixed sample (seeded), so runs compare: 4,000 building locations, all active leaf categories.
  const points = await db.transaction(async (tx) => {
    await tx.query(sql`select setseed(0.2026)`);
    return tx.query<{ lon: number; lat: number }>(
      sql`select ST_X(location) as lon, ST_Y(location) as lat from building order by random() limit 4000`,
    );
  });
  const categories = await db.query<{ code: string }>(
    sql`select code from category where parent_code is not null and active order by code`,
  );
  return { points, categories: categories.map((row) => row.code) };
}

let sequence = 0;
function nextInput(fixture: Fixture): CaseIntake {
  const index = sequence++;
  const point = fixture.points[(index * 7919) % fixture.points.length]!;
  return {
    channel: 'hotline',
    categoryCode: fixture.categories[index % fixture.categories.length]!,
    description: `${DESCRIPTIONS[index % DESCRIPTIONS.length]}（第${index}号）`,
    location: { lon: point.lon, lat: point.lat },
    reporterName: '测试',
    // 1 in 4 phones seen before: the duplicate check has candidates to weigh.
    reporterPhone: `139${String(index % 4 === 0 ? index % 500 : 10_000 + index).padStart(8, '0')}`,
  };
}

async function operatorActor(db: Database): Promise<Actor> {
  const [row] = await db.query<{
    id: number;
    username: string;
    display_name: string;
    role: Actor['role'];
    unit_id: number | null;
    unit_name: string | null;
    unit_kind: Actor['unitKind'];
    unit_level: Actor['unitLevel'];
    region_code: string;
  }>(sql`
    select u.id, u.username, u.display_name, u.role, u.unit_id, unit.name as unit_name, unit.kind as unit_kind,
           unit.ladder_level as unit_level, u.region_code
    from app_user u left join unit on unit.id = u.unit_id where u.username = ${OPERATOR}`);
  if (!row) throw new Error(`no user ${OPERATOR}: the bench needs the demo district's users`);
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    unitId: row.unit_id,
    unitName: row.unit_name,
    unitKind: row.unit_kind,
    unitLevel: row.unit_level,
    regionCode: row.region_code,
    regionLevel: levelOfRegionCode(row.region_code),
  };
}

// ------------------------------------------------------------------ drivers

interface Sustained {
  concurrency: number;
  seconds: number;
  cases: number;
  casesPerSecond: number;
  failures: number;
  latency: Distribution;
}

interface Steady {
  rate: number;
  seconds: number;
  cases: number;
  failures: number;
  /** From the scheduled send time to the answer. */
  latency: Distribution;
}

type Intake = () => Promise<void>;

async function single(intake: Intake, samples: number): Promise<Distribution> {
  for (let warm = 0; warm < 20; warm++) await intake();
  const latencies: number[] = [];
  for (let index = 0; index < samples; index++) latencies.push(await time(intake));
  return distribution(latencies);
}

async function sustained(intake: Intake, concurrency: number, seconds: number): Promise<Sustained> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const begun = performance.now();
      try {
        await intake();
        latencies.push(performance.now() - begun);
      } catch (error) {
        failures++;
        if (failures <= 3) console.error(`  intake failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return {
    concurrency,
    seconds: elapsed,
    cases: latencies.length,
    casesPerSecond: latencies.length / elapsed,
    failures,
    latency: distribution(latencies),
  };
}

async function steady(intake: Intake, rate: number, seconds: number): Promise<Steady> {
  const latencies: number[] = [];
  let failures = 0;
  const interval = 1000 / rate;
  const count = Math.round(rate * seconds);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const scheduled = started + index * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      intake().then(
        () => void latencies.push(performance.now() - scheduled),
        (error: unknown) => {
          failures++;
          if (failures <= 3) console.error(`  intake failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      ),
    );
  }
  await Promise.all(pending);
  return { rate, seconds, cases: latencies.length, failures, latency: distribution(latencies) };
}

// --------------------------------------------------------------------- HTTP

async function signIn(base: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: OPERATOR, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`sign-in as ${OPERATOR}: ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

function httpIntake(base: string, cookie: string, fixture: Fixture): Intake {
  return async () => {
    const response = await fetch(`${base}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(nextInput(fixture)),
    });
    const body = await response.text();
    if (response.status !== 201) throw new Error(`POST /api/cases: ${response.status} ${body.slice(0, 300)}`);
  };
}

// ------------------------------------------------------- where time goes

interface StatementTime {
  statement: string;
  perRequest: number;
  p50: number;
  /** Milliseconds per request spent in this statement (mean). */
  meanPerRequest: number;
}

/** A database that times every statement it runs, by the statement's first words. */
function timedDatabase(db: Database, record: (statement: string, milliseconds: number) => void): Database {
  const label = (query: Parameters<Queryable['query']>[0]) => {
    const words = compile(query).text.replace(/\s+/g, ' ').trim();
    return words.length > 60 ? `${words.slice(0, 57)}…` : words;
  };
  const timed = (handle: Queryable): Queryable => ({
    query: async (query, options) => {
      const started = performance.now();
      try {
        return await handle.query(query, options);
      } finally {
        record(label(query), performance.now() - started);
      }
    },
    queryText: (text, values) => handle.queryText(text, values),
    exec: (script) => handle.exec(script),
  });
  return { ...db, ...timed(db), transaction: (work) => db.transaction((tx) => work(timed(tx))) };
}

/**
 * POST /api/cases through the app in this process (createApp, app.request: the same routes, middleware and
 * services as the server, without the socket), with every statement timed: what one intake costs, statement by
 * statement. Statements run concurrently inside a request (the case page's parts) overlap.
 */
async function breakdown(
  db: Database,
  fixture: Fixture,
  requests: number,
): Promise<{ total: Distribution; statements: StatementTime[] }> {
  const samples = new Map<string, number[]>();
  let recording = false;
  const timedDb = timedDatabase(db, (statement, milliseconds) => {
    if (!recording) return;
    const list = samples.get(statement) ?? [];
    list.push(milliseconds);
    samples.set(statement, list);
  });
  const state = new Readiness();
  state.markReady({ migrations: 0, demo: null });
  const app = createApp({ db: timedDb, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }) });
  const signedIn = await app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: OPERATOR, password: PASSWORD }),
  });
  const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
  const totals: number[] = [];
  for (let index = 0; index < requests + 20; index++) {
    recording = index >= 20;
    const started = performance.now();
    const response = await app.request('/api/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(nextInput(fixture)),
    });
    await response.text();
    if (response.status !== 201) throw new Error(`POST /api/cases in process: ${response.status}`);
    if (recording) totals.push(performance.now() - started);
  }
  const statements = [...samples.entries()].map(([statement, times]) => ({
    statement,
    perRequest: times.length / requests,
    p50: distribution(times).p50,
    meanPerRequest: times.reduce((sum, value) => sum + value, 0) / requests,
  }));
  statements.sort((left, right) => right.meanPerRequest - left.meanPerRequest);
  return { total: distribution(totals), statements };
}

// ---------------------------------------------------------------------- run

interface Way {
  single: Distribution;
  sustained: Sustained;
  steady: Steady;
}

async function measure(name: string, intake: Intake): Promise<Way> {
  console.log(`  ${name}: one at a time (${SINGLE_SAMPLES}) …`);
  const one = await single(intake, SINGLE_SAMPLES);
  console.log(`  ${name}: ${CONCURRENCY} in flight for ${SUSTAIN_SECONDS} s …`);
  const most = await sustained(intake, CONCURRENCY, SUSTAIN_SECONDS);
  console.log(`  ${name}: ${STEADY_RATE} cases/s for ${STEADY_SECONDS} s …`);
  const paced = await steady(intake, STEADY_RATE, STEADY_SECONDS);
  return { single: one, sustained: most, steady: paced };
}

export async function intakeBench(): Promise<void> {
  const machine = watchMachine();
  const { db, url } = await openDemoDatabase({ maxConnections: 10 });
  const fixture = await loadFixture(db);
  const actor = await operatorActor(db);
  const [counts] = await db.query<{ grids: number; cases: number; version: string }>(sql`
    select (select count(*) from grid where valid_to is null) as grids, (select count(*) from cases) as cases,
           postgis_lib_version() || ' / ' || current_setting('server_version') as version`);
  console.log(
    `\nCase intake on ${printable(url)} (PostGIS / PostgreSQL ${counts!.version}; ${counts!.grids} grids; ` +
      `${counts!.cases} cases already there)`,
  );

  let results: {
    bare: Distribution;
    service: Way;
    http: Way;
    serverMegabytes: number | null;
    statements: Awaited<ReturnType<typeof breakdown>>;
  };
  try {
    console.log(`  bare point-in-polygon lookup (${SINGLE_SAMPLES * 2}) …`);
    const bare = await single(async () => {
      const point = fixture.points[sequence++ % fixture.points.length]!;
      await db.query(sql`
        select code from grid
        where valid_to is null and ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(${point.lon}::float8, ${point.lat}::float8), 4326))
        limit 1`);
    }, SINGLE_SAMPLES * 2);

    const service = await measure('service', async () => {
      const input = CaseIntakeSchema.parse(nextInput(fixture));
      await registerCase({ db, clock: systemClock }, input, actor);
    });

    const server = await startServerProcess(url);
    let http: Way;
    let serverMegabytes: number | null;
    try {
      const cookie = await signIn(server.url);
      http = await measure('HTTP', httpIntake(server.url, cookie, fixture));
      serverMegabytes = server.residentMegabytes();
    } finally {
      await server.stop();
    }
    console.log(`  where the time goes: ${SINGLE_SAMPLES / 3} requests through the app in this process, statements timed …`);
    const statements = await breakdown(db, fixture, Math.round(SINGLE_SAMPLES / 3));
    results = { bare, service, http, serverMegabytes, statements };
  } finally {
    await db.close();
  }
  const state = machine();

  const { bare, service, http } = results;
  const rows = (['service', 'http'] as const).map((way) => {
    const figures = results[way];
    return [
      way === 'service' ? 'service (no HTTP)' : 'HTTP (server process)',
      format(figures.single.p50),
      format(figures.single.p99),
      `${format(figures.single.p50 / bare.p50)}×`,
      format(figures.sustained.casesPerSecond),
      format(figures.sustained.latency.p99),
      format(figures.steady.latency.p50),
      format(figures.steady.latency.p99),
      String(figures.sustained.failures + figures.steady.failures),
    ];
  });
  console.log(
    `\nbare point-in-polygon lookup (grid containing the point): p50 ${format(bare.p50)} ms, p99 ${format(bare.p99)} ms\n`,
  );
  console.log(
    table(
      [
        'intake',
        'one p50 ms',
        'one p99 ms',
        'one p50 / bare',
        `cases/s (${CONCURRENCY} in flight)`,
        'p99 ms there',
        `p50 ms at ${STEADY_RATE}/s`,
        `p99 ms at ${STEADY_RATE}/s`,
        'failures',
      ],
      rows,
    ),
  );
  console.log(
    `\nWhere the time of one POST /api/cases goes (in-process app, p50 ${format(results.statements.total.p50)} ms a request):\n`,
  );
  console.log(
    table(
      ['statement', 'per request', 'p50 ms', 'mean ms a request'],
      results.statements.statements.map((row) => [
        row.statement,
        format(row.perRequest),
        format(row.p50),
        format(row.meanPerRequest),
      ]),
    ),
  );
  console.log(`\nmachine: ${describeMachine(state)}`);
  console.log(`server process resident memory after the run: ${results.serverMegabytes ?? '?'} MiB`);
  const file = writeResults('case-intake', {
    database: printable(url),
    version: counts!.version,
    casesBefore: counts!.cases,
    concurrency: CONCURRENCY,
    steadyRate: STEADY_RATE,
    bare,
    service,
    http,
    ratios: {
      serviceSingleOverBare: service.single.p50 / bare.p50,
      httpSingleOverBare: http.single.p50 / bare.p50,
      httpOverService: http.single.p50 / service.single.p50,
    },
    serverMegabytes: results.serverMegabytes,
    breakdown: results.statements,
    machine: state,
  });
  console.log(`written ${file}`);
}
