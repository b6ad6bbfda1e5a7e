/**
 * Emerging hot spots: a space-time cube of grids × weeks (cases per 1,000
 * households), Gi* for every bin with its neighbours in space and in the
 * previous `timeStepNeighbours` weeks (as ArcGIS does, the whole cube is the
 * population), bins significant at 90 % after FDR, the Mann–Kendall trend of
 * each grid's z-scores, and one ArcGIS category per grid.
 */
import { sql, type Queryable } from '@minqing/db';
import { classifyLocation, getisOrdGiStar, significantAt, type Neighbour, type StepSignificance } from '@minqing/shared';
import type { Neighbourhood } from './analytics-policy.ts';
import { categoryCondition } from './category-filter.ts';
import { loadGridSet } from './grid-neighbours.ts';
import type { TimeWindow } from './periods.ts';

export interface EmergingParameters {
  to: string;
  weeks: number;
  categories: string[];
  neighbourhood: Neighbourhood;
  distanceBandMetres: number;
  timeStepNeighbours: number;
  trendAlpha: number;
  persistentShare: number;
  /** Fewer cases than this in the cube: no statistic (default 20). */
  minimumCases?: number;
}

export interface EmergingSummary {
  cases: number;
  grids: number;
  weeks: number;
  categories: Record<string, number>;
  notice: string | null;
}

const WEEK_MS = 7 * 86_400_000;

export async function computeEmergingHotspots(
  db: Queryable,
  runId: number,
  parameters: EmergingParameters,
  window: TimeWindow,
): Promise<EmergingSummary> {
  const weeks = parameters.weeks;
  const gridSet = await loadGridSet(db, parameters.neighbourhood, parameters.distanceBandMetres);
  const counts = await db.query<{ grid_code: string; week: number; cases: number }>(sql`
    select c.grid_code, floor(extract(epoch from (c.created_at - ${window.start}::timestamptz)) / ${WEEK_MS / 1000}::float8)::int as week,
           count(*) as cases
    from cases c
    where c.created_at >= ${window.start} and c.created_at < ${window.end} and c.grid_code is not null
      and ${categoryCondition(parameters.categories)}
    group by 1, 2`);

  const analysed = gridSet.grids.map((grid, index) => ({ grid, index })).filter(({ grid }) => grid.households > 0);
  const position = new Map(analysed.map(({ index }, at) => [index, at]));
  const codeAt = new Map(analysed.map(({ grid }, at) => [grid.code, at]));
  const g = analysed.length;
  const weekly = analysed.map(() => new Int32Array(weeks));
  let totalCases = 0;
  for (const row of counts) {
    const at = codeAt.get(row.grid_code);
    if (at === undefined || row.week < 0 || row.week >= weeks) continue;
    weekly[at]![row.week] = row.cases;
    totalCases += row.cases;
  }

  // Bin (grid i, week t) is feature t·g + i.
  const values = new Array<number>(g * weeks);
  for (let t = 0; t < weeks; t++) {
    for (let i = 0; i < g; i++) values[t * g + i] = (weekly[i]![t]! * 1000) / analysed[i]!.grid.households;
  }
  const spatial = analysed.map(({ index }) =>
    gridSet.neighbours[index]!.filter((other) => position.has(other)).map((other) => position.get(other)!),
  );
  const neighbours: Neighbour[][] = new Array(g * weeks);
  for (let t = 0; t < weeks; t++) {
    for (let i = 0; i < g; i++) {
      const list: Neighbour[] = [];
      for (let back = 0; back <= parameters.timeStepNeighbours && t - back >= 0; back++) {
        const base = (t - back) * g;
        if (back > 0) list.push({ index: base + i });
        for (const other of spatial[i]!) list.push({ index: base + other });
      }
      neighbours[t * g + i] = list;
    }
  }
  const minimumCases = parameters.minimumCases ?? 20;
  const results =
    g * weeks > 0 && totalCases >= minimumCases ? getisOrdGiStar(values, neighbours) : values.map(() => ({ z: null, p: null }));
  const significant = significantAt(
    results.map((result) => result.p),
    0.1,
    true,
  );

  const categories: Record<string, number> = {};
  const rows = analysed.map(({ grid }, i) => {
    const steps: StepSignificance[] = [];
    const zScores: (number | null)[] = [];
    for (let t = 0; t < weeks; t++) {
      const result = results[t * g + i]!;
      zScores.push(result.z);
      steps.push(significant[t * g + i] ? (result.z! > 0 ? 'hot' : 'cold') : null);
    }
    const classified = classifyLocation(steps, zScores, {
      trendAlpha: parameters.trendAlpha,
      persistentShare: parameters.persistentShare,
    });
    categories[classified.category] = (categories[classified.category] ?? 0) + 1;
    return {
      code: grid.code,
      category: classified.category,
      cases: weekly[i]!.reduce((sum, value) => sum + value, 0),
      hot: classified.hotSteps,
      cold: classified.coldSteps,
      trendZ: classified.trendZ,
      trendP: classified.trendP,
      finalZ: zScores.at(-1) ?? null,
      weekly: [...weekly[i]!],
    };
  });
  await db.query(sql`
    insert into emerging_hotspot (run_id, grid_code, category, cases, hot_weeks, cold_weeks, trend_z, trend_p, final_z, weekly)
    select ${runId}, r.code, r.category, r.cases, r.hot, r.cold, r.trend_z, r.trend_p, r.final_z,
           array(select jsonb_array_elements_text(r.weekly)::int)
    from jsonb_to_recordset(${JSON.stringify(
      rows.map((row) => ({ ...row, trend_z: row.trendZ, trend_p: row.trendP, final_z: row.finalZ })),
    )}::text::jsonb)
      as r (code text, category text, cases int, hot int, cold int, trend_z float8, trend_p float8, final_z float8, weekly jsonb)`);

  let notice: string | null = null;
  if (totalCases === 0) notice = 'no cases in these weeks and categories: nothing to analyse';
  else if (totalCases < minimumCases)
    notice = `too few cases (${totalCases}) for emerging hot spots: at least ${minimumCases} are needed`;
  else if (g < 3) notice = 'fewer than three grids have households: Gi* needs at least three';
  return { cases: totalCases, grids: g, weeks, categories, notice };
}

