/** Shapes used by several endpoints of the API contract (and its OpenAPI document). */
import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_bbox' }),
      message: z.string().openapi({ example: 'bbox west (108.6) must be less than east (108.3)' }),
    }),
  })
  .openapi('Error');

export const BoundingBoxSchema = z
  .array(z.number())
  .length(4)
  .openapi('BoundingBox', {
    description: '[west, south, east, north] in WGS-84 degrees',
    example: [108.35, 30.78, 108.42, 30.83],
  });

export const PositionSchema = z
  .array(z.number())
  .length(2)
  .openapi('Position', { description: '[longitude, latitude] in WGS-84 degrees', example: [108.39, 30.81] });

export const MultiPolygonSchema = z
  .object({
    type: z.literal('MultiPolygon'),
    coordinates: z.array(z.array(z.array(z.array(z.number())))),
  })
  .openapi('MultiPolygon', { description: 'GeoJSON MultiPolygon, WGS-84' });

export const GeometrySourceSchema = z
  .enum(['synthetic', 'imported', 'drawn'])
  .openapi({ description: "Where a boundary comes from. 'synthetic': generated for the demo — not a real boundary." });

export const BandPositionSchema = z
  .enum(['below', 'within', 'above'])
  .openapi({ description: "Households against the policy's household band (grid.household_band)" });

export const RegionCodeSchema = z
  .string()
  .regex(/^[0-9]{12}$/, 'must be a 12-digit region code, e.g. 500101001000')
  .openapi({ example: '500101001000' });

export const GridCodeSchema = z
  .string()
  .regex(/^[0-9]{15}$/, 'must be a 15-digit grid code, e.g. 500101001001001')
  .openapi({ example: '500101001001001' });

/** A true/false query switch; the words accepted are spelled out so a typo is a 400, not a silent false. */
export const QuerySwitchSchema = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .optional()
  .transform((value) => value === 'true' || value === '1');

export const errorResponses = {
  400: {
    description: 'Malformed request: the message names the parameter and the problem',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  503: {
    description: 'The database is still being prepared, or its preparation failed',
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const;
