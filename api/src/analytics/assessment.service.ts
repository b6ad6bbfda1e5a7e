/**
 * Fair rankings (考核) for a month, quarter or year: per unit, per town and
 * per village, the counts behind 响应率, 办结率, 按期办结率 (open cases already
 * past their deadline count against it), 满意率, redo rate and cards, ranked
 * by the policy's weights with too-few-to-rank units apart; grid workers'
 * patrol coverage, reports and grid-level resolutions; village cadres'
 * points (积分制); and the whole district's case rates, which the map wall
 * shows for the month. Counted as of the end of the period, or now while it
 * runs, with the fragments of case-outcomes.ts.
 */
import { sql, type Queryable, type SqlFragment } from '@minqing/db';
import {
  addCalendarDays,
  addWorkingDays,
  cadrePoints,
  caseRates,
  chinaMidnight,
  rankSubjects,
  type AssessmentCounts,
  type AssessmentWeights,
  type CaseOutcomeCounts,
  type CaseRates,
  type PointRules,
} from '@minqing/shared';
import { loadCalendar, loadCasePolicy } from '../cases/case-policy.ts';
import { InvalidInputError } from '../errors.ts';
import type { AssessmentPolicy } from './analytics-policy.ts';
import {
  CASE_OUTCOME_COUNTS,
  caseOutcomeColumns,
  countingCutoff,
  openOverdueAt,
  receivedCases,
  resolvedBy,
  resolvedLateBy,
  resolvedOnTimeBy,
  toCaseOutcomeCounts,
  type CaseOutcomeRow,
} from './case-outcomes.ts';
import type { Period } from './periods.ts';

