/**
 * Generated case history for the demo district: years of background cases
 * spread over the district by households, plus planted patterns the
 * analytics must find again —
 *
 * - a hot spot: a burst of environment complaints around one community in
 *   the last weeks (Gi*, DBSCAN, an emerging "new" or "consecutive" hot spot);
 * - common problems (PLANTED_PROBLEMS): one underlying problem worded
 *   differently by residents of different villages, after the seeds' 万州
 *   房产证 legacy problem.
 *
 * Everything is inserted set-based in SQL inside one transaction (temporary
 * tables and a temporary random function live on its connection), from a
 * seeded hash so the same options give the same cases. Tracking codes carry
 * the truth: background `H<seed>-…`, planted problems `CP1-…`, the hot spot
 * `HS1-…`. With `events`, the trace (registered, dispatch, accept, resolve,
 * callback, redo) and the cards are written too, so rankings have something
 * to count.
 */
import { sql, type Database, type Queryable, type SqlFragment } from '@minqing/db';
import { BACKGROUND_TEXTS, FILLERS, GENERIC_TEXTS, PLANTED_PROBLEMS, type PlantedProblem } from './history-texts.ts';

export interface CaseHistoryOptions {
  /** Background cases (not counting planted ones). */
  cases: number;
  /** The history ends here (the "now" of the generated data). */
  end: Date;
  /** It spans this many days before `end`. */
  days: number;
  seed?: number;
  /** Plant the hot spot (default true). */
  hotspot?: boolean;
  /** Cases of the planted hot spot (default 240). */
  hotspotCases?: number;
  /** Plant the common problems (default true). */
  problems?: boolean;
  /** Write the trace and the cards too (default true; off for bulk benchmarks). */
  events?: boolean;
  /** Cases per INSERT statement (default 200,000). */
  batchSize?: number;
}

export interface CaseHistorySummary {
  cases: number;
  background: number;
  hotspot: { prefix: string; cases: number; villageCode: string; villageName: string; grids: string[] } | null;
  problems: { prefix: string; title: string; cases: number }[];
  events: number;
  cards: number;
  seconds: number;
}

/** Where the hot spot is planted: 沙河街道凤仙路社区 of the demo district (falls back to the first community). */
const HOTSPOT_VILLAGE_NAME = '凤仙路社区';
const HOTSPOT_RADIUS_METRES = 700;
const HOTSPOT_WEEKS = 6;

/** Relative frequency of each subcategory in the background (default 1). */
const CATEGORY_WEIGHTS: Record<string, number> = {
  '0401': 6,
  '0402': 4,
  '0403': 4,
  '0602': 5,
  '0601': 4,
  '0502': 3,
  '0501': 3,
  '0902': 3,
  '0901': 2,
  '0302': 3,
  '1001': 3,
  '0803': 3,
  '1502': 2,
  '0103': 2,
  '0101': 2,
};

const CHANNELS: [string, number][] = [
  ['hotline', 45],
  ['liaison_point', 15],
  ['wechat', 10],
  ['patrol', 12],
  ['web', 8],
  ['market_day', 4],
  ['sms', 3],
  ['mayor_mailbox', 3],
];

const DAY_MS = 86_400_000;

/**
 * A random number in [0, 1) from (seed, n, salt): the same inputs, the same
 * number, on both engines. An integer hash (multiply, xor-shift, multiply:
 * a 31-bit cousin of MurmurHash's finaliser) — plain bigint arithmetic, ten
 * times cheaper than md5, which matters at a million cases.
 */
const RANDOM_FUNCTION = `
  create or replace function pg_temp.history_random(seed integer, n bigint, salt integer) returns double precision
  language sql immutable as $$
    select ((h # (h >> 15)) % 2147483648)::float8 / 2147483648.0
    from (select ((g # (g >> 13)) * 1274126177) % 2147483648 as h
          from (select (((n % 2147483648) * 1103515245 + salt::bigint * 2654435761 + seed::bigint * 40503) % 2147483648) as g) as a) as b
  $$`;

