/**
 * Forward-only migrations: numbered `.sql` files in db/migrations, applied in
 * order, each in its own transaction and recorded in `schema_migration` with a
 * checksum. A transaction-scoped advisory lock serialises processes that start
 * at once; a migration killed midway rolls back and is applied again on the next
 * start. A migration that changed after it was applied stops the start-up: the
 * rule is to add a new file, never to edit an old one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.ts';
import { sql } from './sql.ts';

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/** Arbitrary constant shared by every Minqing process: the migration lock. */
const MIGRATION_LOCK = 7_270_100_001;

export interface Migration {
  version: number;
  name: string;
  script: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function loadMigrations(directory = migrationsDir): Migration[] {
  const migrations = readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d{5})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new MigrationError(`migration file name ${file} is not NNNNN_snake_name.sql`);
      const script = readFileSync(join(directory, file), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2]!,
        script,
        checksum: createHash('sha256').update(script).digest('hex'),
      };
    });
  // Numbers are unique and increasing; gaps are allowed so that work in parallel
  // can take its own range (docs/architecture.md lists them).
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && previous.version === migration.version) {
      throw new MigrationError(`two migrations share the number ${migration.version}: ${previous.name} and ${migration.name}`);
    }
  });
  return migrations;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(db: Database, migrations = loadMigrations()): Promise<MigrateResult> {
  await db.transaction(async (tx) => {
    await tx.query(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.exec(`
      create table if not exists schema_migration (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`);
  });

  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const migration of migrations) {
    const label = `${String(migration.version).padStart(5, '0')}_${migration.name}`;
    const didApply = await db.transaction(async (tx) => {
      await tx.query(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      const [existing] = await tx.query<{ checksum: string }>(
        sql`select checksum from schema_migration where version = ${migration.version}`,
      );
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new MigrationError(`migration ${label} was changed after it was applied; add a new migration instead`);
        }
        return false;
      }
      await tx.exec(migration.script);
      await tx.query(
        sql`insert into schema_migration (version, name, checksum) values (${migration.version}, ${migration.name}, ${migration.checksum})`,
      );
      return true;
    });
    if (didApply) applied.push(label);
    else alreadyApplied++;
  }
  return { applied, alreadyApplied };
}
