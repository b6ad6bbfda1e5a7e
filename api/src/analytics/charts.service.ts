/**
 * Figures people would rather look at than read, for a window: cases by
 * week, by category group, by channel, and how long cases took to resolve.
 * Plain counts from SQL; the web draws them with ECharts, the monthly report
 * as SVG.
 */
import { sql, type Queryable } from '@minqing/db';
import { categoryCondition } from './category-filter.ts';
import type { TimeWindow } from './periods.ts';

export interface ChartData {
  total: number;
  weekly: { week: string; cases: number; resolved: number }[];
  categories: { code: string; name: string; cases: number }[];
  channels: { channel: string; cases: number }[];
  /** Days from registration to resolution, in bands. */
  timeToResolve: { band: string; cases: number }[];
  /** Median days to resolve; null when nothing was resolved. */
  medianDaysToResolve: number | null;
}

export const RESOLVE_BANDS = ['<1', '1-3', '3-7', '7-15', '15-30', '>30'] as const;

export async function chartData(db: Queryable, window: TimeWindow, categories: string[]): Promise<ChartData> {
  const inWindow = sql`c.created_at >= ${window.start} and c.created_at < ${window.end} and ${categoryCondition(categories)}`;
  const weekly = await db.query<{ week: string; cases: number; resolved: number }>(sql`
    select to_char(date_trunc('week', c.created_at at time zone 'Asia/Shanghai'), 'YYYY-MM-DD') as week, count(*) as cases,
           count(*) filter (where c.resolved_at is not null) as resolved
    from cases c where ${inWindow} group by 1 order by 1`);
  const groups = await db.query<{ code: string; name: string; cases: number }>(sql`
    select g.code, g.name, count(*) as cases from cases c join category g on g.code = left(c.category_code, 2)
    where ${inWindow} group by 1, 2 order by 3 desc, 1`);
  const channels = await db.query<{ channel: string; cases: number }>(sql`
    select c.channel, count(*) as cases from cases c where ${inWindow} group by 1 order by 2 desc, 1`);
  const bands = await db.query<{ band: string; cases: number; median: number | null }>(sql`
    with days as (select extract(epoch from (c.resolved_at - c.created_at)) / 86400 as d from cases c where ${inWindow} and c.resolved_at is not null)
    select band, count(*) as cases, (select percentile_cont(0.5) within group (order by d) from days) as median
    from (select case when d < 1 then '<1' when d < 3 then '1-3' when d < 7 then '3-7' when d < 15 then '7-15'
                      when d < 30 then '15-30' else '>30' end as band from days) b
    group by band`);
  const byBand = new Map(bands.map((row) => [row.band, row.cases]));
  return {
    total: groups.reduce((sum, row) => sum + row.cases, 0),
    weekly,
    categories: groups,
    channels,
    timeToResolve: RESOLVE_BANDS.map((band) => ({ band, cases: byBand.get(band) ?? 0 })),
    medianDaysToResolve: bands[0]?.median ?? null,
  };
}
