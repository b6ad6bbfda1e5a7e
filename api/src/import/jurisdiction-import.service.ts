/**
 * Importing the jurisdiction: district, towns/streets, villages/communities
 * from one file per level or one file with a level field. The checks map
 * each feature's code, name, level, parent and kind (attributes, in
 * TypeScript with shared's region rules), then judge shapes, parents,
 * siblings and gaps in PostGIS on the set as it would be after the commit.
 * The commit writes the regions — new ones inserted, changed ones updated,
 * so region_version keeps the old version — and, when asked, the standard
 * units a new jurisdiction needs to route cases.
 */
import { sql, type Queryable } from '@minqing/db';
import {
  isRegionCode,
  levelOfRegionCode,
  parentRegionCode,
  regionKindFromName,
  type RegionKind,
  type RegionLevel,
} from '@minqing/shared';
import { JURISDICTION_TARGETS, levelFromWord, normaliseRegionCode } from './field-mapping.ts';
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

const PARENT_LEVEL: Record<RegionLevel, RegionLevel | null> = { district: null, town: 'district', village: 'town' };
const LEVEL_WORD: Record<RegionLevel, string> = { district: 'district', town: 'town', village: 'village' };

const KIND_WORDS: [RegExp, RegionKind][] = [
  [/^(district|county|区|县|区县|市辖区|县级市)$/i, 'district'],
  [/^(street|街道|街道办事处)$/i, 'street'],
  [/^(town|镇)$/i, 'town'],
  [/^(township|乡|民族乡)$/i, 'township'],
  [/^(community|社区|居委会|居民委员会)$/i, 'community'],
  [/^(village|村|村委会|村民委员会)$/i, 'village'],
];
const KINDS_OF_LEVEL: Record<RegionLevel, RegionKind[]> = {
  district: ['district'],
  town: ['street', 'town', 'township'],
  village: ['community', 'village'],
};

