/**
 * Many open cases at once, generated in SQL (generate_series) on a database
 * with the demo district — for the card sweep's robustness test and its
 * benchmark over 1,000,000 cases:
 *
 *   const generated = await generateOpenCases(db, { count: 40_000, now });
 *
 * The cases are spread over every current grid (and so over every village
 * and town) and evenly over the `days` before `now`; a quarter each
 * registered (waiting at the command center), dispatched, accepted and in
 * progress. Each is owned by the unit intake would route it to (village
 * station, town centre or department, by its category), with the events
 * intake writes: `registered`, then `dispatch` to that unit. One in five
 * dispatched cases was later transferred (a `transfer` event 1–20 days after
 * it came in, never after `now`) to another unit that owns it now — so for
 * many of them the owner at a card threshold is not today's owner.
 *
 * Tracking codes are `<prefix>-<number>`. Runs in one transaction on one
 * connection. `bulk` skips foreign-key and other triggers while writing
 * (session_replication_role = replica: the values come from the database's
 * own rows; the card sweep's list, case_card_due, is written as its trigger
 * would) and, with `rebuildIndexes`, drops the secondary indexes of cases
 * and case_event first and builds them again after — minutes saved at a
 * million cases; only for a database of its own.
 */
import { sql, type Database, type Queryable } from '@minqing/db';

export interface OpenCasesOptions {
  count: number;
  now: Date;
  /** Cases come in evenly over this many days before `now` (default 30). */
  days?: number;
  /** Tracking-code prefix (default BULK). */
  prefix?: string;
  /** Write without firing triggers (foreign keys included). */
  bulk?: boolean;
  /** With `bulk`: drop and rebuild the secondary indexes of cases and case_event around the writes. */
  rebuildIndexes?: boolean;
  log?: (message: string) => void;
}

export interface GeneratedCases {
  count: number;
  events: number;
  /** Cases whose owner changed (transfer) after they came in. */
  transferred: number;
  firstId: number;
  lastId: number;
}

interface IndexDefinition {
  name: string;
  definition: string;
}

async function secondaryIndexes(tx: Queryable, tables: string[]): Promise<IndexDefinition[]> {
  // Indexes that back no constraint (primary keys and unique constraints stay).
  return tx.query<IndexDefinition>(sql`
    select i.indexname as name, i.indexdef as definition
    from pg_indexes i
    join pg_class c on c.relname = i.indexname and c.relnamespace = (select oid from pg_namespace where nspname = i.schemaname)
    where i.schemaname = current_schema() and i.tablename = any(${tables}::text[])
      and not exists (select 1 from pg_constraint k where k.conindid = c.oid)
    order by i.indexname`);
}

