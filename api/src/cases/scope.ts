/**
 * Who sees which cases. A user sees and acts only on cases in their scope:
 * their unit's cases (owned, or copied to their leader office), cases they
 * registered, cases dispatched to their unit at some point, and — for roles
 * that answer for a place — every case in their region and below it.
 * Personal data (reporter name and phone) is shown only to those who handle
 * the case; everyone else sees it masked.
 */
import { sql, type SqlFragment } from '@minqing/db';
import type { ActorFacts, Role } from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';

/** Roles that see every case of the district (read); the wall shows them masked. */
const DISTRICT_WIDE: readonly Role[] = ['administrator', 'dispatcher', 'leader', 'wall_viewer'];
/** Roles that see the cases of their region. */
const REGIONAL: readonly Role[] = ['town_officer', 'village_cadre', 'grid_worker'];
/** Roles that may read cases at all (the planner works on boundaries, not cases). */
export const CASE_READERS: readonly Role[] = [...DISTRICT_WIDE, ...REGIONAL, 'department_handler'];
/** Roles that may register a case. */
export const CASE_REGISTRARS: readonly Role[] = [
  'administrator',
  'dispatcher',
  'department_handler',
  'town_officer',
  'village_cadre',
  'grid_worker',
];

/** A WHERE condition on a case aliased `c` that holds when the case is in the actor's scope. */
export function caseScope(actor: Actor): SqlFragment {
  if (!CASE_READERS.includes(actor.role)) return sql`false`;
  if (DISTRICT_WIDE.includes(actor.role)) return sql`true`;
  const unit = actor.unitId ?? -1;
  const own = sql`(c.owner_unit_id = ${unit} or c.copied_leader_unit_id = ${unit} or c.created_by_user_id = ${actor.userId}
    or exists (select 1 from case_event e where e.case_id = c.id and e.to_unit_id = ${unit}))`;
  if (REGIONAL.includes(actor.role)) {
    if (actor.regionLevel === 'district') return sql`true`;
    const region =
      actor.regionLevel === 'town' ? sql`c.town_code = ${actor.regionCode}` : sql`c.village_code = ${actor.regionCode}`;
    return sql`(${region} or ${own})`;
  }
  return own;
}

export interface CaseRelation {
  ownerUnitId: number;
  createdByUserId: number | null;
}

/** Handles the case: its owner unit, the command center that dispatches and calls back, its registrar, administrators. */
export function handlesCase(actor: Actor, relation: CaseRelation): boolean {
  return (
    actor.role === 'administrator' ||
    (actor.role === 'dispatcher' && actor.unitKind === 'command_center') ||
    (actor.role !== 'wall_viewer' && actor.unitId !== null && actor.unitId === relation.ownerUnitId) ||
    (relation.createdByUserId !== null && relation.createdByUserId === actor.userId)
  );
}

/**
 * The actor's relation to a case, as the shared state machine needs it. Only
 * dispatchers of the command center coordinate (dispatch, urge, call back): a
 * wall viewer sitting in the command center only watches.
 */
export function actorFactsFor(actor: Actor, relation: CaseRelation): ActorFacts {
  return {
    role: actor.role,
    isOwner: actor.unitId !== null && actor.unitId === relation.ownerUnitId,
    isCommandCenter: actor.role === 'dispatcher' && actor.unitKind === 'command_center',
    isRegistrar: relation.createdByUserId !== null && relation.createdByUserId === actor.userId,
    inScope: true,
  };
}
