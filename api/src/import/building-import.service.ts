/**
 * Importing buildings and households: a list of buildings with their
 * household and resident counts, or a household register — one row per
 * household, rows of the same address making one building. A row carries a
 * point (longitude/latitude columns, or a point feature) or is matched by its
 * address to a building already loaded (or to a row of the files that has a
 * point). The commit replaces the counts of the buildings the files name,
 * adds the new ones, and brings the grids' household totals up to date;
 * buildings the files do not name stay as they are.
 *
 * Done in SQL on temporary tables: a register of 100,000 rows never passes
 * through the application row by row.
 */
import { sql, type Queryable } from '@minqing/db';
import { MAX_LISTED, type ChangeCounts, type ReportBuilder } from './import-report.ts';
import type { ImportSettings } from './import-settings.ts';
import { mappedFiles } from './mapped-rows.ts';

/** Rows of one address further apart than this (from their centre) are reported. */
const SCATTER_METRES = 200;

const field = (mapping: Record<string, string | null>, target: string) => mapping[target] ?? null;

export async function checkBuildings(
  tx: Queryable,
  sessionId: number,
  settings: ImportSettings,
  report: ReportBuilder,
): Promise<void> {
  const files = await mappedFiles(tx, sessionId, 'buildings', settings);
  await tx.query(sql`
    create temp table if not exists import_building_row (
      file_no integer not null, position integer not null, file_name text not null,
      address text, name text, households_text text, residents_text text, kind_text text, floors_text text, village_text text,
      longitude_text text, latitude_text text, location geometry(Point, 4326), x double precision, y double precision,
      households integer, residents integer, floors smallint, kind text, problem text
    ) on commit drop`);
  await tx.query(sql`truncate import_building_row`);
  for (const file of files) {
    const mapping = file.settings.fields;
    const coordinates = file.summary.coordinateFields;
    await tx.query(sql`
      insert into import_building_row (file_no, position, file_name, address, name, households_text, residents_text, kind_text,
        floors_text, village_text, longitude_text, latitude_text, location)
      select file_no, position, ${file.name},
        nullif(btrim(properties ->> ${field(mapping, 'address')}::text), ''), nullif(btrim(properties ->> ${field(mapping, 'name')}::text), ''),
        nullif(btrim(properties ->> ${field(mapping, 'households')}::text), ''), nullif(btrim(properties ->> ${field(mapping, 'residents')}::text), ''),
        nullif(btrim(properties ->> ${field(mapping, 'kind')}::text), ''), nullif(btrim(properties ->> ${field(mapping, 'floors')}::text), ''),
        nullif(btrim(properties ->> ${field(mapping, 'villageCode')}::text), ''),
        nullif(btrim(properties ->> ${coordinates?.longitude ?? null}::text), ''), nullif(btrim(properties ->> ${coordinates?.latitude ?? null}::text), ''),
        case when geom is null then null when ST_GeometryType(geom) = 'ST_Point' then geom else ST_GeometryN(geom, 1) end
      from import_record where session_id = ${sessionId} and file_no = ${file.fileNo}`);
    // Without a households column each row is one household (a household register).
    await tx.query(sql`
      update import_building_row set
        households = case when ${field(mapping, 'households')}::text is null then 1
                          when households_text ~ '^[0-9]{1,7}(\\.0+)?$' then households_text::numeric::int end,
        residents = case when residents_text is null then 0 when residents_text ~ '^[0-9]{1,7}(\\.0+)?$' then residents_text::numeric::int end,
        floors = case when floors_text ~ '^[0-9]{1,3}$' and floors_text::int between 1 and 300 then floors_text::smallint end,
        kind = case
          when kind_text is null then 'house'
          when kind_text ~* '^(high_rise|高层|高层住宅)$' then 'high_rise'
          when kind_text ~* '^(mid_rise|多层|中层|小高层)$' then 'mid_rise'
          when kind_text ~* '^(house|平房|农房|自建房|住宅|低层)$' then 'house'
          when kind_text ~* '^(public|公共|公共建筑|公建)$' then 'public'
          else 'house' end
      where file_no = ${file.fileNo}`);
  }

  await tx.query(sql`update import_building_row set x = ST_X(location), y = ST_Y(location) where location is not null`);
  await tx.query(sql`create index if not exists import_building_row_address_idx on import_building_row (address)`);
  // Where each distinct point lies, found once: a register repeats a building's point for each of its households.
  await tx.query(sql`
    create temp table if not exists import_place (
      x double precision not null, y double precision not null, in_district boolean not null, village_code text,
      primary key (x, y)
    ) on commit drop`);
  await tx.query(sql`truncate import_place`);
  await tx.query(sql`
    insert into import_place (x, y, in_district, village_code)
    select p.x, p.y, true,
      (select v.code from region v where v.level = 'village' and ST_Covers(v.boundary, p.geom) order by v.code limit 1)
    from (select distinct x, y, ST_SetSRID(ST_MakePoint(x, y), 4326) as geom from import_building_row where location is not null) p`);
  // A point in a village is in the district; the others are tested against the district itself.
  await tx.query(sql`
    update import_place p set in_district = exists (
      select 1 from region d where d.level = 'district' and ST_Covers(d.boundary, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326)))
    where p.village_code is null`);
  await tx.query(sql`analyze import_building_row`);
  // Addresses a row without coordinates can be placed by: a building in place, or a row of the files with a point.
  await tx.query(sql`
    create temp table if not exists import_known_address (address text primary key) on commit drop`);
  await tx.query(sql`truncate import_known_address`);
  await tx.query(sql`
    insert into import_known_address
    select address from building where address in (select address from import_building_row where location is null)
    union select address from import_building_row where location is not null and address is not null`);

  // Problems of single rows, each with its first listed and all counted.
  const rowProblems: {
    check:
      'empty_attribute' | 'bad_number' | 'bad_coordinates' | 'outside_jurisdiction' | 'outside_villages' | 'unmatched_address';
    condition: ReturnType<typeof sql>;
    message: ReturnType<typeof sql>;
  }[] = [
    {
      check: 'empty_attribute',
      condition: sql`address is null`,
      message: sql`'row ' || position || ' has no address'`,
    },
    {
      check: 'bad_number',
      condition: sql`problem is null and (households is null or residents is null)`,
      message: sql`'row ' || position || ' (' || address || '): ' ||
        case when households is null then 'households "' || coalesce(households_text, '') || '"' else 'residents "' || coalesce(residents_text, '') || '"' end ||
        ' is not a whole number'`,
    },
    {
      check: 'bad_coordinates',
      condition: sql`problem is null and location is null and (longitude_text is not null or latitude_text is not null)`,
      message: sql`'row ' || position || ' (' || address || '): the coordinates "' || coalesce(longitude_text, '') || ', ' || coalesce(latitude_text, '') || '" are not a longitude and a latitude'`,
    },
    {
      check: 'outside_jurisdiction',
      condition: sql`problem is null and location is not null
        and exists (select 1 from import_place p where p.x = import_building_row.x and p.y = import_building_row.y and not p.in_district)`,
      message: sql`'row ' || position || ' (' || address || ') lies outside the district, at ' || round(ST_X(location)::numeric, 6) || ', ' || round(ST_Y(location)::numeric, 6)`,
    },
    {
      check: 'outside_villages',
      condition: sql`problem is null and location is not null
        and exists (select 1 from import_place p where p.x = import_building_row.x and p.y = import_building_row.y and p.village_code is null)`,
      message: sql`'row ' || position || ' (' || address || ') lies in the district but in no village or community'`,
    },
    {
      check: 'unmatched_address',
      condition: sql`problem is null and location is null and address not in (select address from import_known_address)`,
      message: sql`'row ' || position || ': the address "' || address || '" has no coordinates and matches no building'`,
    },
  ];
  for (const problem of rowProblems) {
    const marked = await tx.query<{
      file_no: number;
      position: number;
      file_name: string;
      address: string | null;
      message: string;
      x: number | null;
      y: number | null;
    }>(sql`
      update import_building_row set problem = ${problem.check}
      where ${problem.condition}
      returning file_no, position, file_name, address, ${problem.message} as message, ST_X(location) as x, ST_Y(location) as y`);
    marked.sort((a, b) => a.file_no - b.file_no || a.position - b.position);
    for (const row of marked.slice(0, MAX_LISTED)) {
      report.add({
        check: problem.check,
        severity: 'error',
        file: row.file_name,
        fileNo: row.file_no,
        position: row.position,
        name: row.address,
        message: row.message,
        location: row.x === null || row.y === null ? null : [row.x, row.y],
      });
    }
    report.addUnlisted('error', marked.length - MAX_LISTED);
  }

  // One building per address: rows with a point place it; the others add their households to it.
  await tx.query(sql`
    create temp table if not exists import_building (
      address text primary key, name text, households integer, residents integer, kind text, floors smallint,
      location geometry(Point, 4326), spread double precision, rows integer, first_file_no integer, first_position integer,
      file_name text, existing_id bigint, village_code text
    ) on commit drop`);
  await tx.query(sql`truncate import_building`);
  await tx.query(sql`
    insert into import_building (address, name, households, residents, kind, floors, location, rows, first_file_no, first_position, file_name)
    select address, min(name), sum(households), sum(residents), min(kind), max(floors),
           case when min(x) = max(x) and min(y) = max(y) then ST_SetSRID(ST_MakePoint(min(x), min(y)), 4326)
                else ST_Centroid(ST_Collect(location)) end,
           count(*),
           (array_agg(file_no order by file_no, position))[1], (array_agg(position order by file_no, position))[1],
           (array_agg(file_name order by file_no, position))[1]
    from import_building_row where problem is null group by address`);
  await tx.query(sql`
    update import_building a set spread = s.spread
    from (
      select r.address, max(ST_DistanceSphere(r.location, b.location)) as spread
      from import_building_row r join import_building b on b.address = r.address
      where r.problem is null and r.location is not null and b.location is not null and b.rows > 1
      group by r.address
    ) s
    where s.address = a.address`);
  await tx.query(sql`
    update import_building a set existing_id = b.id, location = coalesce(a.location, b.location)
    from (select distinct on (address) id, address, location from building order by address, id) b
    where b.address = a.address`);
  // A building at one place (all its rows at the same point) has that place's village; others are looked up.
  await tx.query(sql`
    update import_building a set village_code = p.village_code
    from import_place p where p.x = ST_X(a.location) and p.y = ST_Y(a.location)`);
  await tx.query(sql`
    update import_building a set village_code = (
      select v.code from region v where v.level = 'village' and ST_Covers(v.boundary, a.location) order by v.code limit 1)
    where a.village_code is null and a.location is not null`);
  const scattered = await tx.query<{
    address: string;
    spread: number;
    x: number;
    y: number;
    file_name: string;
    first_file_no: number;
    first_position: number | null;
  }>(sql`
    select address, spread, ST_X(location) as x, ST_Y(location) as y, file_name, first_file_no, first_position
    from import_building where spread > ${SCATTER_METRES} order by spread desc`);
  for (const row of scattered.slice(0, MAX_LISTED)) {
    report.add({
      check: 'scattered_address',
      severity: 'warning',
      file: row.file_name,
      fileNo: row.first_file_no,
      position: row.first_position,
      name: row.address,
      location: [row.x, row.y],
      message: `the rows of "${row.address}" lie up to ${Math.round(row.spread)} m from their centre, where the one building of that address is placed: check the coordinates`,
    });
  }
  report.addUnlisted('warning', scattered.length - MAX_LISTED);

  const [counts] = (await tx.query<ChangeCounts>(sql`
    select
      count(*) filter (where a.existing_id is null) as added,
      count(*) filter (where a.existing_id is not null and (b.households <> a.households or b.residents <> a.residents
        or not ST_Equals(b.location, a.location) or b.village_code is distinct from a.village_code)) as changed,
      count(*) filter (where a.existing_id is not null and b.households = a.households and b.residents = a.residents
        and ST_Equals(b.location, a.location) and b.village_code is not distinct from a.village_code) as unchanged,
      (select count(*) from building) - count(a.existing_id) as kept,
      0 as retired
    from import_building a left join building b on b.id = a.existing_id`)) as [ChangeCounts];
  report.changes.building = counts;
  const [rows] = (await tx.query<{ rows: number; households: number; residents: number }>(sql`
    select count(*) as rows, coalesce(sum(households), 0) as households, coalesce(sum(residents), 0) as residents
    from import_building_row where problem is null`)) as [{ rows: number; households: number; residents: number }];
  report.notes.push(
    `${rows.rows.toLocaleString('en')} rows make ${(counts.added + counts.changed + counts.unchanged).toLocaleString('en')} buildings ` +
      `with ${rows.households.toLocaleString('en')} households and ${rows.residents.toLocaleString('en')} residents`,
  );
}

