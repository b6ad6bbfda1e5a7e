/**
 * Importing grids a county already has (optional: without them the
 * planner proposes grids). A file holds the grid sets of the villages it
 * covers: on commit, each of those villages gets exactly the grids of the
 * file — changed grids get a new version, grids no longer in the file are
 * closed (valid_to), history kept — and villages the file does not touch
 * keep theirs. Grids are clipped to their village where they overhang it by
 * a sliver; a larger overhang is an error.
 */
import { sql, type Queryable } from '@minqing/db';
import { GRID_TARGETS } from './field-mapping.ts';
import type { ChangeCounts, ReportBuilder } from './import-report.ts';
import type { ImportSettings } from './import-settings.ts';
import { mappedFiles, mappedRows } from './mapped-rows.ts';
import {
  checkGaps,
  checkOutsideParent,
  checkOverlaps,
  checkShapes,
  createCheckTables,
  indexResult,
  insertCandidates,
  type Candidate,
} from './spatial-checks.ts';

const GRID_CODE = /^[0-9]{15}$/;

export async function checkGrids(
  tx: Queryable,
  sessionId: number,
  settings: ImportSettings,
  report: ReportBuilder,
): Promise<void> {
  const files = await mappedFiles(tx, sessionId, 'grids', settings);
  const villages = new Map(
    (await tx.query<{ code: string; name: string }>(sql`select code, name from region where level = 'village'`)).map((row) => [
      row.code,
      row.name,
    ]),
  );
  const candidates: Candidate[] = [];
  const firstOf = new Map<string, Candidate>();
  const blocked = new Set<Candidate>();
  for (const file of files) {
    for (const { position, values } of await mappedRows(tx, sessionId, file, GRID_TARGETS)) {
      const where = { file: file.name, fileNo: file.fileNo, position };
      const code = values.code?.replace(/\.0+$/, '') ?? null;
      if (!code) {
        report.add({
          ...where,
          name: values.name,
          check: 'empty_attribute',
          severity: 'error',
          message: `feature ${position} has no grid code`,
        });
        continue;
      }
      if (!GRID_CODE.test(code)) {
        report.add({
          ...where,
          code,
          name: values.name,
          check: 'malformed_code',
          severity: 'error',
          message: `feature ${position}: "${code}" is not a grid code (15 digits: the village's 12 and 3 more)`,
        });
        continue;
      }
      const villageCode = code.slice(0, 12);
      if (values.villageCode && values.villageCode !== villageCode) {
        report.add({
          ...where,
          code,
          name: values.name,
          check: 'malformed_code',
          severity: 'error',
          message: `grid ${code} names the village ${values.villageCode}, but a grid's code starts with its village's code (${villageCode})`,
        });
        continue;
      }
      const name = values.name ?? `${villages.get(villageCode) ?? villageCode}${code.slice(12)}网格`;
      const candidate: Candidate = {
        fileNo: file.fileNo,
        position,
        fileName: file.name,
        code,
        name,
        level: 'grid',
        parentCode: villageCode,
      };
      candidates.push(candidate);
      if (!villages.has(villageCode)) {
        blocked.add(candidate);
        report.add({
          ...where,
          code,
          name,
          check: 'orphan',
          severity: 'error',
          message: `grid ${code} belongs to the village ${villageCode}, which is not in the jurisdiction`,
        });
      }
      const first = firstOf.get(code);
      if (first) {
        blocked.add(candidate);
        report.add({
          ...where,
          code,
          name,
          check: 'duplicate_code',
          severity: 'error',
          message: `the grid code ${code} appears twice: ${first.fileName} feature ${first.position} and ${file.name} feature ${position}`,
        });
      } else firstOf.set(code, candidate);
    }
  }

  await createCheckTables(tx);
  await insertCandidates(tx, sessionId, candidates);
  await checkShapes(tx, report, settings.acceptRepairs, 'grid');
  const eligible = candidates.filter((candidate) => !blocked.has(candidate));
  await tx.query(sql`
    insert into import_result (code, name, level, parent_code, boundary, imported, file_no, position, file_name)
    select c.code, c.name, 'grid', c.parent_code, c.final, true, c.file_no, c.position, c.file_name
    from import_candidate c
    join unnest(${eligible.map((row) => row.fileNo)}::int[], ${eligible.map((row) => row.position)}::int[]) as e(file_no, position)
      on e.file_no = c.file_no and e.position = c.position
    where c.final is not null`);
  // Villages the files do not touch keep their grids.
  await tx.query(sql`
    insert into import_result (code, name, level, parent_code, boundary, imported)
    select g.code, g.name, 'grid', g.village_code, g.boundary, false from grid g
    where g.valid_to is null
      and g.village_code not in (select parent_code from import_candidate)
      and g.code not in (select code from import_candidate)`);
  await indexResult(tx);
  await checkOutsideParent(tx, report, sql`select code, name, boundary, false as changed from region where level = 'village'`);
  // Overhangs are clipped: what is judged next, and written, lies inside the village.
  await tx.query(sql`
    update import_result c set boundary = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Intersection(c.boundary, v.boundary)), 3))
    from region v where c.imported and v.code = c.parent_code and not ST_CoveredBy(c.boundary, v.boundary)`);
  await tx.query(sql`delete from import_result where ST_IsEmpty(boundary)`);
  await checkOverlaps(tx, report);
  await checkGaps(
    tx,
    report,
    sql`select v.code, v.name, v.boundary from region v where v.level = 'village' and v.code in (select parent_code from import_result where imported)`,
    'grid',
  );
  const [counts] = (await tx.query<ChangeCounts>(sql`
    select
      count(*) filter (where c.imported and g.code is null) as added,
      count(*) filter (where c.imported and g.code is not null and (g.name is distinct from c.name or ST_AsBinary(g.boundary) is distinct from ST_AsBinary(c.boundary))) as changed,
      count(*) filter (where c.imported and g.code is not null and g.name is not distinct from c.name and ST_AsBinary(g.boundary) is not distinct from ST_AsBinary(c.boundary)) as unchanged,
      count(*) filter (where not c.imported) as kept,
      (select count(*) from grid r where r.valid_to is null and r.village_code in (select parent_code from import_result where imported)
         and r.code not in (select code from import_result where imported)) as retired
    from import_result c left join grid g on g.code = c.code and g.valid_to is null`)) as [ChangeCounts];
  report.changes.grid = counts;
  if (counts.retired > 0) {
    report.add({
      check: 'grids_replaced',
      severity: 'warning',
      message: `${counts.retired} grids in place are not in the files for their villages: they will be closed (kept in history); their grid workers keep the assignment by code`,
    });
  }
}

