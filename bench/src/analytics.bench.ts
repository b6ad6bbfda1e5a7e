/**
 * `pnpm bench analytics`: the leaders' view at volume, in a database of its
 * own (minqing_bench_analytics beside the bench database, with the demo
 * district and BENCH_ANALYTICS_CASES generated cases over the last year,
 * default 1,000,000; kept between runs — made again only when it holds
 * fewer cases — and dropped with BENCH_ANALYTICS_FRESH=1). It times:
 *
 * 1. Gi* over all grids for the last 90 days of cases (counts, neighbours,
 *    statistic, bins, written) — first with the contiguity neighbours
 *    computed, then with them cached — and the whole hot spot run with the
 *    DBSCAN hulls;
 * 2. emerging hot spots over grids × 52 weeks of the whole million;
 * 3. common-problem grouping of the latest 30,000 case texts (segmentation
 *    and grouping apart), with this process's memory before and after;
 * 4. the assessment of a month: the nightly job, then the page's request
 *    (GET /api/analytics/assessment for units, towns and villages) 30 times.
 *
 * Figures from one run on a shared machine: the load is recorded with them.
 */
import { createApp, createLogger, executeRun, generateCaseHistory, loadConfig, queueRun, Readiness } from '@minqing/api';
import { openDatabase, prepareDatabase, sql, type Database } from '@minqing/db';
import { chinaDate, addCalendarDays } from '@minqing/shared';
import { benchDatabaseUrl, dropDatabase, ensureDatabaseExists, printable, withDatabaseName } from './support/database.ts';
import { describeMachine, watchMachine } from './support/machine.ts';
import { table, writeResults } from './support/results.ts';
import { distribution, format, time } from './support/statistics.ts';

const CASES = Number(process.env.BENCH_ANALYTICS_CASES ?? 1_000_000);
const DATABASE = 'minqing_bench_analytics';
const TEXTS = 30_000;

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function prepare(url: string): Promise<{ db: Database; end: Date; generatedSeconds: number | null }> {
  const sourceUrl = benchDatabaseUrl();
  if (process.env.BENCH_ANALYTICS_FRESH === '1') await dropDatabase(sourceUrl, DATABASE);
  await ensureDatabaseExists(url);
  const db = await openDatabase({ databaseUrl: url, connectionSettings: { jit: 'off' }, maxConnections: 4 });
  await prepareDatabase(db, { demo: true, log: (message) => message.startsWith('demo') && console.log(`  ${message}`) });
  const [state] = await db.query<{ cases: number; end: Date | null }>(
    sql`select count(*) as cases, max(created_at) as end from cases`,
  );
  if (state!.cases >= CASES && state!.end) return { db, end: state!.end, generatedSeconds: null };
  if (state!.cases > 0)
    throw new Error(`${DATABASE} holds ${state!.cases} cases, fewer than ${CASES}: run with BENCH_ANALYTICS_FRESH=1`);
  const end = new Date();
  console.log(`generating ${CASES.toLocaleString('en')} cases over the last year in ${DATABASE} …`);
  const summary = await generateCaseHistory(db, { cases: CASES, end, days: 365, events: false, batchSize: 100_000 });
  console.log(`  ${summary.cases.toLocaleString('en')} cases in ${summary.seconds} s`);
  await db.query(sql`analyze cases`);
  return { db, end, generatedSeconds: summary.seconds };
}

