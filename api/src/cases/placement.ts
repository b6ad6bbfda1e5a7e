/**
 * Putting a case on the map: find where a point lies (grid, village, town),
 * whether it lies close to a boundary, and which unit owns that place and
 * category. Addresses are looked up in our own gazetteer: building addresses,
 * then village and town names, then named places of the basemap.
 *
 * Tie rule: a point exactly on an edge shared by two grids (or villages)
 * belongs to the one with the lowest code, and is flagged near the boundary.
 */
import { sql, type Queryable } from '@minqing/db';
import type { UnitKind } from '@minqing/shared';
import { InvalidInputError } from '../errors.ts';

export interface Placement {
  lon: number;
  lat: number;
  gridCode: string | null;
  villageCode: string | null;
  villageName: string | null;
  townCode: string | null;
  townName: string | null;
  nearBoundary: boolean;
}

interface PlacementRow {
  in_district: boolean;
  grid_code: string | null;
  village_code: string | null;
  village_name: string | null;
  town_code: string | null;
  town_name: string | null;
  grid_edge_m: number | null;
  village_edge_m: number | null;
  grids_touching: number;
}

export function outsideDistrictError(lon: number, lat: number): InvalidInputError {
  return new InvalidInputError(
    `the location ${lon.toFixed(6)}, ${lat.toFixed(6)} lies outside the district: Minqing only takes requests inside its jurisdiction`,
    'outside_district',
  );
}

/** How close a point lies to the edges around it. */
export interface BoundaryMeasures {
  /** Current grids the point lies in (2 or more: on a shared edge). */
  gridsTouching: number;
  gridEdgeMetres: number | null;
  villageEdgeMetres: number | null;
}

/** On a shared edge, or within the tolerance of its grid's or village's edge: the clerk should confirm the place. */
export function isNearBoundary(measures: BoundaryMeasures, toleranceMetres: number): boolean {
  return (
    measures.gridsTouching > 1 ||
    (measures.gridEdgeMetres !== null && measures.gridEdgeMetres < toleranceMetres) ||
    (measures.villageEdgeMetres !== null && measures.villageEdgeMetres < toleranceMetres)
  );
}

/** Where a WGS-84 point lies. Refuses a point outside the jurisdiction with a message saying so. */
export async function placePoint(db: Queryable, lon: number, lat: number, toleranceMetres: number): Promise<Placement> {
  const [row] = (await db.query<PlacementRow>(sql`
    with point as (select ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326) as geom),
    village as (
      select v.code, v.name, v.parent_code, v.boundary from region v, point
      where v.level = 'village' and ST_Intersects(v.boundary, point.geom)
      order by v.code limit 1
    ),
    grids as (
      select g.code, g.boundary from grid g, point
      where g.valid_to is null and ST_Intersects(g.boundary, point.geom)
    ),
    first_grid as (select code, boundary from grids order by code limit 1)
    select
      exists (select 1 from region d, point where d.level = 'district' and ST_Intersects(d.boundary, point.geom)) as in_district,
      (select code from first_grid) as grid_code,
      village.code as village_code, village.name as village_name,
      town.code as town_code, town.name as town_name,
      (select ST_Distance(ST_Boundary(boundary)::geography, point.geom::geography) from first_grid) as grid_edge_m,
      ST_Distance(ST_Boundary(village.boundary)::geography, point.geom::geography) as village_edge_m,
      (select count(*) from grids) as grids_touching
    from point
    left join village on true
    left join region town on town.code = village.parent_code`)) as [PlacementRow];
  if (!row.in_district && !row.village_code) throw outsideDistrictError(lon, lat);
  const nearBoundary = isNearBoundary(
    { gridsTouching: row.grids_touching, gridEdgeMetres: row.grid_edge_m, villageEdgeMetres: row.village_edge_m },
    toleranceMetres,
  );
  return {
    lon,
    lat,
    gridCode: row.grid_code,
    villageCode: row.village_code,
    villageName: row.village_name,
    townCode: row.town_code,
    townName: row.town_name,
    nearBoundary,
  };
}

/** What intake needs to know before it writes a case, read in one query (see {@link placeForIntake}). */
export interface IntakePlacement {
  /** Null when the code names no category. */
  category: {
    code: string;
    name: string;
    parentCode: string | null;
    active: boolean;
    answerWorkingDays: number | null;
  } | null;
  /**
   * Null when no point was given (a message held in triage) or the point lies outside the district. Whether it
   * lies near a boundary depends on the policy's tolerance: {@link isNearBoundary} with `measures`.
   */
  placement: (Omit<Placement, 'nearBoundary'> & { measures: BoundaryMeasures }) | null;
  outsideDistrict: boolean;
  /** The unit that owns the place and category (as {@link routeCase}); null without a placement or a unit. */
  routed: RoutedUnit | null;
  commandCenter: { id: number; name: string } | null;
  /** Moves whenever the case policy or the working calendar changes (migration 00121). */
  policyRevision: number;
}

