/**
 * One client's live stream (Server-Sent Events). A client that comes back
 * with the id of the last event it got (`Last-Event-ID`, or `lastEventId` in
 * the query for clients that cannot set headers) first gets what it missed —
 * from the database, so it does not matter which API process served it
 * before — then joins the hub's live feed. Every event passes this
 * connection's cursor, so nothing is sent twice however catching up and the
 * live feed overlap.
 *
 * Events: `hello` (first, with the cursor), `case` (one case event), `positions`
 * (a batch of worker positions), `reset` (reload everything: the client was
 * away too long, or a flood came), and a comment every 15 s to keep proxies
 * and the client's watchdog awake.
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../cases/clock.ts';
import { sql, type Database } from '@minqing/db';
import type { Logger } from '../logger.ts';
import type { LiveEvents, LiveMessage } from './live-events.ts';
import { advance, encodeCursor, isNew, type StreamCursor } from './stream-cursor.ts';
import {
  publicCaseEvent,
  readCaseEvents,
  readLatestPositions,
  seesCaseEvent,
  seesPosition,
  type WallCaseEvent,
  type WallPosition,
} from './wall-events.ts';

/** A client that missed more case events than this reloads instead of replaying them. */
export const CATCH_UP_LIMIT = 1_000;
export const HEARTBEAT_MS = 15_000;
/** Messages waiting for a slow client beyond this: the connection is closed (the client resumes from its cursor). */
const MAX_PENDING_WRITES = 2_000;

export interface LiveConnectionContext {
  db: Database;
  hub: LiveEvents;
  clock: Clock;
  logger: Logger;
}

export interface OpenStreamOptions {
  actor: Actor;
  /** The client's cursor, null for a fresh start. */
  resumeFrom: StreamCursor | null;
  /** Which logs the client wants. */
  topics: { cases: boolean; positions: boolean };
}

export function openLiveStream(c: Context, context: LiveConnectionContext, options: OpenStreamOptions): Response {
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, (stream) => runConnection(stream, context, options));
}

async function runConnection(
  stream: SSEStreamingApi,
  { hub, clock, logger }: LiveConnectionContext,
  { actor, resumeFrom, topics }: OpenStreamOptions,
): Promise<void> {
  await hub.ready();
  // Catching up reads through the hub's own connections, which long jobs do not hold up.
  const db = hub.database;
  let closed = false;
  let pending = 0;
  let chain: Promise<void> = Promise.resolve();
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const end = () => {
    if (closed) return;
    closed = true;
    finish();
  };
  stream.onAbort(end);

  const write = (event: string, data: unknown, id?: string) => {
    if (closed) return;
    if (pending >= MAX_PENDING_WRITES) {
      logger.warn({ user: actor.username }, 'live client too slow; closing its stream (it resumes from its cursor)');
      end();
      return;
    }
    pending++;
    const message = { event, data: JSON.stringify(data), ...(id === undefined ? {} : { id }) };
    chain = chain
      .then(() => (closed ? undefined : stream.writeSSE(message)))
      .catch(end)
      .finally(() => pending--);
  };

  // Join the live feed first (held back while catching up), so nothing falls between the two.
  const held: LiveMessage[] = [];
  let live = false;
  let cursor: StreamCursor = hub.cursor();
  const unsubscribe = hub.subscribe((message) => {
    if (live) handle(message);
    else held.push(message);
  });

  const sendCases = (events: readonly WallCaseEvent[]) => {
    for (const event of events) {
      if (!isNew(cursor.cases, event.id)) continue;
      cursor.cases.sent.add(event.id);
      if (!topics.cases || !seesCaseEvent(actor, event)) continue;
      write('case', publicCaseEvent(event), encodeCursor(cursor));
    }
  };
  const sendPositions = (positions: readonly WallPosition[]) => {
    const fresh = positions.filter((position) => isNew(cursor.positions, position.id));
    for (const position of fresh) cursor.positions.sent.add(position.id);
    const visible = topics.positions ? fresh.filter((position) => seesPosition(actor, position)) : [];
    if (visible.length > 0) write('positions', visible, encodeCursor(cursor));
  };
  const catchUpToHub = () => {
    const hubCursor = hub.cursor();
    advance(cursor.cases, hubCursor.cases.horizon);
    advance(cursor.positions, hubCursor.positions.horizon);
  };
  const reset = (reason: string) => {
    cursor = hub.cursor();
    write('reset', { reason }, encodeCursor(cursor));
  };

  function handle(message: LiveMessage): void {
    switch (message.kind) {
      case 'cases':
        sendCases(message.events);
        break;
      case 'positions':
        sendPositions(message.positions);
        break;
      case 'horizon':
        advance(cursor.cases, message.cases);
        advance(cursor.positions, message.positions);
        break;
      case 'reset':
        reset(message.reason);
        break;
    }
  }

  try {
    let missed: WallCaseEvent[] = [];
    let moved: WallPosition[] = [];
    let resetReason: string | null = null;
    const hubCursor = hub.cursor();
    if (resumeFrom) {
      const [newest] = await db.query<{ id: number | null }>(sql`select max(id) as id from case_event`);
      if (resumeFrom.cases.horizon > Number(newest?.id ?? 0)) {
        // A cursor from the future: another database, or one restored from a backup.
        resetReason = 'unknown_cursor';
      } else {
        missed = await readCaseEvents(
          db,
          { after: resumeFrom.cases.horizon, except: [...resumeFrom.cases.sent], limit: CATCH_UP_LIMIT + 1 },
          clock.now(),
        );
        if (missed.length > CATCH_UP_LIMIT) {
          resetReason = 'too_far_behind';
          missed = [];
        } else {
          // Where each worker is now, not every step they took meanwhile; later positions come live.
          moved = await readLatestPositions(db, { after: resumeFrom.positions.horizon, limit: 10_000 });
          cursor = {
            cases: { horizon: resumeFrom.cases.horizon, sent: new Set(resumeFrom.cases.sent) },
            positions: { horizon: resumeFrom.positions.horizon, sent: new Set(resumeFrom.positions.sent) },
          };
        }
      }
    }
    write(
      'hello',
      {
        resumed: resumeFrom !== null && resetReason === null,
        caughtUp: { cases: missed.length, positions: moved.length },
        serverTime: clock.now().toISOString(),
        process: process.pid,
      },
      encodeCursor(cursor),
    );
    if (resetReason) reset(resetReason);
    sendCases(missed);
    sendPositions(moved);
    // Positions up to there that were not the newest of their worker are skipped on purpose.
    advance(cursor.positions, hubCursor.positions.horizon);
    // What the hub handed out since this connection joined, in order (each passes the cursor); what it handed
    // out before was committed before the reads above, so it was in them: the hub's horizon holds here too.
    for (const message of held.splice(0)) handle(message);
    catchUpToHub();
    live = true;

    const heartbeat = setInterval(() => {
      if (closed) return;
      pending++;
      chain = chain
        .then(() => (closed ? undefined : stream.write(': keepalive\n\n').then(() => undefined)))
        .catch(end)
        .finally(() => pending--);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    await finished;
    clearInterval(heartbeat);
  } finally {
    unsubscribe();
    closed = true;
  }
}
