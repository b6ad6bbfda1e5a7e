import { defineConfig } from 'vitest/config';

/**
 * One vitest run, four projects:
 * - unit: pure tests beside the code (shared, db, api, web);
 * - integration: api + db against a real PostgreSQL + PostGIS, one database per test file;
 * - smoke: the app booted on the embedded engine (PGlite), as a newcomer would run it;
 * - e2e: the built app in headless Chromium.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,db,api,web}/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.int.test.ts'],
          globalSetup: ['tests/support/postgis-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'smoke',
          include: ['tests/smoke/**/*.smoke.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.ts'],
          globalSetup: ['tests/support/postgis-global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
