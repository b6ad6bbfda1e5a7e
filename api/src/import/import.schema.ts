/** The import API's contract (and its OpenAPI document). */
import { z } from '@hono/zod-openapi';
import { REGION_LEVELS } from '@minqing/shared';
import { IMPORT_KINDS } from './import-settings.ts';
import { PROBLEM_CHECKS } from './import-report.ts';
import { COORDINATE_SYSTEM_PATTERN, ENCODINGS } from './readers/import-file.ts';

export const ImportKindSchema = z.enum(IMPORT_KINDS).openapi({
  description:
    "'jurisdiction': district, towns, villages; 'grids'; 'buildings': buildings or a household register; 'units': units and their users",
});

export const SessionIdSchema = z.coerce
  .number()
  .int()
  .positive()
  .openapi({ param: { name: 'id', in: 'path' }, example: 1 });

export const CreateSessionSchema = z
  .object({
    kind: ImportKindSchema,
    administrator: z
      .object({
        username: z.string().min(1).max(64),
        displayName: z.string().max(100).default(''),
        password: z.string().min(8, 'must be at least 8 characters').max(200),
      })
      .optional()
      .openapi({ description: 'New deployment only (setup code): the first administrator, created with the jurisdiction' }),
  })
  .openapi('ImportSessionCreate');

export const UploadQuerySchema = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .openapi({ description: "The file's name: its extension picks the reader", example: 'villages.zip' }),
  encoding: z
    .enum(ENCODINGS, { message: `must be one of ${ENCODINGS.join(', ')}` })
    .default('auto')
    .openapi({ description: "Attribute text: 'auto' (.cpg, the .dbf language byte, a BOM, else UTF-8), or the user's choice" }),
  coordinateSystem: z
    .string()
    .regex(COORDINATE_SYSTEM_PATTERN, 'must be auto, WGS84, GCJ02, BD09 or EPSG:<code>')
    .default('auto')
    .openapi({
      description:
        "'auto' trusts the file (.prj, crs); GCJ02/BD09 are converted to WGS-84; EPSG:<code> for a file that names none",
    }),
  longitudeField: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'Tables: the longitude column (found by its header otherwise)' }),
  latitudeField: z.string().max(200).optional(),
});

const FileSettingsSchema = z.object({
  include: z.boolean().optional(),
  level: z
    .enum(REGION_LEVELS)
    .nullable()
    .optional()
    .openapi({ description: 'Jurisdiction: the level of every feature of the file' }),
  table: z.enum(['units', 'users']).optional().openapi({ description: 'Units import: what the rows are' }),
  fields: z.record(z.string(), z.string().max(200).nullable()).optional().openapi({
    description: 'Target (code, name, parentCode, level, kind, address, households, residents, username, role …) → field name',
  }),
});

export const SettingsChangeSchema = z
  .object({
    files: z.record(z.string().regex(/^[0-9]+$/, 'file numbers'), FileSettingsSchema).optional(),
    acceptRepairs: z.boolean().optional().openapi({ description: 'Accept shapes repaired by ST_MakeValid' }),
    createUnits: z.boolean().optional().openapi({
      description: 'Jurisdiction: create a command center, town service centres and village stations where none exist',
    }),
  })
  .openapi('ImportSettingsChange');

const ProblemSchema = z
  .object({
    check: z.enum(PROBLEM_CHECKS),
    severity: z.enum(['error', 'warning', 'repaired']),
    file: z.string().nullable(),
    fileNo: z.number().nullable(),
    position: z.number().nullable().openapi({ description: 'Feature or row number in the file, from 1' }),
    code: z.string().nullable(),
    name: z.string().nullable(),
    message: z.string(),
    location: z.array(z.number()).nullable().openapi({ description: '[longitude, latitude], WGS-84' }),
    areaSquareMetres: z.number().nullable(),
  })
  .openapi('ImportProblem');

const ChangeCountsSchema = z.object({
  added: z.number(),
  changed: z.number(),
  unchanged: z.number(),
  kept: z.number(),
  retired: z.number(),
});

export const ReportSchema = z
  .object({
    kind: z.string(),
    checkedAt: z.string(),
    acceptRepairs: z.boolean(),
    errors: z.number(),
    warnings: z.number(),
    repaired: z.number(),
    problems: z.array(ProblemSchema),
    omitted: z.number(),
    changes: z.record(z.string(), ChangeCountsSchema),
    notes: z.array(z.string()),
    canCommit: z.boolean(),
  })
  .openapi('ImportReport');

const FieldSummarySchema = z.object({ name: z.string(), filled: z.number(), samples: z.array(z.string()) });

const FileSchema = z.object({
  fileNo: z.number(),
  name: z.string(),
  upload: z.string(),
  format: z.string(),
  status: z.enum(['reading', 'read', 'failed']),
  records: z.number(),
  summary: z
    .object({
      layer: z.string(),
      format: z.string(),
      records: z.number(),
      fields: z.array(FieldSummarySchema),
      geometryTypes: z.record(z.string(), z.number()),
      sourceSystem: z.string(),
      encoding: z.string(),
      coordinateFields: z.object({ longitude: z.string(), latitude: z.string() }).nullable(),
      bbox: z.array(z.number()).nullable(),
      notes: z.array(z.string()),
    })
    .nullable(),
  progress: z
    .object({
      phase: z.enum(['receiving', 'reading']),
      bytesRead: z.number(),
      totalBytes: z.number().nullable(),
      records: z.number(),
      totalRecords: z.number().nullable(),
    })
    .nullable(),
  suggested: FileSettingsSchema.nullable(),
});

export const SessionSchema = z
  .object({
    id: z.number(),
    kind: ImportKindSchema,
    status: z.enum(['open', 'committed', 'discarded']),
    setup: z.boolean().openapi({ description: 'A new deployment: the first administrator comes with this import' }),
    setupUsername: z.string().nullable(),
    createdAt: z.string(),
    committedAt: z.string().nullable(),
    settings: z.object({ files: z.record(z.string(), FileSettingsSchema), acceptRepairs: z.boolean(), createUnits: z.boolean() }),
    files: z.array(FileSchema),
    report: ReportSchema.nullable(),
    summary: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('ImportSession');

export const CommitResultSchema = z
  .object({
    session: SessionSchema,
    report: ReportSchema,
    generatedPasswords: z
      .array(z.object({ username: z.string(), password: z.string() }))
      .openapi({ description: 'Units import: passwords generated for new users. Shown once; not stored in clear.' }),
  })
  .openapi('ImportCommitResult');

export const StatusSchema = z
  .object({
    jurisdiction: z.boolean().openapi({ description: 'The database holds a jurisdiction' }),
    users: z.boolean(),
    setupOpen: z.boolean().openapi({
      description:
        'A new deployment: the import is open with the setup code from the server log, and creates the first administrator',
    }),
  })
  .openapi('ImportStatus');

export const PreviewSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({ type: z.literal('Feature'), geometry: z.unknown(), properties: z.record(z.string(), z.unknown()) }),
    ),
    total: z.number(),
    shown: z.number(),
    bbox: z.array(z.number()).nullable(),
  })
  .openapi('ImportPreview');

export const RegionHistorySchema = z
  .object({
    code: z.string(),
    versions: z.array(
      z.object({
        version: z.number(),
        name: z.string(),
        level: z.string(),
        parentCode: z.string().nullable(),
        geometrySource: z.string(),
        validFrom: z.string(),
        validTo: z.string().nullable(),
        importSessionId: z.number().nullable(),
        areaSquareMetres: z.number(),
      }),
    ),
  })
  .openapi('RegionHistory');