/** Maps the features, checks them, and leaves import_candidate / import_result filled for a commit. */
export async function checkJurisdiction(
  tx: Queryable,
  sessionId: number,
  settings: ImportSettings,
  report: ReportBuilder,
): Promise<void> {
  const files = await mappedFiles(tx, sessionId, 'jurisdiction', settings);
  const existing = new Map(
    (await tx.query<{ code: string; level: RegionLevel }>(sql`select code, level from region`)).map((row) => [
      row.code,
      row.level,
    ]),
  );
  const candidates: Candidate[] = [];
  const firstOf = new Map<string, Candidate>();
  const blocked = new Set<Candidate>();

  for (const file of files) {
    const rows = await mappedRows(tx, sessionId, file, JURISDICTION_TARGETS);
    const field = (target: string) => file.settings.fields[target] ?? target;
    for (const { position, values } of rows) {
      const where = { file: file.name, fileNo: file.fileNo, position };
      const rawCode = values.code;
      const name = values.name;
      if (!rawCode) {
        report.add({
          ...where,
          name,
          check: 'empty_attribute',
          severity: 'error',
          message: `feature ${position} has no code (field ${field('code')} is empty)`,
        });
        continue;
      }
      const code = normaliseRegionCode(rawCode);
      if (!isRegionCode(code)) {
        report.add({
          ...where,
          code: rawCode,
          name,
          check: 'malformed_code',
          severity: 'error',
          message: `feature ${position}: "${rawCode}" is not a division code (12 digits; 6 for a county and 9 for a town are padded with zeros)`,
        });
        continue;
      }
      if (!name) {
        report.add({
          ...where,
          code,
          check: 'empty_attribute',
          severity: 'error',
          message: `feature ${position} (${code}) has no name (field ${field('name')} is empty)`,
        });
        continue;
      }
      if (name.length > 100) {
        report.add({
          ...where,
          code,
          name: name.slice(0, 20),
          check: 'empty_attribute',
          severity: 'error',
          message: `feature ${position} (${code}): the name is longer than 100 characters`,
        });
        continue;
      }
      const codeLevel = levelOfRegionCode(code);
      let level: RegionLevel = codeLevel;
      let levelSource = `its code ${code}`;
      if (file.settings.level) {
        level = file.settings.level;
        levelSource = `the file's level (${LEVEL_WORD[level]})`;
      } else if (file.settings.fields.level && values.level) {
        const named = levelFromWord(values.level);
        if (!named) {
          report.add({
            ...where,
            code,
            name,
            check: 'unknown_value',
            severity: 'error',
            message: `feature ${position} (${name}): the level "${values.level}" is not district, town or village (区县, 镇乡街道, 村社区)`,
          });
          continue;
        }
        level = named;
        levelSource = `its level field ("${values.level}")`;
      }
      if (level !== codeLevel) {
        report.add({
          ...where,
          code,
          name,
          check: 'level_mismatch',
          severity: 'error',
          message: `${name} (${code}) is a ${LEVEL_WORD[level]} by ${levelSource}, but its code is a ${LEVEL_WORD[codeLevel]} code (digits 7–9 name the town, 10–12 the village)`,
        });
        continue;
      }
      let parentCode = parentRegionCode(code);
      if (level !== 'district' && file.settings.fields.parentCode && values.parentCode) {
        const given = normaliseRegionCode(values.parentCode);
        if (given !== parentCode) {
          report.add({
            ...where,
            code,
            name,
            check: 'malformed_code',
            severity: 'warning',
            message: `${name} (${code}) names the parent ${given}, but its code belongs under ${parentCode}: the parent field is followed`,
          });
        }
        parentCode = given;
      }
      let kind: RegionKind = regionKindFromName(level, name);
      if (file.settings.fields.kind && values.kind) {
        const named = KIND_WORDS.find(([pattern]) => pattern.test(values.kind!))?.[1];
        if (!named || !KINDS_OF_LEVEL[level].includes(named)) {
          report.add({
            ...where,
            code,
            name,
            check: 'unknown_value',
            severity: 'error',
            message: `${name} (${code}): the kind "${values.kind}" does not fit a ${LEVEL_WORD[level]} (${KINDS_OF_LEVEL[level].join(', ')})`,
          });
          continue;
        }
        kind = named;
      }
      const candidate: Candidate = {
        fileNo: file.fileNo,
        position,
        fileName: file.name,
        code,
        name,
        level,
        parentCode: level === 'district' ? null : parentCode,
        fullName: values.fullName ?? name,
        kind,
      };
      candidates.push(candidate);
      const first = firstOf.get(code);
      if (first) {
        blocked.add(candidate);
        report.add({
          ...where,
          code,
          name,
          check: 'duplicate_code',
          severity: 'error',
          message: `the code ${code} (${name}) appears twice: ${first.fileName} feature ${first.position} and ${file.name} feature ${position}`,
        });
      } else firstOf.set(code, candidate);
    }
  }

  // Orphans: a parent of the right level, in the files or already in place.
  const levelOf = (code: string) => firstOf.get(code)?.level ?? existing.get(code) ?? null;
  for (const candidate of firstOf.values()) {
    const wanted = PARENT_LEVEL[candidate.level as RegionLevel];
    if (!wanted || !candidate.parentCode) continue;
    const found = levelOf(candidate.parentCode);
    if (found === wanted) continue;
    blocked.add(candidate);
    report.add({
      file: candidate.fileName,
      fileNo: candidate.fileNo,
      position: candidate.position,
      code: candidate.code,
      name: candidate.name,
      check: 'orphan',
      severity: 'error',
      message: found
        ? `${candidate.name} (${candidate.code}) names the parent ${candidate.parentCode}, which is a ${found}, not a ${wanted}`
        : `${candidate.name} (${candidate.code}) belongs to the ${wanted} ${candidate.parentCode}, which is neither in the files nor in place`,
    });
  }

  await createCheckTables(tx);
  await insertCandidates(tx, sessionId, candidates);
  await checkShapes(tx, report, settings.acceptRepairs, 'region');
  const eligible = candidates.filter((candidate) => !blocked.has(candidate));
  await tx.query(sql`
    insert into import_result (code, name, level, parent_code, boundary, imported, file_no, position, file_name)
    select c.code, c.name, c.level, c.parent_code, c.final, true, c.file_no, c.position, c.file_name
    from import_candidate c
    join unnest(${eligible.map((row) => row.fileNo)}::int[], ${eligible.map((row) => row.position)}::int[]) as e(file_no, position)
      on e.file_no = c.file_no and e.position = c.position
    where c.final is not null`);
  await tx.query(sql`
    insert into import_result (code, name, level, parent_code, boundary, imported)
    select code, name, level, parent_code, boundary, false from region
    where code not in (select code from import_candidate)`);
  await indexResult(tx);

  const districts = await tx.query<{
    code: string;
    name: string;
    imported: boolean;
    file_no: number | null;
    position: number | null;
    file_name: string | null;
  }>(
    sql`select code, name, imported, file_no, position, file_name from import_result where level = 'district' order by imported, code`,
  );
  const districtInFiles = candidates.some((candidate) => candidate.level === 'district');
  if (districts.length === 0 && !districtInFiles) {
    report.add({
      check: 'no_district',
      severity: 'error',
      message:
        'there is no district: add the county boundary (one feature whose code ends in 000000, e.g. 500101000000, or a 6-digit county code)',
    });
  }
  if (districts.length > 1) {
    const [kept, ...others] = districts;
    for (const other of others) {
      report.add({
        check: 'second_district',
        severity: 'error',
        file: other.file_name,
        fileNo: other.file_no,
        position: other.position,
        code: other.code,
        name: other.name,
        message: `a deployment serves one district: ${other.name} (${other.code}) would sit beside ${kept!.name} (${kept!.code})`,
      });
    }
  }

  // Parents judged: imported ones, and those in place whose children come in the files.
  const parents = sql`
    select p.code, p.name, p.boundary, p.imported as changed from import_result p
    where p.level in ('district', 'town')`;
  await checkOutsideParent(tx, report, parents);
  await checkOverlaps(tx, report);
  await checkGaps(
    tx,
    report,
    sql`select p.code, p.name, p.boundary from import_result p where p.level = 'district'
        and (p.imported or exists (select 1 from import_result c where c.parent_code = p.code and c.imported))`,
    'town',
  );
  await checkGaps(
    tx,
    report,
    sql`select p.code, p.name, p.boundary from import_result p where p.level = 'town'
        and (p.imported or exists (select 1 from import_result c where c.parent_code = p.code and c.imported))`,
    'village',
  );
  await reportGridsOutside(tx, report);
  await countChanges(tx, report);
}

