export { openDatabase, type Database, type Engine, type OpenOptions, type Queryable, type Row } from './client.ts';
export { sql, compile, type SqlFragment } from './sql.ts';
export { migrate, loadMigrations, MigrationError, type MigrateResult } from './migrate.ts';
export { prepareDatabase, type PrepareOptions, type PrepareResult } from './prepare.ts';
export { startJobQueue, type PgBoss, type JobQueueOptions } from './jobs.ts';
export { ensureDemoDistrict, generateDemoDistrict, type DemoOptions, type DemoOutcome, type DemoSummary } from './demo/index.ts';
export { seedDefaults } from './seed.ts';