interface IntakePlacementRow extends Omit<PlacementRow, 'in_district'> {
  in_district: boolean | null;
  category_code: string | null;
  category_name: string | null;
  category_parent_code: string | null;
  category_active: boolean | null;
  category_answer_days: number | null;
  located: boolean;
  routed_id: number | null;
  routed_name: string | null;
  routed_kind: UnitKind | null;
  routed_level: number | null;
  command_center_id: number | null;
  command_center_name: string | null;
  policy_revision: number;
}

/**
 * Intake's one round trip before it writes: the category, where the point
 * lies and how close to a boundary (as {@link placePoint}), the unit that
 * owns the place and category (as {@link routeCase}), the command center, and
 * the policy revision. The same SQL as those functions, in one statement; the
 * district outline is only consulted when no village holds the point.
 */
export async function placeForIntake(
  db: Queryable,
  request: { categoryCode: string; lon: number | null; lat: number | null },
): Promise<IntakePlacement> {
  const located = request.lon !== null && request.lat !== null;
  const [row] = (await db.query<IntakePlacementRow>(
    sql`
    with category as (
      select code, name, parent_code, active, answer_working_days, routing, department_unit_id
      from category where code = ${request.categoryCode}
    ),
    point as (
      select ST_SetSRID(ST_MakePoint(${request.lon}::float8, ${request.lat}::float8), 4326) as geom where ${located}::boolean
    ),
    village as (
      select v.code, v.name, v.parent_code, v.boundary from region v, point
      where v.level = 'village' and ST_Intersects(v.boundary, point.geom)
      order by v.code limit 1
    ),
    grids as (
      select g.code, g.boundary from grid g, point
      where g.valid_to is null and ST_Intersects(g.boundary, point.geom)
    ),
    first_grid as (select code, boundary from grids order by code limit 1),
    placed as (
      select
        case when village.code is null
             then exists (select 1 from region d where d.level = 'district' and ST_Intersects(d.boundary, point.geom))
        end as in_district,
        (select code from first_grid) as grid_code,
        village.code as village_code, village.name as village_name,
        town.code as town_code, town.name as town_name,
        (select ST_Distance(ST_Boundary(boundary)::geography, point.geom::geography) from first_grid) as grid_edge_m,
        ST_Distance(ST_Boundary(village.boundary)::geography, point.geom::geography) as village_edge_m,
        (select count(*) from grids) as grids_touching
      from point
      left join village on true
      left join region town on town.code = village.parent_code
    ),
    -- routeCase's candidates, each found by an index.
    candidate_ids as (
      select id from unit where active and kind = 'village_station' and region_code = (select village_code from placed)
      union
      select id from unit where active and kind = 'town_center' and region_code = (select town_code from placed)
      union
      select id from unit where active and id = (select department_unit_id from category)
      union
      select id from unit where active and kind = 'command_center'
    ),
    candidates as (
      select u.id, u.name, u.kind, u.ladder_level as level,
             case
               when u.kind = 'village_station' and (select routing from category) = 'village' then 1
               when u.kind = 'town_center' and (select routing from category) in ('village', 'town') then 2
               when u.id = (select department_unit_id from category) then 1
               when u.kind = 'command_center' then 9
             end as rank
      from unit u join candidate_ids using (id)
    )
    select category.code as category_code, category.name as category_name, category.parent_code as category_parent_code,
           category.active as category_active, category.answer_working_days as category_answer_days,
           ${located}::boolean as located, placed.*,
           routed.id as routed_id, routed.name as routed_name, routed.kind as routed_kind, routed.level as routed_level,
           command_center.id as command_center_id, command_center.name as command_center_name,
           (select revision from policy_revision) as policy_revision
    from (select 1) as one
    left join category on true
    left join placed on true
    left join lateral (select id, name, kind, level from candidates where rank is not null order by rank, id limit 1) routed on true
    left join lateral (
      select id, name from unit where kind = 'command_center' and active order by id limit 1
    ) command_center on true`,
    { prepare: true },
  )) as [IntakePlacementRow];

  const outsideDistrict = row.located && !row.in_district && !row.village_code;
  const placement: IntakePlacement['placement'] =
    !row.located || outsideDistrict
      ? null
      : {
          lon: request.lon!,
          lat: request.lat!,
          gridCode: row.grid_code,
          villageCode: row.village_code,
          villageName: row.village_name,
          townCode: row.town_code,
          townName: row.town_name,
          measures: { gridsTouching: row.grids_touching, gridEdgeMetres: row.grid_edge_m, villageEdgeMetres: row.village_edge_m },
        };
  return {
    category:
      row.category_code === null
        ? null
        : {
            code: row.category_code,
            name: row.category_name!,
            parentCode: row.category_parent_code,
            active: row.category_active!,
            answerWorkingDays: row.category_answer_days,
          },
    placement,
    outsideDistrict,
    routed:
      placement && row.routed_id !== null
        ? { id: row.routed_id, name: row.routed_name!, kind: row.routed_kind!, level: row.routed_level! }
        : null,
    commandCenter: row.command_center_id === null ? null : { id: row.command_center_id, name: row.command_center_name! },
    policyRevision: row.policy_revision,
  };
}

