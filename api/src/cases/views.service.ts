/**
 * Reading cases: one case with its timeline and the actions the reader may
 * take; a queue sorted by deadline with the clock and card colour; the public
 * tracking view that carries no personal data. Personal data is masked for
 * everyone who does not handle the case.
 */
import { sql, type Queryable, type SqlFragment } from '@minqing/db';
import {
  allowedActions,
  escalationTarget,
  maskName,
  maskPhone,
  parseTrackingCode,
  type CaseAction,
  type CaseEventKind,
  type CaseState,
  type CardColour,
  type LadderLevel,
  type UnitKind,
} from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import { routeCase } from './placement.ts';
import { actorFactsFor, caseScope, CASE_READERS, handlesCase } from './scope.ts';

export interface CaseSummary {
  id: number;
  trackingCode: string;
  title: string;
  channel: string;
  category: { code: string; name: string };
  urgency: 'normal' | 'urgent';
  state: CaseState;
  owner: { id: number; name: string; kind: UnitKind; ladderLevel: LadderLevel };
  location: { lon: number; lat: number } | null;
  address: string | null;
  gridCode: string | null;
  village: { code: string; name: string } | null;
  town: { code: string; name: string } | null;
  nearBoundary: boolean;
  createdAt: Date;
  receivedAt: Date;
  signDeadlineAt: Date | null;
  answerDeadlineAt: Date | null;
  overdue: boolean;
  card: CardColour | null;
  raisedCount: number;
  redoCount: number;
  copiedToLeader: boolean;
  takenOver: boolean;
  version: number;
}

export interface CaseEventView {
  id: number;
  kind: CaseEventKind;
  at: Date;
  actor: string | null;
  actorUnit: string | null;
  fromState: CaseState | null;
  toState: CaseState | null;
  fromUnit: string | null;
  toUnit: string | null;
  note: string | null;
  data: Record<string, unknown>;
}

export interface CaseDetail extends CaseSummary {
  description: string;
  reporterName: string | null;
  reporterPhone: string | null;
  personalDataMasked: boolean;
  resolution: string | null;
  satisfaction: string | null;
  closureReason: string | null;
  duplicateOfId: number | null;
  photos: { id: number; contentType: string; fileName: string | null }[];
  cards: { colour: CardColour; unit: string; thresholdAt: Date }[];
  timeline: CaseEventView[];
  allowedActions: CaseAction[];
  /** Where dispatching without naming a unit would send it (the unit owning the place and category). */
  suggestedUnit: { id: number; name: string } | null;
}

interface SummaryRow {
  id: number;
  tracking_code: string;
  title: string;
  channel: string;
  category_code: string;
  category_name: string;
  urgency: 'normal' | 'urgent';
  state: CaseState;
  owner_unit_id: number;
  owner_name: string;
  owner_kind: UnitKind;
  owner_level: LadderLevel;
  lon: number | null;
  lat: number | null;
  address: string | null;
  grid_code: string | null;
  village_code: string | null;
  village_name: string | null;
  town_code: string | null;
  town_name: string | null;
  near_boundary: boolean;
  created_at: Date;
  received_at: Date;
  sign_deadline_at: Date | null;
  answer_deadline_at: Date | null;
  card: CardColour | null;
  raised_count: number;
  redo_count: number;
  copied_leader_unit_id: number | null;
  taken_over: boolean;
  version: number;
  created_by_user_id: number | null;
}

const SUMMARY_COLUMNS = sql`
  c.id, c.tracking_code, c.title, c.channel, c.category_code, category.name as category_name, c.urgency, c.state,
  c.owner_unit_id, owner.name as owner_name, owner.kind as owner_kind, owner.ladder_level as owner_level,
  ST_X(c.location) as lon, ST_Y(c.location) as lat, c.address, c.grid_code, c.village_code, village.name as village_name,
  c.town_code, town.name as town_name, c.near_boundary, c.created_at, c.received_at, c.sign_deadline_at,
  c.answer_deadline_at, c.raised_count, c.redo_count, c.copied_leader_unit_id, c.taken_over, c.version, c.created_by_user_id,
  (select case when bool_or(colour = 'red') then 'red' else 'yellow' end from card where card.case_id = c.id having count(*) > 0) as card`;

