/**
 * Analytics jobs on pg-boss:
 *
 * - `analytics-runs` runs the analyses the API queued (table analytics_run),
 *   woken by a NOTIFY when one is queued and every minute in case a wake-up
 *   was missed; claiming is FOR UPDATE SKIP LOCKED, so several API processes
 *   share the queue and no run is computed twice;
 * - `analytics-nightly` (02:30 China time) queues the default analyses —
 *   emerging hot spots over the last 52 weeks, common problems over the last
 *   year, the assessment of this month, last month, this quarter and this
 *   year — so that the pages open on fresh results. On start-up, kinds that
 *   were never computed are queued at once.
 */
import { sql, type Database, type PgBoss } from '@minqing/db';
import { addCalendarDays, chinaDate } from '@minqing/shared';
import { loadAnalyticsPolicy } from '../analytics/analytics-policy.ts';
import { latestRunOfKind, processQueuedRuns, queueRun, RUN_KINDS, RUN_REQUESTED_CHANNEL } from '../analytics/analytics-runs.ts';
import { periodOf } from '../analytics/periods.ts';
import type { Clock } from '../cases/clock.ts';
import type { Logger } from '../logger.ts';

export const ANALYTICS_RUNS_QUEUE = 'analytics-runs';
export const ANALYTICS_NIGHTLY_QUEUE = 'analytics-nightly';
export const ANALYTICS_NIGHTLY_SCHEDULE = '30 2 * * *';

/** Hot spot runs are made on every new request; those older than this are removed nightly (their results with them). */
const HOTSPOT_RUNS_KEPT_DAYS = 7;

/** Queues the default analyses as of `now` (the day before, for whole days), and removes stale hot spot runs. */
export async function queueNightlyAnalytics(db: Database, now: Date): Promise<number[]> {
  await db.query(sql`
    delete from analytics_run
    where kind = 'hotspots' and requested_at < ${now}::timestamptz - ${HOTSPOT_RUNS_KEPT_DAYS} * interval '1 day'`);
  const policy = await loadAnalyticsPolicy(db);
  const today = chinaDate(now);
  const yesterday = addCalendarDays(today, -1);
  const lastMonth = addCalendarDays(`${today.slice(0, 7)}-01`, -1);
  const runs = [
    await queueRun(db, 'emerging_hotspots', { ...policy.emerging, to: yesterday, categories: [] }, null, now),
    await queueRun(
      db,
      'common_problems',
      {
        ...policy.commonProblems,
        from: addCalendarDays(yesterday, -(policy.commonProblems.windowDays - 1)),
        to: yesterday,
        categories: [],
      },
      null,
      now,
    ),
  ];
  for (const [kind, date] of [
    ['month', today],
    ['month', lastMonth],
    ['quarter', today],
    ['year', today],
  ] as const) {
    const period = periodOf(kind, date);
    runs.push(await queueRun(db, 'assessment', { period: kind, start: period.from }, null, now));
  }
  return runs.map((run) => run.id);
}

export async function registerAnalyticsJobs(boss: PgBoss, db: Database, clock: Clock, logger: Logger): Promise<void> {
  await boss.createQueue(ANALYTICS_RUNS_QUEUE);
  await boss.createQueue(ANALYTICS_NIGHTLY_QUEUE);
  await boss.work(ANALYTICS_RUNS_QUEUE, async () => {
    const ran = await processQueuedRuns(db, () => clock.now());
    for (const run of ran) {
      if (run.status === 'failed') logger.warn({ run: run.id, kind: run.kind, error: run.error }, 'analysis run failed');
      else logger.info({ run: run.id, kind: run.kind, seconds: run.summary.seconds }, 'analysis run computed');
    }
  });
  await boss.work(ANALYTICS_NIGHTLY_QUEUE, async () => {
    const ids = await queueNightlyAnalytics(db, clock.now());
    logger.info({ runs: ids }, 'nightly analyses queued');
    await boss.send(ANALYTICS_RUNS_QUEUE, {}, { singletonKey: 'analytics-runs', retryLimit: 2 });
  });
  await boss.schedule(ANALYTICS_NIGHTLY_QUEUE, ANALYTICS_NIGHTLY_SCHEDULE, {}, { tz: 'Asia/Shanghai', retryLimit: 2 });
  await boss.schedule(ANALYTICS_RUNS_QUEUE, '* * * * *', {}, { tz: 'Asia/Shanghai', retryLimit: 1, expireInSeconds: 3600 });
  await db.listen(RUN_REQUESTED_CHANNEL, () => {
    void boss
      .send(ANALYTICS_RUNS_QUEUE, {}, { singletonKey: 'analytics-runs', retryLimit: 2 })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not wake the analytics worker'));
  });
  // A new deployment: compute once now rather than waiting for the night.
  const missing = [];
  for (const kind of RUN_KINDS.filter((kind) => kind !== 'hotspots')) {
    if (!(await latestRunOfKind(db, kind))) missing.push(kind);
  }
  if (missing.length > 0) await boss.send(ANALYTICS_NIGHTLY_QUEUE, {}, { retryLimit: 1 });
}