/** Current grids that would stick out of their village's new boundary. */
async function reportGridsOutside(tx: Queryable, report: ReportBuilder): Promise<void> {
  const rows = await tx.query<{
    code: string;
    name: string;
    village_name: string;
    outside: number;
    x: number | null;
    y: number | null;
  }>(sql`
    with outside as (
      select g.code, g.name, v.name as village_name, ST_CollectionExtract(ST_Difference(g.boundary, v.boundary), 3) as part
      from grid g join import_result v on v.code = g.village_code and v.imported
      where g.valid_to is null and not ST_CoveredBy(g.boundary, v.boundary)
    )
    select code, name, village_name, ST_Area(part::geography) as outside, ST_X(ST_PointOnSurface(part)) as x, ST_Y(ST_PointOnSurface(part)) as y
    from outside where not ST_IsEmpty(part) order by code`);
  for (const row of rows) {
    if (row.outside <= 1) continue;
    report.add({
      check: 'grid_outside_village',
      severity: 'warning',
      code: row.code,
      name: row.name,
      location: row.x === null || row.y === null ? null : [row.x, row.y],
      areaSquareMetres: row.outside,
      message: `the grid ${row.name} (${row.code}) would lie ${Math.round(row.outside)} m² outside the new boundary of ${row.village_name}: re-plan it in the grid planner`,
    });
  }
}

async function countChanges(tx: Queryable, report: ReportBuilder): Promise<void> {
  const rows = await tx.query<{ level: string; added: number; changed: number; unchanged: number; kept: number }>(sql`
    select c.level,
      count(*) filter (where c.imported and r.code is null) as added,
      count(*) filter (where c.imported and r.code is not null and (${changedRegion})) as changed,
      count(*) filter (where c.imported and r.code is not null and not (${changedRegion})) as unchanged,
      count(*) filter (where not c.imported) as kept
    from import_result c left join region r on r.code = c.code
    group by c.level`);
  for (const level of ['district', 'town', 'village']) {
    const row = rows.find((entry) => entry.level === level);
    const counts: ChangeCounts = {
      added: row?.added ?? 0,
      changed: row?.changed ?? 0,
      unchanged: row?.unchanged ?? 0,
      kept: row?.kept ?? 0,
      retired: 0,
    };
    report.changes[level] = counts;
  }
}

/** Whether an imported region (c, import_result joined with import_candidate) differs from the one in place (r). */
const changedRegion = sql`
  r.name is distinct from c.name or r.parent_code is distinct from c.parent_code
  or ST_AsBinary(r.boundary) is distinct from ST_AsBinary(c.boundary)
  or r.kind is distinct from (select kind from import_candidate k where k.file_no = c.file_no and k.position = c.position)
  or r.full_name is distinct from (select full_name from import_candidate k where k.file_no = c.file_no and k.position = c.position)`;

