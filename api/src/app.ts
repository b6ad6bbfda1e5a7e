/**
 * createApp(deps) — the whole HTTP surface as a Hono app that never listens:
 * server.ts serves it, tests and the bench call `app.request()`.
 */
import type { Database } from '@minqing/db';
import { sessionMiddleware } from './auth/auth.middleware.ts';
import { systemClock, type Clock } from './cases/clock.ts';
import type { Config } from './config.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { readinessGate } from './http/readiness-gate.ts';
import { requestLog } from './http/request-log.ts';
import { createRouter } from './http/router.ts';
import type { Logger } from './logger.ts';
import type { Readiness } from './readiness.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { analyticsRoutes } from './routes/analytics.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { caseRoutes } from './routes/cases.routes.ts';
import { configRoutes } from './routes/config.routes.ts';
import type { RouteDependencies } from './routes/dependencies.ts';
import { docsRoutes } from './routes/docs.routes.ts';
import { gridRoutes } from './routes/grids.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { importRoutes } from './routes/import.routes.ts';
import { intakeWebhookRoutes } from './routes/intake-webhooks.routes.ts';
import { open311Routes } from './routes/open311.routes.ts';
import { positionRoutes } from './routes/positions.routes.ts';
import { plannerRoutes } from './routes/planner.routes.ts';
import { regionRoutes } from './routes/regions.routes.ts';
import { streamRoutes } from './routes/stream.routes.ts';
import { tileRoutes } from './routes/tiles.routes.ts';
import { wallRoutes } from './routes/wall.routes.ts';
import { webRoutes } from './routes/web.routes.ts';
import { TileService } from './services/tiles.service.ts';
import type { TileEncoderName } from './tiles/tile-encoders.ts';

export interface AppDependencies {
  db: Database;
  logger: Logger;
  /** Readiness of the database (migrations, demo): health answers from it, data routes wait for it. */
  state: Readiness;
  config: Config;
  /** Force one tile encoder (tests, bench); default: ST_AsMVT where PostGIS can, else JavaScript. */
  tileEncoder?: TileEncoderName;
  /** The clock cases run on; tests move it. */
  clock?: Clock;
}

export const API_VERSION = '0.1.0';

export function createApp(deps: AppDependencies) {
  const clock = deps.clock ?? systemClock;
  const tiles = new TileService(deps.db, {
    cacheBytes: deps.config.tileCacheMegabytes * 1024 * 1024,
    encoder: deps.tileEncoder ?? 'auto',
    onListenError: (error) =>
      deps.logger.warn({ err: error }, 'cannot LISTEN for map changes; tile versions are read for every tile'),
    clock,
  });
  const routeDependencies: RouteDependencies = { ...deps, tiles, clock };

  const app = createRouter();
  app.use('*', requestLog(deps.logger));
  app.use('*', readinessGate(deps.state));
  app.use('*', sessionMiddleware(deps.db, clock));
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);

  app.route('/', healthRoutes(routeDependencies));
  app.route('/', configRoutes(routeDependencies));
  app.route('/', regionRoutes(routeDependencies));
  app.route('/', gridRoutes(routeDependencies));
  app.route('/', tileRoutes(routeDependencies));
  app.route('/', authRoutes(routeDependencies));
  app.route('/', caseRoutes(routeDependencies));
  app.route('/', analyticsRoutes(routeDependencies));
  app.route('/', intakeWebhookRoutes(routeDependencies));
  app.route('/', adminRoutes(routeDependencies));
  app.route('/', open311Routes(routeDependencies));
  app.route('/', streamRoutes(routeDependencies));
  app.route('/', positionRoutes(routeDependencies));
  app.route('/', wallRoutes(routeDependencies));
  app.route('/', plannerRoutes(routeDependencies));
  app.route('/', importRoutes(routeDependencies));

  app.doc('/api/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: '民情 Minqing API',
      version: API_VERSION,
      description:
        'Grid governance for a district: the jurisdiction tree, grids of 300–500 households, vector tiles. ' +
        'Errors are JSON: { "error": { "code", "message" } }. Boundaries with geometrySource \'synthetic\' are generated for the demo, not real.',
    },
    tags: [
      { name: 'health', description: 'Readiness and client settings' },
      { name: 'regions', description: 'District, towns/streets, villages/communities' },
      { name: 'grids', description: 'Grids (网格) and their household band' },
      { name: 'tiles', description: 'Vector tiles for the map' },
      { name: 'auth', description: 'Sign-in sessions (httpOnly cookie)' },
      { name: 'cases', description: 'Cases (诉求): intake, queue, actions on the five-level ladder' },
      { name: 'public', description: 'For residents: file a request, follow it by tracking code' },
      { name: 'analytics', description: "Leaders' view: hot spots, emerging hot spots, common problems, rankings, exports" },
      { name: 'planner', description: 'Grid planner: drafts, checks, proposals, publishing, import/export, worker assignments' },
      { name: 'import', description: 'Bring your own district: boundaries, grids, households, units and users from files' },
      { name: 'intake', description: 'Inbound SMS, WeChat and e-mail webhooks (shared-secret header)' },
      { name: 'administration', description: 'Taxonomy, policies, holiday calendar, jobs (administrator only)' },
      { name: 'open311', description: 'Open311 GeoReport v2 (/open311/v2/, JSON; errors as [{code, description}])' },
      { name: 'live', description: "Live events (SSE) and grid workers' positions" },
      { name: 'wall', description: 'The map wall: numbers, feed, grids, play-back (no personal data)' },
    ],
  });
  app.route('/', docsRoutes());
  app.route('/', webRoutes(deps.config.webDistDir));

  return app;
}

export type App = ReturnType<typeof createApp>;
