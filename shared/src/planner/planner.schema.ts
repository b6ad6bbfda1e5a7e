/**
 * The planner's API contract: drafts, publishing, imports and worker
 * assignments. The server validates with these schemas; the web app builds
 * its requests from the same types.
 */
import { z } from 'zod';

/** Most vertices one grid may have, and most grids one draft may hold. */
export const MAX_GRID_VERTICES = 20_000;
export const MAX_DRAFT_GRIDS = 999;
/** Largest import file, decoded. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

const PositionSchema = z
  .array(z.number({ message: 'coordinates must be numbers' }).finite('coordinates must be finite numbers'))
  .min(2, 'a position needs longitude and latitude')
  .max(3, 'a position has at most 3 numbers');

export const MultiPolygonInputSchema = z
  .object({
    type: z.literal('MultiPolygon', { message: "must be a GeoJSON MultiPolygon (type 'MultiPolygon')" }),
    coordinates: z.array(z.array(z.array(PositionSchema))),
  })
  .refine(
    (geometry) =>
      geometry.coordinates.reduce((sum, rings) => sum + rings.reduce((count, ring) => count + ring.length, 0), 0) <=
      MAX_GRID_VERTICES,
    `a grid may have at most ${MAX_GRID_VERTICES} vertices`,
  );

export const DraftGridInputSchema = z.object({
  key: z.string().min(1, 'must not be empty').max(40, 'must be at most 40 characters'),
  code: z
    .string()
    .regex(/^[0-9]{15}$/, 'must be a 15-digit grid code or null')
    .nullable(),
  villageCode: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit village code'),
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  boundary: MultiPolygonInputSchema,
});

export const DraftSaveSchema = z.object({
  /** The revision the client last saw (0: there was no draft). A different one on the server: 409. */
  revision: z.number().int().min(0, 'must be 0 or more'),
  grids: z.array(DraftGridInputSchema).max(MAX_DRAFT_GRIDS, `a draft holds at most ${MAX_DRAFT_GRIDS} grids`),
  note: z.string().max(500, 'must be at most 500 characters').optional(),
});

export const ProposeSchema = z.object({
  /** Villages to propose grids for; default: every village of the opened region. */
  villageCodes: z
    .array(z.string().regex(/^[0-9]{12}$/, 'must be 12-digit village codes'))
    .max(200)
    .optional(),
});

export const PublishSchema = z.object({
  revision: z.number().int().min(1, 'must be the revision of the saved draft'),
  /** The day the new grids take effect (Asia/Shanghai), YYYY-MM-DD, not after today. */
  validFrom: z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a date as YYYY-MM-DD'),
  /** What the planner confirmed in the preview; when it no longer holds, publishing stops (409). */
  confirm: z.object({
    reassignedCases: z.number().int().min(0),
    reassignedWorkers: z.number().int().min(0),
  }),
  /** Where grid workers go, when the planner chose otherwise than the preview suggested. */
  workerMoves: z
    .array(z.object({ userId: z.number().int().positive(), gridKey: z.string().min(1).max(40) }))
    .max(5000)
    .optional(),
});

export const ImportSchema = z.object({
  revision: z.number().int().min(0, 'must be 0 or more'),
  format: z.enum(['geojson', 'shapefile'], {
    message: "must be 'geojson' or 'shapefile' (a .zip holding .shp, .shx, .dbf and .prj)",
  }),
  fileName: z.string().max(200).optional(),
  /** The file, base64-encoded. */
  dataBase64: z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .max(Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 4, `is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`),
  /** Property holding each grid's code and name in the file (defaults: code / name, or their Chinese 编码 / 名称). */
  codeProperty: z.string().max(64).optional(),
  nameProperty: z.string().max(64).optional(),
});

export const AssignmentsSchema = z.object({
  gridWorkers: z.array(z.number().int().positive()).max(20, 'at most 20 grid workers'),
  informationStaff: z.array(z.number().int().positive()).max(20, 'at most 20 information staff'),
});

export type DraftGridInput = z.infer<typeof DraftGridInputSchema>;
export type DraftSave = z.infer<typeof DraftSaveSchema>;
export type PublishInput = z.infer<typeof PublishSchema>;
export type ImportInput = z.infer<typeof ImportSchema>;
export type AssignmentsInput = z.infer<typeof AssignmentsSchema>;
