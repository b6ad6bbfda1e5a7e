/**
 * Hot spots over grids (Getis-Ord Gi* of cases per 1,000 households, with
 * FDR-corrected confidence bins), density clusters of case points
 * (ST_ClusterDBSCAN in metres, drawn as hulls), and the heat map's points.
 * A grid with no households has no rate: it is left out of the statistic
 * (neither a value nor anyone's neighbour) and reported as such.
 */
import { sql, type Queryable } from '@minqing/db';
import { confidenceBins, getisOrdGiStar, type ConfidenceBin } from '@minqing/shared';
import type { Neighbourhood } from './analytics-policy.ts';
import { categoryCondition } from './category-filter.ts';
import { loadGridSet, metricSrid } from './grid-neighbours.ts';
import type { TimeWindow } from './periods.ts';

export interface HotspotParameters {
  from: string;
  to: string;
  categories: string[];
  neighbourhood: Neighbourhood;
  distanceBandMetres: number;
  falseDiscoveryRate: boolean;
  clusterDistanceMetres: number;
  clusterMinimumCases: number;
  /** Fewer cases than this: no statistic (default 20). */
  minimumCases?: number;
}

export interface HotspotSummary {
  cases: number;
  grids: number;
  gridsAnalysed: number;
  gridsWithoutHouseholds: number;
  hot: number;
  cold: number;
  clusters: number;
  /** Why no statistic could be computed, in plain words; null when it was. */
  notice: string | null;
}

/** Counts per grid in the window, then Gi* and bins; rows written into hotspot_grid. */
export async function computeHotspots(
  db: Queryable,
  runId: number,
  parameters: HotspotParameters,
  window: TimeWindow,
): Promise<HotspotSummary> {
  const gridSet = await loadGridSet(db, parameters.neighbourhood, parameters.distanceBandMetres);
  const counts = await db.query<{ grid_code: string; cases: number }>(sql`
    select c.grid_code, count(*) as cases from cases c
    where c.created_at >= ${window.start} and c.created_at < ${window.end} and c.grid_code is not null
      and ${categoryCondition(parameters.categories)}
    group by c.grid_code`);
  const caseCount = new Map(counts.map((row) => [row.grid_code, row.cases]));
  const totalCases = counts.reduce((sum, row) => sum + row.cases, 0);

  // Only grids with households take part; re-index them and their neighbours.
  const analysed = gridSet.grids.map((grid, index) => ({ grid, index })).filter(({ grid }) => grid.households > 0);
  const position = new Map(analysed.map(({ index }, at) => [index, at]));
  const values = analysed.map(({ grid }) => ((caseCount.get(grid.code) ?? 0) * 1000) / grid.households);
  const neighbours = analysed.map(({ index }) =>
    gridSet.neighbours[index]!.filter((other) => position.has(other)).map((other) => ({ index: position.get(other)! })),
  );
  const minimumCases = parameters.minimumCases ?? 20;
  const enough = totalCases >= minimumCases;
  const results = enough ? getisOrdGiStar(values, neighbours) : values.map(() => ({ z: null, p: null }));
  const bins = confidenceBins(results, parameters.falseDiscoveryRate);

  let notice: string | null = null;
  if (totalCases === 0) notice = 'no cases in this window and category: nothing to analyse';
  else if (!enough) notice = `too few cases (${totalCases}) for a hot spot analysis: at least ${minimumCases} are needed`;
  else if (analysed.length < 3) notice = 'fewer than three grids have households: Gi* needs at least three';
  else if (results.every((result) => result.z === null)) notice = 'every grid has the same rate: there is no hot or cold spot';

  const rows = analysed.map(({ grid }, at) => ({
    code: grid.code,
    cases: caseCount.get(grid.code) ?? 0,
    households: grid.households,
    rate: values[at]!,
    z: results[at]!.z,
    p: results[at]!.p,
    bin: bins[at]! as ConfidenceBin,
    neighbours: neighbours[at]!.length,
  }));
  const empty = gridSet.grids.filter((grid) => grid.households === 0);
  await db.query(sql`
    insert into hotspot_grid (run_id, grid_code, cases, households, rate, z, p, bin, neighbours)
    select ${runId}, r.code, r.cases, r.households, r.rate, r.z, r.p, r.bin, r.neighbours
    from jsonb_to_recordset(${JSON.stringify([
      ...rows,
      ...empty.map((grid) => ({
        code: grid.code,
        cases: caseCount.get(grid.code) ?? 0,
        households: 0,
        rate: null,
        z: null,
        p: null,
        bin: 0,
        neighbours: 0,
      })),
    ])}::text::jsonb)
      as r (code text, cases int, households int, rate float8, z float8, p float8, bin smallint, neighbours int)`);

  const clusters = await computeClusters(db, runId, parameters, window);
  return {
    cases: totalCases,
    grids: gridSet.grids.length,
    gridsAnalysed: analysed.length,
    gridsWithoutHouseholds: empty.length,
    hot: bins.filter((bin) => bin > 0).length,
    cold: bins.filter((bin) => bin < 0).length,
    clusters,
    notice,
  };
}

