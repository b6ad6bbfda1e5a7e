import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import {
  AssignmentsSchema,
  COORDINATE_SYSTEMS,
  DraftGridInputSchema,
  DraftSaveSchema,
  ImportSchema,
  MAX_DRAFT_GRIDS,
  MAX_IMPORT_BYTES,
  ProposeSchema,
  PublishSchema,
  type PlannerGrid,
} from '@minqing/shared';
import { requireActor } from '../auth/auth.middleware.ts';
import { errorBody } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { checkOnServer } from '../planner/planner-checks.service.ts';
import { proposeForRegion } from '../planner/planner-propose.service.ts';
import { listPublications, previewPublication, publicationDetail, publishDraft } from '../planner/planner-publish.service.ts';
import { setAssignments, staffOf } from '../planner/planner-staff.service.ts';
import { ImportRefusedError, exportRows, importGrids, toCsv, toGeoJson } from '../planner/planner-transfer.service.ts';
import {
  assertGridsInRegion,
  buildingsOf,
  discardDraft,
  loadWorkspace,
  openRegion,
  requirePlanner,
  saveDraft,
} from '../planner/planner-workspace.service.ts';
import { GridCodeSchema, RegionCodeSchema, errorResponses } from '../schemas/common.schema.ts';
import { householdBand } from '../services/policy.service.ts';
import type { RouteDependencies } from './dependencies.ts';

const tags = ['planner'];
const Json = z.record(z.string(), z.unknown()).openapi({ type: 'object' });
const regionParam = z.object({ code: RegionCodeSchema.openapi({ param: { name: 'code', in: 'path' } }) });
const responses = (description: string) => ({
  200: { description, content: { 'application/json': { schema: Json } } },
  400: errorResponses[400],
  401: { description: 'Not signed in', content: errorResponses[400].content },
  403: { description: 'Not a planner or administrator, or outside their region', content: errorResponses[400].content },
  404: errorResponses[404],
  409: {
    description: 'The draft changed meanwhile (optimistic locking), or another draft overlaps',
    content: errorResponses[400].content,
  },
  503: errorResponses[503],
});
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

const workspaceRoute = createRoute({
  method: 'get',
  path: '/api/planner/regions/{code}',
  tags,
  summary:
    'Open a village or a town in the planner: boundaries, current grids with workers, buildings, roads, band and the saved draft',
  request: { params: regionParam },
  responses: responses('The workspace'),
});

const saveRoute = createRoute({
  method: 'put',
  path: '/api/planner/regions/{code}/draft',
  tags,
  summary: 'Save the draft (revision: the one last seen, 0 for a new draft; another one on the server is a 409)',
  request: { params: regionParam, ...jsonBody(DraftSaveSchema) },
  responses: responses('The saved draft with its new revision'),
});

const discardRoute = createRoute({
  method: 'delete',
  path: '/api/planner/regions/{code}/draft',
  tags,
  summary: 'Discard the draft',
  request: {
    params: regionParam,
    query: z.object({
      revision: z
        .string()
        .regex(/^[0-9]+$/, 'must be the revision of the draft')
        .transform(Number),
    }),
  },
  responses: responses('Discarded'),
});

const CheckBodySchema = z.object({ grids: z.array(DraftGridInputSchema).max(MAX_DRAFT_GRIDS) });

const checkRoute = createRoute({
  method: 'post',
  path: '/api/planner/regions/{code}/check',
  tags,
  summary: 'Run the checks on grids as the server does before publishing (shared checks, then PostGIS)',
  request: { params: regionParam, ...jsonBody(CheckBodySchema) },
  responses: responses('The check report'),
});

const proposeRoute = createRoute({
  method: 'post',
  path: '/api/planner/regions/{code}/proposal',
  tags,
  summary:
    'Propose grids: contiguous, compact grids of 300–500 households following roads, for the planner to adjust (nothing is saved)',
  request: { params: regionParam, ...jsonBody(ProposeSchema) },
  responses: responses('Proposed grids with a summary'),
});

const PreviewSchema = PublishSchema.omit({ confirm: true });

