/**
 * The geometric checks an import runs in PostGIS, on two tables of the
 * check's transaction (dropped at its end):
 *
 * - import_candidate: every mapped feature — file, position, code, name,
 *   level, parent — with its geometry as read (`geom`) and the shape that
 *   would be written (`final`: valid as read, or repaired by ST_MakeValid
 *   when the user accepted repairs);
 * - import_result: the set as it would be after a commit — the candidates
 *   with a shape, and what is in place and not in the files — on which
 *   overlaps, gaps and children outside their parent are judged.
 */
import { sql, type Queryable, type SqlFragment } from '@minqing/db';
import { formatArea, isSliver, NEGLIGIBLE_SQUARE_METRES, type ReportBuilder } from './import-report.ts';

export interface Candidate {
  fileNo: number;
  position: number;
  fileName: string;
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  fullName?: string | null;
  kind?: string | null;
}

export async function createCheckTables(tx: Queryable): Promise<void> {
  await tx.query(sql`
    create temp table if not exists import_candidate (
      file_no integer not null, position integer not null, file_name text not null,
      code text not null, name text not null, level text not null, parent_code text, full_name text, kind text,
      geom geometry, final geometry(MultiPolygon, 4326), shape_status text,
      primary key (file_no, position)
    ) on commit drop`);
  await tx.query(sql`
    create temp table if not exists import_result (
      code text primary key, name text not null, level text not null, parent_code text,
      boundary geometry(MultiPolygon, 4326) not null, imported boolean not null,
      file_no integer, position integer, file_name text
    ) on commit drop`);
  await tx.query(sql`truncate import_candidate, import_result`);
}

/** Adds candidates, with their geometry from the staged records. */
export async function insertCandidates(tx: Queryable, sessionId: number, candidates: readonly Candidate[]): Promise<void> {
  for (let start = 0; start < candidates.length; start += 5_000) {
    const part = candidates.slice(start, start + 5_000);
    await tx.query(sql`
      insert into import_candidate (file_no, position, file_name, code, name, level, parent_code, full_name, kind, geom)
      select input.file_no, input.position, input.file_name, input.code, input.name, input.level, input.parent_code,
             input.full_name, input.kind, r.geom
      from unnest(${part.map((row) => row.fileNo)}::int[], ${part.map((row) => row.position)}::int[],
                  ${part.map((row) => row.fileName)}::text[], ${part.map((row) => row.code)}::text[],
                  ${part.map((row) => row.name)}::text[], ${part.map((row) => row.level)}::text[],
                  ${part.map((row) => row.parentCode)}::text[], ${part.map((row) => row.fullName ?? null)}::text[],
                  ${part.map((row) => row.kind ?? null)}::text[])
        as input(file_no, position, file_name, code, name, level, parent_code, full_name, kind)
      join import_record r on r.session_id = ${sessionId} and r.file_no = input.file_no and r.position = input.position`);
  }
}

interface ShapeRow {
  file_no: number;
  position: number;
  file_name: string;
  code: string;
  name: string;
  shape_status: string;
  reason: string | null;
  x: number | null;
  y: number | null;
  area: number | null;
}

/**
 * Judges each candidate's shape: empty, not a polygon, invalid (with where,
 * as ST_IsValidDetail says), and sets `final` for those that can be written.
 */