const SUMMARY_JOINS = sql`
  join category on category.code = c.category_code
  join unit owner on owner.id = c.owner_unit_id
  left join region village on village.code = c.village_code
  left join region town on town.code = c.town_code`;

const OPEN: readonly CaseState[] = ['registered', 'dispatched', 'accepted', 'in_progress'];

function toSummary(row: SummaryRow, now: Date): CaseSummary {
  const deadline = row.state === 'dispatched' ? (row.sign_deadline_at ?? row.answer_deadline_at) : row.answer_deadline_at;
  return {
    id: row.id,
    trackingCode: row.tracking_code,
    title: row.title,
    channel: row.channel,
    category: { code: row.category_code, name: row.category_name },
    urgency: row.urgency,
    state: row.state,
    owner: { id: row.owner_unit_id, name: row.owner_name, kind: row.owner_kind, ladderLevel: row.owner_level },
    location: row.lon === null || row.lat === null ? null : { lon: Number(row.lon), lat: Number(row.lat) },
    address: row.address,
    gridCode: row.grid_code,
    village: row.village_code ? { code: row.village_code, name: row.village_name ?? '' } : null,
    town: row.town_code ? { code: row.town_code, name: row.town_name ?? '' } : null,
    nearBoundary: row.near_boundary,
    createdAt: row.created_at,
    receivedAt: row.received_at,
    signDeadlineAt: row.sign_deadline_at,
    answerDeadlineAt: row.answer_deadline_at,
    overdue: OPEN.includes(row.state) && deadline !== null && deadline < now,
    card: row.card,
    raisedCount: row.raised_count,
    redoCount: row.redo_count,
    copiedToLeader: row.copied_leader_unit_id !== null,
    takenOver: row.taken_over,
    version: row.version,
  };
}

export function requireReader(actor: Actor) {
  if (!CASE_READERS.includes(actor.role)) throw new ForbiddenError(`a ${actor.role} cannot read cases`, 'role_cannot');
}

/**
 * Which unit kind and ladder level each owner level escalates to, as SQL rows (from the shared ladder), so
 * one statement can tell whether a case can climb.
 */
const ESCALATION_TARGETS = sql.join(
  ([1, 2, 3, 4, 5] as const).flatMap((level) => {
    const target = escalationTarget(level);
    return target ? [sql`(${level}::int, ${target.kind}::text, ${target.level}::int)`] : [];
  }),
  ', ',
);

/** Milliseconds since the epoch of a timestamp, for rows aggregated to JSON (read back as Dates). */
const epochMs = (column: SqlFragment) => sql`floor(extract(epoch from ${column}) * 1000)::float8`;

/**
 * One case as its reader may see it: one statement (case, timeline, photos, cards and whether it can climb
 * the ladder), so the answer to an intake or an action costs one round trip more, not five.
 */
