import { createRoute, z } from '@hono/zod-openapi';
import { InvalidInputError } from '../errors.ts';
import { MAX_BOUNDING_BOX_SPAN_DEGREES, parseBoundingBox } from '../geo/bounding-box.ts';
import { createRouter } from '../http/router.ts';
import { GridCodeSchema, QuerySwitchSchema, errorResponses } from '../schemas/common.schema.ts';
import { GridCollectionSchema, GridDetailSchema } from '../schemas/grid.schema.ts';
import { DEFAULT_GRID_LIMIT, MAX_GRID_LIMIT, getGrid, gridsInBoundingBox } from '../services/grids.service.ts';
import type { RouteDependencies } from './dependencies.ts';

const LimitSchema = z
  .string()
  .regex(/^[0-9]+$/, `must be a whole number from 1 to ${MAX_GRID_LIMIT}`)
  .transform(Number)
  .refine((value) => value >= 1 && value <= MAX_GRID_LIMIT, `must be a whole number from 1 to ${MAX_GRID_LIMIT}`)
  .optional()
  .openapi({
    type: 'integer',
    minimum: 1,
    maximum: MAX_GRID_LIMIT,
    default: DEFAULT_GRID_LIMIT,
    description: 'Most grids to return',
  });

const listRoute = createRoute({
  method: 'get',
  path: '/api/grids',
  tags: ['grids'],
  summary: 'Current grids touching a bounding box, as GeoJSON (for editing and export; the map uses the vector tiles)',
  request: {
    query: z.object({
      bbox: z
        .string({
          error: (issue) =>
            issue.input === undefined
              ? 'is required: west,south,east,north in degrees'
              : 'must be given once: west,south,east,north in degrees',
        })
        .openapi({
          description: `west,south,east,north in WGS-84 degrees, at most ${MAX_BOUNDING_BOX_SPAN_DEGREES}° each way`,
          example: '108.35,30.78,108.42,30.83',
        }),
      limit: LimitSchema,
    }),
  },
  responses: {
    200: {
      description: 'A FeatureCollection ordered by grid code',
      content: { 'application/json': { schema: GridCollectionSchema } },
    },
    400: errorResponses[400],
    503: errorResponses[503],
  },
});

const oneRoute = createRoute({
  method: 'get',
  path: '/api/grids/{code}',
  tags: ['grids'],
  summary: 'One current grid: its village and town, counts, household band and where it stands in it',
  request: {
    params: z.object({ code: GridCodeSchema.openapi({ param: { name: 'code', in: 'path' } }) }),
    query: z.object({
      geometry: QuerySwitchSchema.openapi({
        type: 'string',
        enum: ['true', 'false'],
        description: 'Add the boundary as GeoJSON',
      }),
    }),
  },
  responses: {
    200: { description: 'The grid', content: { 'application/json': { schema: GridDetailSchema } } },
    400: errorResponses[400],
    404: errorResponses[404],
    503: errorResponses[503],
  },
});

export function gridRoutes({ db }: RouteDependencies) {
  return createRouter()
    .openapi(listRoute, async (c) => {
      const { bbox: text, limit } = c.req.valid('query');
      const parsed = parseBoundingBox(text);
      if (!parsed.valid) throw new InvalidInputError(parsed.reason, 'invalid_bbox');
      return c.json(await gridsInBoundingBox(db, parsed.bbox, limit ?? DEFAULT_GRID_LIMIT), 200);
    })
    .openapi(oneRoute, async (c) => {
      const { code } = c.req.valid('param');
      const { geometry } = c.req.valid('query');
      return c.json(await getGrid(db, code, { geometry }), 200);
    });
}
