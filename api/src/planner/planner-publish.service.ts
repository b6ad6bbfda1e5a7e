/**
 * Publishing a draft: in one transaction its grids become the current grids
 * of the opened region from a chosen date. A grid whose boundary did not
 * change keeps its row; a changed grid keeps its code as a new version; a new
 * grid gets the next free 15-digit code of its village; a grid left out is
 * closed. Open cases and grid workers of changed grids move to the grid that
 * now holds them; closed cases keep the grid they had. The preview runs the
 * very same steps and rolls them back, so what the planner confirms is what
 * publishing does — and publishing stops when it no longer is.
 */
import { sql, type Database, type Queryable } from '@minqing/db';
import { gridCode, type CheckReport, type PlannerGrid, type PublishInput } from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../cases/clock.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { householdBand } from '../services/policy.service.ts';
import { checkOnServer } from './planner-checks.service.ts';
import { buildingsOf, loadDraft, openRegion } from './planner-workspace.service.ts';

/** Square metres of difference below which a boundary "did not change" (rounding). */
const UNCHANGED_SQUARE_METRES = 1;

export interface PublicationSummary {
  publicationId: number | null;
  regionCode: string;
  validFrom: string;
  grids: {
    kept: string[];
    changed: { code: string; version: number }[];
    added: { key: string; code: string; name: string }[];
    retired: string[];
  };
  /** Draft grid key → the code it is published under. */
  codes: Record<string, string>;
  buildingsChanged: number;
  buildingChanges: { buildingId: number; from: string | null; to: string | null }[];
  cases: { caseId: number; trackingCode: string; title: string; state: string; from: string | null; to: string | null }[];
  workers: { userId: number; username: string; displayName: string; duty: string; from: string; to: string | null }[];
  /** Grids that will have no grid worker: assign one in the planner. */
  gridsWithoutWorker: string[];
  checks: { errors: number; warnings: number };
}

class PreviewRollback extends Error {
  constructor(readonly summary: PublicationSummary) {
    super('preview');
  }
}

export class DraftFailsChecksError extends InvalidInputError {
  constructor(readonly report: CheckReport) {
    const errors = report.issues.filter((issue) => issue.severity === 'error');
    super(
      `the draft fails ${errors.length} check(s) and cannot be published: ${errors
        .slice(0, 12)
        .map((issue) => issue.message)
        .join('; ')}${errors.length > 12 ? '; …' : ''}`,
      'draft_fails_checks',
    );
  }
}

/** Midnight of a past day in Asia/Shanghai, or now for today; refused when not a calendar date or after today there. */
function effectiveInstant(day: string, now: Date): Date {
  const instant = new Date(`${day}T00:00:00+08:00`);
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(year, month - 1, date));
  if (Number.isNaN(instant.getTime()) || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    throw new InvalidInputError(`validFrom ${day} is not a calendar date`, 'invalid_date');
  }
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  if (day > today) {
    throw new InvalidInputError(
      `validFrom ${day} is after today (${today}): grids are published on the day they take effect, or back-dated, not scheduled`,
      'future_date',
    );
  }
  // Today: from now on (earlier today the old grids were still in force).
  return day === today ? now : instant;
}

export async function previewPublication(
  db: Database,
  actor: Actor,
  code: string,
  input: Omit<PublishInput, 'confirm'>,
  clock: Clock,
): Promise<PublicationSummary> {
  try {
    await db.transaction((tx) => publishSteps(tx, actor, code, input, clock, true));
  } catch (error) {
    if (error instanceof PreviewRollback) return error.summary;
    throw error;
  }
  throw new Error('the preview did not roll back');
}

export async function publishDraft(
  db: Database,
  actor: Actor,
  code: string,
  input: PublishInput,
  clock: Clock,
): Promise<PublicationSummary> {
  return db.transaction((tx) => publishSteps(tx, actor, code, input, clock, false));
}

