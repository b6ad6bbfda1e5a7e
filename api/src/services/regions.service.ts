/**
 * The jurisdiction tree: districts, towns/streets, villages/communities, with
 * the households and population of the current grids inside each.
 */
import { sql, type Queryable, type SqlFragment } from '@minqing/db';
import type { RegionKind, RegionLevel } from '@minqing/shared';
import { NotFoundError } from '../errors.ts';
import type { RegionDetail, RegionSummary } from '../schemas/region.schema.ts';

export interface RegionFilter {
  level?: RegionLevel | undefined;
  parentCode?: string | undefined;
}

interface RegionRow {
  code: string;
  name: string;
  full_name: string;
  level: RegionLevel;
  kind: RegionKind;
  parent_code: string | null;
  geometry_source: RegionSummary['geometrySource'];
  households: number;
  population: number;
  grid_count: number;
  west: number;
  south: number;
  east: number;
  north: number;
  label_x: number;
  label_y: number;
}

/**
 * Grid totals per region, rolled up the tree through parent_code: villages from
 * their grids, towns from their villages, districts from their towns.
 */
const REGION_TOTALS = sql`
  village_totals as (
    select village_code as code, count(*)::bigint as grid_count,
      sum(households)::bigint as households, sum(population)::bigint as population
    from grid where valid_to is null
    group by village_code
  ),
  town_totals as (
    select village.parent_code as code, sum(t.grid_count)::bigint as grid_count,
      sum(t.households)::bigint as households, sum(t.population)::bigint as population
    from village_totals t join region village on village.code = t.code
    group by village.parent_code
  ),
  district_totals as (
    select town.parent_code as code, sum(t.grid_count)::bigint as grid_count,
      sum(t.households)::bigint as households, sum(t.population)::bigint as population
    from town_totals t join region town on town.code = t.code
    group by town.parent_code
  ),
  region_totals as (
    select * from village_totals union all select * from town_totals union all select * from district_totals
  )`;

const SUMMARY_COLUMNS = sql`
  r.code, r.name, r.full_name, r.level, r.kind, r.parent_code, r.geometry_source,
  coalesce(t.households, 0) as households, coalesce(t.population, 0) as population, coalesce(t.grid_count, 0) as grid_count,
  ST_XMin(r.boundary) as west, ST_YMin(r.boundary) as south, ST_XMax(r.boundary) as east, ST_YMax(r.boundary) as north,
  ST_X(label.point) as label_x, ST_Y(label.point) as label_y`;

function roundDegrees(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function toSummary(row: RegionRow): RegionSummary {
  return {
    code: row.code,
    name: row.name,
    fullName: row.full_name,
    level: row.level,
    kind: row.kind,
    parentCode: row.parent_code,
    households: row.households,
    population: row.population,
    gridCount: row.grid_count,
    bbox: [row.west, row.south, row.east, row.north].map(roundDegrees),
    labelPoint: [row.label_x, row.label_y].map(roundDegrees),
    geometrySource: row.geometry_source,
  };
}

export async function listRegions(db: Queryable, filter: RegionFilter): Promise<RegionSummary[]> {
  const conditions: SqlFragment[] = [sql`true`];
  if (filter.level) conditions.push(sql`r.level = ${filter.level}`);
  if (filter.parentCode) conditions.push(sql`r.parent_code = ${filter.parentCode}`);
  const rows = await db.query<RegionRow>(sql`
    with ${REGION_TOTALS}
    select ${SUMMARY_COLUMNS}
    from region r
    left join region_totals t on t.code = r.code
    cross join lateral (select ST_PointOnSurface(r.boundary) as point) as label
    where ${sql.join(conditions, ' and ')}
    order by r.code`);
  return rows.map(toSummary);
}

/** Whether a region exists (to tell "no children" from "no such parent"). */
export async function regionExists(db: Queryable, code: string): Promise<boolean> {
  const [row] = await db.query<{ found: boolean }>(sql`select exists (select 1 from region where code = ${code}) as found`);
  return row?.found === true;
}

interface RegionDetailRow extends RegionRow {
  parent_name: string | null;
  centroid_x: number;
  centroid_y: number;
  area_km2: number;
  children_count: number;
  boundary: RegionDetail['boundary'] | null;
}

const CHILD_LEVEL: Record<RegionLevel, RegionDetail['childLevel']> = { district: 'town', town: 'village', village: 'grid' };

export async function getRegion(db: Queryable, code: string, options: { geometry: boolean }): Promise<RegionDetail> {
  const [row] = await db.query<RegionDetailRow>(sql`
    with ${REGION_TOTALS}
    select ${SUMMARY_COLUMNS},
      parent.name as parent_name,
      ST_X(ST_Centroid(r.boundary)) as centroid_x, ST_Y(ST_Centroid(r.boundary)) as centroid_y,
      ST_Area(r.boundary::geography) / 1e6 as area_km2,
      case when r.level = 'village'
        then (select count(*) from grid g where g.village_code = r.code and g.valid_to is null)
        else (select count(*) from region child where child.parent_code = r.code)
      end as children_count,
      ${options.geometry ? sql`ST_AsGeoJSON(r.boundary, 7)::json` : sql`null::json`} as boundary
    from region r
    left join region_totals t on t.code = r.code
    left join region parent on parent.code = r.parent_code
    cross join lateral (select ST_PointOnSurface(r.boundary) as point) as label
    where r.code = ${code}`);
  if (!row) throw new NotFoundError(`no region with code ${code}`, 'region_not_found');
  return {
    ...toSummary(row),
    parent: row.parent_code && row.parent_name ? { code: row.parent_code, name: row.parent_name } : null,
    centroid: [row.centroid_x, row.centroid_y].map(roundDegrees),
    areaKm2: Math.round(row.area_km2 * 1000) / 1000,
    childLevel: CHILD_LEVEL[row.level],
    childrenCount: row.children_count,
    ...(row.boundary ? { boundary: row.boundary } : {}),
  };
}

export interface Jurisdiction {
  code: string;
  name: string;
  fullName: string;
}

/** The deployment's district (its jurisdiction), or null when none has been imported or generated yet. */
export async function currentJurisdiction(db: Queryable): Promise<Jurisdiction | null> {
  const [row] = await db.query<Jurisdiction>(
    sql`select code, name, full_name as "fullName" from region where level = 'district' order by code limit 1`,
  );
  return row ?? null;
}
