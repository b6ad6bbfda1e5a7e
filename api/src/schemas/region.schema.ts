import { z } from '@hono/zod-openapi';
import { REGION_KINDS, REGION_LEVELS } from '@minqing/shared';
import { BoundingBoxSchema, GeometrySourceSchema, MultiPolygonSchema, PositionSchema } from './common.schema.ts';

export const RegionSummarySchema = z
  .object({
    code: z.string().openapi({ example: '500101001000' }),
    name: z.string().openapi({ example: '高笋塘街道' }),
    fullName: z.string(),
    level: z.enum(REGION_LEVELS),
    kind: z.enum(REGION_KINDS),
    parentCode: z.string().nullable(),
    households: z.number().int().openapi({ description: 'Sum over the current grids inside the region' }),
    population: z.number().int(),
    gridCount: z.number().int(),
    bbox: BoundingBoxSchema,
    labelPoint: PositionSchema.openapi({ description: 'A point inside the region, for its label (ST_PointOnSurface)' }),
    geometrySource: GeometrySourceSchema,
  })
  .openapi('RegionSummary');

export const RegionListSchema = z.array(RegionSummarySchema).openapi('RegionList');

export const RegionDetailSchema = RegionSummarySchema.extend({
  parent: z.object({ code: z.string(), name: z.string() }).nullable(),
  centroid: PositionSchema,
  areaKm2: z.number(),
  childLevel: z
    .enum(['town', 'village', 'grid'])
    .openapi({ description: 'What the children are: towns of a district, villages of a town, grids of a village' }),
  childrenCount: z.number().int(),
  boundary: MultiPolygonSchema.optional().openapi({ description: 'Only with ?geometry=true' }),
}).openapi('RegionDetail');

export type RegionSummary = z.infer<typeof RegionSummarySchema>;
export type RegionDetail = z.infer<typeof RegionDetailSchema>;