const r = (salt: number, n: SqlFragment = sql`p.n`) => sql`pg_temp.history_random(${SEED_PARAMETER}, ${n}, ${salt})`;
// The seed is bound once per statement through a temporary table row, so fragments need no parameter of their own.
const SEED_PARAMETER = sql`(select seed from history_settings)`;

/** Fills {village} {group} {n} {time} {ask} in a text picked from `texts` (a text[] expression). */
function filledText(texts: SqlFragment, n: SqlFragment): SqlFragment {
  return sql`replace(replace(replace(replace(replace(
      (select opening[1 + floor(${r(16, n)} * array_length(opening, 1))::int] from history_settings) ||
      (${texts})[1 + floor(${r(11, n)} * array_length(${texts}, 1))::int],
      '{village}', v.name),
      '{group}', (1 + floor(${r(12, n)} * 9))::int || '组'),
      '{n}', (2 + floor(${r(13, n)} * 7))::int::text),
      '{time}', (select time[1 + floor(${r(14, n)} * array_length(time, 1))::int] from history_settings)),
      '{ask}', (select ask[1 + floor(${r(15, n)} * array_length(ask, 1))::int] from history_settings))`;
}

/**
 * The INSERT shared by background and planted cases. `source` is a query
 * giving per case: n (a unique number), tracking_code, created_at, building_id,
 * category_code and texts (text[]).
 */
function insertCases(source: SqlFragment): SqlFragment {
  return sql`
    with p as materialized (${source}),
    placed as materialized (
      select p.*, b.location as building_location, b.village_code, b.grid_code, left(b.village_code, 9) || '000' as town_code,
             c.routing, c.department_unit_id, coalesce(c.answer_working_days, 3) as answer_days
      from p join history_building b on b.id = p.building_id join category c on c.code = p.category_code
    ),
    owned as materialized (
      select placed.*,
             coalesce(case placed.routing when 'village' then vs.unit_id when 'town' then tc.unit_id else placed.department_unit_id end,
                      (select id from unit where kind = 'command_center' order by id limit 1)) as owner_unit_id,
             (select channels[1 + floor(${r(3, sql`placed.n`)} * array_length(channels, 1))::int] from history_settings) as channel
      from placed
      left join history_station vs on vs.region_code = placed.village_code
      left join history_town_centre tc on tc.region_code = placed.town_code
    ),
    timed as materialized (
      select o.*,
             -- Each unit has its own pace: mean days to resolve between 1 and 5.
             (-ln(1 - ${r(4, sql`o.n`)}) * (1 + 4 * pg_temp.history_random(${SEED_PARAMETER}, o.owner_unit_id, 99))) as resolve_days,
             (1 + floor(${r(5, sql`o.n`)} * 3)) as callback_days,
             ${r(6, sql`o.n`)} as satisfaction_draw,
             o.created_at + (o.answer_days * 1.4 * interval '1 day') as answer_deadline_at
      from owned o
    ),
    finished as materialized (
      select t.*,
             case when t.created_at + t.resolve_days * interval '1 day' < (select end_at from history_settings)
                  then t.created_at + t.resolve_days * interval '1 day' end as resolved_at
      from timed t
    ),
    closed as materialized (
      select f.*,
             case when f.resolved_at is not null and f.resolved_at + f.callback_days * interval '1 day' < (select end_at from history_settings)
                  then f.resolved_at + f.callback_days * interval '1 day' end as closed_at
      from finished f
    )
    insert into cases (tracking_code, channel, category_code, urgency, title, description, location, address, grid_code, village_code,
                       town_code, state, owner_unit_id, received_at, sign_deadline_at, answer_deadline_at, redo_count, resolution,
                       resolved_by_unit_id, satisfaction, closure_reason, created_by_user_id, created_at, resolved_at, closed_at, updated_at)
    select k.tracking_code, k.channel, k.category_code, 'normal', left(k.text, 40), k.text,
           ST_SetSRID(ST_MakePoint(ST_X(k.building_location) + (${r(7, sql`k.n`)} - 0.5) * 0.0006,
                                   ST_Y(k.building_location) + (${r(8, sql`k.n`)} - 0.5) * 0.0005), 4326),
           null, k.grid_code, k.village_code, k.town_code,
           case when k.closed_at is not null then 'closed' when k.resolved_at is not null then 'resolved'
                when k.created_at > (select end_at from history_settings) - interval '1 day' then 'dispatched' else 'in_progress' end,
           k.owner_unit_id, k.created_at,
           case when k.resolved_at is null and k.created_at > (select end_at from history_settings) - interval '1 day'
                then k.created_at + interval '1.4 day' end,
           k.answer_deadline_at,
           case when k.closed_at is not null and k.satisfaction_draw >= 0.95 then 1 else 0 end,
           case when k.resolved_at is not null then '已处理 / handled' end,
           case when k.resolved_at is not null then k.owner_unit_id end,
           case when k.closed_at is null then null when k.satisfaction_draw < 0.82 then 'satisfied'
                when k.satisfaction_draw < 0.95 then 'basically_satisfied'
                -- Redone after an unsatisfied callback; the second callback was basically satisfied.
                else 'basically_satisfied' end,
           case when k.closed_at is not null then 'callback' end,
           case when k.channel = 'patrol' then (select ga.user_id from grid_assignment ga where ga.grid_code = k.grid_code and ga.duty = 'grid_worker' order by ga.user_id limit 1) end,
           k.created_at, k.resolved_at, k.closed_at, coalesce(k.closed_at, k.resolved_at, k.created_at)
    from (select c.*, ${filledText(sql`c.texts`, sql`c.n`)} as text from closed c join region v on v.code = c.village_code) k`;
}

