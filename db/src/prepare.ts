/**
 * Brings a database to the state the app needs: migrations applied and, when
 * asked for, the demo district generated on an empty database. Safe when
 * several processes start at once, and safe to run again after a kill.
 */
import type { Database } from './client.ts';
import { ensureDemoDistrict, type DemoOptions, type DemoOutcome } from './demo/index.ts';
import { migrate, type MigrateResult } from './migrate.ts';
import { seedDefaults } from './seed.ts';

export interface PrepareOptions {
  /** Generate the demo district when the database holds no jurisdiction yet. */
  demo: boolean;
  demoOptions?: DemoOptions;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

export interface PrepareResult {
  migrations: MigrateResult;
  demo: DemoOutcome | null;
}

export async function prepareDatabase(db: Database, options: PrepareOptions): Promise<PrepareResult> {
  const log = options.log ?? (() => {});
  const migrations = await migrate(db);
  log('migrations in place', { applied: migrations.applied, alreadyApplied: migrations.alreadyApplied });
  const demo = options.demo ? await ensureDemoDistrict(db, { ...options.demoOptions, log }) : null;
  const seeded = await seedDefaults(db);
  if (seeded.categoriesAdded > 0 || seeded.departmentsLinked > 0) log('defaults seeded', { ...seeded });
  return { migrations, demo };
}
