/**
 * Positions are kept as tracks for POSITION_RETENTION_DAYS (90: long enough
 * to check a quarter's patrols, 平度's cadence), then pruned every night in
 * batches, so a district's 1,700 workers reporting every 30 s (some 5 million
 * rows a day) do not grow the table without end. A worker's last position is
 * kept whatever its age (their marker points at it).
 */
import { sql, type Database, type PgBoss } from '@minqing/db';
import type { Logger } from '../logger.ts';

export const POSITION_RETENTION_QUEUE = 'worker-position-retention';
export const POSITION_RETENTION_DAYS = 90;
/** Every night at 03:30 China time. */
export const POSITION_RETENTION_SCHEDULE = '30 3 * * *';
const BATCH = 50_000;

/** Deletes positions older than the retention, a batch at a time; returns how many. */
export async function prunePositions(db: Database, now: Date, days = POSITION_RETENTION_DAYS): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000);
  let pruned = 0;
  for (;;) {
    const [row] = await db.query<{ deleted: number }>(sql`
      with old as (
        select p.id from worker_position p
        where p.recorded_at < ${before}
          and not exists (select 1 from worker_last_position l where l.position_id = p.id)
        order by p.id
        limit ${BATCH}::int
      ), deleted as (
        delete from worker_position where id in (select id from old) returning 1
      )
      select count(*)::int as deleted from deleted`);
    pruned += row?.deleted ?? 0;
    if ((row?.deleted ?? 0) < BATCH) return pruned;
  }
}

export async function registerPositionJobs(boss: PgBoss, db: Database, logger: Logger): Promise<void> {
  await boss.createQueue(POSITION_RETENTION_QUEUE);
  await boss.schedule(POSITION_RETENTION_QUEUE, POSITION_RETENTION_SCHEDULE, {}, { tz: 'Asia/Shanghai', retryLimit: 3 });
  await boss.work(POSITION_RETENTION_QUEUE, async () => {
    const pruned = await prunePositions(db, new Date());
    if (pruned > 0) logger.info({ pruned }, 'old worker positions pruned');
  });
}