async function prepareSession(tx: Queryable, options: Required<CaseHistoryOptions>): Promise<void> {
  // Compiling these long statements with JIT takes seconds and gains nothing.
  await tx.query(sql`set local jit = off`);
  await tx.query(sql.unsafeRaw(RANDOM_FUNCTION));
  await tx.query(sql`
    create temporary table history_settings on commit drop as
    select ${options.seed}::int as seed, ${options.end}::timestamptz as end_at, ${options.days}::float8 as days,
           ${FILLERS.time}::text[] as time, ${FILLERS.ask}::text[] as ask, ${FILLERS.opening}::text[] as opening,
           ${CHANNELS.flatMap(([channel, weight]) => Array.from({ length: weight }, () => channel))}::text[] as channels`);
  // Buildings with their current grid and a running total of households, to draw places by households.
  await tx.query(sql`
    create temporary table history_building on commit drop as
    select b.id, b.location, b.village_code, g.code as grid_code,
           (sum(greatest(b.households, 1)) over (order by b.id))::float8 as upto
    from building b join grid g on g.valid_to is null and ST_Intersects(g.boundary, b.location)`);
  await tx.query(sql`create index on history_building (upto)`);
  await tx.query(sql`create index on history_building (id)`);
  await tx.query(sql`analyze history_building`);
  const leaves = await tx.query<{ code: string }>(
    sql`select code from category where parent_code is not null and active order by code`,
  );
  const categoryRows = leaves.map(({ code }) => sql`(${code}, ${[...(BACKGROUND_TEXTS[code] ?? GENERIC_TEXTS)]}::text[])`);
  if (categoryRows.length === 0) throw new Error('the database has no categories: migrate it first');
  await tx.query(sql`
    create temporary table history_category on commit drop as
    select * from (values ${sql.join(categoryRows)}) as t (code, texts)`);
  // One slot per unit of weight: drawing a slot draws a category by its weight.
  const slots = leaves.flatMap(({ code }) => Array.from({ length: CATEGORY_WEIGHTS[code] ?? 1 }, () => code));
  await tx.query(sql`alter table history_settings add column categories text[]`);
  await tx.query(sql`update history_settings set categories = ${slots}::text[]`);
  await tx.query(sql`
    create temporary table history_station on commit drop as
    select distinct on (region_code) region_code, id as unit_id from unit where kind = 'village_station' and active order by region_code, id`);
  await tx.query(sql`
    create temporary table history_town_centre on commit drop as
    select distinct on (region_code) region_code, id as unit_id from unit where kind = 'town_center' and active order by region_code, id`);
}