/** DBSCAN over case points in metres; each cluster as a hull (buffered by 30 m so one of two or three points is still an area). */
async function computeClusters(db: Queryable, runId: number, parameters: HotspotParameters, window: TimeWindow): Promise<number> {
  const srid = await metricSrid(db);
  const rows = await db.query<{ clusters: number }>(sql`
    with points as (
      select c.id, c.category_code, c.created_at, c.location,
             ST_ClusterDBSCAN(ST_Transform(c.location, ${srid}::int), eps => ${parameters.clusterDistanceMetres}::float8,
                              minpoints => ${parameters.clusterMinimumCases}::int) over () as cluster
      from cases c
      where c.created_at >= ${window.start} and c.created_at < ${window.end} and c.location is not null
        and ${categoryCondition(parameters.categories)}
    ),
    clustered as (select * from points where cluster is not null),
    top as (
      select cluster, jsonb_agg(jsonb_build_object('code', code, 'name', name, 'cases', cases) order by cases desc, code) as top_categories
      from (
        select p.cluster, p.category_code as code, cat.name, count(*) as cases,
               row_number() over (partition by p.cluster order by count(*) desc, p.category_code) as place
        from clustered p join category cat on cat.code = p.category_code
        group by p.cluster, p.category_code, cat.name
      ) ranked
      where place <= 3
      group by cluster
    ),
    inserted as (
      insert into hotspot_cluster (run_id, cluster_no, cases, hull, top_categories, first_at, last_at)
      select ${runId}, row_number() over (order by count(*) desc, min(c.id)), count(*),
             ST_Transform(ST_Buffer(ST_ConvexHull(ST_Collect(ST_Transform(c.location, ${srid}::int))), 30), 4326),
             coalesce(t.top_categories, '[]'::jsonb), min(c.created_at), max(c.created_at)
      from clustered c left join top t on t.cluster = c.cluster
      group by c.cluster, t.top_categories
      returning 1
    )
    select count(*) as clusters from inserted`);
  return rows[0]?.clusters ?? 0;
}

export interface HotspotGridRow {
  gridCode: string;
  gridName: string;
  villageName: string;
  townName: string;
  cases: number;
  households: number;
  rate: number | null;
  z: number | null;
  p: number | null;
  bin: number;
}

export async function readHotspotGrids(db: Queryable, runId: number): Promise<HotspotGridRow[]> {
  const rows = await db.query<{
    grid_code: string;
    grid_name: string | null;
    village_name: string | null;
    town_name: string | null;
    cases: number;
    households: number;
    rate: number | null;
    z: number | null;
    p: number | null;
    bin: number;
  }>(sql`
    select h.grid_code, g.name as grid_name, v.name as village_name, t.name as town_name, h.cases, h.households, h.rate, h.z, h.p, h.bin
    from hotspot_grid h
    left join grid g on g.code = h.grid_code and g.valid_to is null
    left join region v on v.code = left(h.grid_code, 12)
    left join region t on t.code = v.parent_code
    where h.run_id = ${runId}
    order by h.z desc nulls last, h.grid_code`);
  return rows.map((row) => ({
    gridCode: row.grid_code,
    gridName: row.grid_name ?? row.grid_code,
    villageName: row.village_name ?? '',
    townName: row.town_name ?? '',
    cases: row.cases,
    households: row.households,
    rate: row.rate,
    z: row.z,
    p: row.p,
    bin: row.bin,
  }));
}

export interface HotspotClusterFeature {
  type: 'Feature';
  geometry: unknown;
  properties: {
    clusterNo: number;
    cases: number;
    topCategories: { code: string; name: string; cases: number }[];
    firstAt: Date | null;
    lastAt: Date | null;
  };
}

export async function readHotspotClusters(db: Queryable, runId: number): Promise<HotspotClusterFeature[]> {
  const rows = await db.query<{
    cluster_no: number;
    cases: number;
    geometry: unknown;
    top_categories: { code: string; name: string; cases: number }[];
    first_at: Date | null;
    last_at: Date | null;
  }>(sql`
    select cluster_no, cases, ST_AsGeoJSON(hull, 6)::json as geometry, top_categories, first_at, last_at
    from hotspot_cluster where run_id = ${runId} order by cluster_no`);
  return rows.map((row) => ({
    type: 'Feature',
    geometry: row.geometry,
    properties: {
      clusterNo: row.cluster_no,
      cases: row.cases,
      topCategories: row.top_categories,
      firstAt: row.first_at,
      lastAt: row.last_at,
    },
  }));
}

/** Case points for the heat map, summed into cells of `cellMetres` so that the answer stays small at any volume. */
export async function heatPoints(
  db: Queryable,
  window: TimeWindow,
  categories: string[],
  cellMetres = 100,
): Promise<{ type: 'FeatureCollection'; features: { type: 'Feature'; geometry: unknown; properties: { cases: number } }[] }> {
  const srid = await metricSrid(db);
  const rows = await db.query<{ geometry: unknown; cases: number }>(sql`
    select ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakePoint(cx, cy), ${srid}::int), 4326), 6)::json as geometry, cases
    from (
      select round(ST_X(p) / ${cellMetres}::float8) * ${cellMetres}::float8 as cx,
             round(ST_Y(p) / ${cellMetres}::float8) * ${cellMetres}::float8 as cy, count(*) as cases
      from (select ST_Transform(c.location, ${srid}::int) as p from cases c
            where c.created_at >= ${window.start} and c.created_at < ${window.end} and c.location is not null
              and ${categoryCondition(categories)}) projected
      group by 1, 2
      order by count(*) desc
      limit 50000
    ) cells`);
  return {
    type: 'FeatureCollection',
    features: rows.map((row) => ({ type: 'Feature', geometry: row.geometry, properties: { cases: row.cases } })),
  };
}