export async function checkShapes(tx: Queryable, report: ReportBuilder, acceptRepairs: boolean, what: string): Promise<void> {
  await tx.query(sql`
    update import_candidate set shape_status = case
      when geom is null or ST_IsEmpty(geom) then 'empty'
      when ST_Dimension(geom) <> 2 then 'type'
      when ST_IsValid(geom) then 'valid'
      else 'invalid' end`);
  await tx.query(sql`update import_candidate set final = ST_Multi(ST_CollectionExtract(geom, 3)) where shape_status = 'valid'`);
  if (acceptRepairs) {
    await tx.query(sql`
      update import_candidate set final = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)), shape_status = 'repaired'
      where shape_status = 'invalid'`);
    await tx.query(sql`
      update import_candidate set final = null, shape_status = 'unrepairable'
      where shape_status = 'repaired' and (final is null or ST_IsEmpty(final) or not ST_IsValid(final))`);
  }
  const rows = await tx.query<ShapeRow>(sql`
    select file_no, position, file_name, code, name, shape_status, detail.reason,
           coalesce(ST_X(detail.location), ST_X(ST_PointOnSurface(final))) as x,
           coalesce(ST_Y(detail.location), ST_Y(ST_PointOnSurface(final))) as y,
           case when final is null then null else ST_Area(final::geography) end as area
    from import_candidate
    left join lateral (
      select (d).reason, (d).location from (select ST_IsValidDetail(geom) as d) v
      where shape_status in ('invalid', 'repaired', 'unrepairable')
    ) detail on true
    where shape_status <> 'valid'
    order by file_no, position`);
  for (const row of rows) {
    const base = {
      file: row.file_name,
      fileNo: row.file_no,
      position: row.position,
      code: row.code,
      name: row.name,
      location: row.x === null || row.y === null ? null : ([row.x, row.y] as [number, number]),
    };
    if (row.shape_status === 'empty') {
      report.add({
        ...base,
        check: 'empty_geometry',
        severity: 'error',
        message: `${what} ${row.name} (${row.code}) has no geometry`,
      });
    } else if (row.shape_status === 'type') {
      report.add({
        ...base,
        check: 'wrong_geometry_type',
        severity: 'error',
        message: `${what} ${row.name} (${row.code}) is not a polygon`,
      });
    } else if (row.shape_status === 'invalid') {
      report.add({
        ...base,
        check: 'invalid_geometry',
        severity: 'error',
        message:
          `${what} ${row.name} (${row.code}) has an invalid shape: ${row.reason ?? 'invalid'}; ` +
          'fix it in the file, or accept repairs (ST_MakeValid) after looking at the repaired shape on the map',
      });
    } else if (row.shape_status === 'repaired') {
      report.add({
        ...base,
        check: 'invalid_geometry',
        severity: 'repaired',
        areaSquareMetres: row.area,
        message: `${what} ${row.name} (${row.code}) had an invalid shape (${row.reason ?? 'invalid'}): repaired with ST_MakeValid, ${formatArea(row.area ?? 0)} after repair`,
      });
    } else {
      report.add({
        ...base,
        check: 'invalid_geometry',
        severity: 'error',
        message: `${what} ${row.name} (${row.code}) has an invalid shape (${row.reason ?? 'invalid'}) that ST_MakeValid cannot repair into a polygon: fix it in the file`,
      });
    }
  }
}

export async function indexResult(tx: Queryable): Promise<void> {
  await tx.query(sql`create index if not exists import_result_boundary_idx on import_result using gist (boundary)`);
  await tx.query(sql`analyze import_result`);
}

interface PairRow {
  code: string;
  name: string;
  level: string;
  file_no: number | null;
  position: number | null;
  file_name: string | null;
  other_code: string;
  other_name: string;
  other_imported: boolean;
  area: number;
  smaller: number;
  x: number | null;
  y: number | null;
}

const LEVEL_WORDS: Record<string, string> = { district: 'district', town: 'town', village: 'village', grid: 'grid' };

/** Pairs of the same level whose interiors overlap (at least one of them imported). */
export async function checkOverlaps(tx: Queryable, report: ReportBuilder): Promise<void> {
  const rows = await tx.query<PairRow>(sql`
    with pairs as (
      select a.code, a.name, a.level, a.file_no, a.position, a.file_name, a.imported,
             b.code as other_code, b.name as other_name, b.imported as other_imported, b.file_no as other_file_no,
             b.position as other_position, b.file_name as other_file_name,
             ST_CollectionExtract(ST_Intersection(a.boundary, b.boundary), 3) as shared,
             least(ST_Area(a.boundary::geography), ST_Area(b.boundary::geography)) as smaller
      from import_result a join import_result b
        on a.level = b.level and a.code < b.code and a.boundary && b.boundary and (a.imported or b.imported)
      where ST_Relate(a.boundary, b.boundary, '2********')
    )
    select case when imported then code else other_code end as code,
           case when imported then name else other_name end as name, level,
           case when imported then file_no else other_file_no end as file_no,
           case when imported then position else other_position end as position,
           case when imported then file_name else other_file_name end as file_name,
           case when imported then other_code else code end as other_code,
           case when imported then other_name else name end as other_name,
           case when imported then other_imported else true end as other_imported,
           ST_Area(shared::geography) as area, smaller,
           ST_X(ST_PointOnSurface(shared)) as x, ST_Y(ST_PointOnSurface(shared)) as y
    from pairs where not ST_IsEmpty(shared)
    order by code, other_code`);
  for (const row of rows) {
    if (row.area <= NEGLIGIBLE_SQUARE_METRES) continue;
    const sliver = isSliver(row.area, row.smaller);
    const word = LEVEL_WORDS[row.level] ?? row.level;
    report.add({
      check: 'overlap',
      severity: sliver ? 'warning' : 'error',
      file: row.file_name,
      fileNo: row.file_no,
      position: row.position,
      code: row.code,
      name: row.name,
      location: row.x === null || row.y === null ? null : [row.x, row.y],
      areaSquareMetres: row.area,
      message:
        `${word} ${row.name} (${row.code}) overlaps ${row.other_imported ? '' : 'the existing '}${word} ${row.other_name} (${row.other_code}) by ${formatArea(row.area)}` +
        (sliver ? ' — a sliver along a shared edge; a point there goes to the lower code' : ''),
    });
  }
}

