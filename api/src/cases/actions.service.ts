/**
 * Acting on a case: one transaction per action. The case row is locked, the
 * action checked with the shared state machine against the actor's relation to
 * the case, the change written together with its trace events. Two clerks at
 * once: the second waits for the first, then either acts on the new state or
 * is told the case moved on (409) — no event is lost.
 */
import { sql, type Database, type Queryable } from '@minqing/db';
import {
  checkAction,
  deadlinesFor,
  escalationTarget,
  nextState,
  type CaseActionSchema,
  type CaseState,
  type LadderLevel,
  type Refusal,
  type UnitKind,
  type Urgency,
  type WorkingCalendar,
  toWgs84,
} from '@minqing/shared';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import { appendEvent } from './case-events.ts';
import { loadCalendar, loadCasePolicy, type CasePolicy } from './case-policy.ts';
import type { Clock } from './clock.ts';
import { lookUpAddress, placePoint, routeCase } from './placement.ts';
import { actorFactsFor, caseScope, CASE_READERS } from './scope.ts';

export type CaseActionRequest = z.output<typeof CaseActionSchema>;

export interface LockedCase {
  id: number;
  state: CaseState;
  version: number;
  urgency: Urgency;
  category_code: string;
  answer_working_days: number | null;
  owner_unit_id: number;
  owner_kind: UnitKind;
  owner_level: LadderLevel;
  owner_leader_unit_id: number | null;
  owner_parent_id: number | null;
  town_code: string | null;
  lon: number | null;
  lat: number | null;
  multi_unit: boolean;
  transfer_count: number;
  copied_leader_unit_id: number | null;
  resolved_by_unit_id: number | null;
  created_by_user_id: number | null;
  duplicate_of_id: number | null;
}

export interface ActionContext {
  db: Database;
  clock: Clock;
}

const REFUSAL_WORDS: Record<Refusal, string> = {
  out_of_scope: 'the case is not in your scope',
  state_does_not_allow: 'the case is %s: this action is not possible now',
  only_the_owner: 'only the unit that owns the case can do this',
  role_cannot: 'your role cannot do this',
  top_of_ladder: 'the case is already at the top of the ladder',
  already_owner: 'your office already owns this case',
};

/** Reads a case for update, within the actor's scope; 404 when it is not there for them. */
export async function lockCase(tx: Queryable, caseId: number, actor: Actor): Promise<LockedCase> {
  if (!CASE_READERS.includes(actor.role) || actor.role === 'wall_viewer') {
    throw new ForbiddenError(`a ${actor.role} cannot work on cases`, 'role_cannot');
  }
  const [row] = await tx.query<LockedCase>(sql`
    select c.id, c.state, c.version, c.urgency, c.category_code, category.answer_working_days, c.owner_unit_id,
           owner.kind as owner_kind, owner.ladder_level as owner_level, owner.leader_unit_id as owner_leader_unit_id,
           owner.parent_id as owner_parent_id, c.town_code, ST_X(c.location) as lon, ST_Y(c.location) as lat,
           c.multi_unit, c.transfer_count, c.copied_leader_unit_id, c.resolved_by_unit_id, c.created_by_user_id, c.duplicate_of_id
    from cases c
    join unit owner on owner.id = c.owner_unit_id
    join category on category.code = c.category_code
    where c.id = ${caseId} and ${caseScope(actor)}
    for update of c`);
  if (!row) throw new NotFoundError(`case ${caseId} does not exist or is not in your scope`);
  return row;
}

async function unitById(
  tx: Queryable,
  unitId: number,
): Promise<{ id: number; name: string; kind: UnitKind; ladder_level: LadderLevel }> {
  const [unit] = await tx.query<{ id: number; name: string; kind: UnitKind; ladder_level: LadderLevel }>(
    sql`select id, name, kind, ladder_level from unit where id = ${unitId} and active`,
  );
  if (!unit) throw new InvalidInputError(`unit ${unitId} does not exist`, 'unknown_unit');
  return unit;
}

/** The unit one rung up the ladder from the case's owner, or null at the top. */
export async function escalationUnit(tx: Queryable, locked: LockedCase): Promise<number | null> {
  const target = escalationTarget(locked.owner_level);
  if (!target) return null;
  const [unit] = await tx.query<{ id: number }>(sql`
    select id from unit
    where active and kind = ${target.kind} and ladder_level = ${target.level}
    order by
      case
        when kind = 'town_center' and region_code = ${locked.town_code} then 0
        when id = ${locked.owner_leader_unit_id} then 0
        when id = ${locked.owner_parent_id} then 0
        when id = (select leader_unit_id from unit where kind = 'command_center' and active order by id limit 1) then 1
        else 2
      end,
      id
    limit 1`);
  return unit?.id ?? null;
}

