/**
 * What the map wall reads besides tiles and the live stream: the numbers
 * beside the map, the feed it opens with, the case list (urgent first), the
 * load of each grid, one grid or one case in detail, where each worker is,
 * and the cases of a time window for play-back. Nothing personal: no
 * reporter, no description, no address; titles and notes with phone and ID
 * numbers masked; units rather than the people who acted.
 *
 * Reads that every wall repeats (numbers, grid loads) are kept a few seconds
 * per process, so ten walls cost the database what one does.
 */
import { sql, type Queryable } from '@minqing/db';
import { caseRates, CHANNELS, chinaDate, chinaMidnight, type CaseEventKind, type CaseState } from '@minqing/shared';
import {
  CASE_OUTCOME_COUNTS,
  caseOutcomeColumns,
  countingCutoff,
  receivedCases,
  toCaseOutcomeCounts,
  type CaseOutcomeRow,
} from '../analytics/case-outcomes.ts';
import { periodOf } from '../analytics/periods.ts';
import { NotFoundError } from '../errors.ts';
import { caseFilterCondition, caseFilterKey, isOpenOnly, type CaseFilter } from '../tiles/case-filter.ts';
import { maskFreeText } from './free-text-masking.ts';
import {
  CASE_DEADLINE,
  publicCaseEvent,
  readRecentCaseEvents,
  toWallCase,
  WALL_CASE_COLUMNS,
  WALL_CASE_JOINS,
  type WallCase,
  type WallCaseEvent,
  type WallCaseRow,
} from './wall-events.ts';

/** The day and month of the numbers are those of the district's clock. */
export const WALL_TIME_ZONE = 'Asia/Shanghai';
const OPEN = sql.unsafeRaw("('registered', 'dispatched', 'accepted', 'in_progress')");

/**
 * Values kept for a few seconds, shared by every wall this process serves.
 * Keys carry the clock's slice (`ShortCache.slice`), so a clock that jumps
 * (tests move it by days) never reads a value of another time.
 */
export class ShortCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; until: number }>();
  constructor(private readonly seconds: number) {}

  /** The clock's slice of `seconds` as a key part. */
  static slice(now: Date, seconds: number): string {
    return String(Math.floor(now.getTime() / (seconds * 1000)));
  }

  get(key: string, make: () => Promise<T>): Promise<T> {
    const now = performance.now();
    const entry = this.entries.get(key);
    if (entry && entry.until > now) return entry.value;
    const value = make();
    this.entries.set(key, { value, until: now + this.seconds * 1000 });
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > 200) {
      for (const [oldKey, old] of this.entries) if (old.until <= now) this.entries.delete(oldKey);
    }
    return value;
  }
}

// ------------------------------------------------------------------- numbers

export interface WallSummary {
  at: string;
  today: { total: number; byChannel: Record<string, number> };
  open: number;
  overdue: number;
  urgent: number;
  /** Open cases holding a yellow card (and no red). */
  yellow: number;
  /** Open cases holding a red card. */
  red: number;
  /**
   * This month (China time) as the leaders' assessment counts it district-wide
   * (case-outcomes.ts, `caseRates` of @minqing/shared; ADR 0006): the same
   * numbers as the assessment of the month.
   */
  month: {
    /** Cases received since the first of the month (a duplicate of another case not counted). */
    received: number;
    /** Of those, resolved by now (办结). */
    done: number;
    /** 办结率: done ÷ received; null with nothing received. */
    closureRate: number | null;
    /** 按期办结率: resolved by the answer deadline ÷ (done + open and past the answer deadline). */
    onTimeRate: number | null;
    /** 满意率: satisfied or basically satisfied ÷ rated at callback. */
    satisfactionRate: number | null;
    rated: number;
  };
}

