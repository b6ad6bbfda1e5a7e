/**
 * Grid workers' devices report where they are: one position (POST
 * /api/positions) or a batch they buffered (POST /api/positions/batch). See
 * api/src/positions for what is refused, what is stored but not drawn, and why.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { COORDINATE_SYSTEMS } from '@minqing/shared';
import { requireActor } from '../auth/auth.middleware.ts';
import { createRouter } from '../http/router.ts';
import { POSITION_FLAGS } from '../positions/position-checks.ts';
import { ingestPositions, MAX_POSITIONS_PER_REPORT, type PositionReport } from '../positions/positions.service.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import { liveEventsFor } from '../stream/live-events-registry.ts';
import type { RouteDependencies } from './dependencies.ts';

export const PositionReportSchema = z
  .object({
    lon: z.number({ message: 'must be a number (longitude in degrees)' }).openapi({ example: 108.3871 }),
    lat: z.number({ message: 'must be a number (latitude in degrees)' }).openapi({ example: 30.8012 }),
    coordinateSystem: z
      .enum(COORDINATE_SYSTEMS, { message: `must be one of ${COORDINATE_SYSTEMS.join(', ')}` })
      .default('WGS84')
      .openapi({ description: 'WGS84 (GPS), GCJ02 (most phone map SDKs) or BD09; stored as WGS-84' }),
    accuracy: z
      .number({ message: 'must be a number of metres' })
      .positive('must be above 0 metres')
      .max(100_000, 'must be at most 100000 metres')
      .optional()
      .openapi({ description: 'Radius of the 68% circle, metres', example: 12 }),
    recordedAt: z.iso
      .datetime({ offset: true, message: 'must be a date-time with its offset, e.g. 2026-11-24T10:00:00+08:00' })
      .openapi({ description: "The device's time of the fix" }),
  })
  .openapi('PositionReport');

const PositionResultSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(['accepted', 'flagged']).openapi({ description: 'flagged: stored for the record, not drawn' }),
    flags: z.array(z.enum(POSITION_FLAGS)),
    message: z.string(),
    lon: z.number(),
    lat: z.number(),
    gridCode: z.string().nullable(),
  })
  .openapi('PositionResult');

const errors = {
  400: { ...errorResponses[400], description: 'Refused: not a position, a time in the future or a day old (nothing stored)' },
  401: { description: 'Not signed in', content: errorResponses[400].content },
  403: { description: 'Not a grid worker', content: errorResponses[400].content },
};

const oneRoute = createRoute({
  method: 'post',
  path: '/api/positions',
  tags: ['live'],
  summary: "A grid worker's device reports its position",
  description:
    "Stored as part of the worker's track. A fix that cannot be right — faster than 150 km/h from the previous one, " +
    'outside every grid, accuracy wider than 200 m — is stored for the record but flagged and not drawn.',
  request: { body: { content: { 'application/json': { schema: PositionReportSchema } }, required: true } },
  responses: {
    201: { description: 'Stored', content: { 'application/json': { schema: PositionResultSchema } } },
    ...errors,
  },
});

const batchRoute = createRoute({
  method: 'post',
  path: '/api/positions/batch',
  tags: ['live'],
  summary: "A grid worker's device reports the positions it buffered (all or none are stored)",
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            positions: z
              .array(PositionReportSchema)
              .min(1, 'send at least one position')
              .max(MAX_POSITIONS_PER_REPORT, `at most ${MAX_POSITIONS_PER_REPORT} positions per request`),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: 'Stored',
      content: {
        'application/json': {
          schema: z.object({ accepted: z.number().int(), flagged: z.number().int(), results: z.array(PositionResultSchema) }),
        },
      },
    },
    ...errors,
  },
});

type ReportInput = z.output<typeof PositionReportSchema>;
const toReport = (input: ReportInput): PositionReport => ({ ...input, recordedAt: new Date(input.recordedAt) });

export function positionRoutes({ db, clock, logger, config }: RouteDependencies) {
  const router = createRouter();
  const hub = liveEventsFor(db, { logger, clock, databaseUrl: config.databaseUrl });

  router.openapi(oneRoute, async (c) => {
    const actor = requireActor(c);
    const result = await ingestPositions(db, actor, [toReport(c.req.valid('json'))], clock.now());
    hub.wake('positions');
    return c.json(result.results[0]!, 201);
  });

  router.openapi(batchRoute, async (c) => {
    const actor = requireActor(c);
    const result = await ingestPositions(db, actor, c.req.valid('json').positions.map(toReport), clock.now());
    hub.wake('positions');
    return c.json(result, 201);
  });

  return router;
}
