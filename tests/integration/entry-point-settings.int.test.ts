/**
 * Every entry point reads its settings as the server does: the environment
 * over the settings file. `npm run import` and `npm run migrate` with
 * DATABASE_URL only in the file use that database (not the embedded one),
 * and a DATABASE_URL in the environment wins over the file's. The file is one
 * of this test's own (MINQING_ENV_FILE), never the developer's `.env`; the
 * environment sets DATA_DIR=memory://, so a command that ignored the file
 * would answer from an empty embedded database, not touch ./data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

let database: TestDatabase;
let folder: string;

beforeAll(async () => {
  database = await createTestDatabase({ template: 'demo' });
  folder = mkdtempSync(join(tmpdir(), 'minqing-settings-'));
});
afterAll(async () => {
  await database?.drop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** Runs a command-line entry point (as `npm run …` does, from the repository root) with a settings file of its own. */
async function command(script: string, args: string[], file: string, environment: Record<string, string> = {}) {
  const settingsFile = join(folder, `${Math.random().toString(36).slice(2)}.env`);
  writeFileSync(settingsFile, file);
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('VITEST') && !['DATABASE_URL', 'DATA_DIR', 'NODE_ENV'].includes(key),
    ),
  );
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repositoryRoot,
    env: { ...base, MINQING_ENV_FILE: settingsFile, DATA_DIR: 'memory://', ...environment },
    timeout: 120_000,
  });
  return stdout;
}

describe('the command line reads the settings file under the environment', () => {
  test('npm run import: DATABASE_URL only in the file is the database imported into', async () => {
    const stdout = await command('api/src/import/cli.ts', ['status'], `DATABASE_URL=${database.url}\n`);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ jurisdiction: true, users: true, setupOpen: false });
  });

  test('npm run migrate: DATABASE_URL only in the file is the database migrated', async () => {
    const stdout = await command('db/src/cli.ts', ['migrate'], `DATABASE_URL=${database.url}\n`);
    // The demo database holds every migration already; an empty embedded database would have applied them all.
    expect(stdout).toMatch(/migrations: 0 applied, [1-9][0-9]* already in place/);
  });

  test('a DATABASE_URL in the environment wins over the file', async () => {
    const stdout = await command('api/src/import/cli.ts', ['status'], 'DATABASE_URL=postgres://nobody@127.0.0.1:9/nowhere\n', {
      DATABASE_URL: database.url,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ jurisdiction: true });
  });
});