export async function wallSummary(db: Queryable, now: Date): Promise<WallSummary> {
  const month = periodOf('month', chinaDate(now));
  const cutoff = countingCutoff(month, now);
  const [row] = await db.query<
    {
      by_channel: Record<string, number> | null;
      open: number;
      overdue: number;
      urgent: number;
      yellow: number;
      red: number;
    } & CaseOutcomeRow
  >(sql`
    with open_cases as (
      select count(*)::int as open,
        (count(*) filter (where ${CASE_DEADLINE} < ${now}::timestamptz))::int as overdue,
        (count(*) filter (where c.urgency = 'urgent'))::int as urgent,
        (count(*) filter (where c.card_colour = 'yellow'))::int as yellow,
        (count(*) filter (where c.card_colour = 'red'))::int as red
      from cases c where c.state in ${OPEN}
    ),
    month as (
      select ${CASE_OUTCOME_COUNTS}
      from (select ${caseOutcomeColumns(cutoff)} from cases c where ${receivedCases(month.start, cutoff)}) as outcome
    )
    select
      (select json_object_agg(channel, n) from (
         select c.channel, count(*)::int as n from cases c
         where c.created_at >= ${chinaMidnight(chinaDate(now))} and c.created_at <= ${now}::timestamptz group by c.channel) as today) as by_channel,
      open_cases.*, month.*
    from open_cases, month`);
  const byChannel = Object.fromEntries(CHANNELS.map((channel) => [channel, Number(row?.by_channel?.[channel] ?? 0)]));
  const total = Object.values(byChannel).reduce((sum, count) => sum + count, 0);
  const counts = toCaseOutcomeCounts(row);
  return {
    at: now.toISOString(),
    today: { total, byChannel },
    open: row?.open ?? 0,
    overdue: row?.overdue ?? 0,
    urgent: row?.urgent ?? 0,
    yellow: row?.yellow ?? 0,
    red: row?.red ?? 0,
    month: { received: counts.cases, done: counts.resolved, ...caseRates(counts), rated: counts.rated },
  };
}

// ---------------------------------------------------------------------- feed

export type PublicCaseEvent = Omit<WallCaseEvent, 'scope'>;

export async function wallFeed(db: Queryable, limit: number, now: Date): Promise<PublicCaseEvent[]> {
  return (await readRecentCaseEvents(db, limit, now)).map(publicCaseEvent);
}

// --------------------------------------------------------------------- cases

/** Open cases matching the filter: urgent ones first (newest first), then the newest of the rest. */
export async function wallQueue(db: Queryable, filter: CaseFilter, limit: number, now: Date): Promise<WallCase[]> {
  const condition = caseFilterCondition(filter);
  const open = isOpenOnly(filter) ? sql`and c.state in ${OPEN}` : sql.empty;
  const [urgent, rest] = await Promise.all([
    db.query<WallCaseRow>(sql`
      select ${WALL_CASE_COLUMNS} from cases c ${WALL_CASE_JOINS}
      where c.urgency = 'urgent' ${open} and ${condition}
      order by c.created_at desc limit ${limit}::int`),
    db.query<WallCaseRow>(sql`
      select ${WALL_CASE_COLUMNS} from cases c ${WALL_CASE_JOINS}
      where c.urgency <> 'urgent' ${open} and ${condition}
      order by c.created_at desc limit ${limit}::int`),
  ]);
  return [...urgent, ...rest].slice(0, limit).map((row) => toWallCase(row, now));
}

export interface WallTimelineEntry {
  id: number;
  kind: CaseEventKind;
  at: string;
  fromState: CaseState | null;
  toState: CaseState | null;
  /** Units, not people: the wall names no one. */
  actorUnit: string | null;
  fromUnit: string | null;
  toUnit: string | null;
  /** Masked. */
  note: string | null;
  colour: 'yellow' | 'red' | null;
}

export interface WallCaseDetail extends WallCase {
  villageName: string | null;
  answerDeadlineAt: string | null;
  resolvedAt: string | null;
  raisedCount: number;
  timeline: WallTimelineEntry[];
}

export async function wallCase(db: Queryable, caseId: number, now: Date): Promise<WallCaseDetail> {
  const [row] = await db.query<
    WallCaseRow & { village_name: string | null; answer_deadline_at: Date | null; resolved_at: Date | null; raised_count: number }
  >(sql`
    select ${WALL_CASE_COLUMNS}, village.name as village_name, c.answer_deadline_at, c.resolved_at, c.raised_count
    from cases c ${WALL_CASE_JOINS} left join region village on village.code = c.village_code
    where c.id = ${caseId}`);
  if (!row) throw new NotFoundError(`case ${caseId} does not exist`);
  const events = await db.query<{
    id: number;
    kind: CaseEventKind;
    occurred_at: Date;
    from_state: CaseState | null;
    to_state: CaseState | null;
    actor_unit: string | null;
    from_unit: string | null;
    to_unit: string | null;
    note: string | null;
    colour: string | null;
  }>(sql`
    select e.id, e.kind, e.occurred_at, e.from_state, e.to_state, au.name as actor_unit, fu.name as from_unit,
      tu.name as to_unit, e.note, e.data->>'colour' as colour
    from case_event e
    left join unit au on au.id = e.actor_unit_id
    left join unit fu on fu.id = e.from_unit_id
    left join unit tu on tu.id = e.to_unit_id
    where e.case_id = ${caseId}
    order by e.occurred_at, e.id`);
  return {
    ...toWallCase(row, now),
    villageName: row.village_name,
    answerDeadlineAt: row.answer_deadline_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    raisedCount: row.raised_count,
    timeline: events.map((event) => ({
      id: event.id,
      kind: event.kind,
      at: event.occurred_at.toISOString(),
      fromState: event.from_state,
      toState: event.to_state,
      actorUnit: event.actor_unit,
      fromUnit: event.from_unit,
      toUnit: event.to_unit,
      note: maskFreeText(event.note),
      colour: event.colour === 'yellow' || event.colour === 'red' ? event.colour : null,
    })),
  };
}

