/**
 * Bring your own district: the import wizard's API. An administrator (or,
 * on a new deployment, whoever has the setup code from the server log)
 * opens a session, uploads files (streamed: the body is the file itself,
 * Content-Type application/octet-stream), maps fields, checks, looks at the
 * preview, and commits — one transaction, refused whole when the checks
 * find an error.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { RegionCodeSchema, errorResponses } from '../schemas/common.schema.ts';
import { createRouter } from '../http/router.ts';
import type { AppEnv } from '../http/app-env.ts';
import { InvalidInputError } from '../errors.ts';
import { ensureSetupCode, resolveImportAccess, SETUP_CODE_HEADER, setupCodeLogLine } from '../import/import-access.ts';
import { previewImport } from '../import/import-preview.service.ts';
import {
  createImportSession,
  describeImportSession,
  discardImportSession,
  listImportSessions,
  removeImportFile,
  stageUpload,
} from '../import/import-sessions.service.ts';
import { checkImport, commitImport } from '../import/import.service.ts';
import {
  CommitResultSchema,
  CreateSessionSchema,
  PreviewSchema,
  RegionHistorySchema,
  ReportSchema,
  SessionIdSchema,
  SessionSchema,
  SettingsChangeSchema,
  StatusSchema,
  UploadQuerySchema,
} from '../import/import.schema.ts';
import { regionHistory } from '../import/region-history.service.ts';
import type { CoordinateSystemChoice } from '../import/readers/index.ts';
import type { RouteDependencies } from './dependencies.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const refusals = {
  400: errorResponses[400],
  401: json(
    z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
    'Not signed in as an administrator, and no valid setup code',
  ),
  403: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'Signed in, but not an administrator'),
  404: errorResponses[404],
  409: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'The session is committed or discarded'),
  422: json(
    z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
    'A file the readers cannot take (the code names why: wrong_encoding, unknown_projection, three_dimensional …), or a commit the checks block',
  ),
} as const;

const sessionParams = z.object({ id: SessionIdSchema });
const setupHeader = z.object({
  [SETUP_CODE_HEADER]: z
    .string()
    .max(40)
    .optional()
    .openapi({ description: 'New deployment only: the setup code from the server log' }),
});

const statusRoute = createRoute({
  method: 'get',
  path: '/api/import/status',
  tags: ['import'],
  summary: 'Whether the deployment holds a jurisdiction; on a new one, the server logs a setup code for the first import',
  responses: { 200: json(StatusSchema, 'Where the deployment stands') },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/import/sessions',
  tags: ['import'],
  summary: 'The latest import sessions, newest first',
  responses: { 200: json(z.object({ sessions: z.array(SessionSchema) }), 'Sessions'), ...refusals },
});

const createSessionRoute = createRoute({
  method: 'post',
  path: '/api/import/sessions',
  tags: ['import'],
  summary: 'Opens an import session of one kind (jurisdiction, grids, buildings, units)',
  request: { headers: setupHeader, body: { content: { 'application/json': { schema: CreateSessionSchema } }, required: true } },
  responses: { 201: json(SessionSchema, 'The new session'), ...refusals },
});

const sessionRoute = createRoute({
  method: 'get',
  path: '/api/import/sessions/{id}',
  tags: ['import'],
  summary: 'A session: its files (with reading progress), settings, last report',
  request: { params: sessionParams, headers: setupHeader },
  responses: { 200: json(SessionSchema, 'The session'), ...refusals },
});

const discardRoute = createRoute({
  method: 'delete',
  path: '/api/import/sessions/{id}',
  tags: ['import'],
  summary: 'Discards an open session and everything it staged',
  request: { params: sessionParams, headers: setupHeader },
  responses: { 200: json(z.object({ discarded: z.literal(true) }), 'Discarded'), ...refusals },
});

const uploadRoute = createRoute({
  method: 'post',
  path: '/api/import/sessions/{id}/files',
  tags: ['import'],
  summary: 'Streams a file into the session (body: the file; Content-Type application/octet-stream)',
  description:
    'GeoJSON, a zipped shapefile (each .shp of the zip becomes a file of the session), CSV or Excel (.xlsx: each sheet a file). ' +
    'A file of the same name replaces the one uploaded before. Refused whole (422) when it cannot be read.',
  request: {
    params: sessionParams,
    query: UploadQuerySchema,
    headers: setupHeader,
    body: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } }, required: true },
  },
  responses: { 200: json(SessionSchema, 'The session with the file read'), ...refusals },
});

const removeFileRoute = createRoute({
  method: 'delete',
  path: '/api/import/sessions/{id}/files/{fileNo}',
  tags: ['import'],
  summary: 'Removes a file from an open session',
  request: {
    params: z.object({
      id: SessionIdSchema,
      fileNo: z.coerce
        .number()
        .int()
        .positive()
        .openapi({ param: { name: 'fileNo', in: 'path' } }),
    }),
    headers: setupHeader,
  },
  responses: { 200: json(z.object({ removed: z.literal(true) }), 'Removed'), ...refusals },
});

const checkRoute = createRoute({
  method: 'post',
  path: '/api/import/sessions/{id}/check',
  tags: ['import'],
  summary: 'Saves the settings (field mapping, repairs) and checks: the report, nothing written',
  request: {
    params: sessionParams,
    headers: setupHeader,
    body: { content: { 'application/json': { schema: SettingsChangeSchema } }, required: false },
  },
  responses: { 200: json(ReportSchema, 'The report'), ...refusals },
});

const previewRoute = createRoute({
  method: 'get',
  path: '/api/import/sessions/{id}/preview',
  tags: ['import'],
  summary: 'The staged features as GeoJSON (simplified; points thinned to 20,000) to draw over the basemap',
  request: {
    params: sessionParams,
    headers: setupHeader,
    query: z.object({ file: z.coerce.number().int().positive().optional().openapi({ description: 'Only this file' }) }),
  },
  responses: { 200: json(PreviewSchema, 'GeoJSON FeatureCollection'), ...refusals },
});

const commitRoute = createRoute({
  method: 'post',
  path: '/api/import/sessions/{id}/commit',
  tags: ['import'],
  summary: 'Checks again and writes everything in one transaction; 422 with nothing written when the checks find errors',
  request: {
    params: sessionParams,
    headers: setupHeader,
    body: { content: { 'application/json': { schema: SettingsChangeSchema } }, required: false },
  },
  responses: { 200: json(CommitResultSchema, 'Committed'), ...refusals },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/api/import/regions/{code}/history',
  tags: ['import'],
  summary: 'Every version of a region, with the import that wrote it',
  request: { params: z.object({ code: RegionCodeSchema.openapi({ param: { name: 'code', in: 'path' } }) }) },
  responses: { 200: json(RegionHistorySchema, 'Versions, oldest first'), ...refusals },
});

async function* bodyChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export function importRoutes({ db, clock, logger }: RouteDependencies) {
  const access = (c: Context<AppEnv>) => resolveImportAccess(db, c.get('actor'), c.req.header(SETUP_CODE_HEADER));
  return createRouter()
    .openapi(statusRoute, async (c) => {
      c.header('Cache-Control', 'no-store');
      const status = await ensureSetupCode(db, (code) => logger.warn({ setupCode: code }, setupCodeLogLine(code)));
      return c.json(status, 200);
    })
    .openapi(listRoute, async (c) => {
      await access(c);
      return c.json({ sessions: await listImportSessions(db, 20) } as never, 200);
    })
    .openapi(createSessionRoute, async (c) => {
      const body = c.req.valid('json');
      const session = await createImportSession(db, await access(c), body.kind, body.administrator);
      return c.json(session as never, 201);
    })
    .openapi(sessionRoute, async (c) => {
      const { id } = c.req.valid('param');
      return c.json((await describeImportSession(db, id, await access(c))) as never, 200);
    })
    .openapi(discardRoute, async (c) => {
      const { id } = c.req.valid('param');
      await discardImportSession(db, id, await access(c));
      return c.json({ discarded: true as const }, 200);
    })
    .openapi(uploadRoute, async (c) => {
      const { id } = c.req.valid('param');
      const granted = await access(c);
      const query = c.req.valid('query');
      const body = c.req.raw.body;
      if (!body) throw new InvalidInputError('the request has no body: send the file itself as the body', 'empty_body');
      const length = Number(c.req.header('content-length'));
      const session = await stageUpload(db, id, granted, {
        fileName: query.name,
        body: bodyChunks(body),
        options: {
          encoding: query.encoding,
          coordinateSystem: query.coordinateSystem as CoordinateSystemChoice,
          longitudeField: query.longitudeField,
          latitudeField: query.latitudeField,
          totalBytes: Number.isFinite(length) && length > 0 ? length : undefined,
        },
      });
      return c.json(session as never, 200);
    })
    .openapi(removeFileRoute, async (c) => {
      const { id, fileNo } = c.req.valid('param');
      await removeImportFile(db, id, fileNo, await access(c));
      return c.json({ removed: true as const }, 200);
    })
    .openapi(checkRoute, async (c) => {
      const { id } = c.req.valid('param');
      const granted = await access(c);
      const change = (c.req.valid('json') as z.infer<typeof SettingsChangeSchema> | undefined) ?? undefined;
      return c.json((await checkImport(db, id, granted, change, clock.now())) as never, 200);
    })
    .openapi(previewRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { file } = c.req.valid('query');
      return c.json((await previewImport(db, id, await access(c), file ?? null)) as never, 200);
    })
    .openapi(commitRoute, async (c) => {
      const { id } = c.req.valid('param');
      const granted = await access(c);
      const change = (c.req.valid('json') as z.infer<typeof SettingsChangeSchema> | undefined) ?? undefined;
      return c.json((await commitImport(db, id, granted, change, clock.now())) as never, 200);
    })
    .openapi(historyRoute, async (c) => {
      await access(c);
      return c.json((await regionHistory(db, c.req.valid('param').code)) as never, 200);
    });
}
