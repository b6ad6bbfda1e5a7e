/**
 * The actor: who is making a request, with what they need to be judged by —
 * role, unit (and its place on the ladder), and the region they answer for.
 * Sessions produce it; services decide with it.
 */
import { sql, type Queryable } from '@minqing/db';
import { levelOfRegionCode, type LadderLevel, type RegionLevel, type Role, type UnitKind } from '@minqing/shared';

export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number | null;
  unitName: string | null;
  unitKind: UnitKind | null;
  unitLevel: LadderLevel | null;
  regionCode: string;
  regionLevel: RegionLevel;
}

interface ActorRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  unit_id: number | null;
  unit_name: string | null;
  unit_kind: UnitKind | null;
  unit_level: LadderLevel | null;
  region_code: string;
}

export async function loadActor(db: Queryable, userId: number): Promise<Actor | null> {
  const [row] = await db.query<ActorRow>(sql`
    select u.id, u.username, u.display_name, u.role, u.unit_id, unit.name as unit_name, unit.kind as unit_kind,
           unit.ladder_level as unit_level, u.region_code
    from app_user u left join unit on unit.id = u.unit_id
    where u.id = ${userId} and u.active`);
  return row ? toActor(row) : null;
}

export function toActor(row: ActorRow): Actor {
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    unitId: row.unit_id,
    unitName: row.unit_name,
    unitKind: row.unit_kind,
    unitLevel: row.unit_level,
    regionCode: row.region_code,
    regionLevel: levelOfRegionCode(row.region_code),
  };
}

/** The columns loadActor needs, for queries that join a user another way (sessions). */
export const ACTOR_COLUMNS = sql`u.id, u.username, u.display_name, u.role, u.unit_id, unit.name as unit_name,
  unit.kind as unit_kind, unit.ladder_level as unit_level, u.region_code`;

export const isCommandCenter = (actor: Actor) => actor.unitKind === 'command_center';
