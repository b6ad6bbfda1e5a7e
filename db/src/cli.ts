/**
 * Database commands:
 *   pnpm migrate                 apply migrations (DATABASE_URL or the embedded DATA_DIR)
 *   pnpm demo [--seed N] [--scale S]
 *                                migrate, then generate the demo district on an empty database
 *
 * DATABASE_URL and DATA_DIR are read as the server reads them: the
 * environment over `.env` at the repository root (environment.ts).
 */
import { parseArgs } from 'node:util';
import { openDatabase } from './client.ts';
import { DEFAULT_DEMO_SEED } from './demo/index.ts';
import { databaseSettings, readEnvironment } from './environment.ts';
import { prepareDatabase } from './prepare.ts';
import { migrate } from './migrate.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string' },
    scale: { type: 'string' },
  },
});
const command = positionals[0];
if (command !== 'migrate' && command !== 'demo') {
  console.error('usage: cli.ts migrate | demo [--seed N] [--scale S]');
  process.exit(2);
}
const seed = values.seed === undefined ? DEFAULT_DEMO_SEED : Number(values.seed);
const scale = values.scale === undefined ? 1 : Number(values.scale);
if (!Number.isInteger(seed) || !(scale > 0 && scale <= 20)) {
  console.error('--seed must be an integer and --scale a number above 0 and at most 20');
  process.exit(2);
}

let settings: ReturnType<typeof databaseSettings>;
try {
  settings = databaseSettings(readEnvironment());
} catch (error) {
  console.error(`cannot read the settings: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const db = await openDatabase(settings);
const log = (message: string, details?: Record<string, unknown>) => console.log(message, details ? JSON.stringify(details) : '');
try {
  if (command === 'migrate') {
    const result = await migrate(db);
    log(`migrations: ${result.applied.length} applied, ${result.alreadyApplied} already in place`, { applied: result.applied });
  } else {
    const result = await prepareDatabase(db, { demo: true, demoOptions: { seed, scale }, log });
    log(`demo district: ${result.demo?.status}`, result.demo ?? {});
  }
} finally {
  await db.close();
}
