import { createRoute, z } from '@hono/zod-openapi';
import { REGION_LEVELS } from '@minqing/shared';
import { NotFoundError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { QuerySwitchSchema, RegionCodeSchema, errorResponses } from '../schemas/common.schema.ts';
import { RegionDetailSchema, RegionListSchema } from '../schemas/region.schema.ts';
import { getRegion, listRegions, regionExists } from '../services/regions.service.ts';
import type { RouteDependencies } from './dependencies.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/api/regions',
  tags: ['regions'],
  summary: 'Regions of the jurisdiction tree (district, towns/streets, villages/communities), without geometry',
  request: {
    query: z.object({
      level: z
        .enum(REGION_LEVELS, { message: `must be one of ${REGION_LEVELS.join(', ')}` })
        .optional()
        .openapi({ description: 'Only regions of this level' }),
      parent: RegionCodeSchema.optional().openapi({ description: 'Only the children of this region' }),
    }),
  },
  responses: {
    200: { description: 'Regions ordered by code', content: { 'application/json': { schema: RegionListSchema } } },
    400: errorResponses[400],
    404: { ...errorResponses[404], description: 'No region has the parent code' },
    503: errorResponses[503],
  },
});

const oneRoute = createRoute({
  method: 'get',
  path: '/api/regions/{code}',
  tags: ['regions'],
  summary: 'One region with its counts, bounding box, centroid and children count; its boundary with ?geometry=true',
  request: {
    params: z.object({ code: RegionCodeSchema.openapi({ param: { name: 'code', in: 'path' } }) }),
    query: z.object({
      geometry: QuerySwitchSchema.openapi({
        type: 'string',
        enum: ['true', 'false'],
        description: 'Add the boundary as GeoJSON',
      }),
    }),
  },
  responses: {
    200: { description: 'The region', content: { 'application/json': { schema: RegionDetailSchema } } },
    400: errorResponses[400],
    404: errorResponses[404],
    503: errorResponses[503],
  },
});

export function regionRoutes({ db }: RouteDependencies) {
  return createRouter()
    .openapi(listRoute, async (c) => {
      const { level, parent } = c.req.valid('query');
      const regions = await listRegions(db, { level, parentCode: parent });
      if (parent && regions.length === 0 && !(await regionExists(db, parent))) {
        throw new NotFoundError(`no region with code ${parent}`, 'region_not_found');
      }
      return c.json(regions, 200);
    })
    .openapi(oneRoute, async (c) => {
      const { code } = c.req.valid('param');
      const { geometry } = c.req.valid('query');
      return c.json(await getRegion(db, code, { geometry }), 200);
    });
}
