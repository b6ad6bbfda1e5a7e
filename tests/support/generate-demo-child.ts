/**
 * Generates the demo district into DATABASE_URL (already migrated), as a
 * process of its own so a test can kill it midway.
 * Environment: DATABASE_URL, DEMO_SCALE (default 1), DEMO_SEED (optional).
 * Prints the generator's progress, then the outcome as one JSON line.
 */
import { ensureDemoDistrict, openDatabase } from '@minqing/db';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const db = await openDatabase({ databaseUrl, maxConnections: 2 });
try {
  const outcome = await ensureDemoDistrict(db, {
    scale: Number(process.env.DEMO_SCALE ?? 1),
    ...(process.env.DEMO_SEED ? { seed: Number(process.env.DEMO_SEED) } : {}),
    log: (message) => console.log(message),
  });
  console.log(JSON.stringify(outcome));
} finally {
  await db.close();
}