export interface GridCommitSummary {
  grids: ChangeCounts;
}

export async function commitGrids(tx: Queryable, changes: Record<string, ChangeCounts>): Promise<GridCommitSummary> {
  const validFrom = sql`now()`;
  await tx.query(sql`
    update grid g set valid_to = ${validFrom}
    where g.valid_to is null and g.village_code in (select parent_code from import_result where imported)
      and not exists (
        select 1 from import_result c where c.imported and c.code = g.code
          and c.name is not distinct from g.name and ST_AsBinary(c.boundary) = ST_AsBinary(g.boundary))`);
  const added = await tx.query<{ id: number }>(sql`
    insert into grid (code, village_code, name, version, valid_from, boundary)
    select c.code, c.parent_code, c.name, coalesce((select max(version) from grid o where o.code = c.code), 0) + 1, ${validFrom}, c.boundary
    from import_result c
    where c.imported and not exists (select 1 from grid g where g.code = c.code and g.valid_to is null)
    returning id`);
  if (added.length > 0) {
    await tx.query(sql`
      update grid g set households = coalesce(counts.households, 0), population = coalesce(counts.residents, 0)
      from (
        select g2.id, sum(b.households) as households, sum(b.residents) as residents
        from grid g2 join building b on b.village_code = g2.village_code and ST_Covers(g2.boundary, b.location)
        where g2.id = any(${added.map((row) => row.id)}::bigint[]) group by g2.id
      ) counts
      where g.id = counts.id`);
  }
  return { grids: changes.grid! };
}