export const SUBJECT_KINDS = ['unit', 'town', 'village', 'grid_worker', 'village_cadre'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

const HAND_OVER_KINDS = sql`('dispatch', 'transfer', 'escalate', 'reopened')`;

export interface AssessmentSummary {
  period: string;
  cutoff: Date;
  cases: number;
  units: number;
  /** The whole district's case counts and rates (办结率, 按期办结率, 满意率): what the map wall shows for the month. */
  district: { counts: CaseOutcomeCounts; rates: CaseRates };
  notice: string | null;
}

/** Sign-for deadline of a hand-over on each China date around the period (normal urgency), as SQL rows. */
async function signDeadlines(db: Queryable, period: Period): Promise<SqlFragment> {
  const calendar = await loadCalendar(db);
  const policy = await loadCasePolicy(db);
  const rows: { day: string; signBy: string }[] = [];
  for (let day = addCalendarDays(period.from, -1); day <= period.to; day = addCalendarDays(day, 1)) {
    rows.push({
      day,
      signBy: addWorkingDays(chinaMidnight(day), policy.deadlines.signForWorkingDays, calendar).toISOString(),
    });
  }
  return sql`(select day, sign_by, ${policy.deadlines.urgentSignForHours}::float8 as urgent_hours
              from jsonb_to_recordset(${JSON.stringify(rows.map((row) => ({ day: row.day, sign_by: row.signBy })))}::text::jsonb)
                as s (day text, sign_by timestamptz))`;
}

interface CountRow {
  key: string;
  cases: number;
  hand_overs: number;
  signed_on_time: number;
  resolved: number;
  resolved_on_time: number;
  open_overdue: number;
  rated: number;
  satisfied: number;
  redone: number;
  yellow_cards: number;
  red_cards: number;
}

/**
 * The facts of the period, once, in temporary tables of the run's
 * transaction: each case with its responsible unit, town and village and
 * what became of it; each hand-over with whether it was signed for in time;
 * each card. Counting by unit, town or village is then a GROUP BY.
 */
async function collectFacts(db: Queryable, period: Period, cutoff: Date, deadlines: SqlFragment): Promise<void> {
  await db.query(sql`
    create temporary table assessment_case on commit drop as
    select coalesce(c.resolved_by_unit_id, c.owner_unit_id)::text as unit_key, c.town_code, c.village_code,
           ${caseOutcomeColumns(cutoff)}
    from cases c
    where ${receivedCases(period.start, cutoff)}`);
  await db.query(sql`
    create temporary table assessment_hand_over on commit drop as
    select e.to_unit_id::text as unit_key, c.town_code, c.village_code,
           coalesce(accepted.occurred_at < ${cutoff} and accepted.occurred_at <=
             case when c.urgency = 'urgent' then e.occurred_at + s.urgent_hours * interval '1 hour' else s.sign_by end, false) as on_time
    from case_event e
    join cases c on c.id = e.case_id
    join ${deadlines} s on s.day = to_char(e.occurred_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')
    left join lateral (
      select a.occurred_at from case_event a
      where a.case_id = e.case_id and a.occurred_at >= e.occurred_at and a.kind = 'accept' and a.to_unit_id = e.to_unit_id
      order by a.occurred_at limit 1
    ) accepted on true
    where e.kind in ${HAND_OVER_KINDS} and e.to_unit_id is not null and e.occurred_at >= ${period.start} and e.occurred_at < ${cutoff}`);
  await db.query(sql`
    create temporary table assessment_card on commit drop as
    select k.unit_id::text as unit_key, c.town_code, c.village_code, k.colour
    from card k join cases c on c.id = k.case_id
    where k.threshold_at >= ${period.start} and k.threshold_at < ${cutoff}`);
}

/** The counts by one key of the facts: unit_key, town_code or village_code. */
async function countBy(db: Queryable, key: 'unit_key' | 'town_code' | 'village_code'): Promise<CountRow[]> {
  const column = sql.identifier(key);
  return db.query<CountRow>(sql`
    with case_counts as (
      select ${column} as key, ${CASE_OUTCOME_COUNTS} from assessment_case group by 1
    ),
    response as (
      select ${column} as key, count(*) as hand_overs, count(*) filter (where on_time) as signed_on_time
      from assessment_hand_over group by 1
    ),
    cards as (
      select ${column} as key, count(*) filter (where colour = 'yellow') as yellow_cards, count(*) filter (where colour = 'red') as red_cards
      from assessment_card group by 1
    ),
    keys as (select key from case_counts union select key from response union select key from cards)
    select keys.key::text as key, coalesce(cc.cases, 0) as cases, coalesce(r.hand_overs, 0) as hand_overs,
           coalesce(r.signed_on_time, 0) as signed_on_time, coalesce(cc.resolved, 0) as resolved,
           coalesce(cc.resolved_on_time, 0) as resolved_on_time, coalesce(cc.open_overdue, 0) as open_overdue,
           coalesce(cc.rated, 0) as rated, coalesce(cc.satisfied, 0) as satisfied, coalesce(cc.redone, 0) as redone,
           coalesce(k.yellow_cards, 0) as yellow_cards, coalesce(k.red_cards, 0) as red_cards
    from keys left join case_counts cc on cc.key = keys.key left join response r on r.key = keys.key left join cards k on k.key = keys.key
    where keys.key is not null`);
}

function toCounts(row: CountRow): AssessmentCounts {
  return {
    cases: row.cases,
    handOvers: row.hand_overs,
    signedOnTime: row.signed_on_time,
    resolved: row.resolved,
    resolvedOnTime: row.resolved_on_time,
    openOverdue: row.open_overdue,
    rated: row.rated,
    satisfied: row.satisfied,
    redone: row.redone,
    yellowCards: row.yellow_cards,
    redCards: row.red_cards,
  };
}

interface ResultRow {
  kind: SubjectKind;
  key: string;
  name: string;
  parent: string | null;
  counts: object;
  rates: object;
  score: number | null;
  rank: number | null;
  tooFew: boolean;
}

function ranked(
  kind: SubjectKind,
  rows: CountRow[],
  names: Map<string, { name: string; parent: string | null }>,
  weights: AssessmentWeights,
  minimumCases: number,
): ResultRow[] {
  const subjects = rows.filter((row) => names.has(row.key)).map((row) => ({ key: row.key, counts: toCounts(row) }));
  return rankSubjects(subjects, weights, minimumCases).map((entry) => ({
    kind,
    key: entry.subject.key,
    name: names.get(entry.subject.key)!.name,
    parent: names.get(entry.subject.key)!.parent,
    counts: entry.subject.counts,
    rates: entry.rates,
    score: entry.score,
    rank: entry.rank,
    tooFew: entry.tooFewToRank,
  }));
}

export async function computeAssessment(
  db: Queryable,
  runId: number,
  period: Period,
  policy: AssessmentPolicy,
  now: Date,
): Promise<AssessmentSummary> {
  const cutoff = countingCutoff(period, now);
  if (cutoff <= period.start) {
    throw new InvalidInputError(`the period ${period.label} has not started yet: nothing to assess`, 'period_in_future');
  }
  const deadlines = await signDeadlines(db, period);
  await collectFacts(db, period, cutoff, deadlines);
  const unitRows = await countBy(db, 'unit_key');
  const townRows = await countBy(db, 'town_code');
  const villageRows = await countBy(db, 'village_code');
  const units = await db.query<{ key: string; name: string; kind: string }>(
    sql`select id::text as key, name, kind from unit where kind <> 'liaison_point' or id in (select owner_unit_id from cases)`,
  );
  const regions = await db.query<{ key: string; name: string; parent: string | null; level: string }>(sql`
    select r.code as key, r.name, p.name as parent, r.level from region r left join region p on p.code = r.parent_code
    where r.level in ('town', 'village')`);
  const unitNames = new Map(units.map((unit) => [unit.key, { name: unit.name, parent: unit.kind }]));
  const townNames = new Map(regions.filter((r) => r.level === 'town').map((r) => [r.key, { name: r.name, parent: r.parent }]));
  const villageNames = new Map(
    regions.filter((r) => r.level === 'village').map((r) => [r.key, { name: r.name, parent: r.parent }]),
  );

  const results: ResultRow[] = [
    ...ranked('unit', unitRows, unitNames, policy.weights, policy.minimumCases),
    ...ranked('town', townRows, townNames, policy.weights, policy.minimumCases),
    ...ranked('village', villageRows, villageNames, policy.weights, policy.minimumCases),
    ...(await gridWorkers(db, period, cutoff)),
  ];
  results.push(...(await villageCadres(db, period, cutoff, policy.points)));
  await db.query(sql`
    insert into assessment_result (run_id, subject_kind, subject_key, subject_name, parent_name, counts, rates, score, rank, too_few)
    select ${runId}, r.kind, r.key, r.name, r.parent, r.counts, r.rates, r.score, r.rank, r.too_few
    from jsonb_to_recordset(${JSON.stringify(results.map((row) => ({ ...row, too_few: row.tooFew })))}::text::jsonb)
      as r (kind text, key text, name text, parent text, counts jsonb, rates jsonb, score float8, rank int, too_few boolean)`);
  const [districtRow] = await db.query<CaseOutcomeRow>(sql`select ${CASE_OUTCOME_COUNTS} from assessment_case`);
  const district = toCaseOutcomeCounts(districtRow);
  const cases = townRows.reduce((sum, row) => sum + row.cases, 0);
  return {
    period: period.label,
    cutoff,
    cases,
    units: results.filter((row) => row.kind === 'unit').length,
    district: { counts: district, rates: caseRates(district) },
    notice: district.cases === 0 ? `no cases in ${period.label}: every rate is empty` : null,
  };
}

/** Days of the period up to the cutoff. */
function elapsedDays(period: Period, cutoff: Date): number {
  return Math.max(1, Math.round((cutoff.getTime() - period.start.getTime()) / 86_400_000));
}

/**
 * Grid workers: days each assigned grid was visited (accepted GPS positions
 * in the grid when worker positions are recorded, else days with a patrol
 * report from the grid), reports filed, and cases of their grids resolved at
 * the village level without escalation (小事不出网格).
 */
async function gridWorkers(db: Queryable, period: Period, cutoff: Date): Promise<ResultRow[]> {
  const [{ positions } = { positions: false }] = await db.query<{ positions: boolean }>(
    sql`select to_regclass('worker_position') is not null as positions`,
  );
  const visits = positions
    ? sql`select user_id, grid_code, count(distinct (recorded_at at time zone 'Asia/Shanghai')::date) as days
          from worker_position where accepted and grid_code is not null and recorded_at >= ${period.start} and recorded_at < ${cutoff}
          group by 1, 2`
    : sql`select created_by_user_id as user_id, grid_code, count(distinct (created_at at time zone 'Asia/Shanghai')::date) as days
          from cases where channel = 'patrol' and created_by_user_id is not null and created_at >= ${period.start} and created_at < ${cutoff}
          group by 1, 2`;
  const days = elapsedDays(period, cutoff);
  const rows = await db.query<{
    user_id: number;
    name: string;
    village: string | null;
    grids: number;
    visit_days: number;
    reports: number;
    resolved_in_grid: number;
  }>(sql`
    with assigned as (select ga.user_id, ga.grid_code from grid_assignment ga where ga.duty = 'grid_worker'),
    visits as (${visits}),
    reports as (
      select created_by_user_id as user_id, count(*) as reports from cases
      where created_by_user_id is not null and created_at >= ${period.start} and created_at < ${cutoff} group by 1
    ),
    resolved as (
      select c.grid_code, count(*) as resolved from cases c join unit ru on ru.id = c.resolved_by_unit_id
      where ru.kind in ('village_station', 'liaison_point') and c.escalation_count = 0
        and c.resolved_at >= ${period.start} and c.resolved_at < ${cutoff}
      group by 1
    ),
    per_worker as (
      select a.user_id, count(*) as grids, coalesce(sum(least(vi.days, ${days}::int)), 0) as visit_days,
             coalesce(sum(rs.resolved), 0) as resolved_in_grid
      from assigned a
      left join visits vi on vi.user_id = a.user_id and vi.grid_code = a.grid_code
      left join resolved rs on rs.grid_code = a.grid_code
      group by a.user_id
    )
    select w.user_id, u.display_name as name, v.name as village, w.grids, w.visit_days, coalesce(r.reports, 0) as reports,
           w.resolved_in_grid
    from per_worker w join app_user u on u.id = w.user_id and u.active
    left join region v on v.code = u.region_code
    left join reports r on r.user_id = w.user_id`);
  const entries = rows.map((row) => {
    const coverage = row.grids > 0 ? row.visit_days / (row.grids * days) : null;
    return { row, coverage };
  });
  const order = [...entries].sort((a, b) => (b.coverage ?? -1) - (a.coverage ?? -1) || b.row.reports - a.row.reports);
  let rank = 0;
  return order.map(({ row, coverage }, index) => {
    if (coverage !== null && (index === 0 || order[index - 1]!.coverage !== coverage)) rank = index + 1;
    return {
      kind: 'grid_worker' as const,
      key: String(row.user_id),
      name: row.name,
      parent: row.village,
      counts: {
        grids: row.grids,
        visitDays: row.visit_days,
        periodDays: days,
        reports: row.reports,
        resolvedInGrid: row.resolved_in_grid,
        source: positions ? 'positions' : 'patrol_reports',
      },
      rates: { coverage },
      score: coverage === null ? null : coverage * 100,
      rank: coverage === null ? null : rank,
      tooFew: false,
    };
  });
}

/** Village stations (their cadres) by points: 积分制. */
async function villageCadres(db: Queryable, period: Period, cutoff: Date, rules: PointRules): Promise<ResultRow[]> {
  const rows = await db.query<{
    unit_id: number;
    name: string;
    town: string | null;
    cadres: string | null;
    resolved_in_village: number;
    resolved_on_time: number;
    satisfied: number;
    unsatisfied: number;
    patrol_reports: number;
    yellow_cards: number;
    red_cards: number;
  }>(sql`
    with resolved as (
      select c.resolved_by_unit_id as unit_id, count(*) as resolved_in_village,
             count(*) filter (where c.resolved_at <= c.answer_deadline_at) as resolved_on_time,
             count(*) filter (where c.satisfaction in ('satisfied', 'basically_satisfied')) as satisfied,
             count(*) filter (where c.satisfaction = 'unsatisfied' or c.redo_count > 0) as unsatisfied
      from cases c where c.resolved_at >= ${period.start} and c.resolved_at < ${cutoff} and c.resolved_by_unit_id is not null
      group by 1
    ),
    patrol as (
      select village_code, count(*) as patrol_reports from cases
      where channel = 'patrol' and created_at >= ${period.start} and created_at < ${cutoff} group by 1
    ),
    cards as (
      select unit_id, count(*) filter (where colour = 'yellow') as yellow_cards, count(*) filter (where colour = 'red') as red_cards
      from card where threshold_at >= ${period.start} and threshold_at < ${cutoff} group by 1
    )
    select u.id as unit_id, u.name, t.name as town,
           (select string_agg(a.display_name, '、' order by a.id) from app_user a where a.unit_id = u.id and a.role = 'village_cadre' and a.active) as cadres,
           coalesce(r.resolved_in_village, 0) as resolved_in_village, coalesce(r.resolved_on_time, 0) as resolved_on_time,
           coalesce(r.satisfied, 0) as satisfied, coalesce(r.unsatisfied, 0) as unsatisfied,
           coalesce(p.patrol_reports, 0) as patrol_reports, coalesce(k.yellow_cards, 0) as yellow_cards, coalesce(k.red_cards, 0) as red_cards
    from unit u
    left join region v on v.code = u.region_code left join region t on t.code = v.parent_code
    left join resolved r on r.unit_id = u.id left join patrol p on p.village_code = u.region_code left join cards k on k.unit_id = u.id
    where u.kind = 'village_station' and u.active`);
  const scored = rows
    .map((row) => {
      const points = cadrePoints(
        {
          resolvedInVillage: row.resolved_in_village,
          resolvedOnTime: row.resolved_on_time,
          satisfied: row.satisfied,
          unsatisfied: row.unsatisfied,
          patrolReport: row.patrol_reports,
          yellowCard: row.yellow_cards,
          redCard: row.red_cards,
        },
        rules,
      );
      return { row, points };
    })
    .sort((a, b) => b.points.total - a.points.total || a.row.unit_id - b.row.unit_id);
  let rank = 0;
  return scored.map(({ row, points }, index) => {
    if (index === 0 || scored[index - 1]!.points.total !== points.total) rank = index + 1;
    return {
      kind: 'village_cadre' as const,
      key: String(row.unit_id),
      name: row.cadres ? `${row.name}（${row.cadres}）` : row.name,
      parent: row.town,
      counts: {
        resolvedInVillage: row.resolved_in_village,
        resolvedOnTime: row.resolved_on_time,
        satisfied: row.satisfied,
        unsatisfied: row.unsatisfied,
        patrolReport: row.patrol_reports,
        yellowCard: row.yellow_cards,
        redCard: row.red_cards,
      },
      rates: { points: points.items },
      score: points.total,
      rank,
      tooFew: false,
    };
  });
}

export interface AssessmentEntry {
  kind: SubjectKind;
  key: string;
  name: string;
  parent: string | null;
  counts: Record<string, number | string>;
  rates: Record<string, unknown>;
  score: number | null;
  rank: number | null;
  tooFew: boolean;
}

export async function readAssessment(db: Queryable, runId: number, kind?: SubjectKind): Promise<AssessmentEntry[]> {
  const rows = await db.query<{
    subject_kind: SubjectKind;
    subject_key: string;
    subject_name: string;
    parent_name: string | null;
    counts: Record<string, number | string>;
    rates: Record<string, unknown>;
    score: number | null;
    rank: number | null;
    too_few: boolean;
  }>(sql`
    select subject_kind, subject_key, subject_name, parent_name, counts, rates, score, rank, too_few
    from assessment_result where run_id = ${runId} ${kind ? sql`and subject_kind = ${kind}` : sql``}
    order by subject_kind, too_few, rank nulls last, score desc nulls last, subject_name`);
  return rows.map((row) => ({
    kind: row.subject_kind,
    key: row.subject_key,
    name: row.subject_name,
    parent: row.parent_name,
    counts: row.counts,
    rates: row.rates,
    score: row.score,
    rank: row.rank,
    tooFew: row.too_few,
  }));
}

export const DRILL_METRICS = [
  'cases',
  'resolved',
  'resolvedOnTime',
  'resolvedLate',
  'openOverdue',
  'unsatisfied',
  'redone',
  'cards',
] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];

