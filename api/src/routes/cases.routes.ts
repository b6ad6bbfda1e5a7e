import { createRoute, z } from '@hono/zod-openapi';
import { sql } from '@minqing/db';
import { CASE_STATES, CaseActionSchema, CaseIntakeSchema, PublicCaseIntakeSchema, UNIT_KINDS } from '@minqing/shared';
import { requireActor } from '../auth/auth.middleware.ts';
import { actOnCase } from '../cases/actions.service.ts';
import { loadCasePolicy } from '../cases/case-policy.ts';
import { findLikelyDuplicates } from '../cases/duplicates.service.ts';
import { registerCase } from '../cases/intake.service.ts';
import { searchGazetteer } from '../cases/placement.ts';
import { caseScope } from '../cases/scope.ts';
import { getCase, listCases, requireReader, trackCase } from '../cases/views.service.ts';
import { NotFoundError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import {
  CaseDetailSchema,
  CaseSummarySchema,
  CategorySchema,
  DuplicateCandidateSchema,
  IntakeResultSchema,
  PublicCaseSchema,
  UnitSchema,
} from '../schemas/case.schema.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import type { RouteDependencies } from './dependencies.ts';

const CaseIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a case id (a positive whole number)')
  .transform(Number)
  .openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 1 });

const errors = {
  400: errorResponses[400],
  401: { description: 'Not signed in', content: errorResponses[400].content },
  403: { description: 'Your role or relation to the case does not allow this', content: errorResponses[400].content },
  404: errorResponses[404],
};

const intakeRoute = createRoute({
  method: 'post',
  path: '/api/cases',
  tags: ['cases'],
  summary: 'Register a case (hotline, liaison point, grid worker …): placed on the map, routed, and by default dispatched',
  request: { body: { content: { 'application/json': { schema: CaseIntakeSchema } }, required: true } },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: IntakeResultSchema } } },
    ...errors,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/cases',
  tags: ['cases'],
  summary: "A queue: 'mine' (owned by my unit) or 'scope' (all I may see), open first, by deadline",
  request: {
    query: z.object({
      view: z.enum(['mine', 'scope'], { message: 'must be mine or scope' }).default('mine'),
      state: z
        .string()
        .optional()
        .transform((value) => (value ? value.split(',') : undefined))
        .pipe(z.array(z.enum(CASE_STATES, { message: `must be states from ${CASE_STATES.join(', ')}` })).optional())
        .openapi({ type: 'string', description: 'Comma-separated states' }),
      limit: z.coerce
        .number({ message: 'must be a number' })
        .int()
        .min(1, 'must be at least 1')
        .max(500, 'must be at most 500')
        .default(50),
      offset: z.coerce.number({ message: 'must be a number' }).int().min(0, 'must be at least 0').default(0),
    }),
  },
  responses: {
    200: {
      description: 'Cases',
      content: { 'application/json': { schema: z.object({ cases: z.array(CaseSummarySchema), total: z.number().int() }) } },
    },
    ...errors,
  },
});

const oneRoute = createRoute({
  method: 'get',
  path: '/api/cases/{id}',
  tags: ['cases'],
  summary: 'One case with its timeline and the actions you may take',
  request: { params: z.object({ id: CaseIdSchema }) },
  responses: { 200: { description: 'The case', content: { 'application/json': { schema: CaseDetailSchema } } }, ...errors },
});

const actionRoute = createRoute({
  method: 'post',
  path: '/api/cases/{id}/actions',
  tags: ['cases'],
  summary:
    'Act on a case: dispatch, accept, start, resolve, transfer, escalate, urge, take over, callback, close, link a duplicate',
  request: {
    params: z.object({ id: CaseIdSchema }),
    body: { content: { 'application/json': { schema: CaseActionSchema } }, required: true },
  },
  responses: {
    200: { description: 'The case after the action', content: { 'application/json': { schema: CaseDetailSchema } } },
    ...errors,
    409: {
      description: 'The case moved on (another clerk acted, or a stale expectedVersion)',
      content: errorResponses[400].content,
    },
  },
});

