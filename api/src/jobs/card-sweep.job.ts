/**
 * The card sweep (红黄牌): every open case older than the thresholds gets its
 * yellow, then its red card, charged to the unit that owned it when the
 * threshold passed. One set-based statement per colour: cards and their trace
 * events are written together, `ON CONFLICT DO NOTHING` on (case, colour)
 * makes a second sweep — or two sweeps at once, or a sweep re-run after being
 * killed — issue nothing twice and miss nothing. Cards are never withdrawn.
 *
 * Also sends reminders before sign-for and answer deadlines, once each.
 */
import { sql, type Database } from '@minqing/db';
import type { CardColour } from '@minqing/shared';
import { CASE_EVENT_CHANNEL } from '../cases/case-events.ts';
import { loadCasePolicy } from '../cases/case-policy.ts';

export const CARD_SWEEP_QUEUE = 'case-card-sweep';

export interface SweepResult {
  yellow: number;
  red: number;
  reminders: number;
}

async function issueCards(db: Database, colour: CardColour, days: number, now: Date): Promise<number> {
  // A case resolved late still earns the card it was due while open; look back a month for those.
  const [row] = await db.transaction((tx) =>
    tx.query<{ issued: number }>(sql`
      with due as (
        select c.id, c.owner_unit_id, c.received_at, c.created_at + (${days}::float8 * interval '1 day') as threshold_at
        from cases c
        where c.created_at + (${days}::float8 * interval '1 day') < ${now}
          and (c.state in ('registered', 'dispatched', 'accepted', 'in_progress')
               or (c.resolved_at > c.created_at + (${days}::float8 * interval '1 day') and c.resolved_at > ${now}::timestamptz - interval '31 days'))
          and not exists (select 1 from card where card.case_id = c.id and card.colour = ${colour})
      ),
      charged as (
        select due.id, due.threshold_at,
               case when due.received_at <= due.threshold_at then due.owner_unit_id
                    else coalesce((select e.to_unit_id from case_event e
                                   where e.case_id = due.id and e.to_unit_id is not null and e.occurred_at <= due.threshold_at
                                     and e.kind in ('registered', 'dispatch', 'transfer', 'escalate', 'take_over', 'reopened')
                                   order by e.occurred_at desc, e.id desc limit 1), due.owner_unit_id)
               end as unit_id
        from due
      ),
      issued as (
        insert into card (case_id, colour, unit_id, threshold_at, issued_at)
        select id, ${colour}, unit_id, threshold_at, ${now} from charged
        on conflict (case_id, colour) do nothing
        returning case_id, unit_id, threshold_at
      ),
      traced as (
        insert into case_event (case_id, kind, to_unit_id, data, occurred_at)
        select case_id, 'card_issued', unit_id, jsonb_build_object('colour', ${colour}::text, 'thresholdAt', threshold_at), ${now}
        from issued
        returning case_id
      )
      select count(*) as issued from traced`),
  );
  const issued = row?.issued ?? 0;
  if (issued > 0) {
    await db.notify(CASE_EVENT_CHANNEL, JSON.stringify({ kind: 'card_issued', colour, count: issued, at: now }));
  }
  return issued;
}

async function sendReminders(db: Database, withinHours: number, now: Date): Promise<number> {
  const until = new Date(now.getTime() + withinHours * 3_600_000);
  const [row] = await db.transaction((tx) =>
    tx.query<{ sent: number }>(sql`
      with due as (
        select id, owner_unit_id, 'sign_for' as deadline_kind, sign_deadline_at as deadline_at from cases
        where state = 'dispatched' and sign_deadline_at > ${now} and sign_deadline_at <= ${until}
        union all
        select id, owner_unit_id, 'answer', answer_deadline_at from cases
        where state in ('dispatched', 'accepted', 'in_progress') and answer_deadline_at > ${now} and answer_deadline_at <= ${until}
      ),
      sent as (
        insert into case_reminder (case_id, deadline_kind, deadline_at, sent_at)
        select id, deadline_kind, deadline_at, ${now} from due
        on conflict do nothing
        returning case_id, deadline_kind, deadline_at
      ),
      traced as (
        insert into case_event (case_id, kind, to_unit_id, data, occurred_at)
        select sent.case_id, 'reminded', c.owner_unit_id, jsonb_build_object('deadline', sent.deadline_kind, 'deadlineAt', sent.deadline_at), ${now}
        from sent join cases c on c.id = sent.case_id
        returning case_id
      )
      select count(*) as sent from traced`),
  );
  return row?.sent ?? 0;
}

/** One sweep as of `now`. Safe to run twice, concurrently, or again after a crash. */
export async function sweepCards(db: Database, now: Date): Promise<SweepResult> {
  const policy = await loadCasePolicy(db);
  const yellow = await issueCards(db, 'yellow', policy.cards.yellowAfterDays, now);
  const red = await issueCards(db, 'red', policy.cards.redAfterDays, now);
  const reminders = await sendReminders(db, policy.deadlines.reminderHours, now);
  return { yellow, red, reminders };
}