async function publishSteps(
  tx: Queryable,
  actor: Actor,
  code: string,
  input: Omit<PublishInput, 'confirm'>,
  clock: Clock,
  dryRun: boolean,
): Promise<PublicationSummary> {
  const region = await openRegion(tx, code);
  const draft = await loadDraft(tx, code, { lock: true });
  if (!draft) throw new NotFoundError(`there is no draft of ${region.name} (${code}) to publish`, 'draft_not_found');
  if (draft.revision !== input.revision) {
    throw new ConflictError(
      `the draft of ${region.name} is at revision ${draft.revision} (saved by ${draft.updatedBy ?? 'someone'} at ${draft.updatedAt}); you asked to publish revision ${input.revision}: reload`,
      'stale_draft',
    );
  }
  const validFrom = effectiveInstant(input.validFrom, clock.now());
  const villageCodes = region.villages.map((village) => village.code);
  const band = await householdBand(tx);
  const buildings = await buildingsOf(tx, villageCodes);
  const grids = draft.grids;
  const report = await checkOnServer(tx, { villages: region.villages, grids, buildings, band });
  if (!report.passed) throw new DraftFailsChecksError(report);
  const flagOf = new Map(report.grids.map((grid) => [grid.key, grid.flag]));

  // The current grids of these villages, locked.
  const current = await tx.query<{
    id: number;
    code: string;
    village_code: string;
    version: number;
    valid_from: Date;
    name: string;
  }>(sql`
    select id, code, village_code, version, valid_from, name from grid
    where valid_to is null and village_code = any(${villageCodes}::text[])
    order by code
    for update`);
  const currentByCode = new Map(current.map((row) => [row.code, row]));
  const late = current.filter((row) => new Date(row.valid_from).getTime() >= validFrom.getTime());
  if (late.length > 0) {
    throw new InvalidInputError(
      `validFrom ${input.validFrom} is not after grid ${late[0]!.code} took effect (${new Date(late[0]!.valid_from).toISOString()}): choose a later date`,
      'date_before_current',
    );
  }
  for (const grid of grids) {
    if (grid.code && !currentByCode.has(grid.code)) {
      throw new InvalidInputError(
        `grid ${grid.name} continues code ${grid.code}, which is not a current grid of ${region.name}`,
        'unknown_grid_code',
      );
    }
  }

  // Which continued grids changed shape.
  const continued = grids.filter((grid) => grid.code);
  const payload = JSON.stringify(continued.map((grid) => ({ code: grid.code, boundary: grid.boundary })));
  const differences = await tx.query<{ code: string; difference: number }>(sql`
    select d->>'code' as code,
      ST_Area(ST_SymDifference(g.boundary, ST_SetSRID(ST_GeomFromGeoJSON(d->'boundary'), 4326))::geography) as difference
    from jsonb_array_elements(${payload}::text::jsonb) d
    join grid g on g.code = d->>'code' and g.valid_to is null`);
  const changedCodes = new Set(differences.filter((row) => row.difference >= UNCHANGED_SQUARE_METRES).map((row) => row.code));
  const draftCodes = new Set(continued.map((grid) => grid.code!));
  const retired = current.filter((row) => !draftCodes.has(row.code)).map((row) => row.code);

  // Next free sequence number per village: past codes are never given again.
  const sequences = await tx.query<{ village_code: string; last: number }>(sql`
    select village_code, max(right(code, 3)::int) as last from grid where village_code = any(${villageCodes}::text[]) group by village_code`);
  const nextSequence = new Map(sequences.map((row) => [row.village_code, row.last]));
  const codes: Record<string, string> = {};
  const added: PublicationSummary['grids']['added'] = [];
  const villageName = new Map(region.villages.map((village) => [village.code, village.name]));
  const plan: { grid: PlannerGrid; code: string; version: number; name: string }[] = [];
  for (const grid of grids) {
    if (grid.code) {
      codes[grid.key] = grid.code;
      if (changedCodes.has(grid.code))
        plan.push({ grid, code: grid.code, version: currentByCode.get(grid.code)!.version + 1, name: grid.name });
      continue;
    }
    const sequence = (nextSequence.get(grid.villageCode) ?? 0) + 1;
    if (sequence > 999) throw new InvalidInputError(`village ${grid.villageCode} has used all 999 grid codes`, 'codes_exhausted');
    nextSequence.set(grid.villageCode, sequence);
    const newCode = gridCode(grid.villageCode, sequence);
    codes[grid.key] = newCode;
    const name =
      /^新网格/.test(grid.name) || grid.name.includes('新网格')
        ? `${villageName.get(grid.villageCode)}第${sequence}网格`
        : grid.name;
    plan.push({ grid, code: newCode, version: 1, name });
    added.push({ key: grid.key, code: newCode, name });
  }
  const touched = [...changedCodes, ...retired];

  // Who was where before: buildings and open cases of the region.
  const buildingsBefore = await tx.query<{ id: number; code: string | null }>(sql`
    select b.id, (select g.code from grid g where g.valid_to is null and g.village_code = b.village_code and ST_Covers(g.boundary, b.location) order by g.code limit 1) as code
    from building b where b.village_code = any(${villageCodes}::text[])`);

  // Close the rows that end, then add the new ones.
  const closing = [...touched];
  const closedRows = closing.length
    ? await tx.query<{ id: number }>(sql`
        update grid set valid_to = ${validFrom} where valid_to is null and code = any(${closing}::text[]) returning id`)
    : [];
  const addedIds: number[] = [];
  for (const entry of plan) {
    const [row] = await tx.query<{ id: number }>(sql`
      insert into grid (code, village_code, name, version, valid_from, boundary, flag)
      values (${entry.code}, ${entry.grid.villageCode}, ${entry.name}, ${entry.version}, ${validFrom},
        -- Kept inside the village exactly: coordinates rounded to 1e-7° may stray a few millimetres over its edge.
        (select ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Intersection(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(entry.grid.boundary)}), 4326), v.boundary)), 3))
         from region v where v.code = ${entry.grid.villageCode}),
        ${flagOf.get(entry.grid.key) ?? null})
      returning id`);
    addedIds.push(row!.id);
  }
  if (addedIds.length > 0) {
    await tx.query(sql`
      update grid g set households = coalesce(counts.households, 0), population = coalesce(counts.residents, 0)
      from (
        select g2.id, sum(b.households) as households, sum(b.residents) as residents
        from grid g2 join building b on b.village_code = g2.village_code and ST_Covers(g2.boundary, b.location)
        where g2.id = any(${addedIds}::bigint[]) group by g2.id
      ) counts
      where g.id = counts.id`);
    // Grids with no building at all keep 0.
  }
  // Flags of kept grids follow the checks too (a neighbour's change can make a village's count infeasible).
  for (const grid of grids) {
    if (!grid.code || changedCodes.has(grid.code)) continue;
    await tx.query(
      sql`update grid set flag = ${flagOf.get(grid.key) ?? null} where code = ${grid.code} and valid_to is null and flag is distinct from ${flagOf.get(grid.key) ?? null}`,
    );
  }

  const buildingsAfter = await tx.query<{ id: number; code: string | null }>(sql`
    select b.id, (select g.code from grid g where g.valid_to is null and g.village_code = b.village_code and ST_Covers(g.boundary, b.location) order by g.code limit 1) as code
    from building b where b.village_code = any(${villageCodes}::text[])`);
  const before = new Map(buildingsBefore.map((row) => [row.id, row.code]));
  const buildingChanges = buildingsAfter
    .filter((row) => before.get(row.id) !== row.code)
    .map((row) => ({ buildingId: row.id, from: before.get(row.id) ?? null, to: row.code }));

  // Open cases in changed or retired grids (or placed in none) go to the grid that now holds them.
  const cases = touched.length
    ? await tx.query<{
        id: number;
        tracking_code: string;
        title: string;
        state: string;
        from_code: string | null;
        to_code: string | null;
      }>(sql`
        select c.id, c.tracking_code, c.title, c.state, c.grid_code as from_code,
          (select g.code from grid g where g.valid_to is null and g.village_code = any(${villageCodes}::text[]) and ST_Covers(g.boundary, c.location) order by g.code limit 1) as to_code
        from cases c
        where c.state <> 'closed' and c.location is not null
          and (c.grid_code = any(${touched}::text[]) or (c.grid_code is null and c.village_code = any(${villageCodes}::text[])))
        order by c.id
        for update of c`)
    : [];
  const movedCases = cases.filter((row) => row.from_code !== row.to_code);
  for (const row of movedCases) await tx.query(sql`update cases set grid_code = ${row.to_code} where id = ${row.id}`);

  // Grid workers of retired grids go to the grid that took most of its households (or the planner's choice).
  const successor = new Map<string, string>();
  for (const code of retired) {
    const tally = new Map<string, number>();
    const householdsById = new Map(buildings.map((building) => [building.id, building.households]));
    for (const change of buildingChanges) {
      if (change.from === code && change.to)
        tally.set(change.to, (tally.get(change.to) ?? 0) + (householdsById.get(change.buildingId) ?? 0) + 1e-3);
    }
    const best = [...tally.entries()].sort((a, b) => b[1] - a[1])[0];
    if (best) successor.set(code, best[0]);
  }
  const assignments = retired.length
    ? await tx.query<{ user_id: number; username: string; display_name: string; duty: string; grid_code: string }>(sql`
        select a.user_id, u.username, u.display_name, a.duty, a.grid_code
        from grid_assignment a join app_user u on u.id = a.user_id
        where a.grid_code = any(${retired}::text[]) order by a.grid_code, a.user_id`)
    : [];
  const chosen = new Map((input.workerMoves ?? []).map((move) => [move.userId, move.gridKey]));
  const workers: PublicationSummary['workers'] = [];
  for (const row of assignments) {
    const key = chosen.get(row.user_id);
    if (key !== undefined && !codes[key])
      throw new InvalidInputError(`workerMoves names grid ${key}, which is not in the draft`, 'unknown_grid_key');
    const to = key !== undefined ? codes[key]! : (successor.get(row.grid_code) ?? null);
    workers.push({
      userId: row.user_id,
      username: row.username,
      displayName: row.display_name,
      duty: row.duty,
      from: row.grid_code,
      to,
    });
    await tx.query(sql`delete from grid_assignment where grid_code = ${row.grid_code} and user_id = ${row.user_id}`);
    if (to) {
      await tx.query(sql`
        insert into grid_assignment (grid_code, user_id, duty) values (${to}, ${row.user_id}, ${row.duty})
        on conflict (grid_code, user_id) do nothing`);
    }
  }
  const finalCodes = Object.values(codes);
  const staffed = await tx.query<{ grid_code: string }>(sql`
    select distinct grid_code from grid_assignment where duty = 'grid_worker' and grid_code = any(${finalCodes}::text[])`);
  const staffedSet = new Set(staffed.map((row) => row.grid_code));

  const summary: PublicationSummary = {
    publicationId: null,
    regionCode: code,
    validFrom: validFrom.toISOString(),
    grids: {
      kept: continued.filter((grid) => !changedCodes.has(grid.code!)).map((grid) => grid.code!),
      changed: plan.filter((entry) => entry.version > 1).map((entry) => ({ code: entry.code, version: entry.version })),
      added,
      retired,
    },
    codes,
    buildingsChanged: buildingChanges.length,
    buildingChanges,
    cases: movedCases.map((row) => ({
      caseId: row.id,
      trackingCode: row.tracking_code,
      title: row.title,
      state: row.state,
      from: row.from_code,
      to: row.to_code,
    })),
    workers,
    gridsWithoutWorker: finalCodes.filter((gridCodeValue) => !staffedSet.has(gridCodeValue)).sort(),
    checks: { errors: report.errors, warnings: report.warnings },
  };
  if (dryRun) throw new PreviewRollback(summary);
  const { confirm } = input as PublishInput;
  if (summary.cases.length !== confirm.reassignedCases || summary.workers.length !== confirm.reassignedWorkers) {
    throw new ConflictError(
      `the preview you confirmed moved ${confirm.reassignedCases} case(s) and ${confirm.reassignedWorkers} worker(s); ` +
        `publishing now would move ${summary.cases.length} and ${summary.workers.length}: look at the preview again`,
      'preview_out_of_date',
    );
  }

  const [publication] = await tx.query<{ id: number }>(sql`
    insert into grid_publication (region_code, valid_from, published_by_user_id, draft_revision, summary)
    values (${code}, ${validFrom}, ${actor.userId}, ${draft.revision},
      ${JSON.stringify({ grids: summary.grids, codes, buildingsChanged: summary.buildingsChanged, cases: summary.cases.length, workers: summary.workers.length, checks: summary.checks })}::text::jsonb)
    returning id`);
  const publicationId = publication!.id;
  const beforeIds = closedRows.map((row) => row.id);
  await tx.query(sql`
    insert into grid_publication_grid (publication_id, grid_id, side)
    select ${publicationId}::bigint, id, 'before' from unnest(${beforeIds}::bigint[]) id
    union all
    select ${publicationId}::bigint, id, 'after' from unnest(${addedIds}::bigint[]) id`);
  if (buildingChanges.length > 0) {
    await tx.query(sql`
      insert into grid_publication_building (publication_id, building_id, from_grid_code, to_grid_code)
      select ${publicationId}::bigint, building_id, from_code, to_code
      from jsonb_to_recordset(${JSON.stringify(buildingChanges.map((change) => ({ building_id: change.buildingId, from_code: change.from, to_code: change.to })))}::text::jsonb)
        as change(building_id bigint, from_code text, to_code text)`);
  }
  for (const moved of summary.cases) {
    await tx.query(
      sql`insert into grid_publication_case (publication_id, case_id, from_grid_code, to_grid_code) values (${publicationId}, ${moved.caseId}, ${moved.from}, ${moved.to})`,
    );
  }
  for (const worker of workers) {
    await tx.query(sql`
      insert into grid_publication_worker (publication_id, user_id, duty, from_grid_code, to_grid_code)
      values (${publicationId}, ${worker.userId}, ${worker.duty}, ${worker.from}, ${worker.to})`);
  }
  await tx.query(sql`delete from grid_draft where region_code = ${code}`);
  return { ...summary, publicationId };
}