export interface EmergingRow {
  gridCode: string;
  gridName: string;
  villageName: string;
  townName: string;
  category: string;
  cases: number;
  hotWeeks: number;
  coldWeeks: number;
  trendZ: number | null;
  trendP: number | null;
  finalZ: number | null;
  weekly: number[];
}

export async function readEmergingHotspots(db: Queryable, runId: number, onlyPatterns = false): Promise<EmergingRow[]> {
  const rows = await db.query<{
    grid_code: string;
    grid_name: string | null;
    village_name: string | null;
    town_name: string | null;
    category: string;
    cases: number;
    hot_weeks: number;
    cold_weeks: number;
    trend_z: number | null;
    trend_p: number | null;
    final_z: number | null;
    weekly: number[];
  }>(sql`
    select e.grid_code, g.name as grid_name, v.name as village_name, t.name as town_name, e.category, e.cases,
           e.hot_weeks, e.cold_weeks, e.trend_z, e.trend_p, e.final_z, e.weekly
    from emerging_hotspot e
    left join grid g on g.code = e.grid_code and g.valid_to is null
    left join region v on v.code = left(e.grid_code, 12)
    left join region t on t.code = v.parent_code
    where e.run_id = ${runId} ${onlyPatterns ? sql`and e.category <> 'no_pattern'` : sql``}
    order by (e.category = 'no_pattern'), e.final_z desc nulls last, e.grid_code`);
  return rows.map((row) => ({
    gridCode: row.grid_code,
    gridName: row.grid_name ?? row.grid_code,
    villageName: row.village_name ?? '',
    townName: row.town_name ?? '',
    category: row.category,
    cases: row.cases,
    hotWeeks: row.hot_weeks,
    coldWeeks: row.cold_weeks,
    trendZ: row.trend_z,
    trendP: row.trend_p,
    finalZ: row.final_z,
    weekly: row.weekly,
  }));
}