const previewRoute = createRoute({
  method: 'post',
  path: '/api/planner/regions/{code}/preview',
  tags,
  summary:
    'What publishing the draft would do: grids kept, changed, added and closed, buildings that change grid, open cases and grid workers to re-assign',
  request: { params: regionParam, ...jsonBody(PreviewSchema) },
  responses: responses('The publication as it would be'),
});

const publishRoute = createRoute({
  method: 'post',
  path: '/api/planner/regions/{code}/publish',
  tags,
  summary: 'Publish the draft as the new grids from validFrom, in one transaction (refused while any check fails)',
  request: { params: regionParam, ...jsonBody(PublishSchema) },
  responses: responses('The publication'),
});

const historyRoute = createRoute({
  method: 'get',
  path: '/api/planner/regions/{code}/publications',
  tags,
  summary: 'Publications of the region (history)',
  request: { params: regionParam },
  responses: responses('Publications, newest first'),
});

const publicationRoute = createRoute({
  method: 'get',
  path: '/api/planner/publications/{id}',
  tags,
  summary: 'One publication: grids before and after (GeoJSON), buildings that changed grid, cases and workers moved',
  request: {
    params: z.object({
      id: z
        .string()
        .regex(/^[0-9]{1,15}$/, 'must be a publication id')
        .transform(Number)
        .openapi({ param: { name: 'id', in: 'path' }, type: 'integer' }),
    }),
  },
  responses: responses('The publication'),
});

const ImportBodySchema = ImportSchema.extend({
  coordinateSystem: z.enum(COORDINATE_SYSTEMS, { message: `must be one of ${COORDINATE_SYSTEMS.join(', ')}` }).optional(),
});

