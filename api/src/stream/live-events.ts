/**
 * One per API process: follows the two logs the wall needs — case events and
 * worker positions — and hands each new entry to every live connection of
 * this process exactly once, in id order per batch.
 *
 * The database is the only channel between processes. A case event anywhere
 * NOTIFYs `case_event`; this process LISTENs and reads what is new at once
 * (and every second anyway, in case a notification was lost while the
 * listening connection reconnected). Positions are read every half second.
 *
 * Ids are drawn in insert order but committed in any order, so "everything
 * after id N" is not enough: a transaction still open may commit an id below
 * N later. Each read first asks, with a short lock timeout, for the exclusive
 * side of an advisory lock every writer of the table holds shared until it
 * commits (migration 00202). Granted, nothing is in flight: every id up to the
 * largest visible one is final, and the horizon moves there. Not granted (a
 * long write, e.g. the card sweep, is under way), entries that did commit are
 * still handed out at once and remembered as sent above the horizon: case
 * events in the client's cursor too (so a reconnect neither repeats nor skips
 * them), positions only here (a position is state: after a reconnect a client
 * is told where each worker is now). ADR 0004 has the reasoning.
 */
import { openDatabase, sql, type Database } from '@minqing/db';
import { CASE_EVENT_CHANNEL } from '../cases/case-events.ts';
import type { Clock } from '../cases/clock.ts';
import type { Logger } from '../logger.ts';
import { advance, copyCursor, MAX_SENT_ABOVE_HORIZON, type LogPosition, type StreamCursor } from './stream-cursor.ts';
import { readCaseEvents, readPositions, type WallCaseEvent, type WallPosition } from './wall-events.ts';

/** What a connection hears from the hub. */
export type LiveMessage =
  | { kind: 'cases'; events: WallCaseEvent[] }
  | { kind: 'positions'; positions: WallPosition[] }
  /** The horizons moved: everything at or below them has been handed out. */
  | { kind: 'horizon'; cases: number; positions: number }
  /** Too much happened at once to send one by one (a first card sweep over a million cases): reload. */
  | { kind: 'reset'; reason: string; cursor: StreamCursor };

export type LiveSubscriber = (message: LiveMessage) => void;

export interface LiveEventsOptions {
  logger: Logger;
  clock: Clock;
  /**
   * On PostgreSQL, the hub reads through two connections of its own (opened
   * from this URL), so a pool busy with long jobs (nightly analyses over a
   * million cases) never holds the wall up. Unset: the shared handle.
   */
  databaseUrl?: string | undefined;
  /** Case events are read at least this often (besides on every NOTIFY). */
  casePollMs?: number;
  positionPollMs?: number;
  /** How long a read waits for in-flight writers before it gives up on moving the horizon. */
  lockTimeoutMs?: number;
  /** More new case events than this in one read cycle: subscribers are told to reload instead. */
  burstLimit?: number;
}

/** Advisory lock keys (classid 73010) of the two logs; the writers' trigger takes them shared. */
const LOCK_CLASS = 73010;
const LOGS = {
  cases: { table: 'case_event', lockKey: 1 },
  positions: { table: 'worker_position', lockKey: 2 },
} as const;
type LogName = keyof typeof LOGS;

const BATCH = 500;
/** Positions handed out above the horizon this hub remembers at most (beyond it, it waits for the horizon). */
const MAX_POSITIONS_ABOVE_HORIZON = 50_000;
/** At start, without a granted lock, entries older than this are taken as final (see start()). */
const SETTLED_AFTER_SECONDS = 10;

function isLockTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';
}

/** The database went away for good: closed here, terminated by an administrator, or dropped. */
function isClosedDatabase(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === '57P01' || code === '3D000') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /closed|CONNECTION_ENDED|CONNECTION_DESTROYED|ended/i.test(message);
}

export class LiveEvents {
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly position: Record<LogName, LogPosition> = {
    cases: { horizon: 0, sent: new Set() },
    positions: { horizon: 0, sent: new Set() },
  };
  private starting: Promise<void> | null = null;
  /** What the hub reads with: its own connections, or the shared handle. */
  private reader: Database;
  private ownsReader = false;
  private closed = false;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly reading: Record<LogName, boolean> = { cases: false, positions: false };
  private readonly readAgain: Record<LogName, boolean> = { cases: false, positions: false };
  private readonly wakeTimers: Record<LogName, NodeJS.Timeout | null> = { cases: null, positions: null };
  /** Counts for /api/health-style diagnostics and the soak bench. */
  readonly statistics = { caseEvents: 0, positions: 0, reads: 0, horizonHeld: 0, resets: 0 };

