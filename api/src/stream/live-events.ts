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
 * long write, e.g. the card sweep, is under way), case events that did commit
 * are still sent at once and remembered as sent above the horizon; positions
 * wait for the next read. ADR 0004 has the reasoning.
 */
import { sql, type Database } from '@minqing/db';
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

function isLockTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';
}

function isClosedDatabase(error: unknown): boolean {
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
  private closed = false;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly reading: Record<LogName, boolean> = { cases: false, positions: false };
  private readonly readAgain: Record<LogName, boolean> = { cases: false, positions: false };
  private wakeTimer: NodeJS.Timeout | null = null;
  /** Counts for /api/health-style diagnostics and the soak bench. */
  readonly statistics = { caseEvents: 0, positions: 0, reads: 0, horizonHeld: 0, resets: 0 };

  constructor(
    private readonly db: Database,
    private readonly options: LiveEventsOptions,
  ) {}

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

  /** Where the hub stands: what a connection that starts now has, in effect, already seen. */
  cursor(): StreamCursor {
    return copyCursor({ cases: this.position.cases, positions: this.position.positions });
  }

  /** Reads now rather than at the next tick (a position was just stored by this process). */
  wake(log: LogName = 'cases'): void {
    if (log === 'positions') {
      void this.read('positions');
      return;
    }
    // Several NOTIFYs in a burst make one read.
    this.wakeTimer ??= setTimeout(() => {
      this.wakeTimer = null;
      void this.read('cases');
    }, 5);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.subscribers.clear();
    await this.unlisten?.().catch(() => {});
  }

  private async start(): Promise<void> {
    try {
      this.unlisten = await this.db.listen(CASE_EVENT_CHANNEL, () => this.wake('cases'));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'cannot LISTEN for case events; reading them every second instead');
    }
    for (const log of ['cases', 'positions'] as const) {
      let horizon: number | null = null;
      for (let attempt = 0; horizon === null && !this.closed; attempt++) {
        horizon = await this.finalHorizon(log);
        if (horizon === null) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
      }
      this.position[log].horizon = horizon ?? 0;
    }
    const every = (milliseconds: number, log: LogName) => {
      const timer = setInterval(() => void this.read(log), milliseconds);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.casePollMs ?? 1_000, 'cases');
    every(this.options.positionPollMs ?? 500, 'positions');
  }

  /**
   * The largest id of the log when no writer is in flight: every id up to it is
   * final. Null when a writer held on longer than the lock timeout.
   */
  private async finalHorizon(log: LogName): Promise<number | null> {
    const { table, lockKey } = LOGS[log];
    try {
      return await this.db.transaction(async (tx) => {
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
      this.db,
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
    // Positions go out only when final: a worker's marker may wait half a second, a cursor stays short.
    const final = await this.finalHorizon('positions');
    if (final === null || final <= position.horizon) return { handedOut: 0, more: false };
    const positions = await readPositions(this.db, { after: position.horizon, atMost: final, limit: BATCH * 4 });
    const full = positions.length === BATCH * 4;
    const reached = full ? positions.at(-1)!.id : final;
    if (positions.length > 0) {
      this.statistics.positions += positions.length;
      this.publish({ kind: 'positions', positions });
    }
    advance(position, reached);
    this.publish({ kind: 'horizon', cases: this.position.cases.horizon, positions: position.horizon });
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
