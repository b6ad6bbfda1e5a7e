import { createRoute, z } from '@hono/zod-openapi';
import { sql } from '@minqing/db';
import { createRouter } from '../http/router.ts';
import type { RouteDependencies } from './dependencies.ts';

const DatabaseEngineSchema = z
  .enum(['embedded', 'postgres'])
  .openapi({ description: "'embedded': PGlite in DATA_DIR; 'postgres': DATABASE_URL" });

const DemoSummarySchema = z
  .object({
    seed: z.number(),
    scale: z.number(),
    towns: z.number(),
    villages: z.number(),
    grids: z.number(),
    buildings: z.number(),
    households: z.number(),
    population: z.number(),
    units: z.number(),
    users: z.number(),
    gridsInBand: z.number(),
    seconds: z.number().openapi({ description: 'How long the generation took' }),
  })
  .openapi('DemoSummary');

const HealthySchema = z
  .object({
    status: z.literal('ok'),
    database: DatabaseEngineSchema,
    migrations: z.number().int().openapi({ description: 'Migrations in place' }),
    demo: DemoSummarySchema.nullable().openapi({ description: 'The demo district, or null when the database holds none' }),
  })
  .openapi('Health');

const UnhealthySchema = z
  .object({
    status: z.enum(['starting', 'failed']),
    database: DatabaseEngineSchema,
    message: z.string(),
  })
  .openapi('HealthUnavailable');

const healthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['health'],
  summary: 'Whether the server is ready: migrations applied and the demo district in place',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: HealthySchema } } },
    503: {
      description: 'Still preparing the database, or its preparation failed',
      content: { 'application/json': { schema: UnhealthySchema } },
    },
  },
});

export function healthRoutes({ db, state }: RouteDependencies) {
  return createRouter().openapi(healthRoute, async (c) => {
    c.header('Cache-Control', 'no-store');
    const { status, detail, ready } = state.current;
    if (status !== 'ready' || !ready) {
      return c.json(
        { status: status === 'failed' ? ('failed' as const) : ('starting' as const), database: db.engine, message: detail },
        503,
      );
    }
    try {
      await db.query(sql`select 1`);
    } catch (error) {
      return c.json(
        { status: 'failed' as const, database: db.engine, message: `the database does not answer: ${(error as Error).message}` },
        503,
      );
    }
    const demo = ready.demo && ready.demo.status !== 'skipped' ? ready.demo.summary : null;
    return c.json({ status: 'ok' as const, database: db.engine, migrations: ready.migrations, demo }, 200);
  });
}
