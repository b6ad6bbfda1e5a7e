/**
 * GET /api/stream — live events as Server-Sent Events, for the map wall and
 * any signed-in reader of cases. Resumable: send back the id of the last event
 * (header Last-Event-ID, or query lastEventId) and get what was missed, from
 * whichever API process answers. See api/src/stream/live-connection.ts.
 */
import { z } from '@hono/zod-openapi';
import { requireActor } from '../auth/auth.middleware.ts';
import { CASE_READERS } from '../cases/scope.ts';
import { ForbiddenError, InvalidInputError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import { openLiveStream } from '../stream/live-connection.ts';
import { liveEventsFor } from '../stream/live-events-registry.ts';
import { decodeCursor } from '../stream/stream-cursor.ts';
import type { RouteDependencies } from './dependencies.ts';

const TOPICS = ['cases', 'positions'] as const;

function readTopics(text: string | undefined): { cases: boolean; positions: boolean } {
  if (text === undefined || text.trim() === '') return { cases: true, positions: true };
  const asked = text.split(',').map((topic) => topic.trim());
  const unknown = asked.filter((topic) => !(TOPICS as readonly string[]).includes(topic));
  if (unknown.length > 0 || asked.length === 0)
    throw new InvalidInputError(
      `query parameter topics: unknown topic ${unknown.map((topic) => `'${topic}'`).join(', ')}; topics are ${TOPICS.join(', ')}`,
      'invalid_request',
    );
  return { cases: asked.includes('cases'), positions: asked.includes('positions') };
}

export function streamRoutes({ db, logger, clock, config }: RouteDependencies) {
  const router = createRouter();
  const hub = liveEventsFor(db, { logger, clock, databaseUrl: config.databaseUrl });

  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/stream',
    tags: ['live'],
    summary: 'Live case events and worker positions (Server-Sent Events), resumable with Last-Event-ID',
    description:
      'Events: `hello` (first; data {resumed, caughtUp, serverTime, process}), `case` (one case event with the case as ' +
      "it stands: state, urgency, card, place, masked title), `positions` (a batch of grid workers' accepted positions), " +
      '`reset` (reload everything: too much was missed, or a flood of events came). Every event carries an `id`; ' +
      'send the last one back (Last-Event-ID header or lastEventId query parameter) to resume from any API process ' +
      'without losing or repeating an event. A comment line every 15 s keeps the connection alive. ' +
      'Personal data never appears. Sign-in required; what you see follows your scope.',
    request: {
      query: z.object({
        topics: z.string().optional().openapi({ description: 'Comma-separated: cases, positions (default both)' }),
        lastEventId: z.string().optional().openapi({ description: 'Same as the Last-Event-ID header' }),
      }),
      headers: z.object({ 'last-event-id': z.string().optional() }),
    },
    responses: {
      200: { description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      400: { ...errorResponses[400], description: 'A Last-Event-ID this server did not write, or an unknown topic' },
      401: { description: 'Not signed in', content: errorResponses[400].content },
      403: { description: 'Your role reads no cases', content: errorResponses[400].content },
    },
  });

  router.get('/api/stream', (c) => {
    const actor = requireActor(c);
    if (!CASE_READERS.includes(actor.role))
      throw new ForbiddenError(`a ${actor.role} does not follow live events`, 'role_cannot');
    const topics = readTopics(c.req.query('topics'));
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    let resumeFrom = null;
    if (lastEventId !== undefined && lastEventId.trim() !== '') {
      const reading = decodeCursor(lastEventId);
      if (!reading.valid) throw new InvalidInputError(`Last-Event-ID ${reading.reason}`, 'invalid_last_event_id');
      resumeFrom = reading.cursor;
    }
    return openLiveStream(c, { db, hub, clock, logger }, { actor, resumeFrom, topics });
  });

  return router;
}