async function insertBackground(tx: Queryable, options: Required<CaseHistoryOptions>, startN: number): Promise<number> {
  const [{ total } = { total: 0 }] = await tx.query<{ total: number }>(
    sql`select coalesce(max(upto), 0) as total from history_building`,
  );
  if (total === 0) throw new Error('the database has no buildings in grids: generate the demo district first');
  let inserted = 0;
  for (let from = 0; from < options.cases; from += options.batchSize) {
    const to = Math.min(options.cases, from + options.batchSize);
    const source = sql`
      select p.n, 'H' || ${options.seed}::text || '-' || lpad(p.n::text, 8, '0') as tracking_code,
             (select end_at from history_settings) - ${r(1)} * ${options.days}::float8 * interval '1 day' as created_at,
             (select b.id from history_building b where b.upto > ${r(2)} * ${total}::float8 order by b.upto limit 1) as building_id,
             cat.code as category_code, cat.texts
      from generate_series(${startN + from + 1}::bigint, ${startN + to}::bigint) as p (n)
      cross join history_settings s
      join history_category cat on cat.code = s.categories[1 + floor(${r(9)} * array_length(s.categories, 1))::int]`;
    const rows = await tx.query<{ id: number }>(sql`${insertCases(source)} returning id`);
    inserted += rows.length;
  }
  return inserted;
}

async function insertHotspot(
  tx: Queryable,
  options: Required<CaseHistoryOptions>,
  startN: number,
): Promise<CaseHistorySummary['hotspot']> {
  const [village] = await tx.query<{ code: string; name: string }>(sql`
    select code, name from region where level = 'village'
    order by (name = ${HOTSPOT_VILLAGE_NAME}) desc, (kind = 'community') desc, code limit 1`);
  if (!village) return null;
  await tx.query(sql`
    create temporary table history_pool on commit drop as
    select row_number() over (order by b.id) as rn, b.id
    from history_building b, region v
    where v.code = ${village.code}
      and ST_DWithin(b.location::geography, ST_PointOnSurface(v.boundary)::geography, ${HOTSPOT_RADIUS_METRES})`);
  const [{ pool } = { pool: 0 }] = await tx.query<{ pool: number }>(sql`select count(*) as pool from history_pool`);
  if (pool === 0) return null;
  const codes = ['0401', '0602', '0601', '0403'];
  const source = sql`
    select p.n, 'HS1-' || lpad((p.n - ${startN})::text, 5, '0') as tracking_code,
           (select end_at from history_settings) - ${r(1)} * ${HOTSPOT_WEEKS * 7}::float8 * interval '1 day' as created_at,
           (select id from history_pool where rn = 1 + floor(${r(2)} * ${pool})::int) as building_id,
           (${codes}::text[])[1 + floor(${r(9)} * ${codes.length})::int] as category_code,
           (select texts from history_category c where c.code = (${codes}::text[])[1 + floor(${r(9)} * ${codes.length})::int]) as texts
    from generate_series(${startN + 1}::bigint, ${startN + options.hotspotCases}::bigint) as p (n)`;
  await tx.query(insertCases(source));
  await tx.query(sql`drop table history_pool`);
  const grids = await tx.query<{ grid_code: string }>(sql`
    select grid_code from cases where tracking_code like 'HS1-%' and grid_code is not null
    group by grid_code having count(*) >= 5 order by count(*) desc`);
  return {
    prefix: 'HS1',
    cases: options.hotspotCases,
    villageCode: village.code,
    villageName: village.name,
    grids: grids.map((row) => row.grid_code),
  };
}

