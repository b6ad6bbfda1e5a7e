/**
 * What the wall benches share: their own database (minqing_bench_wall, the
 * demo district generated once and kept; WALL_BENCH_DATABASE_URL to choose
 * another), a million cases generated in SQL over the dense core, percentiles,
 * and signing in.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { openDatabase, prepareDatabase, sql, type Database } from '@minqing/db';

export const WALL_BENCH_URL = process.env.WALL_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/minqing_bench_wall';
/** The dense core the benches look at: the old town of 万州 on the Yangtze. */
export const CORE: [number, number] = [108.38, 30.8];

export function printable(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

async function ensureDatabaseExists(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [found] = await client`select 1 from pg_database where datname = ${name}`;
    if (!found) await client.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** The bench database with the demo district (generated on first use) and every migration applied. */
export async function openWallBenchDatabase(log: (message: string) => void = console.log): Promise<Database> {
  await ensureDatabaseExists(WALL_BENCH_URL);
  const db = await openDatabase({ databaseUrl: WALL_BENCH_URL, connectionSettings: { jit: 'off' } });
  const started = performance.now();
  const result = await prepareDatabase(db, { demo: true, log: (message) => message.startsWith('demo') && log(`  ${message}`) });
  if (result.demo?.status === 'generated')
    log(`demo district generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return db;
}

/**
 * `count` cases in SQL, tracking codes WALLBENCH-n: four in five in grids
 * within 8 km of the core, the rest anywhere; created evenly over the last
 * year; 85 % open (cards by age: yellow after 7 days, red after 15), the rest
 * resolved or closed; one in ten urgent. Written without triggers (the values
 * come from the database's own rows) and analysed afterwards.
 */
export async function ensureBenchCases(
  db: Database,
  count: number,
  log: (message: string) => void = console.log,
): Promise<number> {
  const [existing] = await db.query<{ n: number }>(
    sql`select count(*)::int as n from cases where tracking_code like 'WALLBENCH-%'`,
  );
  if ((existing?.n ?? 0) >= count) return existing!.n;
  const started = performance.now();
  log(`generating ${count.toLocaleString('en')} cases over the dense core…`);
  await db.transaction(async (tx) => {
    await tx.query(sql`set local session_replication_role = replica`);
    await tx.query(sql`delete from cases where tracking_code like 'WALLBENCH-%'`);
    await tx.query(sql`drop table if exists wall_bench_spot`);
    // Candidate places: points inside each grid, more of them near the core.
    await tx.query(sql`
      create unlogged table wall_bench_spot as
      select row_number() over () as spot_number, g.code as grid_code, g.village_code, v.parent_code as town_code, (d).geom as location
      from grid g join region v on v.code = g.village_code,
        lateral ST_Dump(ST_GeneratePoints(g.boundary,
          case when ST_DWithin(g.boundary::geography, ST_SetSRID(ST_MakePoint(${CORE[0]}::float8, ${CORE[1]}::float8), 4326)::geography, 8000)
               then 400 else 25 end)) as d
      where g.valid_to is null`);
    const [spots] = await tx.query<{ n: number }>(sql`select count(*)::int as n from wall_bench_spot`);
    const [unit] = await tx.query<{ id: number }>(sql`select id from unit where kind = 'command_center' order by id limit 1`);
    const leaves = (
      await tx.query<{ code: string }>(sql`select code from category where parent_code is not null and active order by code`)
    ).map((row) => row.code);
    await tx.query(sql`
      insert into cases (tracking_code, channel, category_code, urgency, title, description, location, grid_code, village_code,
        town_code, state, owner_unit_id, received_at, sign_deadline_at, answer_deadline_at, created_at, updated_at, closed_at,
        resolved_at, card_colour)
      select 'WALLBENCH-' || n, (array['hotline','hotline','hotline','liaison_point','wechat','web','patrol'])[1 + n % 7],
        (${leaves}::text[])[1 + ((n::int8 * 7919) % ${leaves.length}::int)::int],
        case when n % 10 = 0 then 'urgent' else 'normal' end,
        '压测诉求 ' || n, '压测用的诉求描述', ST_Translate(spot.location, ((n % 97) - 48) * 0.000002, ((n % 89) - 44) * 0.000002),
        spot.grid_code, spot.village_code, spot.town_code, state, ${unit!.id}::int8, created, created + interval '4 hours',
        created + interval '3 days', created, created,
        case when state = 'closed' then created + interval '5 days' end,
        case when state in ('resolved', 'closed') then created + interval '2 days' end,
        case when state in ('resolved', 'closed') then null
             when created < now() - interval '15 days' then 'red'
             when created < now() - interval '7 days' then 'yellow' end
      from (
        select n, now() - (n % 525600) * interval '1 minute' - (n % 7) * interval '1 second' as created,
          (array['registered','dispatched','dispatched','accepted','accepted','in_progress','in_progress','in_progress','in_progress',
                 'dispatched','accepted','in_progress','dispatched','in_progress','accepted','accepted','in_progress','resolved','closed','closed'])[1 + (n * 31) % 20] as state,
          1 + ((n::int8 * 2654435761) % ${spots!.n}::int8) as spot_n
        from generate_series(1, ${count}::int) as n
      ) as generated
      join wall_bench_spot spot on spot.spot_number = generated.spot_n`);
    await tx.query(sql`drop table wall_bench_spot`);
  });
  await db.exec('analyze cases');
  log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return count;
}

export interface Distribution {
  p50: number;
  p99: number;
  mean: number;
  samples: number;
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
    samples: sorted.length,
  };
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export async function signIn(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'minqing2026' }),
  });
  if (!response.ok) throw new Error(`sign in as ${username}: ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

/** Resident memory of a process in MiB, from /proc (null when it is gone). */
export function residentMegabytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}
