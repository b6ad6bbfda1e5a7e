/**
 * `pnpm bench sweep`: the card sweep (红黄牌) over 1,000,000 open cases.
 *
 * In a database of its own (minqing_bench_sweep on the bench server, made
 * with the demo district, dropped afterwards unless BENCH_KEEP=1) it generates BENCH_SWEEP_CASES (default 1,000,000)
 * open cases in SQL — over every grid of the demo district and evenly over
 * the last 30 days, each with its owner and its registered/dispatch events,
 * one in five transferred later (tests/support/open-cases.ts) — and times:
 *
 * 1. the first sweep: every card due so far (the backlog of a deployment that
 *    takes over a million open cases at once);
 * 2. the same sweep again: a no-op;
 * 3. the sweep ten minutes later, as the pg-boss schedule runs it: the cards
 *    due in those ten minutes;
 * 4. that again: a no-op.
 *
 * For each: wall time, CPU seconds of the PostgreSQL backend that ran it (the
 * machine is shared: CPU time says what the work costs when others are busy
 * too), the share spent in triggers the sweep fires (pg_stat_user_functions),
 * temporary files, and memory: the backend's peak resident set and this
 * process's. Then it checks what the sweep wrote: one card of each colour per
 * due case, each with its card_issued event.
 */
import { readFileSync } from 'node:fs';
import { generateOpenCases } from '../../tests/support/open-cases.ts';
import { sweepCards, type SweepResult } from '@minqing/api';
import { openDatabase, prepareDatabase, sql, type Database } from '@minqing/db';
import { benchDatabaseUrl, dropDatabase, ensureDatabaseExists, printable, withDatabaseName } from './support/database.ts';
import { describeMachine, watchMachine } from './support/machine.ts';
import { table, writeResults } from './support/results.ts';
import { format } from './support/statistics.ts';

const CASES = Number(process.env.BENCH_SWEEP_CASES ?? 1_000_000);
const SWEEP_DATABASE = 'minqing_bench_sweep';
const TEN_MINUTES = 10 * 60_000;

interface BackendUsage {
  cpuSeconds: number;
  peakMegabytes: number | null;
}

/** CPU seconds and peak resident memory of a PostgreSQL backend on this machine (from /proc). */
function backendUsage(pid: number): BackendUsage | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line; after the command they are the 12th and 13th.
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const peak = /VmHWM:\s+(\d+) kB/.exec(status);
    return { cpuSeconds: ticks / 100, peakMegabytes: peak ? Math.round(Number(peak[1]) / 1024) : null };
  } catch {
    return null;
  }
}

interface SweepRun {
  label: string;
  at: string;
  result: SweepResult;
  seconds: number;
  backendCpuSeconds: number | null;
  /** Seconds inside trigger functions the sweep fired (plpgsql), by function. */
  triggerSeconds: Record<string, number>;
  temporaryMegabytes: number;
  backendPeakMegabytes: number | null;
  processRssMegabytes: number;
}

async function functionSeconds(db: Database): Promise<Record<string, number>> {
  const rows = await db.query<{ name: string; total_ms: number }>(
    sql`select funcname as name, total_time as total_ms from pg_stat_user_functions`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.total_ms / 1000]));
}

async function temporaryBytes(db: Database): Promise<number> {
  const [row] = await db.query<{ bytes: number }>(
    sql`select temp_bytes as bytes from pg_stat_database where datname = current_database()`,
  );
  return row?.bytes ?? 0;
}

async function flushStatistics(db: Database): Promise<void> {
  // PostgreSQL 15+ keeps a backend's counters until it is idle a moment; ask for them now.
  await db.query(sql`select pg_stat_force_next_flush()`).catch(() => {});
  await db.query(sql`select 1`);
}