  constructor(
    db: Database,
    private readonly options: LiveEventsOptions,
  ) {
    this.reader = db;
  }

  /** The handle live connections read their catch-up with (the hub's own connections where it has them). */
  get database(): Database {
    return this.reader;
  }

  /** Starts following the logs (once); resolves when the horizons are known. */
  ready(): Promise<void> {
    this.starting ??= this.start();
    return this.starting;
  }

  subscribe(subscriber: LiveSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * Where the hub stands: what a connection that starts now has, in effect,
   * already seen. Positions sent above the horizon stay here (a cursor carries
   * only their horizon).
   */
  cursor(): StreamCursor {
    return copyCursor({ cases: this.position.cases, positions: this.position.positions });
  }

  /** Reads soon rather than at the next tick: a NOTIFY came, or this process just stored a position. */
  wake(log: LogName = 'cases'): void {
    // A burst of NOTIFYs, or of position reports, makes one read.
    this.wakeTimers[log] ??= setTimeout(
      () => {
        this.wakeTimers[log] = null;
        void this.read(log);
      },
      log === 'cases' ? 5 : 100,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const timer of Object.values(this.wakeTimers)) if (timer) clearTimeout(timer);
    this.subscribers.clear();
    await this.unlisten?.().catch(() => {});
    if (this.ownsReader) await this.reader.close().catch(() => {});
  }

  private async start(): Promise<void> {
    if (this.options.databaseUrl && this.reader.engine === 'postgres') {
      try {
        this.reader = await openDatabase({
          databaseUrl: this.options.databaseUrl,
          maxConnections: 2,
          connectionSettings: { jit: 'off', application_name: 'minqing-live-events' },
        });
        this.ownsReader = true;
      } catch (error) {
        this.options.logger.warn({ err: error }, 'live events: no connections of their own; sharing the pool');
      }
    }
    try {
      this.unlisten = await this.reader.listen(CASE_EVENT_CHANNEL, () => this.wake('cases'));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'cannot LISTEN for case events; reading them every second instead');
    }
    for (const log of ['cases', 'positions'] as const) await this.startLog(log);
    const every = (milliseconds: number, log: LogName) => {
      const timer = setInterval(() => void this.read(log), milliseconds);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.casePollMs ?? 1_000, 'cases');
    every(this.options.positionPollMs ?? 500, 'positions');
  }

