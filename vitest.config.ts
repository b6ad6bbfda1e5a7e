import { defineConfig } from 'vitest/config';

/**
 * One vitest run, four projects, run one group after another (sequence.groupOrder)
 * so the slower groups do not compete for this machine's two cores — the smoke
 * suite times the embedded first start, which must stay under two minutes:
 * - unit: pure tests beside the code (shared, db, api, web);
 * - integration: api + db against a real PostgreSQL + PostGIS, one database per test file
 *   (copied from templates that tests/support/postgis-global-setup.ts builds once);
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
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.int.test.ts'],
          globalSetup: ['tests/support/postgis-global-setup.ts'],
          testTimeout: 60_000,
          // The first run on a machine builds the demo template (minutes), in the global setup.
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'smoke',
          include: ['tests/smoke/**/*.smoke.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
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
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
