import { createRoute, z } from '@hono/zod-openapi';
import { MAX_TILE_ZOOM } from '@minqing/shared';
import { createRouter } from '../http/router.ts';
import { currentJurisdiction } from '../services/regions.service.ts';
import { SERVED_TILE_LAYERS } from '../services/tiles.service.ts';
import type { RouteDependencies } from './dependencies.ts';

const ClientConfigSchema = z
  .object({
    basemapStyleUrl: z.string().nullable().openapi({
      description: 'A MapLibre style the web map uses as its basemap (BASEMAP_STYLE_URL); null: the built-in basemap tiles',
    }),
    tiles: z.object({
      url: z.string().openapi({ example: '/tiles/{layer}/{z}/{x}/{y}.mvt' }),
      layers: z.array(z.string()),
      maxZoom: z.number().int(),
    }),
    database: z.enum(['embedded', 'postgres']),
    jurisdiction: z
      .object({
        code: z.string().openapi({ example: '500101000000' }),
        name: z.string().openapi({ example: '万州区' }),
        fullName: z.string().openapi({ example: '重庆市万州区' }),
      })
      .nullable()
      .openapi({
        description:
          'The deployment’s district once the database is ready; null while it is being prepared or before a jurisdiction ' +
          'is imported (GET /api/import/status says which)',
      }),
  })
  .openapi('ClientConfig');

const configRoute = createRoute({
  method: 'get',
  path: '/api/config',
  tags: ['health'],
  summary: 'Settings the web app needs: basemap style, tile URL template and layers, the jurisdiction’s name',
  responses: { 200: { description: 'Client settings', content: { 'application/json': { schema: ClientConfigSchema } } } },
});

export function configRoutes({ config, db, state, logger }: RouteDependencies) {
  return createRouter().openapi(configRoute, async (c) => {
    // Answered before the database is ready too (the readiness gate lets it through): the jurisdiction only once it is.
    const jurisdiction = state.isReady
      ? await currentJurisdiction(db).catch((error: unknown) => {
          logger.warn({ err: error }, 'cannot read the jurisdiction for /api/config');
          return null;
        })
      : null;
    c.header('Cache-Control', 'no-cache');
    return c.json(
      {
        basemapStyleUrl: config.basemapStyleUrl ?? null,
        tiles: { url: '/tiles/{layer}/{z}/{x}/{y}.mvt', layers: [...SERVED_TILE_LAYERS], maxZoom: MAX_TILE_ZOOM },
        database: db.engine,
        jurisdiction,
      },
      200,
    );
  });
}