// --------------------------------------------------------------------- grids

export interface GridLoad {
  code: string;
  households: number;
  open: number;
  overdue: number;
  /** Open cases per 100 households (0 for a grid without households). */
  load: number;
}

/** Every current grid with its open and overdue cases under the filter (grids with none included). */
export async function gridLoads(db: Queryable, filter: CaseFilter, now: Date): Promise<GridLoad[]> {
  const open = isOpenOnly(filter) ? sql`and c.state in ${OPEN}` : sql.empty;
  const rows = await db.query<{ code: string; households: number; open: number; overdue: number }>(sql`
    select g.code, g.households, coalesce(counts.open, 0)::int as open, coalesce(counts.overdue, 0)::int as overdue
    from grid g
    left join (
      select c.grid_code, count(*) as open,
        count(*) filter (where c.state in ${OPEN} and ${CASE_DEADLINE} < ${now}::timestamptz) as overdue
      from cases c
      where c.grid_code is not null ${open} and ${caseFilterCondition(filter)}
      group by c.grid_code
    ) as counts on counts.grid_code = g.code
    where g.valid_to is null
    order by g.code`);
  return rows.map((row) => ({
    code: row.code,
    households: row.households,
    open: row.open,
    overdue: row.overdue,
    load: row.households > 0 ? Math.round((row.open / row.households) * 100 * 100) / 100 : 0,
  }));
}

export function gridLoadsKey(filter: CaseFilter): string {
  return caseFilterKey(filter);
}

export interface WallWorker {
  userId: number;
  name: string;
  gridCode: string | null;
  lon: number;
  lat: number;
  accuracy: number | null;
  at: string;
}

export interface WallGridDetail {
  code: string;
  name: string;
  households: number;
  population: number;
  village: { code: string; name: string };
  town: { code: string; name: string } | null;
  counts: { open: number; overdue: number; urgent: number; yellow: number; red: number; thisMonth: number };
  workers: (Omit<WallWorker, 'lon' | 'lat' | 'accuracy' | 'at'> & {
    lastSeenAt: string | null;
    lon: number | null;
    lat: number | null;
  })[];
  openCases: WallCase[];
}

