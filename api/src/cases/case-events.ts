/**
 * The trace: every change to a case is an event row (append-only in the
 * database) and a NOTIFY on channel `case_event`, so every API process can
 * fan it out to live clients after the transaction commits.
 */
import { sql, type Queryable } from '@minqing/db';
import type { CaseEventKind, CaseState } from '@minqing/shared';

export const CASE_EVENT_CHANNEL = 'case_event';

export interface NewCaseEvent {
  caseId: number;
  kind: CaseEventKind;
  actorUserId?: number | null;
  actorUnitId?: number | null;
  fromState?: CaseState | null;
  toState?: CaseState | null;
  fromUnitId?: number | null;
  toUnitId?: number | null;
  note?: string | null;
  data?: Record<string, unknown>;
  occurredAt: Date;
}

/** Appends an event and announces it (delivered when the transaction commits). Returns the event id. */
export async function appendEvent(tx: Queryable, event: NewCaseEvent): Promise<number> {
  const [row] = await tx.query<{ id: number }>(sql`
    insert into case_event (case_id, kind, actor_user_id, actor_unit_id, from_state, to_state, from_unit_id, to_unit_id, note, data, occurred_at)
    values (${event.caseId}, ${event.kind}, ${event.actorUserId ?? null}, ${event.actorUnitId ?? null}, ${event.fromState ?? null},
            ${event.toState ?? null}, ${event.fromUnitId ?? null}, ${event.toUnitId ?? null}, ${event.note ?? null},
            ${JSON.stringify(event.data ?? {})}::text::jsonb, ${event.occurredAt})
    returning id`);
  const payload = JSON.stringify({
    id: row!.id,
    caseId: event.caseId,
    kind: event.kind,
    state: event.toState ?? null,
    at: event.occurredAt,
  });
  await tx.query(sql`select pg_notify(${CASE_EVENT_CHANNEL}, ${payload})`);
  return row!.id;
}