export async function generateOpenCases(db: Database, options: OpenCasesOptions): Promise<GeneratedCases> {
  const days = options.days ?? 30;
  const prefix = options.prefix ?? 'BULK';
  const log = options.log ?? (() => {});
  if (!Number.isInteger(options.count) || options.count < 1) throw new RangeError('count must be a whole number ≥ 1');

  return db.transaction(async (tx) => {
    if (options.bulk) await tx.query(sql`set local session_replication_role = replica`);
    await tx.query(sql`set local maintenance_work_mem = '512MB'`);
    let dropped: IndexDefinition[] = [];
    if (options.bulk && options.rebuildIndexes) {
      dropped = await secondaryIndexes(tx, ['cases', 'case_event']);
      for (const index of dropped) await tx.query(sql`drop index ${sql.identifier(index.name)}`);
      log(`dropped ${dropped.length} secondary indexes of cases and case_event`);
    }

    // Grids with their village, town and the units there; leaf categories with their routing.
    await tx.query(sql`
      create temporary table generated_grid on commit drop as
      select (row_number() over (order by g.code) - 1)::int as n, g.code as grid_code, g.village_code,
             v.parent_code as town_code, ST_PointOnSurface(g.boundary) as point,
             (select id from unit where kind = 'village_station' and region_code = g.village_code and active order by id limit 1)
               as village_unit_id,
             (select id from unit where kind = 'town_center' and region_code = v.parent_code and active order by id limit 1)
               as town_unit_id
      from grid g join region v on v.code = g.village_code
      where g.valid_to is null`);
    await tx.query(sql`
      create temporary table generated_category on commit drop as
      select (row_number() over (order by code) - 1)::int as n, code, routing, department_unit_id
      from category where parent_code is not null and active`);
    const [shape] = await tx.query<{ grids: number; categories: number; command_center: number | null }>(sql`
      select (select count(*) from generated_grid) as grids, (select count(*) from generated_category) as categories,
             (select id from unit where kind = 'command_center' and active order by id limit 1) as command_center`);
    if (!shape || shape.grids === 0 || shape.categories === 0 || shape.command_center === null)
      throw new Error('generating cases needs the demo district: grids, categories and a command center');

    // Case i: grid (i·7919 mod grids), category (i mod categories), time by the golden ratio (even over the days).
    await tx.query(sql`
      create temporary table generated_case on commit drop as
      select base.*,
             case when base.state = 'registered' then ${shape.command_center}::bigint
                  when base.i % 5 = 0 then case when base.first_unit_id = base.town_unit_id or base.town_unit_id is null
                                                then ${shape.command_center}::bigint else base.town_unit_id end
                  else base.first_unit_id end as owner_unit_id,
             case when base.state <> 'registered' and base.i % 5 = 0
                  then least(${options.now}::timestamptz - interval '1 minute',
                             base.created_at + make_interval(days => (1 + base.i % 20)::int))
                  else base.created_at end as received_at
      from (
        select i, g.grid_code, g.village_code, g.town_code,
               ST_Translate(g.point, ((i % 13) - 6) * 0.00001, ((i % 11) - 5) * 0.00001) as location,
               k.code as category_code,
               ${options.now}::timestamptz - make_interval(days => ${days}::int) * ((i * 0.6180339887498949) % 1)::float8 as created_at,
               (array['registered', 'dispatched', 'accepted', 'in_progress'])[1 + ((i / 7) % 4)::int] as state,
               coalesce(case k.routing when 'village' then g.village_unit_id when 'town' then g.town_unit_id
                                       else k.department_unit_id end, ${shape.command_center}::bigint) as first_unit_id,
               g.town_unit_id
        from generate_series(0::bigint, ${options.count - 1}::bigint) as i
        join generated_grid g on g.n = (i * 7919) % ${shape.grids}::int
        join generated_category k on k.n = i % ${shape.categories}::int
      ) as base`);

    const started = performance.now();
    const [ids] = await tx.query<{ count: number; first_id: number; last_id: number }>(sql`
      with inserted as (
        insert into cases (tracking_code, channel, category_code, urgency, title, description, location, reporter_phone,
                           grid_code, village_code, town_code, state, owner_unit_id, received_at, created_at, updated_at)
        select ${prefix} || '-' || lpad(i::text, 7, '0'), 'hotline', category_code, 'normal', '批量诉求 ' || i,
               '为卡片扫描生成的未办结诉求（第' || i || '号）', location, '139' || lpad((i % 100000)::text, 8, '0'),
               grid_code, village_code, town_code, state, owner_unit_id, received_at, created_at, received_at
        from generated_case order by i
        returning id
      )
      select count(*) as count, min(id) as first_id, max(id) as last_id from inserted`);
    log(`${ids!.count} cases written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (options.bulk) {
      // Without triggers the card sweep's list misses them: their rows as the insert trigger writes them.
      const listed = performance.now();
      await tx.query(sql`
        insert into case_card_due (case_id, colour, case_created_at, resolved_at)
        select c.id, n.colour, c.created_at, null
        from cases c
        cross join case_card_policy() p
        cross join lateral (select case_card_next_colour(case_is_open(c.state), c.created_at, c.resolved_at, false, false,
                                                         p.yellow_days, p.red_days) as colour) n
        where c.id between ${ids!.first_id} and ${ids!.last_id} and n.colour is not null`);
      log(`card sweep list written in ${((performance.now() - listed) / 1000).toFixed(1)} s`);
    }

    const eventsStarted = performance.now();
    const [events] = await tx.query<{ count: number; transferred: number }>(sql`
      with inserted as (
        insert into case_event (case_id, kind, from_state, to_state, from_unit_id, to_unit_id, data, occurred_at)
        select c.id, e.kind, e.from_state, e.to_state, e.from_unit_id, e.to_unit_id, e.data, e.occurred_at
        from generated_case g
        join cases c on c.tracking_code = ${prefix} || '-' || lpad(g.i::text, 7, '0')
        cross join lateral (values
          (1, 'registered', null, 'registered', null::bigint,
           case when g.state = 'registered' then g.owner_unit_id end,
           jsonb_build_object('channel', 'hotline', 'gridCode', g.grid_code, 'nearBoundary', false), g.created_at),
          (2, 'dispatch', 'registered', 'dispatched', null::bigint, g.first_unit_id, '{"routed": true}'::jsonb, g.created_at),
          (3, 'transfer', g.state, g.state, g.first_unit_id, g.owner_unit_id, '{}'::jsonb, g.received_at)
        ) as e(step, kind, from_state, to_state, from_unit_id, to_unit_id, data, occurred_at)
        where e.step = 1 or (g.state <> 'registered' and (e.step = 2 or g.received_at > g.created_at))
        order by c.id, e.step
        returning kind
      )
      select count(*) as count, count(*) filter (where kind = 'transfer') as transferred from inserted`);
    log(`${events!.count} events written in ${((performance.now() - eventsStarted) / 1000).toFixed(1)} s`);

    if (dropped.length > 0) {
      const indexesStarted = performance.now();
      for (const index of dropped) await tx.query(sql.unsafeRaw(index.definition));
      log(`${dropped.length} indexes built again in ${((performance.now() - indexesStarted) / 1000).toFixed(1)} s`);
    }
    return {
      count: ids!.count,
      events: events!.count,
      transferred: events!.transferred,
      firstId: ids!.first_id,
      lastId: ids!.last_id,
    };
  });
}