export interface GazetteerMatch {
  lon: number;
  lat: number;
  label: string;
  source: 'building' | 'region' | 'place';
}

/** Looks an address up in the gazetteer; null when nothing matches. */
export async function lookUpAddress(db: Queryable, address: string): Promise<GazetteerMatch | null> {
  const text = address.trim();
  if (text.length === 0) return null;
  const pattern = `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const [match] = await db.query<GazetteerMatch>(sql`
    (select ST_X(location) as lon, ST_Y(location) as lat, address as label, 'building' as source, 0 as rank
       from building where address = ${text} limit 1)
    union all
    (select ST_X(location), ST_Y(location), address, 'building', 1
       from building where address like ${pattern} order by length(address), id limit 1)
    union all
    (select ST_X(ST_PointOnSurface(boundary)), ST_Y(ST_PointOnSurface(boundary)), full_name, 'region', 2
       from region where name = ${text} or full_name = ${text} order by level desc limit 1)
    union all
    (select ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)), name, 'place', 3
       from basemap_feature where layer = 'settlement' and name = ${text} limit 1)
    order by rank
    limit 1`);
  return match ? { lon: Number(match.lon), lat: Number(match.lat), label: match.label, source: match.source } : null;
}

/** Suggestions for an address being typed: buildings, villages and towns, named places. */
export async function searchGazetteer(db: Queryable, query: string, limit: number): Promise<GazetteerMatch[]> {
  const text = query.trim();
  if (text.length === 0) return [];
  const pattern = `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const rows = await db.query<GazetteerMatch & { rank: number }>(sql`
    (select ST_X(location) as lon, ST_Y(location) as lat, address as label, 'building' as source, 2 as rank
       from building where address like ${pattern} order by length(address), id limit ${limit}::int)
    union all
    (select ST_X(ST_PointOnSurface(boundary)), ST_Y(ST_PointOnSurface(boundary)), full_name, 'region', 0
       from region where name like ${pattern} or full_name like ${pattern} order by level desc, code limit ${limit}::int)
    union all
    (select ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)), name, 'place', 1
       from basemap_feature where layer = 'settlement' and name like ${pattern} order by length(name), id limit ${limit}::int)
    order by rank, label
    limit ${limit}::int`);
  return rows.map((row) => ({ lon: Number(row.lon), lat: Number(row.lat), label: row.label, source: row.source }));
}

export interface RoutedUnit {
  id: number;
  name: string;
  kind: UnitKind;
  level: number;
}

/**
 * The unit that owns a place and category: the village station, the town
 * centre, or the category's department — falling back up the tree (and at last
 * to the command center) where a deployment has no such unit.
 */
export async function routeCase(db: Queryable, categoryCode: string, placement: Placement): Promise<RoutedUnit> {
  const [unit] = await db.query<RoutedUnit>(sql`
    with category as (select routing, department_unit_id from category where code = ${categoryCode}),
    candidates as (
      select u.id, u.name, u.kind, u.ladder_level as level,
             case
               when u.kind = 'village_station' and (select routing from category) = 'village' then 1
               when u.kind = 'town_center' and (select routing from category) in ('village', 'town') then 2
               when u.id = (select department_unit_id from category) then 1
               when u.kind = 'command_center' then 9
             end as rank
      from unit u
      where u.active and (
        (u.kind = 'village_station' and u.region_code = ${placement.villageCode})
        or (u.kind = 'town_center' and u.region_code = ${placement.townCode})
        or u.id = (select department_unit_id from category)
        or u.kind = 'command_center'
      )
    )
    select id, name, kind, level from candidates where rank is not null order by rank, id limit 1`);
  if (!unit) throw new InvalidInputError('no unit can take this case: the deployment has no command center yet', 'no_unit');
  return unit;
}