export interface JurisdictionCommitSummary {
  regions: Record<string, ChangeCounts>;
  unitsCreated: number;
  buildingsMoved: number;
}

/** Writes the checked set: run right after checkJurisdiction, in its transaction, when it found no error. */
export async function commitJurisdiction(
  tx: Queryable,
  sessionId: number,
  settings: ImportSettings,
  changes: Record<string, ChangeCounts>,
): Promise<JurisdictionCommitSummary> {
  await tx.query(sql`select set_config('minqing.import_session_id', ${String(sessionId)}, true)`);
  for (const level of ['district', 'town', 'village']) {
    await tx.query(sql`
      insert into region (code, name, full_name, level, kind, parent_code, boundary, geometry_source)
      select c.code, c.name, k.full_name, c.level, k.kind, c.parent_code, c.boundary, 'imported'
      from import_result c join import_candidate k on k.file_no = c.file_no and k.position = c.position
      where c.imported and c.level = ${level}
      on conflict (code) do update set
        name = excluded.name, full_name = excluded.full_name, kind = excluded.kind, parent_code = excluded.parent_code,
        boundary = excluded.boundary, geometry_source = 'imported'
      where region.name is distinct from excluded.name or region.full_name is distinct from excluded.full_name
        or region.kind is distinct from excluded.kind or region.parent_code is distinct from excluded.parent_code
        or ST_AsBinary(region.boundary) is distinct from ST_AsBinary(excluded.boundary)
        or region.geometry_source is distinct from 'imported'`);
  }
  // Buildings of villages whose boundary changed go to the village they now lie in (the lowest code on a shared edge).
  const moved = await tx.query<{ id: number }>(sql`
    with placed as (
      select b.id, (select v.code from region v where v.level = 'village' and ST_Covers(v.boundary, b.location) order by v.code limit 1) as code
      from building b where b.village_code in (select code from import_result where imported and level = 'village')
    )
    update building b set village_code = placed.code from placed
    where b.id = placed.id and placed.code is not null and placed.code <> b.village_code
    returning b.id`);
  const unitsCreated = settings.createUnits ? await createStandardUnits(tx) : 0;
  return { regions: changes, unitsCreated, buildingsMoved: moved.length };
}

/**
 * The units a jurisdiction needs before its units are imported: a command
 * center, a service centre per town and a station per village, where none
 * exists — named and coded as the demo's (CC-01, T-<code>, V-<code>), so a
 * case is routed at once. A units import renames or replaces them later.
 */
async function createStandardUnits(tx: Queryable): Promise<number> {
  const command = await tx.query<{ id: number }>(sql`
    insert into unit (code, name, kind, ladder_level, region_code, location)
    select 'CC-01', d.name || '群众工作指挥中心', 'command_center', 3, d.code, ST_PointOnSurface(d.boundary)
    from region d
    where d.level = 'district' and not exists (select 1 from unit where kind = 'command_center') and not exists (select 1 from unit where code = 'CC-01')
    order by d.code limit 1
    returning id`);
  const towns = await tx.query<{ id: number }>(sql`
    insert into unit (code, name, kind, ladder_level, region_code, location, parent_id)
    select 'T-' || t.code, t.name || '便民服务中心', 'town_center', 2, t.code, ST_PointOnSurface(t.boundary),
           (select id from unit where kind = 'command_center' order by id limit 1)
    from region t
    where t.level = 'town'
      and not exists (select 1 from unit u where u.kind = 'town_center' and u.region_code = t.code)
      and not exists (select 1 from unit u where u.code = 'T-' || t.code)
    returning id`);
  const villages = await tx.query<{ id: number }>(sql`
    insert into unit (code, name, kind, ladder_level, region_code, location, parent_id)
    select 'V-' || v.code, v.name || '便民服务站', 'village_station', 1, v.code, ST_PointOnSurface(v.boundary),
           (select id from unit u where u.kind = 'town_center' and u.region_code = v.parent_code order by id limit 1)
    from region v
    where v.level = 'village'
      and not exists (select 1 from unit u where u.kind = 'village_station' and u.region_code = v.code)
      and not exists (select 1 from unit u where u.code = 'V-' || v.code)
    returning id`);
  return command.length + towns.length + villages.length;
}
