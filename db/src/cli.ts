/**
 * Database commands:
 *   pnpm migrate                 apply migrations (DATABASE_URL or the embedded DATA_DIR)
 *   pnpm demo [--seed N] [--scale S]
 *                                migrate, then generate the demo district on an empty database
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from './client.ts';
import { DEFAULT_DEMO_SEED } from './demo/index.ts';
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

// Relative folders are meant from the repository root, as the server reads them.
const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dataDir = process.env.DATA_DIR ?? './data';
const db = await openDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: dataDir === 'memory://' || isAbsolute(dataDir) ? dataDir : resolve(repositoryRoot, dataDir),
});
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
