/**
 * The card sweep (红黄牌): every open case older than the thresholds gets its
 * yellow, then its red card, charged to the unit that owned it when the
 * threshold passed; a case resolved after a threshold still gets the card it
 * earned while open, if a sweep sees it within a month of the resolution.
 * Cards are never withdrawn.
 *
 * The sweep reads its work from `case_card_due` (migration 00123): for each
 * case that can still earn a card, the colour it waits for, kept by triggers
 * on cases (new, resolved, reopened, closed). It takes the rows of a colour
 * whose case came in before now minus that colour's threshold (policy
 * case.cards, read at each sweep) through an index range, so its cost follows
 * the cards due, not the number of open cases: with nothing due it reads
 * nothing. New thresholds apply at the next sweep, to the cases still open
 * (and to late ones still waiting for their card).
 *
 * Set-based, in batches of one transaction: each batch takes due rows and
 * their cases with row locks, writes the cards and their trace events, and
 * moves each row on to the next colour or removes it. A sweep killed midway
 * leaves all of its cards, each with its event, or none, and the list as it
 * was. Rows another transaction holds are skipped, not waited for: two sweeps
 * at once share the work, and a case someone is acting on at that moment gets
 * its card from the next sweep (with the same threshold and unit). `ON
 * CONFLICT DO NOTHING` on (case, colour) still guards against a card given
 * twice. The case row's card colour, which the map wall reads, follows the
 * cards through the statement trigger cases_follow_cards (migration 00201).
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

/** The first batch of a sweep: a scheduled sweep's whole work, usually. */
const FIRST_BATCH = 1_000;
/** Batches double while they come back full, up to this (a backlog). */
const LARGEST_BATCH = 64_000;

interface Batch {
  taken: number;
  yellow: number;
  red: number;
}

/**
 * Up to `limit` rows of the list waiting for `colour` whose case is past that colour's threshold, the longest
 * waiting first, with their cases: the cards they are due — both colours in one statement (a case due both gets
 * them together and is touched once by the triggers on card) — and each row moved on to the next colour or
 * removed. Thresholds come from policy case.cards through case_card_policy(), as for the triggers that keep the
 * list.
 *
 * The limit and the order keep the plan to what is due (an index range on (colour, case_created_at), primary
 * keys), whatever the statistics of the list, which lag behind a table that changes every ten minutes, would
 * make of the range.
 */
