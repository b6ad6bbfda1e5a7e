/**
 * Where a live client stands in the two event logs the wall follows — case
 * events (table case_event) and worker positions (table worker_position) —
 * written into every SSE message's `id`, so that a client that reconnects
 * (`Last-Event-ID`) to any API process gets exactly what it missed.
 *
 * For each log: a horizon (every entry with an id up to it has been sent, or
 * never will exist) and, for case events, the ids above the horizon that were
 * sent already (entries of transactions that committed while an older one was
 * still open; usually none). Positions carry their horizon only: they are
 * state, and a client that comes back is told where each worker is now.
 * See docs/adr/0004-live-events-across-processes.md.
 *
 * Written as `c<horizon>[.<id>…]p<horizon>[.<id>…]` with numbers in base 36:
 * `c2s7p9ix`, or `c2s7.2sa.2sbp9ix`. Pure: no I/O.
 */

export interface LogPosition {
  /** Every id ≤ horizon was sent (or will never exist). */
  horizon: number;
  /** Ids above the horizon that were sent too. */
  sent: Set<number>;
}

export interface StreamCursor {
  cases: LogPosition;
  positions: LogPosition;
}

/** Sent ids above the horizon a cursor carries at most (beyond it the stream waits for the horizon). */
export const MAX_SENT_ABOVE_HORIZON = 200;

const NUMBER = '[0-9a-z]{1,11}';
const LOG = `(${NUMBER})((?:\\.${NUMBER}){0,${MAX_SENT_ABOVE_HORIZON}})`;
const CURSOR_PATTERN = new RegExp(`^c${LOG}p${LOG}$`);

function encodeLog(position: LogPosition): string {
  const sent = [...position.sent].filter((id) => id > position.horizon).sort((a, b) => a - b);
  return [position.horizon, ...sent].map((id) => id.toString(36)).join('.');
}

export function encodeCursor(cursor: StreamCursor): string {
  return `c${encodeLog(cursor.cases)}p${cursor.positions.horizon.toString(36)}`;
}

function decodeLog(horizonText: string, sentText: string): LogPosition | null {
  const horizon = Number.parseInt(horizonText, 36);
  const sent = sentText
    ? sentText
        .slice(1)
        .split('.')
        .map((text) => Number.parseInt(text, 36))
    : [];
  if (![horizon, ...sent].every((id) => Number.isSafeInteger(id) && id >= 0)) return null;
  if (sent.some((id) => id <= horizon)) return null;
  return { horizon, sent: new Set(sent) };
}

export type CursorReading = { valid: true; cursor: StreamCursor } | { valid: false; reason: string };

export const CURSOR_REASONS = {
  malformed: 'is not an event id this server wrote (expected c<horizon>p<horizon>, as sent in the id field of each event)',
  outOfOrder: 'lists an id at or below its own horizon',
} as const;

/** Reads a Last-Event-ID. Never throws: a reason says what is wrong. */
export function decodeCursor(text: string): CursorReading {
  const match = CURSOR_PATTERN.exec(text.trim());
  if (!match) return { valid: false, reason: CURSOR_REASONS.malformed };
  const cases = decodeLog(match[1]!, match[2] ?? '');
  const positions = decodeLog(match[3]!, match[4] ?? '');
  if (!cases || !positions) return { valid: false, reason: CURSOR_REASONS.outOfOrder };
  return { valid: true, cursor: { cases, positions } };
}

export function copyCursor(cursor: StreamCursor): StreamCursor {
  return {
    cases: { horizon: cursor.cases.horizon, sent: new Set(cursor.cases.sent) },
    positions: { horizon: cursor.positions.horizon, sent: new Set(cursor.positions.sent) },
  };
}

/** Whether an entry of the log is new to this position (not at or below the horizon, not sent). */
export function isNew(position: LogPosition, id: number): boolean {
  return id > position.horizon && !position.sent.has(id);
}

/** Moves the horizon up to `horizon` (never down) and forgets sent ids it now covers. */
export function advance(position: LogPosition, horizon: number): void {
  if (horizon <= position.horizon) return;
  position.horizon = horizon;
  for (const id of position.sent) if (id <= horizon) position.sent.delete(id);
}
