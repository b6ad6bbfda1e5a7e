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
  type CaseIntakeSchema,
  type CaseState,
  type Channel,
  type Urgency,
} from '@minqing/shared';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, InvalidInputError } from '../errors.ts';
import { appendEvent } from './case-events.ts';
import { loadCalendar, loadCasePolicy, type CasePolicy } from './case-policy.ts';
import type { Clock } from './clock.ts';
import { findLikelyDuplicates, type DuplicateCandidate } from './duplicates.service.ts';
import { lookUpAddress, placePoint, routeCase, type Placement } from './placement.ts';
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
  const policy = await loadCasePolicy(db);
  const category = await loadLeafCategory(db, input.categoryCode);

  let lon: number | null = null;
  let lat: number | null = null;
  let address = input.address ?? null;
  if (input.location) {
    [lon, lat] = toWgs84(input.location.lon, input.location.lat, input.location.coordinateSystem);
  } else {
    const match = await lookUpAddress(db, input.address ?? '');
    if (match) {
      ({ lon, lat } = match);
      address = input.address ?? match.label;
    } else if (!options.holdWithoutLocation) {
      throw new InvalidInputError(
        input.address
          ? `the address "${input.address}" is not in the gazetteer: give a location on the map`
          : 'give a location or an address',
        'address_not_found',
      );
    }
  }
  const placement = lon === null || lat === null ? null : await placePoint(db, lon, lat, policy.boundaryToleranceMetres);
  // Without a place the case cannot be routed: it waits in triage at the command center.
  const dispatch = input.dispatch && placement !== null;
  const photos = input.photos.map((photo, index) => {
    const bytes = Buffer.from(photo.dataBase64, 'base64');
    if (bytes.length === 0) throw new InvalidInputError(`photo ${index + 1} is empty`, 'invalid_photo');
    if (bytes.length > 2 * 1024 * 1024) throw new InvalidInputError(`photo ${index + 1} is larger than 2 MiB`, 'photo_too_large');
    return { ...photo, bytes };
  });

  const routed =
    placement && dispatch
      ? await routeCase(db, category.code, placement)
      : await commandCenter(db).then((unit) => ({ ...unit, kind: 'command_center' as const, level: 3 }));
  const calendar = dispatch ? await loadCalendar(db) : null;

  const created = await db.transaction(async (tx) => {
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
    const [row] = await tx.query<{ id: number }>(sql`
      insert into cases (tracking_code, channel, category_code, urgency, title, description, location, address,
                         reporter_name, reporter_phone, grid_code, village_code, town_code, near_boundary, state,
                         owner_unit_id, received_at, sign_deadline_at, answer_deadline_at, created_by_user_id,
                         created_at, updated_at)
      values (${trackingCode}, ${input.channel}, ${category.code}, ${input.urgency}, ${title}, ${input.description},
              ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326), ${address}, ${input.reporterName ?? null},
              ${input.reporterPhone ?? null}, ${placement?.gridCode ?? null}, ${placement?.villageCode ?? null},
              ${placement?.townCode ?? null}, ${placement?.nearBoundary ?? false}, ${state}, ${routed.id}, ${now}, ${deadlines && !selfAccepted ? deadlines.signBy : null},
              ${deadlines?.answerBy ?? null}, ${actor?.userId ?? null}, ${now}, ${now})
      returning id`);
    const caseId = row!.id;
    const actorFields = { actorUserId: actor?.userId ?? null, actorUnitId: actor?.unitId ?? null, occurredAt: now };
    await appendEvent(tx, {
      caseId,
      kind: 'registered',
      ...actorFields,
      toState: 'registered',
      toUnitId: dispatch ? null : routed.id,
      data: {
        channel: input.channel,
        gridCode: placement?.gridCode ?? null,
        nearBoundary: placement?.nearBoundary ?? false,
        ...(placement ? {} : { located: false }),
      },
    });
    if (options.reference) {
      await tx.query(sql`
        insert into case_intake_reference (channel, reference, case_id, sender, sent_at, received_at)
        values (${input.channel}, ${options.reference.reference}, ${caseId}, ${options.reference.sender ?? null},
                ${options.reference.sentAt ?? null}, ${now})`);
    }
    if (dispatch) {
      await appendEvent(tx, {
        caseId,
        kind: 'dispatch',
        ...actorFields,
        fromState: 'registered',
        toState: 'dispatched',
        toUnitId: routed.id,
        data: { routed: true },
      });
      if (selfAccepted)
        await appendEvent(tx, {
          caseId,
          kind: 'accept',
          ...actorFields,
          fromState: 'dispatched',
          toState: 'accepted',
          toUnitId: routed.id,
        });
    }
    for (const photo of photos) {
      await tx.query(sql`
        insert into case_photo (case_id, content_type, bytes, file_name, added_by_user_id, added_at)
        values (${caseId}, ${photo.contentType}, ${photo.bytes}, ${photo.fileName ?? null}, ${actor?.userId ?? null}, ${now})`);
    }
    return { id: caseId, trackingCode, state };
  });

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