interface OutsideRow {
  code: string;
  name: string;
  level: string;
  imported: boolean;
  file_no: number | null;
  position: number | null;
  file_name: string | null;
  parent_code: string;
  parent_name: string;
  outside: number;
  area: number;
  x: number | null;
  y: number | null;
}

/**
 * Children not covered by their parent: `parents` is a query giving (code,
 * name, boundary, changed) for the parents to test against.
 */
export async function checkOutsideParent(tx: Queryable, report: ReportBuilder, parents: SqlFragment): Promise<void> {
  const rows = await tx.query<OutsideRow>(sql`
    with parent as (${parents}),
    outside as (
      select c.code, c.name, c.level, c.imported, c.file_no, c.position, c.file_name, p.code as parent_code, p.name as parent_name,
             ST_CollectionExtract(ST_Difference(c.boundary, p.boundary), 3) as part, c.boundary
      from import_result c join parent p on p.code = c.parent_code
      where (c.imported or p.changed) and not ST_CoveredBy(c.boundary, p.boundary)
    )
    select code, name, level, imported, file_no, position, file_name, parent_code, parent_name,
           ST_Area(part::geography) as outside, ST_Area(boundary::geography) as area,
           ST_X(ST_PointOnSurface(part)) as x, ST_Y(ST_PointOnSurface(part)) as y
    from outside where not ST_IsEmpty(part)
    order by code`);
  for (const row of rows) {
    if (row.outside <= NEGLIGIBLE_SQUARE_METRES) continue;
    const sliver = isSliver(row.outside, row.area);
    const word = LEVEL_WORDS[row.level] ?? row.level;
    report.add({
      check: 'outside_parent',
      severity: sliver ? 'warning' : 'error',
      file: row.file_name,
      fileNo: row.file_no,
      position: row.position,
      code: row.code,
      name: row.name,
      location: row.x === null || row.y === null ? null : [row.x, row.y],
      areaSquareMetres: row.outside,
      message:
        `${row.imported ? '' : 'the existing '}${word} ${row.name} (${row.code}) lies ${formatArea(row.outside)} outside ${row.parent_name} (${row.parent_code})` +
        (sliver ? ' — a sliver along the edge' : ''),
    });
  }
}

interface GapRow {
  parent_code: string;
  parent_name: string;
  area: number;
  parent_area: number;
  x: number | null;
  y: number | null;
}

/**
 * Parts of a parent no child covers, for the parents given (code, name,
 * boundary) whose children are in import_result. Gaps are warnings: a point
 * there still lies in the parent. Slivers are summed up in a note.
 */
export async function checkGaps(tx: Queryable, report: ReportBuilder, parents: SqlFragment, childWord: string): Promise<void> {
  const rows = await tx.query<GapRow>(sql`
    with parent as (${parents}),
    children as (
      select p.code, p.name, p.boundary, ST_Union(c.boundary) as covered
      from parent p join import_result c on c.parent_code = p.code
      group by p.code, p.name, p.boundary
    ),
    parts as (
      select code, name, ST_Area(boundary::geography) as parent_area,
             (ST_Dump(ST_CollectionExtract(ST_Difference(boundary, covered), 3))).geom as part
      from children
    )
    select code as parent_code, name as parent_name, ST_Area(part::geography) as area, parent_area,
           ST_X(ST_PointOnSurface(part)) as x, ST_Y(ST_PointOnSurface(part)) as y
    from parts order by code`);
  let slivers = 0;
  let sliverArea = 0;
  for (const row of rows) {
    if (row.area <= NEGLIGIBLE_SQUARE_METRES) continue;
    if (isSliver(row.area, row.parent_area)) {
      slivers += 1;
      sliverArea += row.area;
      continue;
    }
    report.add({
      check: 'gap',
      severity: 'warning',
      code: row.parent_code,
      name: row.parent_name,
      location: row.x === null || row.y === null ? null : [row.x, row.y],
      areaSquareMetres: row.area,
      message: `${formatArea(row.area)} of ${row.parent_name} (${row.parent_code}) lies in no ${childWord}: a point there belongs to ${row.parent_name} itself`,
    });
  }
  if (slivers > 0) {
    report.notes.push(`${slivers} sliver gaps between ${childWord}s (${formatArea(sliverArea)} in all) are left as they are`);
  }
}
