import { z } from '@hono/zod-openapi';
import {
  BandPositionSchema,
  BoundingBoxSchema,
  GeometrySourceSchema,
  MultiPolygonSchema,
  PositionSchema,
} from './common.schema.ts';

export const GridFeatureSchema = z
  .object({
    type: z.literal('Feature'),
    geometry: MultiPolygonSchema,
    properties: z.object({
      code: z.string().openapi({ example: '500101001001001' }),
      name: z.string(),
      villageCode: z.string(),
      households: z.number().int(),
      population: z.number().int(),
      band: BandPositionSchema,
    }),
  })
  .openapi('GridFeature');

export const GridCollectionSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(GridFeatureSchema),
    truncated: z.boolean().openapi({ description: 'True when more grids touch the box than `limit` allowed' }),
    bandRange: z.object({ min: z.number(), max: z.number() }),
  })
  .openapi('GridCollection');

export const GridDetailSchema = z
  .object({
    code: z.string().openapi({ example: '500101001001001' }),
    name: z.string(),
    version: z.number().int(),
    validFrom: z.string().openapi({ format: 'date-time' }),
    village: z.object({ code: z.string(), name: z.string() }),
    town: z.object({ code: z.string(), name: z.string() }).nullable(),
    households: z.number().int(),
    population: z.number().int(),
    buildings: z.number().int().openapi({ description: 'Buildings located in the grid' }),
    band: BandPositionSchema,
    bandRange: z.object({ min: z.number(), max: z.number() }),
    flag: z.string().nullable().openapi({ description: "Why a grid is outside the band on purpose, e.g. 'small_village'" }),
    areaKm2: z.number(),
    geometrySource: GeometrySourceSchema,
    bbox: BoundingBoxSchema,
    centroid: PositionSchema,
    boundary: MultiPolygonSchema.optional().openapi({ description: 'Only with ?geometry=true' }),
  })
  .openapi('GridDetail');

export type GridFeature = z.infer<typeof GridFeatureSchema>;
export type GridCollection = z.infer<typeof GridCollectionSchema>;
export type GridDetail = z.infer<typeof GridDetailSchema>;