/** The leader in charge (分管领导) a case is copied to: the owner's, else the command center's. */
async function leaderInCharge(tx: Queryable, locked: LockedCase): Promise<number | null> {
  const [unit] = await tx.query<{ id: number }>(sql`
    select id from unit where active and kind = 'leader_office' and ladder_level = 4
    order by case
      when id = ${locked.owner_leader_unit_id} then 0
      when id = (select leader_unit_id from unit where kind = 'command_center' and active order by id limit 1) then 1
      else 2 end, id
    limit 1`);
  return unit?.id ?? null;
}

export async function actOnCase(
  context: ActionContext,
  caseId: number,
  request: CaseActionRequest,
  actor: Actor,
): Promise<{ version: number; state: CaseState }> {
  const { db, clock } = context;
  const policy = await loadCasePolicy(db);
  const calendar = await loadCalendar(db);
  return db.transaction(async (tx) => {
    const now = clock.now();
    const locked = await lockCase(tx, caseId, actor);
    if (request.expectedVersion !== undefined && request.expectedVersion !== locked.version) {
      throw new ConflictError(
        `case ${caseId} changed since you loaded it (version ${request.expectedVersion}, now ${locked.version}): reload and try again`,
        'stale_version',
      );
    }
    const escalateTo = await escalationUnit(tx, locked);
    const check = checkAction(
      { state: locked.state, ownerKind: locked.owner_kind, ownerLevel: locked.owner_level, canEscalate: escalateTo !== null },
      actorFactsFor(actor, { ownerUnitId: locked.owner_unit_id, createdByUserId: locked.created_by_user_id }),
      request.action,
    );
    if (!check.valid) {
      const message = REFUSAL_WORDS[check.reason].replace('%s', locked.state);
      // Refusals about where the case stands are conflicts; about who is asking, forbidden.
      if (check.reason === 'state_does_not_allow' || check.reason === 'top_of_ladder' || check.reason === 'already_owner') {
        throw new ConflictError(
          `${message} (${request.action})`,
          check.reason === 'state_does_not_allow' ? 'action_not_allowed' : check.reason,
        );
      }
      throw new ForbiddenError(`${message} (${request.action})`, check.reason);
    }
    const work = new CaseChange(tx, locked, actor, now, policy, calendar);
    await work.apply(request, escalateTo);
    return work.commit();
  });
}

/** The pieces of one action: column changes, then the trace events, then the version bump. */
class CaseChange {
  private readonly changes: Record<string, unknown> = {};
  private readonly events: Parameters<typeof appendEvent>[1][] = [];
  private state: CaseState;
  private owner: number;

  constructor(
    private readonly tx: Queryable,
    private readonly locked: LockedCase,
    private readonly actor: Actor,
    private readonly now: Date,
    private readonly policy: CasePolicy,
    private readonly calendar: WorkingCalendar,
  ) {
    this.state = locked.state;
    this.owner = locked.owner_unit_id;
  }

  private event(kind: Parameters<typeof appendEvent>[1]['kind'], extra: Partial<Parameters<typeof appendEvent>[1]> = {}) {
    this.events.push({
      caseId: this.locked.id,
      kind,
      actorUserId: this.actor.userId,
      actorUnitId: this.actor.unitId,
      fromState: this.locked.state,
      toState: this.state,
      occurredAt: this.now,
      ...extra,
    });
  }

  /** Hands the case to a unit: it must sign for it again, on fresh deadlines. */
  private handTo(unitId: number, multiUnit = this.locked.multi_unit) {
    const deadlines = deadlinesFor(
      { receivedAt: this.now, urgency: this.locked.urgency, multiUnit, categoryAnswerDays: this.locked.answer_working_days },
      this.policy.deadlines,
      this.calendar,
    );
    this.owner = unitId;
    this.state = 'dispatched';
    Object.assign(this.changes, {
      owner_unit_id: unitId,
      state: 'dispatched',
      received_at: this.now,
      sign_deadline_at: deadlines.signBy,
      answer_deadline_at: deadlines.answerBy,
      multi_unit: multiUnit,
    });
  }

  private async copyToLeader(reason: string) {
    if (this.locked.copied_leader_unit_id !== null) return;
    const leader = await leaderInCharge(this.tx, this.locked);
    if (leader === null) return;
    this.changes.copied_leader_unit_id = leader;
    this.event('copied_to_leader', { toUnitId: leader, fromState: this.state, note: reason });
  }

