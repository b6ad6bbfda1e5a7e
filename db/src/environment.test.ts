import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { databaseSettings, readEnvironment, settingsFile } from './environment.ts';

// A root of its own with its own .env: nothing here reads the repository's .env.
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'minqing-environment-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const FILE = 'DATABASE_URL=postgres://from-file@127.0.0.1:5432/minqing\nDATA_DIR=./from-file\nPORT=9090\n';

describe('readEnvironment', () => {
  test('.env at the root fills in what the environment does not set', () => {
    writeFileSync(join(root, '.env'), FILE);
    const environment = readEnvironment({ root, environment: { PORT: '7070' } });
    expect(environment).toMatchObject({ DATABASE_URL: 'postgres://from-file@127.0.0.1:5432/minqing', PORT: '7070' });
    expect(databaseSettings(environment, root)).toEqual({
      databaseUrl: 'postgres://from-file@127.0.0.1:5432/minqing',
      dataDir: join(root, 'from-file'),
    });
  });

  test('the environment wins, even set empty (the embedded engine)', () => {
    writeFileSync(join(root, '.env'), FILE);
    const environment = readEnvironment({ root, environment: { DATABASE_URL: '', DATA_DIR: 'memory://' } });
    expect(databaseSettings(environment, root)).toEqual({ databaseUrl: undefined, dataDir: 'memory://' });
  });

  test('defaults only when neither sets it; no .env is no file', () => {
    expect(databaseSettings(readEnvironment({ root, environment: {} }), root)).toEqual({
      databaseUrl: undefined,
      dataDir: join(root, 'data'),
    });
  });

  test('MINQING_ENV_FILE=none skips the file; a path names another one; a missing named file is refused', () => {
    writeFileSync(join(root, '.env'), FILE);
    expect(settingsFile({ MINQING_ENV_FILE: 'none' }, root)).toBeNull();
    expect(readEnvironment({ root, environment: { MINQING_ENV_FILE: 'none' } }).DATABASE_URL).toBeUndefined();
    writeFileSync(join(root, 'other.env'), 'DATABASE_URL=postgresql://other/minqing\n');
    expect(readEnvironment({ root, environment: { MINQING_ENV_FILE: 'other.env' } }).DATABASE_URL).toBe(
      'postgresql://other/minqing',
    );
    expect(() => readEnvironment({ root, environment: { MINQING_ENV_FILE: 'missing.env' } })).toThrow(
      /MINQING_ENV_FILE names .*missing\.env, which does not exist/,
    );
  });

  test('a DATABASE_URL that is not a postgres URL is refused naming it', () => {
    expect(() => databaseSettings({ DATABASE_URL: 'mysql://db/minqing' }, root)).toThrow(/DATABASE_URL must be a postgres/);
  });
});
