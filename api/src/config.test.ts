import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, describeConfig, loadConfig, readEnvironment, repositoryRoot } from './config.ts';

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the settings were accepted');
}

describe('loadConfig', () => {
  test('defaults: port 8080, embedded engine in <root>/data, demo on, web/dist from the repository root', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      dataDir: join(repositoryRoot, 'data'),
      demo: true,
      logLevel: 'info',
      webDistDir: join(repositoryRoot, 'web', 'dist'),
      basemapStyleUrl: undefined,
      tileCacheMegabytes: 64,
    });
  });

  test.each([
    ['on', true],
    ['off', false],
    ['true', true],
    ['FALSE', false],
    ['1', true],
    ['0', false],
  ])('DEMO=%s reads as %s', (value, expected) => {
    expect(loadConfig({ DEMO: value }).demo).toBe(expected);
  });

  test('reads every setting', () => {
    const config = loadConfig({
      PORT: '9090',
      DATABASE_URL: 'postgres://minqing:secret@db:5432/minqing',
      DATA_DIR: '/var/lib/minqing',
      DEMO: 'off',
      DEMO_SEED: '42',
      DEMO_SCALE: '0.05',
      LOG_LEVEL: 'debug',
      WEB_DIST_DIR: 'elsewhere/dist',
      BASEMAP_STYLE_URL: 'https://t0.tianditu.gov.cn/style.json',
      TILE_CACHE_MB: '0',
    });
    expect(config).toEqual({
      port: 9090,
      databaseUrl: 'postgres://minqing:secret@db:5432/minqing',
      dataDir: '/var/lib/minqing',
      demo: false,
      demoSeed: 42,
      demoScale: 0.05,
      logLevel: 'debug',
      webDistDir: join(repositoryRoot, 'elsewhere', 'dist'),
      basemapStyleUrl: 'https://t0.tianditu.gov.cn/style.json',
      tileCacheMegabytes: 0,
    });
  });

  test('an empty value counts as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: ' ' })).toMatchObject({ databaseUrl: undefined, port: 8080 });
  });

  test('keeps memory:// for the embedded engine as it is', () => {
    expect(loadConfig({ DATA_DIR: 'memory://' }).dataDir).toBe('memory://');
  });

  test('names each bad setting, what it accepts and what it got', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DEMO: 'maybe',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      DEMO_SCALE: '-1',
    });
    expect(problems).toHaveLength(5);
    expect(problems).toContain('PORT must be a whole number from 1 to 65535 (got "eighty")');
    expect(problems).toContain('DEMO must be on or off (also accepted: true/false, 1/0, yes/no) (got "maybe")');
    expect(problems.find((problem) => problem.startsWith('DATABASE_URL'))).toMatch(/postgres:\/\//);
    expect(problems.find((problem) => problem.startsWith('LOG_LEVEL'))).toMatch(/info/);
    expect(problems.find((problem) => problem.startsWith('DEMO_SCALE'))).toMatch(/got "-1"/);
  });

  test('refuses a port out of range and a basemap style that is not a URL', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT/);
    expect(problemsOf({ BASEMAP_STYLE_URL: 'tianditu' })[0]).toMatch(/^BASEMAP_STYLE_URL must be an http\(s\) URL/);
  });

  test('the error message lists the problems', () => {
    expect(() => loadConfig({ PORT: '0' })).toThrow(/invalid settings:\n {2}- PORT/);
  });
});

describe('readEnvironment', () => {
  test('the environment wins over the .env file; the database settings come from both', () => {
    const folder = mkdtempSync(join(tmpdir(), 'minqing-config-'));
    writeFileSync(join(folder, '.env'), 'MINQING_TEST_ONLY_FILE=from-file\nPATH=from-file\nDATABASE_URL=postgres://db/minqing\n');
    const environment = readEnvironment({ root: folder, environment: { PATH: '/usr/bin', PORT: '9000' } });
    expect(environment.MINQING_TEST_ONLY_FILE).toBe('from-file');
    expect(environment.PATH).toBe('/usr/bin');
    expect(loadConfig(environment)).toMatchObject({ port: 9000, databaseUrl: 'postgres://db/minqing' });
  });
});

describe('describeConfig', () => {
  test('hides the database password', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://minqing:secret@db:5432/minqing' });
    expect(describeConfig(config).databaseUrl).toBe('postgres://minqing:***@db:5432/minqing');
  });
});