/** The cases behind one number of the assessment (as of now), for drill-down. */
export function drillCondition(kind: SubjectKind, key: string, metric: DrillMetric, period: Period, cutoff: Date): SqlFragment {
  let subject: SqlFragment;
  if (kind === 'unit') subject = sql`coalesce(c.resolved_by_unit_id, c.owner_unit_id) = ${Number(key)}`;
  else if (kind === 'town') subject = sql`c.town_code = ${key}`;
  else if (kind === 'village') subject = sql`c.village_code = ${key}`;
  else if (kind === 'village_cadre') subject = sql`c.resolved_by_unit_id = ${Number(key)}`;
  else subject = sql`c.created_by_user_id = ${Number(key)}`;
  if (!/^[0-9]{1,15}$/.test(key))
    throw new InvalidInputError(`subject key ${key} is not a unit id or region code`, 'invalid_subject');
  const created = receivedCases(period.start, cutoff);
  if (metric === 'cards') {
    const cardUnit = kind === 'unit' || kind === 'village_cadre' ? sql`k.unit_id = ${Number(key)}` : subject;
    return sql`exists (select 1 from card k where k.case_id = c.id and k.threshold_at >= ${period.start} and k.threshold_at < ${cutoff}
                       and ${cardUnit})`;
  }
  const conditions: Record<Exclude<DrillMetric, 'cards'>, SqlFragment> = {
    cases: sql`true`,
    resolved: resolvedBy(cutoff),
    resolvedOnTime: resolvedOnTimeBy(cutoff),
    resolvedLate: resolvedLateBy(cutoff),
    openOverdue: openOverdueAt(cutoff),
    unsatisfied: sql`(c.satisfaction = 'unsatisfied' or c.redo_count > 0)`,
    redone: sql`c.redo_count > 0`,
  };
  return sql`${subject} and ${created} and ${conditions[metric]}`;
}
