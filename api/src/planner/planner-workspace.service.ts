/**
 * What the planner opens: a village, or a town with all its villages — their
 * boundaries, current grids with their workers, buildings, roads, the band,
 * and the draft kept on the server (one per opened region). Saving a draft
 * names the revision the client last saw; another revision on the server is a
 * conflict (optimistic locking), never a silent overwrite.
 */
import { sql, type Queryable } from '@minqing/db';
import {
  levelOfRegionCode,
  type HouseholdBand,
  type MultiPolygonGeometry,
  type PlannerBuilding,
  type PlannerGrid,
  type PlannerVillage,
  type Position,
  type DraftSave,
} from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import { householdBand } from '../services/policy.service.ts';

export const PLANNER_ROLES = ['planner', 'administrator'] as const;

/** Only planners and administrators plan grids, and only inside the region they answer for. */
export function requirePlanner(actor: Actor, regionCode?: string): void {
  if (!(PLANNER_ROLES as readonly string[]).includes(actor.role)) {
    throw new ForbiddenError(
      `the grid planner is for planners and administrators; ${actor.username} is a ${actor.role}`,
      'planner_only',
    );
  }
  if (regionCode && !withinRegion(actor.regionCode, regionCode)) {
    throw new ForbiddenError(`${actor.username} plans grids in ${actor.regionCode}, not in ${regionCode}`, 'outside_your_region');
  }
}

function withinRegion(scope: string, code: string): boolean {
  const level = levelOfRegionCode(scope);
  const prefix = level === 'district' ? scope.slice(0, 6) : level === 'town' ? scope.slice(0, 9) : scope;
  return code.startsWith(prefix);
}

export interface OpenedRegion {
  code: string;
  name: string;
  level: 'village' | 'town';
  villages: PlannerVillage[];
}

export async function openRegion(db: Queryable, code: string): Promise<OpenedRegion> {
  const [region] = await db.query<{ code: string; name: string; level: string }>(
    sql`select code, name, level from region where code = ${code}`,
  );
  if (!region) throw new NotFoundError(`no region with code ${code}`, 'region_not_found');
  if (region.level !== 'village' && region.level !== 'town') {
    throw new InvalidInputError(
      `open a village or a town in the planner, not the ${region.level} ${region.name} (${code})`,
      'not_plannable',
    );
  }
  const villages = await db.query<{ code: string; name: string; boundary: MultiPolygonGeometry }>(sql`
    select code, name, ST_AsGeoJSON(boundary, 7)::json as boundary
    from region
    where ${region.level === 'village' ? sql`code = ${code}` : sql`parent_code = ${code} and level = 'village'`}
    order by code`);
  return { code: region.code, name: region.name, level: region.level as 'village' | 'town', villages };
}

export interface WorkspaceGrid extends PlannerGrid {
  households: number;
  population: number;
  flag: string | null;
  version: number;
  validFrom: string;
  workers: { userId: number; username: string; displayName: string; duty: 'grid_worker' | 'information_staff' }[];
}