async function timeSweep(db: Database, backendPid: number, label: string, at: Date): Promise<SweepRun> {
  await flushStatistics(db);
  const before = { usage: backendUsage(backendPid), functions: await functionSeconds(db), temp: await temporaryBytes(db) };
  const started = performance.now();
  const result = await sweepCards(db, at);
  const seconds = (performance.now() - started) / 1000;
  const usage = backendUsage(backendPid);
  await flushStatistics(db);
  const functions = await functionSeconds(db);
  const triggerSeconds: Record<string, number> = {};
  for (const [name, total] of Object.entries(functions)) {
    const spent = total - (before.functions[name] ?? 0);
    if (spent > 0.0005) triggerSeconds[name] = Math.round(spent * 1000) / 1000;
  }
  return {
    label,
    at: at.toISOString(),
    result,
    seconds,
    backendCpuSeconds: usage && before.usage ? Math.round((usage.cpuSeconds - before.usage.cpuSeconds) * 100) / 100 : null,
    triggerSeconds,
    temporaryMegabytes: Math.round(((await temporaryBytes(db)) - before.temp) / 1024 / 1024),
    backendPeakMegabytes: usage?.peakMegabytes ?? null,
    processRssMegabytes: Math.round(process.memoryUsage().rss / 1024 / 1024),
  };
}

interface Check {
  dueYellow: number;
  dueRed: number;
  yellow: number;
  red: number;
  cardEvents: number;
  cardsWithoutEvent: number;
  chargedElsewhere: number;
}

/** What the sweeps wrote, checked against the cases themselves. */
async function check(db: Database, at: Date): Promise<Check> {
  const [row] = await db.query<Check>(sql`
    with due as (
      select c.id, c.created_at, (select to_unit_id from case_event e where e.case_id = c.id and e.kind = 'dispatch') as first_unit,
             c.received_at, c.owner_unit_id
      from cases c where c.state in ('registered', 'dispatched', 'accepted', 'in_progress')
    )
    select
      (select count(*) from due where created_at + interval '7 days' < ${at}) as "dueYellow",
      (select count(*) from due where created_at + interval '15 days' < ${at}) as "dueRed",
      (select count(*) from card where colour = 'yellow') as yellow,
      (select count(*) from card where colour = 'red') as red,
      (select count(*) from case_event where kind = 'card_issued') as "cardEvents",
      (select count(*) from card k where not exists (
         select 1 from case_event e where e.case_id = k.case_id and e.kind = 'card_issued'
           and e.data ->> 'colour' = k.colour and e.to_unit_id = k.unit_id)) as "cardsWithoutEvent",
      (select count(*) from card k join due on due.id = k.case_id
        where k.unit_id <> case when due.received_at > k.threshold_at then coalesce(due.first_unit, due.owner_unit_id)
                                else due.owner_unit_id end) as "chargedElsewhere"`);
  return row!;
}

