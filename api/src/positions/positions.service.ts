/**
 * Position ingest (网格员定位): a grid worker's device reports one position
 * or a batch it buffered. Each fix is converted to WGS-84, placed in its grid
 * by PostGIS and judged (position-checks.ts); all are stored in one statement
 * — refused input stores nothing — and the worker's marker moves to the newest
 * accepted one. Two round trips per request, whatever the batch size.
 */
import { sql, type Database } from '@minqing/db';
import { toWgs84, type CoordinateSystem } from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, InvalidInputError } from '../errors.ts';
import {
  describeJudgement,
  judgeFixes,
  refusalOf,
  type Judgement,
  type PlacedFix,
  type PositionFix,
  type PositionFlag,
} from './position-checks.ts';

export interface PositionReport {
  lon: number;
  lat: number;
  coordinateSystem: CoordinateSystem;
  /** Metres. */
  accuracy?: number | undefined;
  recordedAt: Date;
}

export interface PositionResult {
  id: number;
  status: 'accepted' | 'flagged';
  flags: PositionFlag[];
  message: string;
  /** Where it was stored, in WGS-84 (after conversion from GCJ-02 or BD-09). */
  lon: number;
  lat: number;
  gridCode: string | null;
}

export interface IngestResult {
  accepted: number;
  flagged: number;
  results: PositionResult[];
}

/** Reports per request at most (a phone that was offline for hours sends them in several requests). */
export const MAX_POSITIONS_PER_REPORT = 500;

interface Placement {
  index: number;
  grid_code: string | null;
  assigned: boolean;
  last_lon: number | null;
  last_lat: number | null;
  last_accuracy: number | null;
  last_recorded_at: Date | null;
}

export async function ingestPositions(
  db: Database,
  actor: Actor,
  reports: readonly PositionReport[],
  now: Date,
): Promise<IngestResult> {
  if (actor.role !== 'grid_worker')
    throw new ForbiddenError(
      `only grid workers report positions; you are signed in as a ${actor.role.replaceAll('_', ' ')}`,
      'not_a_grid_worker',
    );
  if (reports.length === 0) throw new InvalidInputError('body field positions: send at least one position', 'invalid_request');
  if (reports.length > MAX_POSITIONS_PER_REPORT)
    throw new InvalidInputError(
      `body field positions: at most ${MAX_POSITIONS_PER_REPORT} positions per request (got ${reports.length})`,
      'invalid_request',
    );

  const fixes: PositionFix[] = reports.map((report, index) => {
    const asSent = { lon: report.lon, lat: report.lat, accuracy: report.accuracy ?? null, recordedAt: report.recordedAt };
    const refusal = refusalOf(asSent, now);
    if (!refusal.valid) {
      const where = reports.length === 1 ? 'position' : `position ${index}`;
      throw new InvalidInputError(`${where} refused: ${refusal.reason}`, 'position_refused');
    }
    const [lon, lat] = toWgs84(report.lon, report.lat, report.coordinateSystem);
    return { ...asSent, lon, lat };
  });

  // Arrays travel as text[] (both engines read it the same way) and are cast in SQL.
  const texts = (values: readonly (number | string | boolean | null)[]) =>
    values.map((value) => (value === null ? null : String(value)));
  const lons = texts(fixes.map((fix) => fix.lon));
  const lats = texts(fixes.map((fix) => fix.lat));
  const placements = await db.query<Placement>(sql`
    select input.index::int as index, placed.code as grid_code, (assignment.user_id is not null) as assigned,
      ST_X(last.location) as last_lon, ST_Y(last.location) as last_lat, last.accuracy_m as last_accuracy,
      last.recorded_at as last_recorded_at
    from unnest(${lons}::text[]::float8[], ${lats}::text[]::float8[]) with ordinality as input (lon, lat, index)
    left join lateral (
      select grid.code from grid
      where grid.valid_to is null
        and grid.boundary && ST_SetSRID(ST_MakePoint(input.lon, input.lat), 4326)
        and ST_Covers(grid.boundary, ST_SetSRID(ST_MakePoint(input.lon, input.lat), 4326))
      order by grid.code
      limit 1
    ) as placed on true
    left join grid_assignment assignment on assignment.user_id = ${actor.userId} and assignment.grid_code = placed.code
    left join worker_last_position last on last.user_id = ${actor.userId}
    order by input.index`);

  const last = placements[0];
  const previous: PositionFix | null =
    last && last.last_recorded_at && last.last_lon !== null && last.last_lat !== null
      ? {
          lon: Number(last.last_lon),
          lat: Number(last.last_lat),
          accuracy: last.last_accuracy === null ? null : Number(last.last_accuracy),
          recordedAt: last.last_recorded_at,
        }
      : null;
  const placed: PlacedFix[] = fixes.map((fix, index) => ({
    ...fix,
    gridCode: placements[index]?.grid_code ?? null,
    inAssignedGrid: placements[index]?.assigned ?? false,
  }));
  const judgements: Judgement[] = judgeFixes(previous, placed);

  const rows = await db.query<{ id: number }>(sql`
    with input as (
      select * from unnest(
        ${lons}::text[]::float8[], ${lats}::text[]::float8[], ${reports.map((report) => report.coordinateSystem)}::text[],
        ${texts(fixes.map((fix) => fix.accuracy))}::text[]::float4[],
        ${fixes.map((fix) => fix.recordedAt.toISOString())}::text[]::timestamptz[],
        ${placed.map((fix) => fix.gridCode)}::text[], ${texts(judgements.map((judgement) => judgement.speed))}::text[]::float4[],
        ${judgements.map((judgement) => judgement.flags.join(','))}::text[],
        ${texts(judgements.map((judgement) => judgement.accepted))}::text[]::bool[]
      ) with ordinality as input (lon, lat, coordinate_system, accuracy_m, recorded_at, grid_code, speed_mps, flags, accepted, index)
    ),
    stored as (
      insert into worker_position (user_id, location, coordinate_system, accuracy_m, recorded_at, received_at, grid_code, speed_mps, flags, accepted)
      select ${actor.userId}, ST_SetSRID(ST_MakePoint(lon, lat), 4326), coordinate_system, accuracy_m, recorded_at, ${now},
        grid_code, speed_mps, string_to_array(flags, ','), accepted
      from input
      order by index
      returning id, location, accuracy_m, recorded_at, grid_code, accepted
    ),
    newest as (
      select * from stored where accepted order by recorded_at desc, id desc limit 1
    ),
    moved as (
      insert into worker_last_position (user_id, position_id, location, accuracy_m, recorded_at, grid_code)
      select ${actor.userId}, id, location, accuracy_m, recorded_at, grid_code from newest
      on conflict (user_id) do update set position_id = excluded.position_id, location = excluded.location,
        accuracy_m = excluded.accuracy_m, recorded_at = excluded.recorded_at, grid_code = excluded.grid_code
      where excluded.recorded_at > worker_last_position.recorded_at
    )
    select id from stored order by id`);

  const results: PositionResult[] = judgements.map((judgement, index) => ({
    id: rows[index]!.id,
    status: judgement.accepted ? 'accepted' : 'flagged',
    flags: judgement.flags,
    message: describeJudgement(judgement),
    lon: fixes[index]!.lon,
    lat: fixes[index]!.lat,
    gridCode: placed[index]!.gridCode,
  }));
  const accepted = results.filter((result) => result.status === 'accepted').length;
  return { accepted, flagged: results.length - accepted, results };
}