export interface DraftView {
  regionCode: string;
  revision: number;
  grids: PlannerGrid[];
  note: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

export interface Workspace {
  region: { code: string; name: string; level: 'village' | 'town' };
  villages: PlannerVillage[];
  grids: WorkspaceGrid[];
  buildings: (PlannerBuilding & { name: string | null; address: string })[];
  roads: Position[][];
  band: HouseholdBand;
  draft: DraftView | null;
  /** Drafts of an overlapping region (the town of this village, or villages of this town): publish or discard those first. */
  overlappingDrafts: { regionCode: string; revision: number; updatedAt: string }[];
}

const villageFilter = (region: OpenedRegion) => region.villages.map((village) => village.code);

export async function currentGrids(db: Queryable, villageCodes: string[]): Promise<WorkspaceGrid[]> {
  const rows = await db.query<{
    code: string;
    village_code: string;
    name: string;
    boundary: MultiPolygonGeometry;
    households: number;
    population: number;
    flag: string | null;
    version: number;
    valid_from: Date;
    workers: WorkspaceGrid['workers'] | null;
  }>(sql`
    select g.code, g.village_code, g.name, ST_AsGeoJSON(g.boundary, 7)::json as boundary, g.households, g.population, g.flag,
      g.version, g.valid_from,
      (select json_agg(json_build_object('userId', u.id, 'username', u.username, 'displayName', u.display_name, 'duty', a.duty)
                       order by a.duty, u.username)
       from grid_assignment a join app_user u on u.id = a.user_id where a.grid_code = g.code) as workers
    from grid g
    where g.valid_to is null and g.village_code = any(${villageCodes}::text[])
    order by g.code`);
  return rows.map((row) => ({
    key: row.code,
    code: row.code,
    villageCode: row.village_code,
    name: row.name,
    boundary: row.boundary,
    households: row.households,
    population: row.population,
    flag: row.flag,
    version: row.version,
    validFrom: new Date(row.valid_from).toISOString(),
    workers: row.workers ?? [],
  }));
}

export async function buildingsOf(db: Queryable, villageCodes: string[]): Promise<Workspace['buildings']> {
  const rows = await db.query<{
    id: number;
    village_code: string;
    households: number;
    residents: number;
    x: number;
    y: number;
    name: string | null;
    address: string;
  }>(sql`
    select id, village_code, households, residents, round(ST_X(location)::numeric, 7)::float8 as x, round(ST_Y(location)::numeric, 7)::float8 as y, name, address
    from building where village_code = any(${villageCodes}::text[])
    order by id`);
  return rows.map((row) => ({
    id: row.id,
    villageCode: row.village_code,
    households: row.households,
    residents: row.residents,
    position: [row.x, row.y],
    name: row.name,
    address: row.address,
  }));
}

export async function roadsOf(db: Queryable, villageCodes: string[]): Promise<Position[][]> {
  const rows = await db.query<{ geometry: { type: string; coordinates: unknown } }>(sql`
    with area as (select ST_Union(boundary) as geom from region where code = any(${villageCodes}::text[]))
    select ST_AsGeoJSON(ST_Intersection(f.geom, ST_Expand(area.geom, 0.002)), 7)::json as geometry
    from basemap_feature f, area
    where f.layer = 'road' and f.geom && ST_Expand(area.geom, 0.002)`);
  const lines: Position[][] = [];
  for (const { geometry } of rows) {
    if (geometry.type === 'LineString') lines.push(geometry.coordinates as Position[]);
    else if (geometry.type === 'MultiLineString') lines.push(...(geometry.coordinates as Position[][]));
  }
  return lines;
}

interface DraftRow {
  region_code: string;
  revision: number;
  grids: PlannerGrid[];
  note: string | null;
  updated_at: Date;
  updated_by: string | null;
}

function toDraftView(row: DraftRow): DraftView {
  return {
    regionCode: row.region_code,
    revision: row.revision,
    grids: row.grids,
    note: row.note,
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}

export async function loadDraft(db: Queryable, regionCode: string, options: { lock?: boolean } = {}): Promise<DraftView | null> {
  const [row] = await db.query<DraftRow>(sql`
    select d.region_code, d.revision, d.grids, d.note, d.updated_at, u.display_name as updated_by
    from grid_draft d left join app_user u on u.id = d.updated_by_user_id
    where d.region_code = ${regionCode}
    ${options.lock ? sql`for update of d` : sql.empty}`);
  return row ? toDraftView(row) : null;
}

async function overlappingDrafts(db: Queryable, region: OpenedRegion): Promise<Workspace['overlappingDrafts']> {
  const rows = await db.query<{ region_code: string; revision: number; updated_at: Date }>(sql`
    select region_code, revision, updated_at from grid_draft
    where region_code <> ${region.code}
      and (${region.level === 'village' ? sql`region_code = ${`${region.code.slice(0, 9)}000`}` : sql`left(region_code, 9) = ${region.code.slice(0, 9)}`})`);
  return rows.map((row) => ({
    regionCode: row.region_code,
    revision: row.revision,
    updatedAt: new Date(row.updated_at).toISOString(),
  }));
}

export async function loadWorkspace(db: Queryable, code: string): Promise<Workspace> {
  const region = await openRegion(db, code);
  const codes = villageFilter(region);
  const [grids, buildings, roads, band, draft, overlapping] = await Promise.all([
    currentGrids(db, codes),
    buildingsOf(db, codes),
    roadsOf(db, codes),
    householdBand(db),
    loadDraft(db, region.code),
    overlappingDrafts(db, region),
  ]);
  return {
    region: { code: region.code, name: region.name, level: region.level },
    villages: region.villages,
    grids,
    buildings,
    roads,
    band,
    draft,
    overlappingDrafts: overlapping,
  };
}

/** The grids of a draft must belong to the opened region's villages. */
export function assertGridsInRegion(region: OpenedRegion, grids: readonly PlannerGrid[]): void {
  const villages = new Set(region.villages.map((village) => village.code));
  const keys = new Set<string>();
  for (const grid of grids) {
    if (!villages.has(grid.villageCode)) {
      throw new InvalidInputError(
        `grid ${grid.name} (${grid.key}) names village ${grid.villageCode}, which is not ${region.level === 'village' ? 'the opened village' : `a village of ${region.name}`}`,
        'grid_outside_region',
      );
    }
    if (grid.code && grid.code.slice(0, 12) !== grid.villageCode) {
      throw new InvalidInputError(
        `grid ${grid.name}: code ${grid.code} does not belong to village ${grid.villageCode}`,
        'code_not_of_village',
      );
    }
    if (keys.has(grid.key)) throw new InvalidInputError(`two grids have the key ${grid.key}; keys must differ`, 'duplicate_key');
    keys.add(grid.key);
  }
}

export async function saveDraft(db: Queryable, actor: Actor, code: string, input: DraftSave): Promise<DraftView> {
  const region = await openRegion(db, code);
  const grids: PlannerGrid[] = input.grids.map((grid) => ({
    key: grid.key,
    code: grid.code,
    villageCode: grid.villageCode,
    name: grid.name,
    boundary: {
      type: 'MultiPolygon',
      coordinates: grid.boundary.coordinates.map((rings) =>
        rings.map((ring) => ring.map((position) => [position[0]!, position[1]!] as Position)),
      ),
    },
  }));
  assertGridsInRegion(region, grids);
  const overlapping = await overlappingDrafts(db, region);
  if (overlapping.length > 0) {
    throw new ConflictError(
      `a draft of ${overlapping.map((draft) => draft.regionCode).join(', ')} covers part of ${region.name}: publish or discard it first`,
      'overlapping_draft',
    );
  }
  const payload = JSON.stringify(grids);
  if (input.revision === 0) {
    const [row] = await db.query<{ revision: number }>(sql`
      insert into grid_draft (region_code, grids, note, created_by_user_id, updated_by_user_id)
      values (${code}, ${payload}::text::jsonb, ${input.note ?? null}, ${actor.userId}, ${actor.userId})
      on conflict (region_code) do nothing
      returning revision`);
    if (!row) await throwStale(db, code, 0);
  } else {
    const [row] = await db.query<{ revision: number }>(sql`
      update grid_draft set grids = ${payload}::text::jsonb, note = coalesce(${input.note ?? null}, note), revision = revision + 1,
        updated_by_user_id = ${actor.userId}, updated_at = now()
      where region_code = ${code} and revision = ${input.revision}
      returning revision`);
    if (!row) await throwStale(db, code, input.revision);
  }
  return (await loadDraft(db, code))!;
}

async function throwStale(db: Queryable, code: string, revision: number): Promise<never> {
  const current = await loadDraft(db, code);
  if (!current) {
    throw new ConflictError(
      `the draft of ${code} you edited (revision ${revision}) was published or discarded meanwhile: reload`,
      'draft_gone',
    );
  }
  throw new ConflictError(
    `the draft of ${code} was saved by ${current.updatedBy ?? 'someone else'} at ${current.updatedAt} (revision ${current.revision}); ` +
      `you edited revision ${revision}: reload to see their changes`,
    'stale_draft',
  );
}

export async function discardDraft(db: Queryable, code: string, revision: number): Promise<void> {
  const rows = await db.query(
    sql`delete from grid_draft where region_code = ${code} and revision = ${revision} returning region_code`,
  );
  if (rows.length === 0) await throwStale(db, code, revision);
}
