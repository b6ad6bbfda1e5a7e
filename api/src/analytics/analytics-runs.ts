/**
 * Analysis runs: what was asked, its status, when it was computed, and its
 * results in the result tables. The API queues a run (or finds a fresh one
 * for the same parameters); a job worker claims queued runs with
 * FOR UPDATE SKIP LOCKED — safe with several API processes — computes, and
 * writes results and status in one transaction. Hot spots are quick enough
 * (well under two seconds) to compute while the leader waits.
 */
import { sql, type Database, type Queryable } from '@minqing/db';
import { ConflictError, NotFoundError } from '../errors.ts';
import { loadAnalyticsPolicy } from './analytics-policy.ts';
import { computeAssessment } from './assessment.service.ts';
import { computeCommonProblems, type CommonProblemParameters } from './common-problems.service.ts';
import { computeEmergingHotspots, type EmergingParameters } from './emerging-hotspots.service.ts';
import { computeHotspots, type HotspotParameters } from './hotspots.service.ts';
import { periodOf, weeksEnding, windowOf, type PeriodKind } from './periods.ts';

export const RUN_KINDS = ['hotspots', 'emerging_hotspots', 'common_problems', 'assessment'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export interface AssessmentParameters {
  period: PeriodKind;
  /** First day of the period. */
  start: string;
}

export type RunParameters = HotspotParameters | EmergingParameters | CommonProblemParameters | AssessmentParameters;

export interface AnalyticsRun {
  id: number;
  kind: RunKind;
  parameters: Record<string, unknown>;
  status: 'queued' | 'running' | 'done' | 'failed';
  requestedAt: Date;
  startedAt: Date | null;
  computedAt: Date | null;
  error: string | null;
  summary: Record<string, unknown>;
}

interface RunRow {
  id: number;
  kind: RunKind;
  parameters: Record<string, unknown>;
  status: AnalyticsRun['status'];
  requested_at: Date;
  started_at: Date | null;
  computed_at: Date | null;
  error: string | null;
  summary: Record<string, unknown>;
}

const toRun = (row: RunRow): AnalyticsRun => ({
  id: row.id,
  kind: row.kind,
  parameters: row.parameters,
  status: row.status,
  requestedAt: row.requested_at,
  startedAt: row.started_at,
  computedAt: row.computed_at,
  error: row.error,
  summary: row.summary,
});

/** Parameters as canonical text: keys sorted, so equal requests compare equal. */
export function parametersKey(parameters: object): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as object)
          .sort()
          .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return JSON.stringify(sorted(parameters));
}

export async function getRun(db: Queryable, id: number): Promise<AnalyticsRun> {
  const [row] = await db.query<RunRow>(sql`select * from analytics_run where id = ${id}`);
  if (!row) throw new NotFoundError(`analysis run ${id} does not exist`, 'run_not_found');
  return toRun(row);
}

/** The latest finished run of a kind with these parameters (computed after `notBefore`, when given). */
export async function latestRun(
  db: Queryable,
  kind: RunKind,
  parameters: object,
  notBefore?: Date,
): Promise<AnalyticsRun | null> {
  const [row] = await db.query<RunRow>(sql`
    select * from analytics_run
    where kind = ${kind} and parameters_key = ${parametersKey(parameters)} and status = 'done'
      ${notBefore ? sql`and computed_at >= ${notBefore}` : sql``}
    order by computed_at desc limit 1`);
  return row ? toRun(row) : null;
}

/** The latest finished run of a kind, whatever its parameters (the nightly one, usually). */
export async function latestRunOfKind(db: Queryable, kind: RunKind): Promise<AnalyticsRun | null> {
  const [row] = await db.query<RunRow>(
    sql`select * from analytics_run where kind = ${kind} and status = 'done' order by computed_at desc limit 1`,
  );
  return row ? toRun(row) : null;
}

/** A queued or running run of the same request, so that a second click does not queue it twice. */
async function pendingRun(db: Queryable, kind: RunKind, key: string): Promise<AnalyticsRun | null> {
  const [row] = await db.query<RunRow>(sql`
    select * from analytics_run where kind = ${kind} and parameters_key = ${key} and status in ('queued', 'running')
    order by requested_at desc limit 1`);
  return row ? toRun(row) : null;
}

export const RUN_REQUESTED_CHANNEL = 'analytics_run_requested';

/** Queues a run (or returns the one already queued for the same request) and tells the workers. */
export async function queueRun(
  db: Database,
  kind: RunKind,
  parameters: RunParameters,
  userId: number | null,
  now: Date,
): Promise<AnalyticsRun> {
  const key = parametersKey(parameters);
  const pending = await pendingRun(db, kind, key);
  if (pending) return pending;
  const [row] = await db.query<RunRow>(sql`
    insert into analytics_run (kind, parameters, parameters_key, requested_by_user_id, requested_at)
    values (${kind}, ${JSON.stringify(parameters)}::text::jsonb, ${key}, ${userId}, ${now})
    returning *`);
  await db.notify(RUN_REQUESTED_CHANNEL, String(row!.id));
  return toRun(row!);
}