  async apply(request: CaseActionRequest, escalateTo: number | null): Promise<void> {
    const note = request.note ?? null;
    switch (request.action) {
      case 'dispatch': {
        let target = request.unitId;
        if (request.location || request.address) {
          // A case held in triage is given its place now, the way intake places one.
          const point = request.location
            ? toWgs84(request.location.lon, request.location.lat, request.location.coordinateSystem)
            : await lookUpAddress(this.tx, request.address ?? '').then((match) => {
                if (!match) {
                  throw new InvalidInputError(
                    `the address "${request.address}" is not in the gazetteer: give a location on the map`,
                    'address_not_found',
                  );
                }
                return [match.lon, match.lat] as [number, number];
              });
          const placement = await placePoint(this.tx, point[0], point[1], this.policy.boundaryToleranceMetres);
          Object.assign(this.changes, {
            location: sql`ST_SetSRID(ST_MakePoint(${placement.lon}::float8, ${placement.lat}::float8), 4326)`,
            address: request.address ?? null,
            grid_code: placement.gridCode,
            village_code: placement.villageCode,
            town_code: placement.townCode,
            near_boundary: placement.nearBoundary,
          });
          this.locked.lon = placement.lon;
          this.locked.lat = placement.lat;
        }
        if (target === undefined) {
          if (this.locked.lon === null || this.locked.lat === null) {
            throw new InvalidInputError(
              'the case has no location yet: give its location or address with the dispatch, or name the unit',
              'no_location',
            );
          }
          const placement = await placePoint(this.tx, this.locked.lon, this.locked.lat, this.policy.boundaryToleranceMetres);
          target = (await routeCase(this.tx, this.locked.category_code, placement)).id;
        }
        const unit = await unitById(this.tx, target);
        for (const assist of request.assistUnitIds) await unitById(this.tx, assist);
        if (unit.id === this.locked.owner_unit_id && this.locked.state !== 'registered') {
          throw new InvalidInputError(`the case is already with ${unit.name}`, 'same_unit');
        }
        this.handTo(unit.id, request.assistUnitIds.length > 0 || this.locked.multi_unit);
        this.event('dispatch', {
          fromUnitId: this.locked.owner_unit_id,
          toUnitId: unit.id,
          note,
          data: { assistUnitIds: request.assistUnitIds },
        });
        break;
      }
      case 'accept':
        this.state = 'accepted';
        Object.assign(this.changes, { state: 'accepted', sign_deadline_at: null });
        this.event('accept', { toUnitId: this.owner, note });
        break;
      case 'start':
        this.state = 'in_progress';
        this.changes.state = 'in_progress';
        this.event('start', { note });
        break;
      case 'resolve':
        this.state = 'resolved';
        Object.assign(this.changes, {
          state: 'resolved',
          resolution: request.resolution,
          resolved_by_unit_id: this.owner,
          resolved_at: this.now,
          sign_deadline_at: null,
        });
        this.event('resolve', { note: request.resolution });
        break;
      case 'transfer': {
        const unit = await unitById(this.tx, request.unitId);
        if (unit.id === this.locked.owner_unit_id)
          throw new InvalidInputError('a case cannot be transferred to the unit that owns it', 'same_unit');
        const [earlier] = await this.tx.query<{ owned: boolean }>(
          sql`select exists (select 1 from case_event where case_id = ${this.locked.id} and to_unit_id = ${unit.id}) as owned`,
        );
        this.handTo(unit.id);
        this.changes.transfer_count = this.locked.transfer_count + 1;
        this.event('transfer', { fromUnitId: this.locked.owner_unit_id, toUnitId: unit.id, note: request.reason });
        if (earlier?.owned) await this.copyToLeader(`transferred back to ${unit.name}: the case is bouncing between units`);
        else if (this.locked.transfer_count + 1 >= this.policy.transfersBeforeCopy) {
          await this.copyToLeader(`transferred ${this.locked.transfer_count + 1} times`);
        }
        break;
      }
      case 'escalate': {
        if (escalateTo === null) throw new ConflictError('the case is already at the top of the ladder', 'top_of_ladder');
        this.handTo(escalateTo);
        this.changes.escalation_count = sql`escalation_count + 1`;
        this.event('escalate', { fromUnitId: this.locked.owner_unit_id, toUnitId: escalateTo, note: request.reason });
        break;
      }
      case 'urge':
        this.changes.urge_count = sql`urge_count + 1`;
        this.event('urge', { toUnitId: this.owner, note });
        break;
      case 'take_over': {
        if (this.actor.unitId === null || this.actor.unitKind !== 'leader_office') {
          throw new InvalidInputError('only a leader with a leader office can take over a case', 'no_leader_office');
        }
        this.owner = this.actor.unitId;
        this.state = 'accepted';
        Object.assign(this.changes, {
          owner_unit_id: this.actor.unitId,
          state: 'accepted',
          taken_over: true,
          received_at: this.now,
          sign_deadline_at: null,
        });
        this.event('take_over', { fromUnitId: this.locked.owner_unit_id, toUnitId: this.actor.unitId, note });
        break;
      }
      case 'callback': {
        if (request.contacted && !request.satisfaction) {
          throw new InvalidInputError('body field satisfaction: is required when the resident was reached', 'invalid_request');
        }
        const next = nextState(this.locked.state, 'callback', {
          contacted: request.contacted,
          satisfaction: request.satisfaction,
        });
        this.state = next;
        const data = { contacted: request.contacted, satisfaction: request.satisfaction ?? null };
        if (next === 'closed') {
          Object.assign(this.changes, {
            state: 'closed',
            satisfaction: request.satisfaction,
            closed_at: this.now,
            closure_reason: 'callback',
          });
          this.event('callback', { note, data });
        } else if (next === 'dispatched') {
          // 不满意: back to the unit that resolved it, as a redo.
          const unit = this.locked.resolved_by_unit_id ?? this.locked.owner_unit_id;
          this.handTo(unit);
          Object.assign(this.changes, { satisfaction: 'unsatisfied', redo_count: sql`redo_count + 1`, resolved_at: null });
          this.event('callback', { note, data, toState: 'dispatched' });
          this.event('reopened', { toUnitId: unit, note: '回访不满意，退回重办 / unsatisfied callback: sent back to be redone' });
        } else {
          this.changes.state = 'callback';
          this.event('callback', { note, data });
        }
        break;
      }
      case 'close':
        this.state = 'closed';
        Object.assign(this.changes, { state: 'closed', closed_at: this.now, closure_reason: request.reason });
        this.event('close', { note, data: { reason: request.reason } });
        break;
      case 'link_duplicate': {
        if (request.originalCaseId === this.locked.id)
          throw new InvalidInputError('a case cannot be a duplicate of itself', 'invalid_duplicate');
        const [original] = await this.tx.query<LockedCase & { root_id: number }>(sql`
          select c.id, c.state, coalesce(c.duplicate_of_id, c.id) as root_id from cases c
          where c.id = ${request.originalCaseId} and ${caseScope(this.actor)}`);
        if (!original) throw new NotFoundError(`case ${request.originalCaseId} does not exist or is not in your scope`);
        const rootId = original.root_id;
        if (rootId === this.locked.id)
          throw new InvalidInputError('the original is itself a duplicate of this case', 'invalid_duplicate');
        this.state = 'closed';
        Object.assign(this.changes, {
          state: 'closed',
          closed_at: this.now,
          closure_reason: 'duplicate',
          duplicate_of_id: rootId,
        });
        this.event('link_duplicate', { note, data: { originalCaseId: rootId } });
        const [root] = await this.tx.query<LockedCase>(sql`
          select c.id, c.state, c.owner_unit_id, owner.leader_unit_id as owner_leader_unit_id, c.copied_leader_unit_id
          from cases c join unit owner on owner.id = c.owner_unit_id where c.id = ${rootId} for update of c`);
        await this.tx.query(
          sql`update cases set raised_count = raised_count + 1, updated_at = ${this.now}, version = version + 1 where id = ${rootId}`,
        );
        await appendEvent(this.tx, {
          caseId: rootId,
          kind: 'duplicate_linked',
          actorUserId: this.actor.userId,
          actorUnitId: this.actor.unitId,
          occurredAt: this.now,
          data: { duplicateCaseId: this.locked.id },
        });
        // Raised again after it was closed: the leader in charge hears of it.
        if (root && root.state === 'closed' && root.copied_leader_unit_id === null) {
          const leader = await leaderInCharge(this.tx, { ...this.locked, owner_leader_unit_id: root.owner_leader_unit_id });
          if (leader !== null) {
            await this.tx.query(sql`update cases set copied_leader_unit_id = ${leader} where id = ${rootId}`);
            await appendEvent(this.tx, {
              caseId: rootId,
              kind: 'copied_to_leader',
              actorUserId: this.actor.userId,
              actorUnitId: this.actor.unitId,
              toUnitId: leader,
              occurredAt: this.now,
              note: '办结后再次反映 / raised again after it was closed',
            });
          }
        }
        break;
      }
    }
  }

  async commit(): Promise<{ version: number; state: CaseState }> {
    const assignments = Object.entries(this.changes).map(([column, value]) => sql`${sql.identifier(column)} = ${value}`);
    const [row] = await this.tx.query<{ version: number; state: CaseState }>(sql`
      update cases set ${sql.join([...assignments, sql`updated_at = ${this.now}`, sql`version = version + 1`])}
      where id = ${this.locked.id}
      returning version, state`);
    for (const event of this.events) await appendEvent(this.tx, event);
    return row!;
  }
}