export async function wallGrid(db: Queryable, code: string, now: Date): Promise<WallGridDetail> {
  const [grid] = await db.query<{
    code: string;
    name: string;
    households: number;
    population: number;
    village_code: string;
    village_name: string;
    town_code: string | null;
    town_name: string | null;
  }>(sql`
    select g.code, g.name, g.households, g.population, g.village_code, v.name as village_name, t.code as town_code, t.name as town_name
    from grid g join region v on v.code = g.village_code left join region t on t.code = v.parent_code
    where g.code = ${code} and g.valid_to is null`);
  if (!grid) throw new NotFoundError(`grid ${code} does not exist (or is no longer current)`);
  const [[counts], workers, cases] = await Promise.all([
    db.query<WallGridDetail['counts']>(sql`
      select (count(*) filter (where c.state in ${OPEN}))::int as open,
        (count(*) filter (where c.state in ${OPEN} and ${CASE_DEADLINE} < ${now}::timestamptz))::int as overdue,
        (count(*) filter (where c.state in ${OPEN} and c.urgency = 'urgent'))::int as urgent,
        (count(*) filter (where c.state in ${OPEN} and c.card_colour = 'yellow'))::int as yellow,
        (count(*) filter (where c.state in ${OPEN} and c.card_colour = 'red'))::int as red,
        (count(*) filter (where c.created_at >= date_trunc('month', ${now}::timestamptz at time zone ${WALL_TIME_ZONE}) at time zone ${WALL_TIME_ZONE}))::int as "thisMonth"
      from cases c where c.grid_code = ${code}`),
    db.query<{ user_id: number; name: string; recorded_at: Date | null; lon: number | null; lat: number | null }>(sql`
      select u.id as user_id, u.display_name as name, l.recorded_at, ST_X(l.location) as lon, ST_Y(l.location) as lat
      from grid_assignment a join app_user u on u.id = a.user_id
      left join worker_last_position l on l.user_id = u.id
      where a.grid_code = ${code} and u.active
      order by a.duty, u.display_name`),
    db.query<WallCaseRow>(sql`
      select ${WALL_CASE_COLUMNS} from cases c ${WALL_CASE_JOINS}
      where c.grid_code = ${code} and c.state in ${OPEN}
      order by c.urgency = 'urgent' desc, c.created_at desc limit 50`),
  ]);
  return {
    code: grid.code,
    name: grid.name,
    households: grid.households,
    population: grid.population,
    village: { code: grid.village_code, name: grid.village_name },
    town: grid.town_code ? { code: grid.town_code, name: grid.town_name ?? '' } : null,
    counts: counts!,
    workers: workers.map((worker) => ({
      userId: worker.user_id,
      name: worker.name,
      gridCode: code,
      lastSeenAt: worker.recorded_at?.toISOString() ?? null,
      lon: worker.lon === null ? null : Number(worker.lon),
      lat: worker.lat === null ? null : Number(worker.lat),
    })),
    openCases: cases.map((row) => toWallCase(row, now)),
  };
}

// ------------------------------------------------------------------- workers

/** Where each grid worker seen in the last day is now. */
export async function wallWorkers(db: Queryable, now: Date): Promise<WallWorker[]> {
  const rows = await db.query<{
    user_id: number;
    name: string;
    grid_code: string | null;
    lon: number;
    lat: number;
    accuracy_m: number | null;
    recorded_at: Date;
  }>(sql`
    select l.user_id, u.display_name as name, l.grid_code, ST_X(l.location) as lon, ST_Y(l.location) as lat, l.accuracy_m, l.recorded_at
    from worker_last_position l join app_user u on u.id = l.user_id
    where u.active and u.role = 'grid_worker' and l.recorded_at > ${now}::timestamptz - interval '24 hours'
    order by l.user_id`);
  return rows.map((row) => ({
    userId: row.user_id,
    name: row.name,
    gridCode: row.grid_code,
    lon: Number(row.lon),
    lat: Number(row.lat),
    accuracy: row.accuracy_m === null ? null : Math.round(Number(row.accuracy_m)),
    at: row.recorded_at.toISOString(),
  }));
}

// ------------------------------------------------------------------ play-back

/** One case in play-back, as a row: [id, lon, lat, created (epoch ms), urgent (0/1), state, card, category]. */
export type PlaybackCase = [number, number, number, number, 0 | 1, CaseState, 'none' | 'yellow' | 'red', string];

export const MAX_PLAYBACK_CASES = 50_000;

export async function wallPlayback(
  db: Queryable,
  filter: CaseFilter,
  since: Date,
  until: Date,
): Promise<{ since: string; until: string; cases: PlaybackCase[]; truncated: boolean }> {
  const rows = await db.query<{
    id: number;
    lon: number;
    lat: number;
    created: number;
    urgent: boolean;
    state: CaseState;
    card: 'none' | 'yellow' | 'red';
    category: string;
  }>(sql`
    select c.id, ST_X(c.location) as lon, ST_Y(c.location) as lat, (extract(epoch from c.created_at) * 1000)::int8 as created,
      c.urgency = 'urgent' as urgent, c.state, coalesce(c.card_colour, 'none') as card, c.category_code as category
    from cases c
    where c.created_at >= ${since} and c.created_at < ${until} and c.location is not null and ${caseFilterCondition(filter)}
    order by c.created_at, c.id
    limit ${MAX_PLAYBACK_CASES + 1}::int`);
  const truncated = rows.length > MAX_PLAYBACK_CASES;
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    truncated,
    cases: rows
      .slice(0, MAX_PLAYBACK_CASES)
      .map((row) => [
        row.id,
        Math.round(Number(row.lon) * 1e6) / 1e6,
        Math.round(Number(row.lat) * 1e6) / 1e6,
        Number(row.created),
        row.urgent ? 1 : 0,
        row.state,
        row.card,
        row.category,
      ]),
  };
}