export async function sweepBench(): Promise<void> {
  const machine = watchMachine();
  // A database of its own with the demo district, to fill with a million cases.
  const sourceUrl = benchDatabaseUrl();
  const url = withDatabaseName(sourceUrl, SWEEP_DATABASE);
  await dropDatabase(sourceUrl, SWEEP_DATABASE);
  await ensureDatabaseExists(url);
  console.log(`\nCard sweep over ${CASES.toLocaleString('en')} open cases in ${printable(url)}`);
  const setup = await openDatabase({ databaseUrl: url, connectionSettings: { jit: 'off' } });
  try {
    await prepareDatabase(setup, { demo: true });
  } finally {
    await setup.close();
  }
  // One connection: the sweep runs on one backend, whose CPU time and memory we read.
  const db = await openDatabase({
    databaseUrl: url,
    maxConnections: 1,
    connectionSettings: { jit: 'off', track_functions: 'pl', application_name: 'minqing-bench-sweep' },
  });
  const runs: SweepRun[] = [];
  let generated: Awaited<ReturnType<typeof generateOpenCases>>;
  let generationSeconds: number;
  let checked: Check;
  let sizes: { cases: string; card: string; caseEvent: string; database: string };
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  try {
    const started = performance.now();
    generated = await generateOpenCases(db, {
      count: CASES,
      now,
      prefix: 'BENCH',
      bulk: true,
      rebuildIndexes: true,
      log: (message) => console.log(`  ${message}`),
    });
    await db.query(sql`vacuum (analyze) cases, case_event, card, case_card_due`);
    generationSeconds = (performance.now() - started) / 1000;
    console.log(`  generated and vacuumed in ${generationSeconds.toFixed(0)} s`);

    const [backend] = await db.query<{ pid: number }>(sql`select pg_backend_pid() as pid`);
    const later = new Date(now.getTime() + TEN_MINUTES);
    for (const [label, at] of [
      ['first sweep (backlog)', now],
      ['second sweep, same time', now],
      ['ten minutes later', later],
      ['again, same time', later],
    ] as const) {
      console.log(`  ${label} …`);
      runs.push(await timeSweep(db, backend!.pid, label, at));
    }
    checked = await check(db, later);
    const [size] = await db.query<{ cases: string; card: string; case_event: string; database: string }>(sql`
      select pg_size_pretty(pg_total_relation_size('cases')) as cases, pg_size_pretty(pg_total_relation_size('card')) as card,
             pg_size_pretty(pg_total_relation_size('case_event')) as case_event,
             pg_size_pretty(pg_database_size(current_database())) as database`);
    sizes = { cases: size!.cases, card: size!.card, caseEvent: size!.case_event, database: size!.database };
  } finally {
    await db.close();
    if (process.env.BENCH_KEEP !== '1') await dropDatabase(sourceUrl, SWEEP_DATABASE);
  }
  const state = machine();

  const first = runs[0]!;
  console.log(
    `\n${generated.count.toLocaleString('en')} open cases (${generated.transferred.toLocaleString('en')} transferred after ` +
      `they came in), ${generated.events.toLocaleString('en')} events; generated in ${generationSeconds.toFixed(0)} s. ` +
      `Sizes after the sweeps: cases ${sizes.cases}, card ${sizes.card}, case_event ${sizes.caseEvent}, database ${sizes.database}.\n`,
  );
  console.log(
    table(
      [
        'sweep',
        'yellow',
        'red',
        'reminders',
        'seconds',
        '/ first',
        'backend CPU s',
        'in triggers s',
        'temp MiB',
        'backend peak MiB',
      ],
      runs.map((run) => [
        run.label,
        run.result.yellow.toLocaleString('en'),
        run.result.red.toLocaleString('en'),
        run.result.reminders.toLocaleString('en'),
        format(run.seconds),
        `${(run.seconds / first.seconds).toFixed(4)}`,
        run.backendCpuSeconds === null ? '?' : format(run.backendCpuSeconds),
        format(Object.values(run.triggerSeconds).reduce((sum, value) => sum + value, 0)),
        String(run.temporaryMegabytes),
        String(run.backendPeakMegabytes ?? '?'),
      ]),
    ),
  );
  for (const run of runs) {
    const triggers = Object.entries(run.triggerSeconds);
    if (triggers.length > 0)
      console.log(`  ${run.label}: ${triggers.map(([name, seconds]) => `${name} ${format(seconds)} s`).join(', ')}`);
  }
  console.log(
    `\ncheck: due yellow ${checked.dueYellow}, yellow cards ${checked.yellow}; due red ${checked.dueRed}, red cards ${checked.red}; ` +
      `card_issued events ${checked.cardEvents}; cards without their event ${checked.cardsWithoutEvent}; ` +
      `charged to another unit than the owner at the threshold ${checked.chargedElsewhere}`,
  );
  console.log(`this process: peak resident ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  console.log(`machine: ${describeMachine(state)}`);
  const file = writeResults('card-sweep', {
    cases: generated,
    generationSeconds,
    runs,
    check: checked,
    sizes,
    ratios: { secondOverFirst: runs[1]!.seconds / first.seconds, laterOverFirst: runs[2]!.seconds / first.seconds },
    processPeakMegabytes: Math.round(process.resourceUsage().maxRSS / 1024),
    machine: state,
  });
  console.log(`written ${file}`);
}
