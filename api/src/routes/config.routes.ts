import { createRoute, z } from '@hono/zod-openapi';
import { MAX_TILE_ZOOM } from '@minqing/shared';
import { createRouter } from '../http/router.ts';
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
  })
  .openapi('ClientConfig');

const configRoute = createRoute({
  method: 'get',
  path: '/api/config',
  tags: ['health'],
  summary: 'Settings the web app needs: basemap style, tile URL template and layers',
  responses: { 200: { description: 'Client settings', content: { 'application/json': { schema: ClientConfigSchema } } } },
});

export function configRoutes({ config, db }: RouteDependencies) {
  return createRouter().openapi(configRoute, (c) =>
    c.json(
      {
        basemapStyleUrl: config.basemapStyleUrl ?? null,
        tiles: { url: '/tiles/{layer}/{z}/{x}/{y}.mvt', layers: [...SERVED_TILE_LAYERS], maxZoom: MAX_TILE_ZOOM },
        database: db.engine,
      },
      200,
    ),
  );
}
