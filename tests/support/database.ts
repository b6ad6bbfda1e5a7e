/**
 * A database of its own for each test file, copied from a template the global
 * setup prepared (postgis-global-setup.ts):
 *
 *   const database = await createTestDatabase({ template: 'demo' });
 *   afterAll(() => database.drop());
 *
 * - `demo`: migrated schema with the full demo district (the default);
 * - `empty`: migrated schema, no rows beyond what migrations insert;
 * - `blank`: nothing at all, not even PostGIS (for testing migrations themselves).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type Database } from '@minqing/db';
import { databaseUrl, quoteIdentifier, testDatabasePrefix, type TestDatabaseContext } from './context.ts';

export type TestTemplate = 'demo' | 'empty' | 'blank';

export interface TestDatabase {
  /** Database name, minqing_t_<epoch seconds>_<random>. */
  name: string;
  /** postgres:// URL of this database, e.g. for DATABASE_URL of a server under test. */
  url: string;
  /** The app's own client on it (postgres engine). */
  db: Database;
  /** Closes `db` and drops the database, even while other connections are open. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  template?: TestTemplate;
  /** Pool size of `db`. */
  maxConnections?: number;
}

export function testDatabaseContext(): TestDatabaseContext {
  const context = inject('testDatabase');
  if (!context) {
    throw new Error(
      'no test database context: this test must run in a vitest project whose globalSetup is tests/support/postgis-global-setup.ts',
    );
  }
  return context;
}

function adminClient(adminUrl: string) {
  return postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
}

async function serverVersion(admin: postgres.Sql): Promise<number> {
  const [row] = await admin<{ version: string }[]>`select current_setting('server_version_num') as version`;
  return Number(row?.version);
}

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const context = testDatabaseContext();
  const template = options.template ?? 'demo';
  const name = `${testDatabasePrefix}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const admin = adminClient(context.adminUrl);
  try {
    let createOptions: string;
    if (template === 'blank') createOptions = context.blankCreateOptions;
    else {
      const source = context.templates[template];
      if (!source) throw new Error('no demo template: this run was started with TEST_DEMO=off');
      createOptions = `template ${quoteIdentifier(source)}`;
      // PostgreSQL 15+: copying files beats writing the whole template through the WAL.
      if ((await serverVersion(admin)) >= 150000) createOptions += ' strategy file_copy';
    }
    await admin.unsafe(`create database ${quoteIdentifier(name)} ${createOptions}`);
  } finally {
    await admin.end({ timeout: 5 });
  }

  const url = databaseUrl(context.adminUrl, name);
  let db: Database;
  try {
    db = await openDatabase({ databaseUrl: url, maxConnections: options.maxConnections ?? 4 });
  } catch (error) {
    await dropTestDatabase(context.adminUrl, name);
    throw error;
  }
  let dropped = false;
  return {
    name,
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.close().catch(() => {});
      await dropTestDatabase(context.adminUrl, name);
    },
  };
}

export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  if (!name.startsWith(testDatabasePrefix)) throw new Error(`refusing to drop ${name}: not a test database`);
  const admin = adminClient(adminUrl);
  try {
    // WITH (FORCE) (PostgreSQL 13+) ends the sessions still connected, e.g. a server under test.
    await admin.unsafe(`drop database if exists ${quoteIdentifier(name)} with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