export async function analyticsBench(): Promise<void> {
  const url = withDatabaseName(benchDatabaseUrl(), DATABASE);
  const machine = watchMachine();
  const { db, end, generatedSeconds } = await prepare(url);
  const to = chinaDate(end);
  const rows: string[][] = [];
  const figures: Record<string, unknown> = { database: printable(url), cases: CASES, generatedSeconds };
  try {
    const [counts] = await db.query<{ cases: number; grids: number; window: number }>(sql`
      select (select count(*) from cases) as cases, (select count(*) from grid where valid_to is null) as grids,
             (select count(*) from cases where created_at >= ${end}::timestamptz - interval '90 days') as window`);
    console.log(
      `${counts!.cases.toLocaleString('en')} cases, ${counts!.grids} grids; ${counts!.window.toLocaleString('en')} in the last 90 days`,
    );
    const now = () => new Date();

    // 1. Gi* (without DBSCAN: a cluster distance that makes no cluster is not enough, so time the statistic on its own run kind
    //    by asking for hot spots with clustering of at least every case), then the whole run.
    const hotspot = (clusterMinimumCases: number) => ({
      from: addCalendarDays(to, -89),
      to,
      categories: [],
      neighbourhood: 'contiguity' as const,
      distanceBandMetres: 2000,
      falseDiscoveryRate: true,
      clusterDistanceMetres: 150,
      clusterMinimumCases,
    });
    const runOnce = async (kind: Parameters<typeof queueRun>[1], parameters: Parameters<typeof queueRun>[2]) => {
      const run = await queueRun(db, kind, parameters, null, now());
      let seconds = 0;
      const milliseconds = await time(async () => {
        const done = await executeRun(db, run.id, now);
        seconds = Number(done.summary.seconds);
      });
      return { milliseconds, seconds };
    };
    const giFirst = await runOnce('hotspots', { ...hotspot(1_000_000_000), falseDiscoveryRate: true });
    const giCached = await runOnce('hotspots', { ...hotspot(999_999_999), falseDiscoveryRate: true });
    const giFull = await runOnce('hotspots', hotspot(20));
    rows.push(['Gi* 90 days, neighbours computed', format(giFirst.milliseconds)]);
    rows.push(['Gi* 90 days, neighbours cached', format(giCached.milliseconds)]);
    rows.push(['hot spots with DBSCAN hulls', format(giFull.milliseconds)]);

    // 2. Emerging hot spots, 52 weeks.
    const emerging = await runOnce('emerging_hotspots', {
      to,
      weeks: 52,
      categories: [],
      neighbourhood: 'contiguity',
      distanceBandMetres: 2000,
      timeStepNeighbours: 1,
      trendAlpha: 0.05,
      persistentShare: 0.9,
    });
    rows.push(['emerging hot spots, 52 weeks', format(emerging.milliseconds)]);

    // 3. Common problems over the latest 30,000 texts.
    const [since] = await db.query<{ day: string }>(sql`
      select to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day from cases
      order by created_at desc offset ${TEXTS} limit 1`);
    const before = process.memoryUsage();
    const grouping = await queueRun(
      db,
      'common_problems',
      {
        from: since?.day ?? addCalendarDays(to, -30),
        to,
        categories: [],
        windowDays: 365,
        minimumGroupSize: 3,
        linkScore: 0.45,
        averageScore: 0.2,
        minimumText: 0.25,
        textWeight: 0.75,
        categoryWeight: 0.15,
        spaceWeight: 0.1,
        spaceScaleMetres: 3000,
      },
      null,
      now(),
    );
    let groupingSummary: Record<string, unknown> = {};
    const groupingMilliseconds = await time(async () => {
      groupingSummary = (await executeRun(db, grouping.id, now)).summary;
    });
    const after = process.memoryUsage();
    rows.push([`common problems, ${Number(groupingSummary.cases).toLocaleString('en')} texts`, format(groupingMilliseconds)]);
    rows.push(['  of which segmentation (jieba)', format(Number(groupingSummary.segmentationSeconds) * 1000)]);
    rows.push(['  of which grouping', format(Number(groupingSummary.groupingSeconds) * 1000)]);

    // 4. Assessment: the nightly job for last month, then the page.
    const month = `${addCalendarDays(`${to.slice(0, 7)}-01`, -1).slice(0, 7)}-01`;
    const assessment = await runOnce('assessment', { period: 'month', start: month });
    rows.push(['assessment job, one month', format(assessment.milliseconds)]);
    const state = new Readiness();
    state.markReady({ migrations: 0, demo: null });
    const app = createApp({ db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }) });
    const signIn = await app.request('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'leader', password: 'minqing2026' }),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const page: Record<string, ReturnType<typeof distribution>> = {};
    for (const kind of ['unit', 'town', 'village']) {
      const samples: number[] = [];
      for (let round = 0; round < 32; round++) {
        const milliseconds = await time(async () => {
          const response = await app.request(`/api/analytics/assessment?period=month&start=${month.slice(0, 7)}&kind=${kind}`, {
            headers: { cookie },
          });
          if (response.status !== 200) throw new Error(`assessment page: ${response.status} ${await response.text()}`);
          await response.json();
        });
        if (round >= 2) samples.push(milliseconds);
      }
      page[kind] = distribution(samples);
      rows.push([`assessment page (${kind}), p50 / p99`, `${format(page[kind].p50)} / ${format(page[kind].p99)}`]);
    }

    Object.assign(figures, {
      to,
      giStar: { firstMs: giFirst.milliseconds, cachedMs: giCached.milliseconds, withClustersMs: giFull.milliseconds },
      emergingMs: emerging.milliseconds,
      commonProblems: {
        ms: groupingMilliseconds,
        summary: groupingSummary,
        rssBeforeMiB: megabytes(before.rss),
        rssAfterMiB: megabytes(after.rss),
        heapUsedAfterMiB: megabytes(after.heapUsed),
      },
      assessment: { jobMs: assessment.milliseconds, page },
    });
    const load = machine();
    figures.machine = { ...load, description: describeMachine(load) };
    console.log(describeMachine(load));
    console.log(`\nLeaders' view on ${counts!.cases.toLocaleString('en')} cases (times in ms):\n`);
    console.log(table(['what', 'ms'], rows));
    console.log(
      `\ncommon-problem grouping memory: process RSS ${megabytes(before.rss)} MiB before, ${megabytes(after.rss)} MiB after` +
        ` (heap used ${megabytes(after.heapUsed)} MiB)`,
    );
    console.log(`written ${writeResults('analytics', figures)}`);
  } finally {
    await db.close();
  }
}