async function insertProblem(tx: Queryable, options: Required<CaseHistoryOptions>, problem: PlantedProblem, startN: number) {
  await tx.query(sql`
    create temporary table history_pool on commit drop as
    select row_number() over (order by b.id) as rn, b.id
    from history_building b join region v on v.code = b.village_code join region t on t.code = v.parent_code
    where t.name = any(${[...problem.towns]}::text[])`);
  const [{ pool } = { pool: 0 }] = await tx.query<{ pool: number }>(sql`select count(*) as pool from history_pool`);
  if (pool > 0) {
    const spanDays = Math.min(options.days, problem.sinceMonths * 30.4);
    // The first category most often (60 %), the others for the rest: clerks file one problem under several.
    const source = sql`
      select p.n, ${problem.key} || '-' || lpad((p.n - ${startN})::text, 5, '0') as tracking_code,
             (select end_at from history_settings) - ${r(1)} * ${spanDays}::float8 * interval '1 day' as created_at,
             (select id from history_pool where rn = 1 + floor(${r(2)} * ${pool})::int) as building_id,
             case when ${r(9)} < 0.6 or ${problem.categories.length} = 1 then ${problem.categories[0]!}
                  else (${[...problem.categories]}::text[])[2 + floor(${r(10)} * ${problem.categories.length - 1})::int] end as category_code,
             ${[...problem.texts]}::text[] as texts
      from generate_series(${startN + 1}::bigint, ${startN + problem.cases}::bigint) as p (n)`;
    await tx.query(insertCases(source));
  }
  await tx.query(sql`drop table history_pool`);
  return { prefix: problem.key, title: problem.title, cases: pool > 0 ? problem.cases : 0 };
}