export interface PublicationListEntry {
  id: number;
  regionCode: string;
  validFrom: string;
  publishedAt: string;
  publishedBy: string | null;
  summary: Record<string, unknown>;
}

export async function listPublications(db: Queryable, code: string): Promise<PublicationListEntry[]> {
  const region = await openRegion(db, code);
  const villageCodes = region.villages.map((village) => village.code);
  const rows = await db.query<{
    id: number;
    region_code: string;
    valid_from: Date;
    published_at: Date;
    published_by: string | null;
    summary: Record<string, unknown>;
  }>(sql`
    select p.id, p.region_code, p.valid_from, p.published_at, u.display_name as published_by, p.summary
    from grid_publication p left join app_user u on u.id = p.published_by_user_id
    where p.region_code = ${code} or p.region_code = any(${villageCodes}::text[]) or p.region_code = ${`${code.slice(0, 9)}000`}
    order by p.published_at desc, p.id desc
    limit 100`);
  return rows.map((row) => ({
    id: row.id,
    regionCode: row.region_code,
    validFrom: new Date(row.valid_from).toISOString(),
    publishedAt: new Date(row.published_at).toISOString(),
    publishedBy: row.published_by,
    summary: row.summary,
  }));
}

export interface PublicationDetail extends PublicationListEntry {
  before: GeoJsonGridCollection;
  after: GeoJsonGridCollection;
  buildingChanges: {
    buildingId: number;
    address: string;
    households: number;
    from: string | null;
    to: string | null;
    position: [number, number];
  }[];
  cases: { caseId: number; trackingCode: string; from: string | null; to: string | null }[];
  workers: { userId: number; username: string; duty: string; from: string; to: string | null }[];
}

