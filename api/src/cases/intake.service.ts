/**
 * Intake (一窗受理): a request from any channel becomes a case in one
 * transaction — validated, placed on the map by PostGIS, routed to the unit
 * that owns the place and category, given a tracking code, traced, and (by
 * default) dispatched at once with its deadlines. Likely duplicates are
 * offered back to the clerk.
 */
import { randomFillSync } from 'node:crypto';
import { sql, type Database, type Queryable } from '@minqing/db';
import {
  deadlinesFor,
  newTrackingCode,
  toWgs84,
  type CaseEventKind,
  type CaseIntakeSchema,
  type CaseState,
  type Channel,
  type Urgency,
  type WorkingCalendar,
} from '@minqing/shared';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, InvalidInputError } from '../errors.ts';
import { CASE_EVENT_CHANNEL } from './case-events.ts';
import { loadCalendar, loadCasePolicy, type CasePolicy } from './case-policy.ts';
import type { Clock } from './clock.ts';
import { findLikelyDuplicates, type DuplicateCandidate } from './duplicates.service.ts';
import {
  isNearBoundary,
  lookUpAddress,
  outsideDistrictError,
  placeForIntake,
  type Placement,
  type RoutedUnit,
} from './placement.ts';
import { CASE_REGISTRARS } from './scope.ts';

export type IntakeInput = z.output<typeof CaseIntakeSchema>;

export interface IntakeResult {
  id: number;
  trackingCode: string;
  state: CaseState;
  ownerUnitId: number;
  ownerUnitName: string;
  /** Null when the case is held in triage without a location (see IntakeOptions.holdWithoutLocation). */
  placement: Placement | null;
  likelyDuplicates: DuplicateCandidate[];
}

interface CategoryRow {
  code: string;
  name: string;
  answer_working_days: number | null;
  active: boolean;
}

export async function loadLeafCategory(db: Queryable, code: string): Promise<CategoryRow> {
  const [category] = await db.query<CategoryRow & { parent_code: string | null }>(
    sql`select code, name, answer_working_days, active, parent_code from category where code = ${code}`,
  );
  return leafCategory(code, category ?? null);
}

/** The category a case may be registered under: known, a subcategory, still in use — or a 400 saying which it is not. */
function leafCategory(code: string, category: (CategoryRow & { parent_code: string | null }) | null): CategoryRow {
  if (!category) throw new InvalidInputError(`unknown category ${code}`, 'unknown_category');
  if (!category.parent_code)
    throw new InvalidInputError(
      `category ${code} (${category.name}) is a group: choose one of its subcategories`,
      'unknown_category',
    );
  if (!category.active)
    throw new InvalidInputError(`category ${code} (${category.name}) is no longer in use`, 'unknown_category');
  return category;
}

export async function commandCenter(db: Queryable): Promise<{ id: number; name: string }> {
  const [unit] = await db.query<{ id: number; name: string }>(
    sql`select id, name from unit where kind = 'command_center' and active order by id limit 1`,
  );
  if (!unit) throw new InvalidInputError('the deployment has no command center: create one before taking cases', 'no_unit');
  return unit;
}

export interface IntakeContext {
  db: Database;
  clock: Clock;
}

interface PolicySnapshot {
  revision: number;
  policy: CasePolicy;
  calendar: WorkingCalendar;
}

/** Per database: the case policy and working calendar as of a policy revision. */
const policySnapshots = new WeakMap<Queryable, PolicySnapshot>();

/**
 * The case policy and calendar at `revision` (read with the placement): from
 * memory while the revision has not moved, else read again. An edit by any
 * process, or by hand in SQL, moves the revision (migration 00121), so the
 * next intake uses it.
 */
async function casePolicyAt(db: Database, revision: number): Promise<PolicySnapshot> {
  const known = policySnapshots.get(db);
  if (known && known.revision === revision) return known;
  const [policy, calendar] = await Promise.all([loadCasePolicy(db), loadCalendar(db)]);
  // Read after the revision: at least as new as it. A change in between moves the revision again.
  const snapshot = { revision, policy, calendar };
  policySnapshots.set(db, snapshot);
  return snapshot;
}

interface IntakeEvent {
  kind: CaseEventKind;
  actorUserId: number | null;
  actorUnitId: number | null;
  fromState: CaseState | null;
  toState: CaseState;
  toUnitId: number | null;
  data: Record<string, unknown>;
}

/** An event as jsonb_to_recordset reads it. */
function eventRecord(event: IntakeEvent): Record<string, unknown> {
  return {
    kind: event.kind,
    actor_user_id: event.actorUserId,
    actor_unit_id: event.actorUnitId,
    from_state: event.fromState,
    to_state: event.toState,
    to_unit_id: event.toUnitId,
    data: event.data,
  };
}