export interface BuildingCommitSummary {
  buildings: ChangeCounts;
  gridsRecounted: number;
}

export async function commitBuildings(tx: Queryable, changes: Record<string, ChangeCounts>): Promise<BuildingCommitSummary> {
  const touched = await tx.query<{ village_code: string }>(sql`
    select distinct village_code from building where id in (select existing_id from import_building where existing_id is not null)
    union select distinct village_code from import_building where village_code is not null`);
  await tx.query(sql`
    update building b set households = a.households, residents = a.residents, location = a.location,
      village_code = a.village_code, name = coalesce(a.name, b.name), floors = coalesce(a.floors, b.floors)
    from import_building a
    where a.existing_id = b.id and a.village_code is not null`);
  await tx.query(sql`
    insert into building (village_code, address, name, kind, floors, households, residents, location)
    select village_code, address, name, kind, floors, households, residents, location
    from import_building where existing_id is null and village_code is not null and location is not null`);
  const villages = touched.map((row) => row.village_code);
  const recounted = await tx.query<{ id: number }>(sql`
    update grid g set households = coalesce(counts.households, 0), population = coalesce(counts.residents, 0)
    from (
      select g2.id, sum(b.households) as households, sum(b.residents) as residents
      from grid g2 left join building b on b.village_code = g2.village_code and ST_Covers(g2.boundary, b.location)
      where g2.valid_to is null and g2.village_code = any(${villages}::text[])
      group by g2.id
    ) counts
    where g.id = counts.id and (g.households <> coalesce(counts.households, 0) or g.population <> coalesce(counts.residents, 0))
    returning g.id`);
  return { buildings: changes.building!, gridsRecounted: recounted.length };
}