export interface GeoJsonGridCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    geometry: unknown;
    properties: { code: string; name: string; version: number; households: number };
  }[];
}

export async function publicationDetail(db: Queryable, id: number): Promise<PublicationDetail> {
  const [row] = await db.query<{
    id: number;
    region_code: string;
    valid_from: Date;
    published_at: Date;
    published_by: string | null;
    summary: Record<string, unknown>;
  }>(sql`
    select p.id, p.region_code, p.valid_from, p.published_at, u.display_name as published_by, p.summary
    from grid_publication p left join app_user u on u.id = p.published_by_user_id where p.id = ${id}`);
  if (!row) throw new NotFoundError(`no grid publication ${id}`, 'publication_not_found');
  const sides = await db.query<{
    side: 'before' | 'after';
    code: string;
    name: string;
    version: number;
    households: number;
    geometry: unknown;
  }>(sql`
    select pg.side, g.code, g.name, g.version, g.households, ST_AsGeoJSON(g.boundary, 7)::json as geometry
    from grid_publication_grid pg join grid g on g.id = pg.grid_id
    where pg.publication_id = ${id} order by g.code`);
  const collection = (side: 'before' | 'after'): GeoJsonGridCollection => ({
    type: 'FeatureCollection',
    features: sides
      .filter((entry) => entry.side === side)
      .map((entry) => ({
        type: 'Feature',
        geometry: entry.geometry,
        properties: { code: entry.code, name: entry.name, version: entry.version, households: entry.households },
      })),
  });
  const changes = await db.query<{
    building_id: number;
    address: string;
    households: number;
    from_grid_code: string | null;
    to_grid_code: string | null;
    x: number;
    y: number;
  }>(sql`
    select c.building_id, b.address, b.households, c.from_grid_code, c.to_grid_code, ST_X(b.location) as x, ST_Y(b.location) as y
    from grid_publication_building c join building b on b.id = c.building_id
    where c.publication_id = ${id} order by c.building_id`);
  const cases = await db.query<{
    case_id: number;
    tracking_code: string;
    from_grid_code: string | null;
    to_grid_code: string | null;
  }>(sql`
    select pc.case_id, c.tracking_code, pc.from_grid_code, pc.to_grid_code
    from grid_publication_case pc join cases c on c.id = pc.case_id where pc.publication_id = ${id} order by pc.case_id`);
  const workers = await db.query<{
    user_id: number;
    username: string;
    duty: string;
    from_grid_code: string;
    to_grid_code: string | null;
  }>(sql`
    select w.user_id, u.username, w.duty, w.from_grid_code, w.to_grid_code
    from grid_publication_worker w join app_user u on u.id = w.user_id where w.publication_id = ${id} order by w.user_id`);
  return {
    id: row.id,
    regionCode: row.region_code,
    validFrom: new Date(row.valid_from).toISOString(),
    publishedAt: new Date(row.published_at).toISOString(),
    publishedBy: row.published_by,
    summary: row.summary,
    before: collection('before'),
    after: collection('after'),
    buildingChanges: changes.map((change) => ({
      buildingId: change.building_id,
      address: change.address,
      households: change.households,
      from: change.from_grid_code,
      to: change.to_grid_code,
      position: [change.x, change.y],
    })),
    cases: cases.map((entry) => ({
      caseId: entry.case_id,
      trackingCode: entry.tracking_code,
      from: entry.from_grid_code,
      to: entry.to_grid_code,
    })),
    workers: workers.map((entry) => ({
      userId: entry.user_id,
      username: entry.username,
      duty: entry.duty,
      from: entry.from_grid_code,
      to: entry.to_grid_code,
    })),
  };
}
