/**
 * What became of each case received in a period, counted as of a cutoff (the
 * period's end, or now while it runs) — the SQL side of the case rates of
 * `@minqing/shared` (`caseRates`: 办结率, 按期办结率, 满意率; ADR 0006). The
 * assessment and the map wall both count with these fragments, so the wall's
 * month and the assessment's district-wide month are the same numbers.
 */
import { sql, type Queryable, type SqlFragment } from '@minqing/db';
import type { CaseOutcomeCounts } from '@minqing/shared';
import type { TimeWindow } from './periods.ts';

const OPEN = sql`('registered', 'dispatched', 'accepted', 'in_progress')`;

/**
 * Where counting a period as of `now` stops (exclusive): the period's end, or
 * — while it runs — just after `now`, so that what happened at `now` counts.
 */
export function countingCutoff(period: Pick<TimeWindow, 'end'>, now: Date): Date {
  return new Date(Math.min(period.end.getTime(), now.getTime() + 1));
}

/** The cases (alias `c`) received from `start` until `cutoff`; a duplicate of another case is not counted. */
export function receivedCases(start: Date, cutoff: Date): SqlFragment {
  return sql`c.created_at >= ${start} and c.created_at < ${cutoff} and c.duplicate_of_id is null`;
}

/** The case (alias `c`) was resolved before `cutoff`. */
export const resolvedBy = (cutoff: Date): SqlFragment => sql`c.resolved_at < ${cutoff}`;
/** Resolved before `cutoff` and by its answer deadline. */
export const resolvedOnTimeBy = (cutoff: Date): SqlFragment =>
  sql`c.resolved_at < ${cutoff} and c.resolved_at <= c.answer_deadline_at`;
/** Resolved before `cutoff`, after its answer deadline. */
export const resolvedLateBy = (cutoff: Date): SqlFragment =>
  sql`c.resolved_at < ${cutoff} and c.resolved_at > c.answer_deadline_at`;
/** Open, and its answer deadline passed before `cutoff`. */
export const openOverdueAt = (cutoff: Date): SqlFragment => sql`c.state in ${OPEN} and c.answer_deadline_at < ${cutoff}`;
const SATISFIED = sql`c.satisfaction in ('satisfied', 'basically_satisfied')`;

/** Per case (alias `c`), as of `cutoff`: resolved, resolved_on_time, open_overdue, rated, satisfied, redone (booleans). */
export function caseOutcomeColumns(cutoff: Date): SqlFragment {
  return sql`coalesce(${resolvedBy(cutoff)}, false) as resolved,
    coalesce(${resolvedOnTimeBy(cutoff)}, false) as resolved_on_time,
    coalesce(${openOverdueAt(cutoff)}, false) as open_overdue,
    c.satisfaction is not null as rated,
    coalesce(${SATISFIED}, false) as satisfied,
    c.redo_count > 0 as redone`;
}

/** The counts over rows holding `caseOutcomeColumns`: cases, resolved, resolved_on_time, open_overdue, rated, satisfied, redone. */
export const CASE_OUTCOME_COUNTS = sql`count(*)::int as cases, (count(*) filter (where resolved))::int as resolved,
  (count(*) filter (where resolved_on_time))::int as resolved_on_time, (count(*) filter (where open_overdue))::int as open_overdue,
  (count(*) filter (where rated))::int as rated, (count(*) filter (where satisfied))::int as satisfied,
  (count(*) filter (where redone))::int as redone`;

export interface CaseOutcomeRow {
  cases: number;
  resolved: number;
  resolved_on_time: number;
  open_overdue: number;
  rated: number;
  satisfied: number;
}

export function toCaseOutcomeCounts(row: CaseOutcomeRow | undefined): CaseOutcomeCounts {
  return {
    cases: row?.cases ?? 0,
    resolved: row?.resolved ?? 0,
    resolvedOnTime: row?.resolved_on_time ?? 0,
    openOverdue: row?.open_overdue ?? 0,
    rated: row?.rated ?? 0,
    satisfied: row?.satisfied ?? 0,
  };
}

/** The district-wide counts of the cases received in `window`, as of `cutoff`. */
export async function countCaseOutcomes(
  db: Queryable,
  window: Pick<TimeWindow, 'start'>,
  cutoff: Date,
): Promise<CaseOutcomeCounts> {
  const [row] = await db.query<CaseOutcomeRow>(sql`
    select ${CASE_OUTCOME_COUNTS}
    from (select ${caseOutcomeColumns(cutoff)} from cases c where ${receivedCases(window.start, cutoff)}) as outcome`);
  return toCaseOutcomeCounts(row);
}