const importRoute = createRoute({
  method: 'post',
  path: '/api/planner/regions/{code}/import',
  tags,
  summary:
    'Import a grid set (GeoJSON, or a zipped shapefile with .prj) into the draft; any broken feature stops it, with a report',
  request: { params: regionParam, ...jsonBody(ImportBodySchema) },
  responses: {
    ...responses('The draft with the import report'),
    413: { description: 'The upload is too large', content: errorResponses[400].content },
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/api/planner/regions/{code}/export',
  tags,
  summary: 'Current grids with their counts, as GeoJSON or CSV',
  request: {
    params: regionParam,
    query: z.object({ format: z.enum(['geojson', 'csv'], { message: "must be 'geojson' or 'csv'" }).optional() }),
  },
  responses: {
    ...responses('GeoJSON FeatureCollection'),
    200: {
      description: 'GeoJSON FeatureCollection, or CSV (UTF-8 with BOM)',
      content: { 'application/geo+json': { schema: Json }, 'text/csv': { schema: z.string() } },
    },
  },
});

const staffRoute = createRoute({
  method: 'get',
  path: '/api/planner/regions/{code}/staff',
  tags,
  summary: 'Grid workers and village cadres of the region, with the grids they work',
  request: { params: regionParam },
  responses: responses('Staff'),
});

const assignmentsRoute = createRoute({
  method: 'put',
  path: '/api/planner/grids/{code}/assignments',
  tags,
  summary: "Set a grid's grid workers (网格员) and information staff (信息员)",
  request: {
    params: z.object({ code: GridCodeSchema.openapi({ param: { name: 'code', in: 'path' } }) }),
    ...jsonBody(AssignmentsSchema),
  },
  responses: responses('The grid with its people'),
});

function toGrids(input: z.infer<typeof CheckBodySchema>['grids']): PlannerGrid[] {
  return input.map((grid) => ({
    ...grid,
    boundary: {
      type: 'MultiPolygon',
      coordinates: grid.boundary.coordinates.map((rings) =>
        rings.map((ring) => ring.map((position) => [position[0]!, position[1]!])),
      ),
    },
  }));
}

export function plannerRoutes({ db, clock }: RouteDependencies) {
  const router = createRouter();
  router.use(
    '/api/planner/regions/:code/import',
    bodyLimit({
      maxSize: Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 64 * 1024,
      onError: (c) =>
        c.json(errorBody('payload_too_large', `the upload is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`), 413),
    }),
  );
  return router
    .openapi(workspaceRoute, async (c) => {
      const { code } = c.req.valid('param');
      requirePlanner(requireActor(c), code);
      return c.json((await loadWorkspace(db, code)) as never, 200);
    })
    .openapi(saveRoute, async (c) => {
      const { code } = c.req.valid('param');
      const actor = requireActor(c);
      requirePlanner(actor, code);
      return c.json((await saveDraft(db, actor, code, c.req.valid('json'))) as never, 200);
    })
    .openapi(discardRoute, async (c) => {
      const { code } = c.req.valid('param');
      requirePlanner(requireActor(c), code);
      await discardDraft(db, code, c.req.valid('query').revision);
      return c.json({ discarded: true }, 200);
    })
    .openapi(checkRoute, async (c) => {
      const { code } = c.req.valid('param');
      requirePlanner(requireActor(c), code);
      const region = await openRegion(db, code);
      const grids = toGrids(c.req.valid('json').grids);
      assertGridsInRegion(region, grids);
      const [buildings, band] = await Promise.all([
        buildingsOf(
          db,
          region.villages.map((village) => village.code),
        ),
        householdBand(db),
      ]);
      return c.json((await checkOnServer(db, { villages: region.villages, grids, buildings, band })) as never, 200);
    })
    .openapi(proposeRoute, async (c) => {
      const { code } = c.req.valid('param');
      requirePlanner(requireActor(c), code);
      return c.json((await proposeForRegion(db, code, c.req.valid('json').villageCodes)) as never, 200);
    })
    .openapi(previewRoute, async (c) => {
      const { code } = c.req.valid('param');
      const actor = requireActor(c);
      requirePlanner(actor, code);
      return c.json((await previewPublication(db, actor, code, c.req.valid('json'), clock)) as never, 200);
    })
    .openapi(publishRoute, async (c) => {
      const { code } = c.req.valid('param');
      const actor = requireActor(c);
      requirePlanner(actor, code);
      return c.json((await publishDraft(db, actor, code, c.req.valid('json'), clock)) as never, 200);
    })
    .openapi(historyRoute, async (c) => {
      const { code } = c.req.valid('param');
      requirePlanner(requireActor(c), code);
      return c.json({ publications: await listPublications(db, code) } as never, 200);
    })
    .openapi(publicationRoute, async (c) => {
      requirePlanner(requireActor(c));
      const detail = await publicationDetail(db, c.req.valid('param').id);
      requirePlanner(requireActor(c), detail.regionCode);
      return c.json(detail as never, 200);
    })
    .openapi(importRoute, async (c) => {
      const { code } = c.req.valid('param');
      const actor = requireActor(c);
      requirePlanner(actor, code);
      try {
        return c.json((await importGrids(db, actor, code, c.req.valid('json'))) as never, 200);
      } catch (error) {
        if (error instanceof ImportRefusedError)
          return c.json({ ...errorBody(error.code, error.message), report: error.report } as never, 400);
        throw error;
      }
    })
    .openapi(exportRoute, async (c) => {
      const { code } = c.req.valid('param');
      requirePlanner(requireActor(c), code);
      const rows = await exportRows(db, code);
      const date = clock.now().toISOString().slice(0, 10);
      if (c.req.valid('query').format === 'csv') {
        c.header('content-disposition', `attachment; filename="grids-${code}-${date}.csv"`);
        return c.body(toCsv(rows), 200, { 'content-type': 'text/csv; charset=utf-8' }) as never;
      }
      c.header('content-disposition', `attachment; filename="grids-${code}-${date}.geojson"`);
      return c.body(JSON.stringify(toGeoJson(rows)), 200, { 'content-type': 'application/geo+json' }) as never;
    })
    .openapi(staffRoute, async (c) => {
      const { code } = c.req.valid('param');
      requirePlanner(requireActor(c), code);
      return c.json({ staff: await staffOf(db, code) } as never, 200);
    })
    .openapi(assignmentsRoute, async (c) => {
      const { code } = c.req.valid('param');
      requirePlanner(requireActor(c), code.slice(0, 12));
      return c.json((await setAssignments(db, code, c.req.valid('json'))) as never, 200);
    });
}
