/**
 * pg-boss, the job queue, in the same database as everything else: durable,
 * retried, and safe with several API processes. It runs on both engines through
 * the `Database` interface, so there is one pool (or one embedded instance).
 */
import PgBoss from 'pg-boss';
import type { Database } from './client.ts';

export type { PgBoss };

export interface JobQueueOptions {
  /** Seconds between pg-boss maintenance runs (archive, expire). */
  maintenanceIntervalSeconds?: number;
  onError?: (error: Error) => void;
}

export async function startJobQueue(db: Database, options: JobQueueOptions = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    db: {
      async executeSql(text: string, values?: unknown[]) {
        // pg-boss sends its install and migration scripts as several statements
        // without parameters: those go through the simple protocol.
        const rows = values && values.length > 0 ? await db.queryText(text, values) : await db.exec(text);
        return { rows };
      },
    },
    schema: 'pgboss',
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 120,
  });
  boss.on('error', (error: Error) => options.onError?.(error));
  await boss.start();
  return boss;
}
