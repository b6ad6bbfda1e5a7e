/**
 * The bench databases on the local PostgreSQL + PostGIS: BENCH_DATABASE_URL,
 * else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/minqing_bench
 * (created when missing, the demo district generated when empty).
 */
import postgres from 'postgres';
import { MigrationError, openDatabase, prepareDatabase, type Database } from '@minqing/db';

export const DEFAULT_BENCH_URL = 'postgres://postgres@127.0.0.1:5432/minqing_bench';

export function benchDatabaseUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_BENCH_URL;
}

/** The URL with its password hidden, for printing. */
export function printable(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function adminClient(url: string): postgres.Sql {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return postgres(admin.toString(), { max: 1, onnotice: () => {} });
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export function withDatabaseName(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${encodeURIComponent(name)}`;
  return target.toString();
}

export async function ensureDatabaseExists(url: string): Promise<void> {
  const name = databaseName(url);
  const client = adminClient(url);
  try {
    const [found] = await client`select 1 from pg_database where datname = ${name}`;
    if (!found) {
      console.log(`creating database ${name}`);
      await client.unsafe(`create database ${quote(name)}`);
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  const client = adminClient(url);
  try {
    await client.unsafe(`drop database if exists ${quote(name)} with (force)`);
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Opens the bench database with migrations applied and the demo district in
 * place. The bench's own database (the default URL) is made again from
 * scratch when a migration it ran has changed since (work in progress in the
 * tree); any other database is left as it is and the error reported.
 */
export async function openDemoDatabase(options: { maxConnections?: number } = {}): Promise<{ db: Database; url: string }> {
  const url = benchDatabaseUrl();
  if (url === DEFAULT_BENCH_URL) await ensureDatabaseExists(url);
  const open = () =>
    openDatabase({
      databaseUrl: url,
      connectionSettings: { jit: 'off' },
      ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
    });
  const prepare = (db: Database) =>
    prepareDatabase(db, {
      demo: true,
      log: (message) => {
        if (message.startsWith('demo')) console.log(`  ${message}`);
      },
    });
  let db = await open();
  const started = performance.now();
  let result: Awaited<ReturnType<typeof prepare>>;
  try {
    result = await prepare(db);
  } catch (error) {
    await db.close();
    if (!(error instanceof MigrationError) || url !== DEFAULT_BENCH_URL) throw error;
    console.log(`note: ${error.message}; making the bench database again`);
    await dropDatabase(url, databaseName(url));
    await ensureDatabaseExists(url);
    db = await open();
    result = await prepare(db);
  }
  if (result.demo?.status === 'generated')
    console.log(`demo district generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (result.demo?.status === 'skipped') console.log(`note: ${result.demo.reason}; measuring what the database holds`);
  return { db, url };
}
