/**
 * The map wall's reads (GET /api/wall/…): numbers beside the map, the feed it
 * opens with, open cases urgent first, the load of every grid, one grid or
 * one case in detail, where the workers are, and a time window of cases for
 * play-back. For the roles that watch the whole district (the wall viewer,
 * the command center, leaders, administrators); no personal data ever.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { CASE_EVENT_KINDS, CASE_STATES, CHANNELS } from '@minqing/shared';
import { requireActor } from '../auth/auth.middleware.ts';
import { ForbiddenError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import { createRouter } from '../http/router.ts';
import { errorResponses, GridCodeSchema } from '../schemas/common.schema.ts';
import { DISTRICT_WIDE_ROLES } from '../stream/wall-events.ts';
import {
  gridLoads,
  gridLoadsKey,
  ShortCache,
  wallCase,
  wallFeed,
  wallGrid,
  wallPlayback,
  wallQueue,
  wallSummary,
  wallWorkers,
  type GridLoad,
  type WallSummary,
} from '../stream/wall.service.ts';
import { parseCaseFilter } from '../tiles/case-filter.ts';
import type { RouteDependencies } from './dependencies.ts';

const CardSchema = z.enum(['none', 'yellow', 'red']);

const WallCaseSchema = z
  .object({
    id: z.number().int(),
    state: z.enum(CASE_STATES),
    urgency: z.enum(['normal', 'urgent']),
    card: CardSchema,
    overdue: z.boolean(),
    categoryCode: z.string(),
    categoryName: z.string(),
    channel: z.enum(CHANNELS),
    townCode: z.string().nullable(),
    townName: z.string().nullable(),
    villageCode: z.string().nullable(),
    gridCode: z.string().nullable(),
    lon: z.number().nullable(),
    lat: z.number().nullable(),
    title: z.string().openapi({ description: 'Phone and ID numbers masked' }),
    ownerUnitName: z.string(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('WallCase', { description: 'A case as the wall shows it: no reporter, no description, no address' });

const WallCaseEventSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(CASE_EVENT_KINDS),
    at: z.string().openapi({ format: 'date-time' }),
    toState: z.enum(CASE_STATES).nullable(),
    unitName: z.string().nullable(),
    colour: z.enum(['yellow', 'red']).nullable(),
    case: WallCaseSchema,
  })
  .openapi('WallCaseEvent');

const RateSchema = z.number().nullable().openapi({ description: 'A fraction from 0 to 1; null with nothing to count' });

const SummarySchema = z
  .object({
    at: z.string(),
    today: z.object({ total: z.number().int(), byChannel: z.record(z.string(), z.number().int()) }),
    open: z.number().int(),
    overdue: z.number().int(),
    urgent: z.number().int(),
    yellow: z.number().int().openapi({ description: 'Open cases holding a yellow card (and no red)' }),
    red: z.number().int().openapi({ description: 'Open cases holding a red card' }),
    month: z
      .object({
        received: z.number().int().openapi({ description: 'Cases received this month (China time), duplicates not counted' }),
        done: z.number().int().openapi({ description: 'Of those, resolved by now' }),
        closureRate: RateSchema.openapi({ description: '办结率: done ÷ received' }),
        onTimeRate: RateSchema.openapi({
          description: '按期办结率: resolved by the answer deadline ÷ (done + open and past the answer deadline)',
        }),
        satisfactionRate: RateSchema.openapi({ description: '满意率: (basically) satisfied ÷ rated at callback' }),
        rated: z.number().int(),
      })
      .openapi({
        description: "The month as the leaders' assessment counts the whole district (ADR 0006): the same rates as its month",
      }),
  })
  .openapi('WallSummary');

const GridLoadSchema = z
  .object({
    code: z.string(),
    households: z.number().int(),
    open: z.number().int(),
    overdue: z.number().int(),
    load: z.number().openapi({ description: 'Open cases per 100 households' }),
  })
  .openapi('GridLoad');

const WorkerSchema = z
  .object({
    userId: z.number().int(),
    name: z.string(),
    gridCode: z.string().nullable(),
    lon: z.number(),
    lat: z.number(),
    accuracy: z.number().nullable(),
    at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('WallWorker');

const filterQuery = {
  state: z.string().optional().openapi({ description: 'open (default), all, or comma-separated states' }),
  urgency: z.string().optional().openapi({ description: 'urgent or normal' }),
  category: z.string().optional().openapi({ description: 'Comma-separated 2-digit groups or 4-digit subcategories' }),
  town: z.string().optional().openapi({ description: 'Comma-separated 12-digit town codes' }),
  hours: z.string().optional().openapi({ description: 'Created within the last N hours' }),
  since: z.string().optional().openapi({ description: 'Created at or after (date-time with offset)' }),
  until: z.string().optional().openapi({ description: 'Created before (date-time with offset)' }),
};

const limitQuery = (maximum: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, `must be a whole number from 1 to ${maximum}`)
    .transform(Number)
    .refine((value) => value >= 1 && value <= maximum, `must be a whole number from 1 to ${maximum}`)
    .optional()
    .openapi({ type: 'integer', minimum: 1, maximum, default: fallback });

const errors = {
  400: errorResponses[400],
  401: { description: 'Not signed in', content: errorResponses[400].content },
  403: { description: 'Only roles that watch the whole district', content: errorResponses[400].content },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { description, content: { 'application/json': { schema } } },
  ...errors,
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/api/wall/summary',
  tags: ['wall'],
  summary: "Numbers beside the map: today's intake by channel; open, overdue, urgent, yellow, red; this month's rates",
  responses: json(SummarySchema, 'The numbers (kept a few seconds)'),
});

const feedRoute = createRoute({
  method: 'get',
  path: '/api/wall/feed',
  tags: ['wall'],
  summary: 'The latest case events, newest first (the ticker; later ones come over /api/stream)',
  request: { query: z.object({ limit: limitQuery(200, 40) }) },
  responses: json(z.object({ events: z.array(WallCaseEventSchema) }), 'Events'),
});

const queueRoute = createRoute({
  method: 'get',
  path: '/api/wall/cases',
  tags: ['wall'],
  summary: 'Cases under the filter (open by default): urgent first, then the newest',
  request: { query: z.object({ limit: limitQuery(200, 30), ...filterQuery }) },
  responses: json(z.object({ cases: z.array(WallCaseSchema) }), 'Cases'),
});

const caseRoute = createRoute({
  method: 'get',
  path: '/api/wall/cases/{id}',
  tags: ['wall'],
  summary: 'One case for the wall: its summary (no personal data) and timeline (units, not people)',
  request: {
    params: z.object({
      id: z
        .string()
        .regex(/^[1-9][0-9]{0,15}$/, 'must be a case id (a positive whole number)')
        .transform(Number)
        .openapi({ param: { name: 'id', in: 'path' }, type: 'integer' }),
    }),
  },
  responses: {
    ...json(
      WallCaseSchema.extend({
        villageName: z.string().nullable(),
        answerDeadlineAt: z.string().nullable(),
        resolvedAt: z.string().nullable(),
        raisedCount: z.number().int(),
        timeline: z.array(
          z.object({
            id: z.number().int(),
            kind: z.enum(CASE_EVENT_KINDS),
            at: z.string(),
            fromState: z.enum(CASE_STATES).nullable(),
            toState: z.enum(CASE_STATES).nullable(),
            actorUnit: z.string().nullable(),
            fromUnit: z.string().nullable(),
            toUnit: z.string().nullable(),
            note: z.string().nullable().openapi({ description: 'Phone and ID numbers masked' }),
            colour: z.enum(['yellow', 'red']).nullable(),
          }),
        ),
      }).openapi('WallCaseDetail'),
      'The case',
    ),
    404: errorResponses[404],
  },
});

const gridsRoute = createRoute({
  method: 'get',
  path: '/api/wall/grids',
  tags: ['wall'],
  summary: 'Every current grid with its open and overdue cases under the filter, and its load per 100 households',
  request: { query: z.object(filterQuery) },
  responses: json(z.object({ grids: z.array(GridLoadSchema) }), 'Grid loads (kept a few seconds)'),
});

const gridRoute = createRoute({
  method: 'get',
  path: '/api/wall/grids/{code}',
  tags: ['wall'],
  summary: 'One grid for the wall: counts, its workers and when they were last seen, its open cases',
  request: { params: z.object({ code: GridCodeSchema.openapi({ param: { name: 'code', in: 'path' } }) }) },
  responses: {
    ...json(
      z
        .object({
          code: z.string(),
          name: z.string(),
          households: z.number().int(),
          population: z.number().int(),
          village: z.object({ code: z.string(), name: z.string() }),
          town: z.object({ code: z.string(), name: z.string() }).nullable(),
          counts: z.object({
            open: z.number().int(),
            overdue: z.number().int(),
            urgent: z.number().int(),
            yellow: z.number().int(),
            red: z.number().int(),
            thisMonth: z.number().int(),
          }),
          workers: z.array(
            z.object({
              userId: z.number().int(),
              name: z.string(),
              gridCode: z.string().nullable(),
              lastSeenAt: z.string().nullable(),
              lon: z.number().nullable(),
              lat: z.number().nullable(),
            }),
          ),
          openCases: z.array(WallCaseSchema),
        })
        .openapi('WallGrid'),
      'The grid',
    ),
    404: errorResponses[404],
  },
});

const workersRoute = createRoute({
  method: 'get',
  path: '/api/wall/workers',
  tags: ['wall'],
  summary: 'Where each grid worker seen in the last 24 hours is now (later moves come over /api/stream)',
  responses: json(z.object({ workers: z.array(WorkerSchema) }), 'Workers'),
});

const playbackRoute = createRoute({
  method: 'get',
  path: '/api/wall/playback',
  tags: ['wall'],
  summary: 'Cases created in a time window (default: the last 24 hours, every state), in time order, for play-back',
  description:
    'Each case is a row [id, lon, lat, createdAt (epoch ms), urgent (0/1), state, card, category code], at most 50,000.',
  request: { query: z.object(filterQuery) },
  responses: json(
    z.object({
      since: z.string(),
      until: z.string(),
      truncated: z.boolean(),
      cases: z.array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.string(), z.string(), z.string()])),
    }),
    'Cases in time order',
  ),
});

function requireWallViewer(c: Context<AppEnv>) {
  const actor = requireActor(c);
  if (!DISTRICT_WIDE_ROLES.includes(actor.role))
    throw new ForbiddenError(
      `the wall is for roles that watch the whole district (${DISTRICT_WIDE_ROLES.join(', ')}); you are a ${actor.role}`,
      'role_cannot',
    );
  return actor;
}

/** The query less the route's own parameters (limit): the rest must be case filters, or it is a 400. */
function filterParameters(query: Record<string, string>, own: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([name]) => !own.includes(name)));
}

