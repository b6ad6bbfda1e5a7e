/**
 * The recurring jobs, on pg-boss: durable, retried, and run once per schedule
 * however many API processes are up (pg-boss's cron takes a lock).
 */
import type { Database, PgBoss } from '@minqing/db';
import type { Clock } from '../cases/clock.ts';
import type { Logger } from '../logger.ts';
import { registerAnalyticsJobs } from './analytics.job.ts';
import { CARD_SWEEP_QUEUE, sweepCards } from './card-sweep.job.ts';

/** Every ten minutes: cards and reminders. */
export const CARD_SWEEP_SCHEDULE = '*/10 * * * *';

export async function registerJobs(boss: PgBoss, db: Database, clock: Clock, logger: Logger): Promise<void> {
  await boss.createQueue(CARD_SWEEP_QUEUE);
  await boss.schedule(CARD_SWEEP_QUEUE, CARD_SWEEP_SCHEDULE, {}, { tz: 'Asia/Shanghai', retryLimit: 3, expireInSeconds: 600 });
  await boss.work(CARD_SWEEP_QUEUE, async () => {
    const result = await sweepCards(db, clock.now());
    if (result.yellow + result.red + result.reminders > 0) logger.info({ ...result }, 'card sweep');
  });
  await registerAnalyticsJobs(boss, db, clock, logger);
}
