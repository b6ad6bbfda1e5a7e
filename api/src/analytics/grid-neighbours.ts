/**
 * The current grids with their households, and who neighbours whom: by
 * contiguity (grids whose boundaries touch, queen's case) or by a distance
 * band (centroids within so many metres, measured in the UTM zone of the
 * district). Computed once per set of current grids and kept in memory: the
 * grids change when a planner publishes, not between two requests.
 */
import { sql, type Queryable } from '@minqing/db';
import type { Neighbourhood } from './analytics-policy.ts';

export interface GridCell {
  code: string;
  households: number;
  villageCode: string;
}

export interface GridSet {
  grids: GridCell[];
  indexOf: Map<string, number>;
  /** Neighbours of each grid by index, itself not included. */
  neighbours: number[][];
  /** SRID of the metric projection used (a UTM zone). */
  srid: number;
}

const cache = new Map<string, GridSet>();

/** EPSG code of the WGS-84 UTM zone of a longitude (northern hemisphere). */
export function utmSrid(longitude: number, latitude = 30): number {
  const zone = Math.min(60, Math.max(1, Math.floor((longitude + 180) / 6) + 1));
  return (latitude >= 0 ? 32600 : 32700) + zone;
}

/** The metric projection for the grids in the database (the UTM zone of their centre). */
export async function metricSrid(db: Queryable): Promise<number> {
  const [row] = await db.query<{ lon: number | null; lat: number | null }>(sql`
    select ST_X(ST_Centroid(extent)) as lon, ST_Y(ST_Centroid(extent)) as lat
    from (select ST_Extent(boundary)::geometry as extent from grid where valid_to is null) e`);
  return utmSrid(row?.lon ?? 108.4, row?.lat ?? 30.8);
}

export async function loadGridSet(db: Queryable, neighbourhood: Neighbourhood, distanceBandMetres: number): Promise<GridSet> {
  const [stamp] = await db.query<{ stamp: string }>(sql`
    select count(*)::text || ':' || coalesce(max(id), 0)::text || ':' || coalesce(sum(households), 0)::text as stamp
    from grid where valid_to is null`);
  const key = `${stamp?.stamp}:${neighbourhood}:${neighbourhood === 'distance_band' ? distanceBandMetres : ''}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const srid = await metricSrid(db);
  const rows = await db.query<{ code: string; households: number; village_code: string }>(
    sql`select code, households, village_code from grid where valid_to is null order by code`,
  );
  const grids = rows.map((row) => ({ code: row.code, households: row.households, villageCode: row.village_code }));
  const indexOf = new Map(grids.map((grid, index) => [grid.code, index]));
  const pairs =
    neighbourhood === 'contiguity'
      ? await db.query<{ a: string; b: string }>(sql`
          select g1.code as a, g2.code as b
          from grid g1 join grid g2 on g2.valid_to is null and g1.code < g2.code and ST_Intersects(g1.boundary, g2.boundary)
          where g1.valid_to is null`)
      : await db.query<{ a: string; b: string }>(sql`
          with centre as (
            select code, ST_Transform(ST_PointOnSurface(boundary), ${srid}::int) as point from grid where valid_to is null
          )
          select c1.code as a, c2.code as b
          from centre c1 join centre c2 on c1.code < c2.code and ST_DWithin(c1.point, c2.point, ${distanceBandMetres}::float8)`);
  const neighbours: number[][] = grids.map(() => []);
  for (const { a, b } of pairs) {
    const left = indexOf.get(a);
    const right = indexOf.get(b);
    if (left === undefined || right === undefined) continue;
    neighbours[left]!.push(right);
    neighbours[right]!.push(left);
  }
  const set = { grids, indexOf, neighbours, srid };
  if (cache.size > 8) cache.clear();
  cache.set(key, set);
  return set;
}