export function wallRoutes({ db, clock }: RouteDependencies) {
  const router = createRouter();
  const summaries = new ShortCache<WallSummary>(3);
  const loads = new ShortCache<GridLoad[]>(5);

  router.openapi(summaryRoute, async (c) => {
    requireWallViewer(c);
    const now = clock.now();
    return c.json(await summaries.get(ShortCache.slice(now, 3), () => wallSummary(db, now)), 200);
  });

  router.openapi(feedRoute, async (c) => {
    requireWallViewer(c);
    const events = await wallFeed(db, c.req.valid('query').limit ?? 40, clock.now());
    return c.json({ events }, 200);
  });

  router.openapi(queueRoute, async (c) => {
    requireWallViewer(c);
    const now = clock.now();
    const filter = parseCaseFilter(filterParameters(c.req.query(), ['limit']), now);
    return c.json({ cases: await wallQueue(db, filter, c.req.valid('query').limit ?? 30, now) }, 200);
  });

  router.openapi(caseRoute, async (c) => {
    requireWallViewer(c);
    return c.json(await wallCase(db, c.req.valid('param').id, clock.now()), 200);
  });

  router.openapi(gridsRoute, async (c) => {
    requireWallViewer(c);
    const now = clock.now();
    const filter = parseCaseFilter(filterParameters(c.req.query()), now);
    const key = `${ShortCache.slice(now, 5)}|${gridLoadsKey(filter)}`;
    return c.json({ grids: await loads.get(key, () => gridLoads(db, filter, now)) }, 200);
  });

  router.openapi(gridRoute, async (c) => {
    requireWallViewer(c);
    return c.json(await wallGrid(db, c.req.valid('param').code, clock.now()), 200);
  });

  router.openapi(workersRoute, async (c) => {
    requireWallViewer(c);
    return c.json({ workers: await wallWorkers(db, clock.now()) }, 200);
  });

  router.openapi(playbackRoute, async (c) => {
    requireWallViewer(c);
    const now = clock.now();
    const query = filterParameters(c.req.query());
    const filter = parseCaseFilter({ state: 'all', ...query }, now);
    const until = filter.until ?? now;
    const since = filter.since ?? new Date(until.getTime() - 24 * 3_600_000);
    return c.json(await wallPlayback(db, { ...filter, since, until }, since, until), 200);
  });

  return router;
}
