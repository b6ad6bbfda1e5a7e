/**
 * Who works each grid: its grid workers (网格员) and information staff (信息员),
 * edited in the planner. Grid workers must have the grid_worker role;
 * information staff may also be village cadres. A grid's list is replaced as
 * a whole, in one transaction.
 */
import { sql, type Database, type Queryable } from '@minqing/db';
import type { AssignmentsInput } from '@minqing/shared';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { openRegion } from './planner-workspace.service.ts';

export interface StaffMember {
  userId: number;
  username: string;
  displayName: string;
  role: string;
  regionCode: string;
  grids: { code: string; duty: string }[];
}

/** People who can be assigned to grids of the region: grid workers and village cadres there. */
export async function staffOf(db: Queryable, code: string): Promise<StaffMember[]> {
  const region = await openRegion(db, code);
  const codes = [region.code, ...region.villages.map((village) => village.code)];
  const rows = await db.query<{
    id: number;
    username: string;
    display_name: string;
    role: string;
    region_code: string;
    grids: StaffMember['grids'] | null;
  }>(sql`
    select u.id, u.username, u.display_name, u.role, u.region_code,
      (select json_agg(json_build_object('code', a.grid_code, 'duty', a.duty) order by a.grid_code) from grid_assignment a where a.user_id = u.id) as grids
    from app_user u
    where u.active and u.role in ('grid_worker', 'village_cadre') and u.region_code = any(${codes}::text[])
    order by u.role, u.username
    limit 2000`);
  return rows.map((row) => ({
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    regionCode: row.region_code,
    grids: row.grids ?? [],
  }));
}

export async function setAssignments(db: Database, gridCode: string, input: AssignmentsInput) {
  return db.transaction(async (tx) => {
    const [grid] = await tx.query<{ code: string }>(
      sql`select code from grid where code = ${gridCode} and valid_to is null for update`,
    );
    if (!grid) throw new NotFoundError(`no current grid with code ${gridCode}`, 'grid_not_found');
    const overlap = input.gridWorkers.filter((id) => input.informationStaff.includes(id));
    if (overlap.length > 0)
      throw new InvalidInputError(`user ${overlap[0]} is listed both as grid worker and as information staff`, 'duty_twice');
    const ids = [...input.gridWorkers, ...input.informationStaff];
    const users = await tx.query<{ id: number; username: string; role: string; active: boolean }>(sql`
      select id, username, role, active from app_user where id = any(${ids}::bigint[])`);
    const byId = new Map(users.map((user) => [user.id, user]));
    for (const id of ids) {
      const user = byId.get(id);
      if (!user || !user.active) throw new InvalidInputError(`no active user with id ${id}`, 'unknown_user');
    }
    for (const id of input.gridWorkers) {
      const user = byId.get(id)!;
      if (user.role !== 'grid_worker')
        throw new InvalidInputError(`${user.username} is a ${user.role}, not a grid worker`, 'not_a_grid_worker');
    }
    for (const id of input.informationStaff) {
      const user = byId.get(id)!;
      if (user.role !== 'grid_worker' && user.role !== 'village_cadre') {
        throw new InvalidInputError(
          `${user.username} is a ${user.role}; information staff are grid workers or village cadres`,
          'not_information_staff',
        );
      }
    }
    await tx.query(sql`delete from grid_assignment where grid_code = ${gridCode}`);
    for (const id of input.gridWorkers)
      await tx.query(sql`insert into grid_assignment (grid_code, user_id, duty) values (${gridCode}, ${id}, 'grid_worker')`);
    for (const id of input.informationStaff) {
      await tx.query(
        sql`insert into grid_assignment (grid_code, user_id, duty) values (${gridCode}, ${id}, 'information_staff')`,
      );
    }
    const rows = await tx.query<{ user_id: number; username: string; display_name: string; duty: string }>(sql`
      select a.user_id, u.username, u.display_name, a.duty from grid_assignment a join app_user u on u.id = a.user_id
      where a.grid_code = ${gridCode} order by a.duty, u.username`);
    return {
      code: gridCode,
      workers: rows.map((row) => ({
        userId: row.user_id,
        username: row.username,
        displayName: row.display_name,
        duty: row.duty,
      })),
    };
  });
}