function issueBatch(now: Date, colour: CardColour, limit: number) {
  return sql`
    with thresholds as materialized (
      select yellow_days, red_days from case_card_policy()
    ),
    taken as materialized (
      select q.case_id, q.colour, q.case_created_at, q.resolved_at, c.owner_unit_id, c.received_at
      from case_card_due q
      join cases c on c.id = q.case_id
      where q.colour = ${colour}
        and q.case_created_at < ${now}::timestamptz - (select case ${colour} when 'yellow' then yellow_days else red_days end
                                                         from thresholds) * interval '24 hours'
      order by q.case_created_at
      limit ${limit}
      -- The case first: one an action holds is skipped before its row of the list is locked (the action's
      -- trigger will want that row), and the next sweep gives its card.
      for no key update of c, q skip locked
    ),
    thresholded as (
      select taken.*, case_card_threshold(taken.case_created_at, 'yellow', t.yellow_days, t.red_days) as yellow_at,
             case_card_threshold(taken.case_created_at, 'red', t.yellow_days, t.red_days) as red_at
      from taken cross join thresholds t
    ),
    decided as materialized (
      -- Earned: past the threshold, and open; or resolved after it (earned while open), not more than a month ago.
      -- Yellow only while the list waits for it (else the case has it).
      select thresholded.*,
             colour = 'yellow' and yellow_at < ${now}
               and (resolved_at is null or (resolved_at > yellow_at and resolved_at > ${now}::timestamptz - interval '31 days'))
               as give_yellow,
             red_at < ${now}
               and (resolved_at is null or (resolved_at > red_at and resolved_at > ${now}::timestamptz - interval '31 days'))
               as give_red
      from thresholded
    ),
    given as (
      select case_id, owner_unit_id, received_at, 'yellow' as colour, yellow_at as threshold_at from decided where give_yellow
      union all
      select case_id, owner_unit_id, received_at, 'red', red_at from decided where give_red
    ),
    charged as (
      select given.case_id, given.colour, given.threshold_at,
             case when given.received_at <= given.threshold_at then given.owner_unit_id
                  else coalesce((select e.to_unit_id from case_event e
                                 where e.case_id = given.case_id and e.to_unit_id is not null and e.occurred_at <= given.threshold_at
                                   and e.kind in ('registered', 'dispatch', 'transfer', 'escalate', 'take_over', 'reopened')
                                 order by e.occurred_at desc, e.id desc limit 1), given.owner_unit_id)
             end as unit_id
      from given
    ),
    issued as (
      insert into card (case_id, colour, unit_id, threshold_at, issued_at)
      select case_id, colour, unit_id, threshold_at, ${now} from charged
      order by case_id, colour
      on conflict (case_id, colour) do nothing
      returning case_id, colour, unit_id, threshold_at
    ),
    traced as (
      insert into case_event (case_id, kind, to_unit_id, data, occurred_at)
      select case_id, 'card_issued', unit_id, jsonb_build_object('colour', colour, 'thresholdAt', threshold_at), ${now}
      from issued
      order by case_id, colour
      returning data ->> 'colour' as colour
    ),
    next as (
      -- What each case waits for after this: nothing more; or red, not due yet while it is open.
      select decided.case_id, decided.resolved_at, following.colour,
             case following.colour when 'yellow' then decided.yellow_at else decided.red_at end as due_at
      from decided
      cross join thresholds t
      cross join lateral (
        select case_card_next_colour(decided.resolved_at is null, decided.case_created_at, decided.resolved_at,
                                     decided.colour = 'red' or decided.give_yellow, decided.give_red, t.yellow_days, t.red_days)
                 as colour
      ) as following
    ),
    moved as (
      update case_card_due q set colour = next.colour
      from next
      where q.case_id = next.case_id and q.colour is distinct from next.colour
        and next.colour is not null and (next.resolved_at is null or next.due_at >= ${now})
    ),
    removed as (
      -- Nothing more to earn; or resolved more than a month ago, too long ago for the card it earned.
      delete from case_card_due q
      using next
      where q.case_id = next.case_id and (next.colour is null or (next.resolved_at is not null and next.due_at < ${now}))
    )
    select (select count(*) from taken) as taken,
           (select count(*) from traced where colour = 'yellow') as yellow,
           (select count(*) from traced where colour = 'red') as red`;
}

/**
 * Every card due by `now`, in batches of one transaction — a sweep killed midway leaves all of them or none:
 * first the cases waiting for yellow (red too, where it is due as well), then those waiting for red. A batch that
 * comes back full is followed by one twice its size.
 */
async function issueCards(db: Database, now: Date): Promise<Record<CardColour, number>> {
  const issued = { yellow: 0, red: 0 };
  await db.transaction(async (tx) => {
    for (const colour of ['yellow', 'red'] as const) {
      for (let limit = FIRST_BATCH; ; limit = Math.min(limit * 2, LARGEST_BATCH)) {
        const [batch] = await tx.query<Batch>(issueBatch(now, colour, limit));
        issued.yellow += batch!.yellow;
        issued.red += batch!.red;
        if (batch!.taken < limit) break;
      }
    }
  });
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
  const { yellow, red } = await issueCards(db, now);
  const policy = await loadCasePolicy(db);
  const reminders = await sendReminders(db, policy.deadlines.reminderHours, now);
  return { yellow, red, reminders };
}