export async function getCase(db: Queryable, caseId: number, actor: Actor, now: Date): Promise<CaseDetail> {
  requireReader(actor);
  const [row] = await db.query<
    SummaryRow & {
      description: string;
      reporter_name: string | null;
      reporter_phone: string | null;
      resolution: string | null;
      satisfaction: string | null;
      closure_reason: string | null;
      duplicate_of_id: number | null;
      can_escalate: boolean;
      timeline: (Omit<TimelineRow, 'occurred_at'> & { occurred_at: number })[];
      photos: { id: number; content_type: string; file_name: string | null }[];
      cards: { colour: CardColour; unit: string; threshold_at: number }[];
    }
  >(
    sql`
    select ${SUMMARY_COLUMNS}, c.description, c.reporter_name, c.reporter_phone, c.resolution, c.satisfaction,
           c.closure_reason, c.duplicate_of_id,
           exists (select 1 from (values ${ESCALATION_TARGETS}) as target (from_level, kind, level)
                   join unit on unit.active and unit.kind = target.kind and unit.ladder_level = target.level
                   where target.from_level = owner.ladder_level) as can_escalate,
           coalesce((select json_agg(json_build_object(
                       'id', e.id, 'kind', e.kind, 'occurred_at', ${epochMs(sql`e.occurred_at`)}, 'actor', u.display_name,
                       'actor_unit', au.name, 'from_state', e.from_state, 'to_state', e.to_state, 'from_unit', fu.name,
                       'to_unit', tu.name, 'note', e.note, 'data', e.data) order by e.occurred_at, e.id)
                     ${TIMELINE_FROM} where e.case_id = c.id), '[]') as timeline,
           coalesce((select json_agg(json_build_object('id', p.id, 'content_type', p.content_type, 'file_name', p.file_name)
                                     order by p.id)
                     from case_photo p where p.case_id = c.id), '[]') as photos,
           coalesce((select json_agg(json_build_object('colour', card.colour, 'unit', unit.name,
                                                       'threshold_at', ${epochMs(sql`card.threshold_at`)})
                                     order by card.threshold_at)
                     from card join unit on unit.id = card.unit_id where card.case_id = c.id), '[]') as cards
    from cases c ${SUMMARY_JOINS}
    where c.id = ${caseId} and ${caseScope(actor)}`,
    { prepare: true },
  );
  if (!row) throw new NotFoundError(`case ${caseId} does not exist or is not in your scope`);
  const handles = handlesCase(actor, { ownerUnitId: row.owner_unit_id, createdByUserId: row.created_by_user_id });
  const actions = allowedActions(
    { state: row.state, ownerKind: row.owner_kind, ownerLevel: row.owner_level, canEscalate: row.can_escalate },
    actorFactsFor(actor, { ownerUnitId: row.owner_unit_id, createdByUserId: row.created_by_user_id }),
  );
  const suggestedUnit =
    actions.includes('dispatch') && row.lon !== null && row.lat !== null
      ? await routeCase(db, row.category_code, {
          lon: Number(row.lon),
          lat: Number(row.lat),
          gridCode: row.grid_code,
          villageCode: row.village_code,
          villageName: row.village_name,
          townCode: row.town_code,
          townName: row.town_name,
          nearBoundary: row.near_boundary,
        }).then((unit) => ({ id: unit.id, name: unit.name }))
      : null;
  return {
    ...toSummary(row, now),
    suggestedUnit,
    description: row.description,
    reporterName: handles ? row.reporter_name : maskName(row.reporter_name),
    reporterPhone: handles ? row.reporter_phone : maskPhone(row.reporter_phone),
    personalDataMasked: !handles,
    resolution: row.resolution,
    satisfaction: row.satisfaction,
    closureReason: row.closure_reason,
    duplicateOfId: row.duplicate_of_id,
    photos: row.photos.map((photo) => ({ id: photo.id, contentType: photo.content_type, fileName: photo.file_name })),
    cards: row.cards.map((card) => ({ colour: card.colour, unit: card.unit, thresholdAt: new Date(card.threshold_at) })),
    timeline: row.timeline.map((event) => toEventView({ ...event, occurred_at: new Date(event.occurred_at) })),
    allowedActions: actions,
  };
}

interface TimelineRow {
  id: number;
  kind: CaseEventKind;
  occurred_at: Date;
  actor: string | null;
  actor_unit: string | null;
  from_state: CaseState | null;
  to_state: CaseState | null;
  from_unit: string | null;
  to_unit: string | null;
  note: string | null;
  data: Record<string, unknown>;
}

const TIMELINE_FROM = sql`
    from case_event e
    left join app_user u on u.id = e.actor_user_id
    left join unit au on au.id = e.actor_unit_id
    left join unit fu on fu.id = e.from_unit_id
    left join unit tu on tu.id = e.to_unit_id`;