  /**
   * Where the hub starts reading a log: at the final horizon when the lock is
   * granted within a few tries. Under a steady stream of writes (a busy
   * machine, a long sweep) it may not be; then the hub starts at the newest
   * entry written more than SETTLED_AFTER_SECONDS ago and counts what came
   * after it as already seen: only a transaction that has been writing to the
   * log for longer than that could still bring an entry below — a window the
   * hub accepts once, at its start, rather than keep its clients waiting.
   */
  private async startLog(log: LogName): Promise<void> {
    for (let attempt = 0; attempt < 5 && !this.closed; attempt++) {
      const horizon = await this.finalHorizon(log);
      if (horizon !== null) {
        this.position[log].horizon = horizon;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
    const { table } = LOGS[log];
    const written = log === 'cases' ? 'recorded_at' : 'received_at';
    const [settled] = await this.reader.query<{ id: number | null }>(sql`
      select max(id) as id from ${sql.identifier(table)}
      where ${sql.identifier(written)} < now() - ${SETTLED_AFTER_SECONDS}::int * interval '1 second'`);
    const horizon = Number(settled?.id ?? 0);
    const after = await this.reader.query<{ id: number }>(
      sql`select id from ${sql.identifier(table)} where id > ${horizon}::int8`,
    );
    this.position[log] = { horizon, sent: new Set(after.map((row) => Number(row.id))) };
    this.options.logger.info({ log, horizon, seen: after.length }, 'live events: started without a final horizon');
  }

  /**
   * The largest id of the log when no writer is in flight: every id up to it is
   * final. Null when a writer held on longer than the lock timeout.
   */
  private async finalHorizon(log: LogName): Promise<number | null> {
    const { table, lockKey } = LOGS[log];
    try {
      return await this.reader.transaction(async (tx) => {
        await tx.query(sql`select set_config('lock_timeout', ${`${this.options.lockTimeoutMs ?? 100}ms`}, true)`);
        await tx.query(sql`select pg_advisory_xact_lock(${LOCK_CLASS}::int, ${lockKey}::int)`);
        const [row] = await tx.query<{ max: number | null }>(sql`select max(id) as max from ${sql.identifier(table)}`);
        return Number(row?.max ?? 0);
      });
    } catch (error) {
      if (isLockTimeout(error)) {
        this.statistics.horizonHeld++;
        return null;
      }
      throw error;
    }
  }

  private async read(log: LogName): Promise<void> {
    if (this.closed || !this.starting) return;
    if (this.reading[log]) {
      this.readAgain[log] = true;
      return;
    }
    this.reading[log] = true;
    try {
      await this.starting;
      let more = true;
      let handedOut = 0;
      while (more && !this.closed) {
        this.readAgain[log] = false;
        const result = log === 'cases' ? await this.readCases(handedOut) : await this.readPositions();
        handedOut += result.handedOut;
        more = result.more || this.readAgain[log];
      }
    } catch (error) {
      if (isClosedDatabase(error)) {
        if (!this.closed) this.options.logger.info('live events stopped: the database closed');
        await this.close();
      } else {
        this.options.logger.warn({ err: error, log }, 'reading live events failed; trying again at the next tick');
      }
    } finally {
      this.reading[log] = false;
    }
  }

  private async readCases(handedOutThisCycle: number): Promise<{ handedOut: number; more: boolean }> {
    this.statistics.reads++;
    const position = this.position.cases;
    const final = await this.finalHorizon('cases');
    const events = await readCaseEvents(
      this.reader,
      { after: position.horizon, except: [...position.sent], limit: BATCH },
      this.options.clock.now(),
    );
    const full = events.length === BATCH;
    const burstLimit = this.options.burstLimit ?? 2_000;
    if (final !== null && handedOutThisCycle + events.length > burstLimit && full) {
      // A flood (a first sweep issuing cards to a million cases): jump to the horizon and have clients reload.
      advance(position, final);
      this.statistics.resets++;
      this.publish({ kind: 'reset', reason: 'burst', cursor: this.cursor() });
      return { handedOut: 0, more: false };
    }
    // Above the final horizon an event is sent only while the cursor has room to remember it.
    let room = MAX_SENT_ABOVE_HORIZON - position.sent.size;
    const handed: WallCaseEvent[] = [];
    for (const event of events) {
      const isFinal = final !== null && event.id <= final;
      if (!isFinal) {
        if (room <= 0) break;
        room--;
      }
      handed.push(event);
      position.sent.add(event.id);
    }
    if (handed.length > 0) {
      this.statistics.caseEvents += handed.length;
      this.publish({ kind: 'cases', events: handed });
    }
    if (final !== null) {
      // Everything final was read unless the batch was full: then up to the last event read.
      const reached = full ? Math.min(final, events.at(-1)!.id) : final;
      if (reached > position.horizon) {
        advance(position, reached);
        this.publish({ kind: 'horizon', cases: position.horizon, positions: this.position.positions.horizon });
      }
    }
    return { handedOut: handed.length, more: full && handed.length === events.length };
  }

  private async readPositions(): Promise<{ handedOut: number; more: boolean }> {
    this.statistics.reads++;
    const position = this.position.positions;
    const final = await this.finalHorizon('positions');
    const limit = BATCH * 4;
    // Too many sent above a horizon that does not move: wait for it rather than remember more.
    const positions =
      position.sent.size < MAX_POSITIONS_ABOVE_HORIZON
        ? await readPositions(this.reader, { after: position.horizon, except: [...position.sent], limit })
        : [];
    const full = positions.length === limit;
    for (const item of positions) position.sent.add(item.id);
    if (positions.length > 0) {
      this.statistics.positions += positions.length;
      this.publish({ kind: 'positions', positions });
    }
    if (final !== null) {
      const reached = full ? Math.min(final, positions.at(-1)!.id) : final;
      if (reached > position.horizon) {
        advance(position, reached);
        this.publish({ kind: 'horizon', cases: this.position.cases.horizon, positions: position.horizon });
      }
    }
    return { handedOut: positions.length, more: full };
  }

  private publish(message: LiveMessage): void {
    for (const subscriber of this.subscribers) {
      try {
        subscriber(message);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'a live connection failed to take an event');
      }
    }
  }
}
