/**
 * One card sweep as a process of its own, so a test can kill it midway:
 *
 *   DATABASE_URL=… SWEEP_AT=2026-11-23T09:00:00+08:00 APPLICATION_NAME=sweep-1 \
 *     node --import tsx tests/support/sweep-child.ts
 *
 * Its connection carries APPLICATION_NAME (default minqing-sweep-child), so a
 * test finds it in pg_stat_activity. Prints `sweeping` when it starts, then
 * the outcome as one JSON line.
 */
import { sweepCards } from '@minqing/api';
import { openDatabase } from '@minqing/db';

const databaseUrl = process.env.DATABASE_URL;
const at = process.env.SWEEP_AT;
if (!databaseUrl || !at) throw new Error('DATABASE_URL and SWEEP_AT are required');
const now = new Date(at);
if (Number.isNaN(now.getTime())) throw new Error(`SWEEP_AT is not a time: ${at}`);

const db = await openDatabase({
  databaseUrl,
  maxConnections: 1,
  connectionSettings: { application_name: process.env.APPLICATION_NAME ?? 'minqing-sweep-child' },
});
try {
  console.log('sweeping');
  console.log(JSON.stringify(await sweepCards(db, now)));
} finally {
  await db.close();
}