/** The trace and the cards of the cases with id above `afterId`. */
async function insertEventsAndCards(tx: Queryable, afterId: number, end: Date): Promise<{ events: number; cards: number }> {
  const count = async (query: SqlFragment) => (await tx.query<{ id: number }>(sql`${query} returning id`)).length;
  let events = 0;
  const newCases = sql`from cases c where c.id > ${afterId}`;
  events += await count(sql`
    insert into case_event (case_id, kind, to_state, data, occurred_at, actor_user_id)
    select c.id, 'registered', 'registered', jsonb_build_object('channel', c.channel, 'gridCode', c.grid_code), c.created_at, c.created_by_user_id
    ${newCases}`);
  events += await count(sql`
    insert into case_event (case_id, kind, from_state, to_state, to_unit_id, data, occurred_at)
    select c.id, 'dispatch', 'registered', 'dispatched', c.owner_unit_id, '{"routed": true}'::jsonb, c.created_at ${newCases}`);
  // Signing for: each unit has its own pace, between 2 and 40 hours on average — some miss the one-working-day deadline.
  events += await count(sql`
    insert into case_event (case_id, kind, from_state, to_state, to_unit_id, actor_unit_id, occurred_at)
    select c.id, 'accept', 'dispatched', 'accepted', c.owner_unit_id, c.owner_unit_id,
           least(coalesce(c.resolved_at, ${end}::timestamptz) - interval '1 minute',
                 c.created_at + (-ln(1 - pg_temp.history_random(1, c.id, 21)) * (2 + 38 * pg_temp.history_random(1, c.owner_unit_id, 22))) * interval '1 hour')
    ${newCases} and c.state <> 'dispatched'`);
  // A redone case: resolved once, rated unsatisfied, reopened to the same unit, signed for again.
  events += await count(sql`
    insert into case_event (case_id, kind, from_state, to_state, to_unit_id, actor_unit_id, note, data, occurred_at)
    select c.id, e.kind, e.from_state, e.to_state, c.owner_unit_id, c.owner_unit_id, e.note, e.data,
           c.created_at + (c.resolved_at - c.created_at) * e.share
    from cases c cross join (values
      ('resolve', 'in_progress', 'resolved', '已处理 / handled', '{}'::jsonb, 0.4),
      ('callback', 'resolved', 'dispatched', null, '{"contacted": true, "satisfaction": "unsatisfied"}'::jsonb, 0.5),
      ('reopened', 'resolved', 'dispatched', '回访不满意，退回重办 / unsatisfied callback: sent back to be redone', '{}'::jsonb, 0.5),
      ('accept', 'dispatched', 'accepted', null, '{}'::jsonb, 0.6)) as e (kind, from_state, to_state, note, data, share)
    where c.id > ${afterId} and c.redo_count > 0 and c.resolved_at is not null`);
  events += await count(sql`
    insert into case_event (case_id, kind, from_state, to_state, to_unit_id, actor_unit_id, note, occurred_at)
    select c.id, 'resolve', 'in_progress', 'resolved', c.owner_unit_id, c.owner_unit_id, c.resolution, c.resolved_at
    ${newCases} and c.resolved_at is not null`);
  events += await count(sql`
    insert into case_event (case_id, kind, from_state, to_state, data, occurred_at)
    select c.id, 'callback', 'resolved', 'closed', jsonb_build_object('contacted', true, 'satisfaction', c.satisfaction), c.closed_at
    ${newCases} and c.closed_at is not null`);
  let cards = 0;
  for (const [colour, days] of [
    ['yellow', 7],
    ['red', 15],
  ] as const) {
    cards += await count(sql`
      insert into card (case_id, colour, unit_id, threshold_at, issued_at)
      select c.id, ${colour}, c.owner_unit_id, c.created_at + ${days} * interval '1 day', c.created_at + ${days} * interval '1 day'
      ${newCases} and coalesce(c.resolved_at, ${end}::timestamptz) > c.created_at + ${days} * interval '1 day'`);
  }
  return { events, cards };
}

/** Generates case history into a database that holds the demo district. */
export async function generateCaseHistory(db: Database, input: CaseHistoryOptions): Promise<CaseHistorySummary> {
  const options: Required<CaseHistoryOptions> = {
    seed: 2026,
    hotspot: true,
    hotspotCases: 240,
    problems: true,
    events: true,
    batchSize: 200_000,
    ...input,
  };
  if (!Number.isInteger(options.cases) || options.cases < 0) throw new RangeError('cases must be a whole number ≥ 0');
  if (!(options.days > 0)) throw new RangeError('days must be above 0');
  const started = performance.now();
  return db.transaction(async (tx) => {
    const [{ before } = { before: 0 }] = await tx.query<{ before: number }>(
      sql`select coalesce(max(id), 0) as before from cases`,
    );
    await prepareSession(tx, options);
    // Numbers n feed the random draws; each part of the history takes its own range.
    const background = await insertBackground(tx, options, 0);
    const hotspot = options.hotspot ? await insertHotspot(tx, options, 1_000_000_000) : null;
    const problems = [];
    if (options.problems) {
      for (const [index, problem] of PLANTED_PROBLEMS.entries()) {
        problems.push(await insertProblem(tx, options, problem, 2_000_000_000 + index * 1_000_000));
      }
    }
    const traced = options.events ? await insertEventsAndCards(tx, before, options.end) : { events: 0, cards: 0 };
    const [{ cases } = { cases: 0 }] = await tx.query<{ cases: number }>(
      sql`select count(*) as cases from cases where id > ${before}`,
    );
    return {
      cases,
      background,
      hotspot,
      problems,
      ...traced,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  });
}

/** Midnight China time `days` ago from `end`, for windows over generated history. */
export function daysBefore(end: Date, days: number): Date {
  return new Date(end.getTime() - days * DAY_MS);
}