function toEventView(row: TimelineRow): CaseEventView {
  return {
    id: row.id,
    kind: row.kind,
    at: row.occurred_at,
    actor: row.actor,
    actorUnit: row.actor_unit,
    fromState: row.from_state,
    toState: row.to_state,
    fromUnit: row.from_unit,
    toUnit: row.to_unit,
    note: row.note,
    data: row.data,
  };
}

export interface QueueFilter {
  /** mine: owned by the actor's unit; scope: everything the actor may see. */
  view: 'mine' | 'scope';
  states?: CaseState[] | undefined;
  limit: number;
  offset: number;
}

export async function listCases(
  db: Queryable,
  actor: Actor,
  filter: QueueFilter,
  now: Date,
): Promise<{ cases: CaseSummary[]; total: number }> {
  requireReader(actor);
  const conditions: SqlFragment[] = [caseScope(actor)];
  if (filter.view === 'mine')
    conditions.push(sql`(c.owner_unit_id = ${actor.unitId ?? -1} or c.copied_leader_unit_id = ${actor.unitId ?? -1})`);
  if (filter.states && filter.states.length > 0) conditions.push(sql`c.state = any(${filter.states}::text[])`);
  const where = sql.join(conditions, ' and ');
  const [rows, [count]] = await Promise.all([
    db.query<SummaryRow>(sql`
      select ${SUMMARY_COLUMNS}
      from cases c ${SUMMARY_JOINS}
      where ${where}
      order by (c.state in ('registered', 'dispatched', 'accepted', 'in_progress')) desc,
               c.urgency = 'urgent' desc,
               coalesce(case when c.state = 'dispatched' then c.sign_deadline_at end, c.answer_deadline_at) asc nulls last,
               c.created_at desc
      limit ${filter.limit}::int offset ${filter.offset}::int`),
    db.query<{ total: number }>(sql`select count(*) as total from cases c where ${where}`),
  ]);
  return { cases: rows.map((row) => toSummary(row, now)), total: count?.total ?? 0 };
}

export interface PublicCaseView {
  trackingCode: string;
  title: string;
  category: string;
  state: CaseState;
  createdAt: Date;
  handledBy: string;
  resolution: string | null;
  steps: { kind: CaseEventKind; at: Date; unit: string | null }[];
}

/** What a resident sees with a tracking code: progress, no personal data, no internal notes. */
export async function trackCase(db: Queryable, input: string): Promise<PublicCaseView> {
  const code = parseTrackingCode(input);
  if (!code)
    throw new InvalidInputError(
      'not a tracking code: it looks like 261125-7K4P9M-Q (check the characters)',
      'invalid_tracking_code',
    );
  const [row] = await db.query<{
    id: number;
    tracking_code: string;
    title: string;
    category: string;
    state: CaseState;
    created_at: Date;
    owner: string;
    resolution: string | null;
  }>(sql`
    select c.id, c.tracking_code, c.title, category.name as category, c.state, c.created_at, owner.name as owner, c.resolution
    from cases c join category on category.code = c.category_code join unit owner on owner.id = c.owner_unit_id
    where c.tracking_code = ${code}`);
  if (!row) throw new NotFoundError(`no case has the tracking code ${code}`);
  const steps = await db.query<{ kind: CaseEventKind; at: Date; unit: string | null }>(sql`
    select e.kind, e.occurred_at as at, coalesce(tu.name, au.name) as unit
    from case_event e left join unit tu on tu.id = e.to_unit_id left join unit au on au.id = e.actor_unit_id
    where e.case_id = ${row.id} and e.kind in ('registered', 'dispatch', 'accept', 'transfer', 'escalate', 'start', 'resolve', 'take_over', 'reopened', 'callback', 'close', 'link_duplicate')
    order by e.occurred_at, e.id`);
  return {
    trackingCode: row.tracking_code,
    title: row.title,
    category: row.category,
    state: row.state,
    createdAt: row.created_at,
    handledBy: row.owner,
    resolution: row.state === 'resolved' || row.state === 'callback' || row.state === 'closed' ? row.resolution : null,
    steps,
  };
}