export interface IntakeOptions {
  /**
   * A message that names no place we can find (SMS, WeChat, e-mail) is still
   * registered: held in triage at the command center, without a location,
   * for an operator to locate. Without this, such input is refused.
   */
  holdWithoutLocation?: boolean;
  /** The channel's own name for the request (a message id, an Open311 token), stored with the case in its transaction. */
  reference?: { reference: string; sender?: string | null; sentAt?: Date | null };
}

/** Registers a case. `actor` is null for public channels (web form, Open311, message webhooks). */
export async function registerCase(
  context: IntakeContext,
  input: IntakeInput,
  actor: Actor | null,
  options: IntakeOptions = {},
): Promise<IntakeResult> {
  if (actor && !CASE_REGISTRARS.includes(actor.role)) {
    throw new ForbiddenError(`a ${actor.role} cannot register cases`, 'role_cannot');
  }
  const { db, clock } = context;
  const now = clock.now();

  let lon: number | null = null;
  let lat: number | null = null;
  let address = input.address ?? null;
  let addressMissing = false;
  if (input.location) {
    [lon, lat] = toWgs84(input.location.lon, input.location.lat, input.location.coordinateSystem);
  } else {
    const match = await lookUpAddress(db, input.address ?? '');
    if (match) {
      ({ lon, lat } = match);
      address = input.address ?? match.label;
    } else addressMissing = !options.holdWithoutLocation;
  }
  // One round trip: category, place, owning unit, command center, policy revision.
  const placed = await placeForIntake(db, { categoryCode: input.categoryCode, lon, lat });
  const { policy, calendar: officialDays } = await casePolicyAt(db, placed.policyRevision);
  const category = leafCategory(
    input.categoryCode,
    placed.category && {
      code: placed.category.code,
      name: placed.category.name,
      parent_code: placed.category.parentCode,
      active: placed.category.active,
      answer_working_days: placed.category.answerWorkingDays,
    },
  );
  if (addressMissing)
    throw new InvalidInputError(
      input.address
        ? `the address "${input.address}" is not in the gazetteer: give a location on the map`
        : 'give a location or an address',
      'address_not_found',
    );
  if (placed.outsideDistrict) throw outsideDistrictError(lon!, lat!);
  const placement: Placement | null = placed.placement && {
    lon: placed.placement.lon,
    lat: placed.placement.lat,
    gridCode: placed.placement.gridCode,
    villageCode: placed.placement.villageCode,
    villageName: placed.placement.villageName,
    townCode: placed.placement.townCode,
    townName: placed.placement.townName,
    nearBoundary: isNearBoundary(placed.placement.measures, policy.boundaryToleranceMetres),
  };
  // Without a place the case cannot be routed: it waits in triage at the command center.
  const dispatch = input.dispatch && placement !== null;
  const photos = input.photos.map((photo, index) => {
    const bytes = Buffer.from(photo.dataBase64, 'base64');
    if (bytes.length === 0) throw new InvalidInputError(`photo ${index + 1} is empty`, 'invalid_photo');
    if (bytes.length > 2 * 1024 * 1024) throw new InvalidInputError(`photo ${index + 1} is larger than 2 MiB`, 'photo_too_large');
    return { ...photo, bytes };
  });

  let routed: RoutedUnit;
  if (dispatch) {
    if (!placed.routed)
      throw new InvalidInputError('no unit can take this case: the deployment has no command center yet', 'no_unit');
    routed = placed.routed;
  } else {
    if (!placed.commandCenter)
      throw new InvalidInputError('the deployment has no command center: create one before taking cases', 'no_unit');
    routed = { ...placed.commandCenter, kind: 'command_center', level: 3 };
  }
  const calendar = dispatch ? officialDays : null;

  const trackingCode = newTrackingCode(now, (bytes) => randomFillSync(bytes));
  const deadlines = calendar
    ? deadlinesFor(
        { receivedAt: now, urgency: input.urgency, multiUnit: false, categoryAnswerDays: category.answer_working_days },
        policy.deadlines,
        calendar,
      )
    : null;
  // The clerk's own unit owns it: signed for on the spot.
  const selfAccepted = dispatch && actor?.unitId === routed.id;
  const state: CaseState = !dispatch ? 'registered' : selfAccepted ? 'accepted' : 'dispatched';
  const title = input.title ?? summarise(input.description);
  const actorFields = { actorUserId: actor?.userId ?? null, actorUnitId: actor?.unitId ?? null };
  const events: IntakeEvent[] = [
    {
      kind: 'registered',
      ...actorFields,
      fromState: null,
      toState: 'registered',
      toUnitId: dispatch ? null : routed.id,
      data: {
        channel: input.channel,
        gridCode: placement?.gridCode ?? null,
        nearBoundary: placement?.nearBoundary ?? false,
        ...(placement ? {} : { located: false }),
      },
    },
  ];
  if (dispatch) {
    events.push({
      kind: 'dispatch',
      ...actorFields,
      fromState: 'registered',
      toState: 'dispatched',
      toUnitId: routed.id,
      data: { routed: true },
    });
    if (selfAccepted)
      events.push({
        kind: 'accept',
        ...actorFields,
        fromState: 'dispatched',
        toState: 'accepted',
        toUnitId: routed.id,
        data: {},
      });
  }
  // The case, its events and their NOTIFYs in one statement (one implicit transaction); photos and the
  // channel's reference join it in an explicit transaction when there are any.
  const insertCase = sql`
    with created as (
      insert into cases (tracking_code, channel, category_code, urgency, title, description, location, address,
                         reporter_name, reporter_phone, grid_code, village_code, town_code, near_boundary, state,
                         owner_unit_id, received_at, sign_deadline_at, answer_deadline_at, created_by_user_id,
                         created_at, updated_at)
      values (${trackingCode}, ${input.channel}, ${category.code}, ${input.urgency}, ${title}, ${input.description},
              ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326), ${address}, ${input.reporterName ?? null},
              ${input.reporterPhone ?? null}, ${placement?.gridCode ?? null}, ${placement?.villageCode ?? null},
              ${placement?.townCode ?? null}, ${placement?.nearBoundary ?? false}, ${state}, ${routed.id}, ${now},
              ${deadlines && !selfAccepted ? deadlines.signBy : null}, ${deadlines?.answerBy ?? null}, ${actor?.userId ?? null},
              ${now}, ${now})
      returning id
    ),
    traced as (
      insert into case_event (case_id, kind, actor_user_id, actor_unit_id, from_state, to_state, from_unit_id, to_unit_id,
                              note, data, occurred_at)
      select created.id, event.kind, event.actor_user_id, event.actor_unit_id, event.from_state, event.to_state, null,
             event.to_unit_id, null, event.data, ${now}::timestamptz
      from created, rows from (
        jsonb_to_recordset(${JSON.stringify(events.map(eventRecord))}::text::jsonb)
          as (kind text, actor_user_id bigint, actor_unit_id bigint, from_state text, to_state text, to_unit_id bigint, data jsonb)
      ) with ordinality as event(kind, actor_user_id, actor_unit_id, from_state, to_state, to_unit_id, data, ordinality)
      order by event.ordinality
      returning id, case_id, kind, to_state
    ),
    announced as (
      -- The payload appendEvent sends, byte for byte: {"id":…,"caseId":…,"kind":…,"state":…,"at":…}.
      select pg_notify(${CASE_EVENT_CHANNEL}, '{"id":' || id || ',"caseId":' || case_id || ',"kind":' || to_json(kind)::text ||
                       ',"state":' || coalesce(to_json(to_state)::text, 'null') || ',"at":' || to_json(${now.toISOString()}::text)::text || '}')
      from (select * from traced order by id) as event
    )
    select (select id from created) as id, (select count(*) from announced) as announced`;
  const created = await (
    photos.length === 0 && !options.reference
      ? db.query<{ id: number }>(insertCase, { prepare: true })
      : db.transaction(async (tx) => {
          const rows = await tx.query<{ id: number }>(insertCase, { prepare: true });
          const caseId = rows[0]!.id;
          if (options.reference) {
            await tx.query(sql`
            insert into case_intake_reference (channel, reference, case_id, sender, sent_at, received_at)
            values (${input.channel}, ${options.reference.reference}, ${caseId}, ${options.reference.sender ?? null},
                    ${options.reference.sentAt ?? null}, ${now})`);
          }
          for (const photo of photos) {
            await tx.query(sql`
            insert into case_photo (case_id, content_type, bytes, file_name, added_by_user_id, added_at)
            values (${caseId}, ${photo.contentType}, ${photo.bytes}, ${photo.fileName ?? null}, ${actor?.userId ?? null}, ${now})`);
          }
          return rows;
        })
  ).then((rows) => ({ id: rows[0]!.id, trackingCode, state }));

  const likelyDuplicates = await findLikelyDuplicates(db, created.id, policy);
  return { ...created, ownerUnitId: routed.id, ownerUnitName: routed.name, placement, likelyDuplicates };
}

/** A title from the first clause of the description. */
export function summarise(description: string): string {
  const first = description
    .trim()
    .split(/[。！？!?\n]/)[0]!
    .trim();
  return (first.length > 0 ? first : description.trim()).slice(0, 40);
}

/** For message webhooks and Open311: fields a public channel may set. */
export interface PublicIntake {
  channel: Channel;
  urgency?: Urgency;
  policy?: CasePolicy;
}