/** Computes one run's results; the caller holds the transaction. */
async function compute(tx: Queryable, run: AnalyticsRun, now: Date): Promise<Record<string, unknown>> {
  const parameters = run.parameters as unknown;
  switch (run.kind) {
    case 'hotspots': {
      const p = parameters as HotspotParameters;
      return { ...(await computeHotspots(tx, run.id, p, windowOf(p.from, p.to))) };
    }
    case 'emerging_hotspots': {
      const p = parameters as EmergingParameters;
      return { ...(await computeEmergingHotspots(tx, run.id, p, weeksEnding(p.to, p.weeks))) };
    }
    case 'common_problems': {
      const p = parameters as CommonProblemParameters;
      return { ...(await computeCommonProblems(tx, run.id, p, windowOf(p.from, p.to))) };
    }
    case 'assessment': {
      const p = parameters as AssessmentParameters;
      const policy = await loadAnalyticsPolicy(tx);
      return { ...(await computeAssessment(tx, run.id, periodOf(p.period, p.start), policy.assessment, now)) };
    }
  }
}

/** Runs one run now, in one transaction: results and status together. A failure is recorded on the run. */
export async function executeRun(db: Database, id: number, now: () => Date): Promise<AnalyticsRun> {
  const started = performance.now();
  try {
    await db.transaction(async (tx) => {
      // Long analytical statements gain nothing from JIT and lose seconds compiling.
      await tx.query(sql`set local jit = off`);
      const [row] = await tx.query<RunRow>(sql`select * from analytics_run where id = ${id} for update`);
      if (!row) throw new NotFoundError(`analysis run ${id} does not exist`, 'run_not_found');
      if (row.status === 'done') return;
      const startedAt = now();
      const summary = await compute(tx, toRun(row), startedAt);
      summary.seconds = Math.round((performance.now() - started) / 10) / 100;
      await tx.query(sql`
        update analytics_run set status = 'done', started_at = ${startedAt}, computed_at = ${now()}, error = null,
               summary = ${JSON.stringify(summary)}::text::jsonb
        where id = ${id}`);
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.query(sql`update analytics_run set status = 'failed', error = ${message.slice(0, 2000)} where id = ${id}`);
    throw error;
  }
  return getRun(db, id);
}

/** Claims the oldest queued run (skipping those another worker holds) and runs it; null when none is queued. */
export async function runNextQueued(db: Database, now: () => Date): Promise<AnalyticsRun | null> {
  const [claimed] = await db.transaction((tx) =>
    tx.query<{ id: number }>(sql`
      update analytics_run set status = 'running', started_at = ${now()}
      where id = (select id from analytics_run where status = 'queued' order by requested_at, id limit 1 for update skip locked)
      returning id`),
  );
  if (!claimed) return null;
  try {
    return await executeRun(db, claimed.id, now);
  } catch {
    return getRun(db, claimed.id);
  }
}

/** Runs every queued run, oldest first. Returns the runs it ran. */
export async function processQueuedRuns(db: Database, now: () => Date = () => new Date()): Promise<AnalyticsRun[]> {
  const ran: AnalyticsRun[] = [];
  for (let run = await runNextQueued(db, now); run; run = await runNextQueued(db, now)) ran.push(run);
  return ran;
}

/** Hot spots: a fresh enough run for the same request, else computed now (quick) and kept. */
export async function hotspotRun(
  db: Database,
  parameters: HotspotParameters,
  reuseMinutes: number,
  userId: number | null,
  now: Date,
): Promise<AnalyticsRun> {
  const window = windowOf(parameters.from, parameters.to);
  // A window that ended before a run was computed cannot have changed since (cases are dated when they come in).
  const fresh = await latestRun(db, 'hotspots', parameters);
  if (
    fresh?.computedAt &&
    (fresh.computedAt >= window.end || now.getTime() - fresh.computedAt.getTime() < reuseMinutes * 60_000)
  ) {
    return fresh;
  }
  const [row] = await db.query<RunRow>(sql`
    insert into analytics_run (kind, parameters, parameters_key, requested_by_user_id, requested_at, status, started_at)
    values ('hotspots', ${JSON.stringify(parameters)}::text::jsonb, ${parametersKey(parameters)}, ${userId}, ${now}, 'running', ${now})
    returning *`);
  return executeRun(db, row!.id, () => now);
}

export function assertDone(run: AnalyticsRun): void {
  if (run.status === 'failed')
    throw new ConflictError(`analysis run ${run.id} failed: ${run.error ?? 'unknown error'}`, 'run_failed');
}