const duplicatesRoute = createRoute({
  method: 'get',
  path: '/api/cases/{id}/duplicates',
  tags: ['cases'],
  summary: 'Likely duplicates of a case: same phone, or same category nearby and recently with similar text',
  request: { params: z.object({ id: CaseIdSchema }) },
  responses: {
    200: {
      description: 'Candidates',
      content: { 'application/json': { schema: z.object({ candidates: z.array(DuplicateCandidateSchema) }) } },
    },
    ...errors,
  },
});

const photoRoute = createRoute({
  method: 'get',
  path: '/api/cases/{id}/photos/{photoId}',
  tags: ['cases'],
  summary: 'A photo of a case',
  request: {
    params: z.object({
      id: CaseIdSchema,
      photoId: z
        .string()
        .regex(/^[1-9][0-9]{0,15}$/, 'must be a photo id')
        .transform(Number)
        .openapi({ param: { name: 'photoId', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'The image', content: { 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...errors,
  },
});

const trackRoute = createRoute({
  method: 'get',
  path: '/api/public/cases/{trackingCode}',
  tags: ['public'],
  summary: 'Follow a case with its tracking code (no sign-in, no personal data)',
  request: {
    params: z.object({
      trackingCode: z
        .string()
        .max(40, 'is too long')
        .openapi({ param: { name: 'trackingCode', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'Progress', content: { 'application/json': { schema: PublicCaseSchema } } },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const publicIntakeRoute = createRoute({
  method: 'post',
  path: '/api/public/cases',
  tags: ['public'],
  summary: "A resident's request from the web form; answers with the tracking code",
  request: {
    body: {
      content: { 'application/json': { schema: PublicCaseIntakeSchema } },
      required: true,
    },
  },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: PublicCaseSchema } } },
    400: errorResponses[400],
  },
});

const categoriesRoute = createRoute({
  method: 'get',
  path: '/api/categories',
  tags: ['cases'],
  summary: 'The two-level taxonomy of requests',
  responses: {
    200: {
      description: 'Groups with their subcategories',
      content: { 'application/json': { schema: z.object({ categories: z.array(CategorySchema) }) } },
    },
  },
});

const unitsRoute = createRoute({
  method: 'get',
  path: '/api/units',
  tags: ['cases'],
  summary: 'Units to dispatch or transfer to, by kind and name',
  request: {
    query: z.object({
      kind: z.enum(UNIT_KINDS, { message: `must be one of ${UNIT_KINDS.join(', ')}` }).optional(),
      q: z.string().max(50, 'must be at most 50 characters').optional(),
      region: z
        .string()
        .regex(/^[0-9]{12}$/, 'must be a 12-digit region code')
        .optional(),
      limit: z.coerce.number({ message: 'must be a number' }).int().min(1).max(500, 'must be at most 500').default(100),
    }),
  },
  responses: {
    200: { description: 'Units', content: { 'application/json': { schema: z.object({ units: z.array(UnitSchema) }) } } },
    ...errors,
  },
});

const gazetteerRoute = createRoute({
  method: 'get',
  path: '/api/gazetteer',
  tags: ['cases'],
  summary: 'Places matching what is typed: villages and towns, named places, building addresses',
  request: {
    query: z.object({
      q: z
        .string({ message: 'is required: the text to look up' })
        .trim()
        .min(1, 'must not be empty')
        .max(100, 'must be at most 100 characters'),
      limit: z.coerce
        .number({ message: 'must be a number' })
        .int()
        .min(1, 'must be at least 1')
        .max(50, 'must be at most 50')
        .default(10),
    }),
  },
  responses: {
    200: {
      description: 'Matches, places before buildings',
      content: {
        'application/json': {
          schema: z.object({
            matches: z.array(
              z.object({ lon: z.number(), lat: z.number(), label: z.string(), source: z.enum(['building', 'region', 'place']) }),
            ),
          }),
        },
      },
    },
    ...errors,
  },
});

export function caseRoutes({ db, clock }: RouteDependencies) {
  return createRouter()
    .openapi(intakeRoute, async (c) => {
      const actor = requireActor(c);
      const result = await registerCase({ db, clock }, c.req.valid('json'), actor);
      const detail = await getCase(db, result.id, actor, clock.now());
      return c.json({ case: detail, likelyDuplicates: result.likelyDuplicates }, 201);
    })
    .openapi(listRoute, async (c) => {
      const actor = requireActor(c);
      const { view, state, limit, offset } = c.req.valid('query');
      return c.json(await listCases(db, actor, { view, states: state, limit, offset }, clock.now()), 200);
    })
    .openapi(oneRoute, async (c) => {
      const actor = requireActor(c);
      return c.json(await getCase(db, c.req.valid('param').id, actor, clock.now()), 200);
    })
    .openapi(actionRoute, async (c) => {
      const actor = requireActor(c);
      const { id } = c.req.valid('param');
      await actOnCase({ db, clock }, id, c.req.valid('json'), actor);
      return c.json(await getCase(db, id, actor, clock.now()), 200);
    })
    .openapi(duplicatesRoute, async (c) => {
      const actor = requireActor(c);
      const { id } = c.req.valid('param');
      await getCase(db, id, actor, clock.now()); // scope check
      return c.json({ candidates: await findLikelyDuplicates(db, id, await loadCasePolicy(db), 10) }, 200);
    })
    .openapi(photoRoute, async (c) => {
      const actor = requireActor(c);
      requireReader(actor);
      const { id, photoId } = c.req.valid('param');
      const [photo] = await db.query<{ content_type: string; bytes: Uint8Array }>(sql`
        select p.content_type, p.bytes from case_photo p join cases c on c.id = p.case_id
        where p.id = ${photoId} and p.case_id = ${id} and ${caseScope(actor)}`);
      if (!photo) throw new NotFoundError(`photo ${photoId} of case ${id} does not exist or is not in your scope`);
      return c.body(new Uint8Array(photo.bytes), 200, {
        'content-type': photo.content_type,
        'cache-control': 'private, max-age=3600',
      });
    })
    .openapi(trackRoute, async (c) => c.json(await trackCase(db, c.req.valid('param').trackingCode), 200))
    .openapi(publicIntakeRoute, async (c) => {
      const input = c.req.valid('json');
      const result = await registerCase({ db, clock }, { ...input, channel: 'web', dispatch: true }, null);
      return c.json(await trackCase(db, result.trackingCode), 201);
    })
    .openapi(categoriesRoute, async (c) => {
      const rows = await db.query<{
        code: string;
        name: string;
        name_en: string;
        parent_code: string | null;
        routing: 'village' | 'town' | 'department' | null;
        department_unit_id: number | null;
        answer_working_days: number | null;
        active: boolean;
        keywords: string[];
      }>(
        sql`select code, name, name_en, parent_code, routing, department_unit_id, answer_working_days, active, keywords from category order by sort_order, code`,
      );
      const shape = (row: (typeof rows)[number]) => ({
        code: row.code,
        name: row.name,
        nameEn: row.name_en,
        routing: row.routing,
        departmentUnitId: row.department_unit_id,
        answerWorkingDays: row.answer_working_days,
        active: row.active,
        keywords: row.keywords,
      });
      const categories = rows
        .filter((row) => row.parent_code === null)
        .map((group) => ({ ...shape(group), children: rows.filter((row) => row.parent_code === group.code).map(shape) }));
      return c.json({ categories }, 200);
    })
    .openapi(gazetteerRoute, async (c) => {
      requireActor(c);
      const { q, limit } = c.req.valid('query');
      return c.json({ matches: await searchGazetteer(db, q, limit) }, 200);
    })
    .openapi(unitsRoute, async (c) => {
      requireActor(c);
      const { kind, q, region, limit } = c.req.valid('query');
      const pattern = q ? `%${q.replace(/[\\%_]/g, (character) => `\\${character}`)}%` : null;
      const units = await db.query<{
        id: number;
        code: string;
        name: string;
        kind: (typeof UNIT_KINDS)[number];
        ladder_level: number;
        region_code: string;
      }>(sql`
        select id, code, name, kind, ladder_level, region_code from unit
        where active
          and (${kind ?? null}::text is null or kind = ${kind ?? null})
          and (${pattern}::text is null or name like ${pattern})
          and (${region ?? null}::text is null or region_code = ${region ?? null})
        order by ladder_level desc, kind, name
        limit ${limit}::int`);
      return c.json(
        {
          units: units.map((unit) => ({
            id: unit.id,
            code: unit.code,
            name: unit.name,
            kind: unit.kind,
            ladderLevel: unit.ladder_level,
            regionCode: unit.region_code,
          })),
        },
        200,
      );
    });
}
