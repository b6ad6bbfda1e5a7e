/**
 * The card sweep (红黄牌): every open case older than the thresholds gets its
 * yellow, then its red card, charged to the unit that owned it when the
 * threshold passed. One set-based statement for both colours: cards and their
 * trace events are written together (a sweep killed midway leaves all of them
 * or none), `ON CONFLICT DO NOTHING` on (case, colour) makes a second sweep —
 * or two sweeps at once, or a sweep re-run after being killed — issue nothing
 * twice and miss nothing. Cards are never withdrawn.
 *
 * Also sends reminders before sign-for and answer deadlines, once each.
 */
import { sql, type Database } from '@minqing/db';
import type { CardColour, CardPolicy } from '@minqing/shared';
import { CASE_EVENT_CHANNEL } from '../cases/case-events.ts';
import { loadCasePolicy } from '../cases/case-policy.ts';

export const CARD_SWEEP_QUEUE = 'case-card-sweep';

export interface SweepResult {
  yellow: number;
  red: number;
  reminders: number;
}

/**
 * Both colours in one statement: one pass over the cases, and a case due both
 * cards gets them together (and is touched once by triggers on card).
 */
async function issueCards(db: Database, cards: CardPolicy, now: Date): Promise<Record<CardColour, number>> {
  const { yellowAfterDays: yellow, redAfterDays: red } = cards;
  // A case resolved late still earns the card it was due while open; look back a month for those.
  const rows = await db.query<{ colour: CardColour; issued: number }>(
    sql`
      with due as (
        select c.id, c.owner_unit_id, c.received_at, threshold.colour,
               c.created_at + (threshold.days * interval '1 day') as threshold_at
        from cases c
        cross join lateral (values ('yellow'::text, ${yellow}::float8), ('red'::text, ${red}::float8)) as threshold (colour, days)
        -- Past the earlier threshold at least: the cases read once for both colours.
        where c.created_at + (least(${yellow}::float8, ${red}::float8) * interval '1 day') < ${now}
          and c.created_at + (threshold.days * interval '1 day') < ${now}
          and (c.state in ('registered', 'dispatched', 'accepted', 'in_progress')
               or (c.resolved_at > c.created_at + (threshold.days * interval '1 day')
                   and c.resolved_at > ${now}::timestamptz - interval '31 days'))
          and not exists (select 1 from card where card.case_id = c.id and card.colour = threshold.colour)
      ),
      charged as (
        select due.id, due.colour, due.threshold_at,
               case when due.received_at <= due.threshold_at then due.owner_unit_id
                    else coalesce((select e.to_unit_id from case_event e
                                   where e.case_id = due.id and e.to_unit_id is not null and e.occurred_at <= due.threshold_at
                                     and e.kind in ('registered', 'dispatch', 'transfer', 'escalate', 'take_over', 'reopened')
                                   order by e.occurred_at desc, e.id desc limit 1), due.owner_unit_id)
               end as unit_id
        from due
      ),
      issued as (
        -- Sorted by colour first (a full sort: nothing comes out before everything went in), so every due card
        -- is found before the first is written and the statement never reads the cards it writes — a plan made
        -- for an empty card table would scan them again for each case.
        insert into card (case_id, colour, unit_id, threshold_at, issued_at)
        select id, colour, unit_id, threshold_at, ${now} from charged
        order by colour, id
        on conflict (case_id, colour) do nothing
        returning case_id, colour, unit_id, threshold_at
      ),
      traced as (
        insert into case_event (case_id, kind, to_unit_id, data, occurred_at)
        select case_id, 'card_issued', unit_id, jsonb_build_object('colour', colour, 'thresholdAt', threshold_at), ${now}
        from issued
        returning data ->> 'colour' as colour
      )
      select colour, count(*) as issued from traced group by colour`,
  );
  const issued = { yellow: 0, red: 0 };
  for (const row of rows) issued[row.colour] = row.issued;
  for (const colour of ['yellow', 'red'] as const) {
    if (issued[colour] > 0)
      await db.notify(CASE_EVENT_CHANNEL, JSON.stringify({ kind: 'card_issued', colour, count: issued[colour], at: now }));
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
  const { yellow, red } = await issueCards(db, policy.cards, now);
  const reminders = await sendReminders(db, policy.deadlines.reminderHours, now);
  return { yellow, red, reminders };
}
