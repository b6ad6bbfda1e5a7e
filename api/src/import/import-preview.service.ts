/**
 * What the wizard draws over the basemap before anything is written: the
 * staged features as GeoJSON — simplified to about a metre, enough to see
 * an offset of a few hundred metres (GCJ-02 read as WGS-84) — labelled by
 * the mapped code and name; invalid shapes marked, and drawn repaired when
 * the user accepted repairs. Point files come thinned to a sample.
 */
import { sql, type Queryable } from '@minqing/db';
import type { ImportAccess } from './import-access.ts';
import { describeImportSession } from './import-sessions.service.ts';

export const PREVIEW_LIMIT = 20_000;
/** Degrees: about a metre at Chinese latitudes. */
const SIMPLIFY_DEGREES = 0.00001;

export interface PreviewCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    geometry: unknown;
    properties: { fileNo: number; position: number; code: string | null; name: string | null; invalid: boolean };
  }[];
  /** Records in the files with a geometry, and how many are drawn. */
  total: number;
  shown: number;
  bbox: [number, number, number, number] | null;
}

export async function previewImport(
  db: Queryable,
  id: number,
  access: ImportAccess,
  fileNo: number | null,
): Promise<PreviewCollection> {
  const session = await describeImportSession(db, id, access);
  const files = session.files.filter((file) => file.status === 'read' && (fileNo === null || file.fileNo === fileNo));
  const codeField = new Map<number, string | null>();
  const nameField = new Map<number, string | null>();
  for (const file of files) {
    const settings = { ...(file.suggested?.fields ?? {}), ...(session.settings.files[String(file.fileNo)]?.fields ?? {}) };
    codeField.set(file.fileNo, settings.code ?? settings.username ?? null);
    nameField.set(file.fileNo, settings.name ?? settings.address ?? settings.displayName ?? null);
  }
  const fileNos = files.map((file) => file.fileNo);
  const [{ total }] = (await db.query<{ total: number }>(sql`
    select count(*) as total from import_record where session_id = ${id} and file_no = any(${fileNos}::int[]) and geom is not null`)) as [
    { total: number },
  ];
  const step = Math.max(1, Math.ceil(total / PREVIEW_LIMIT));
  const rows = await db.query<{
    file_no: number;
    position: number;
    code: string | null;
    name: string | null;
    invalid: boolean;
    geometry: unknown;
  }>(sql`
    with chosen as (
      select r.file_no, r.position, r.geom,
             r.properties ->> f.code_field as code, r.properties ->> f.name_field as name
      from import_record r
      join unnest(${fileNos}::int[], ${fileNos.map((no) => codeField.get(no) ?? null)}::text[], ${fileNos.map((no) => nameField.get(no) ?? null)}::text[])
        as f(file_no, code_field, name_field) on f.file_no = r.file_no
      where r.session_id = ${id} and r.geom is not null and (${step}::int = 1 or r.position % ${step}::int = 0)
      order by r.file_no, r.position
      limit ${PREVIEW_LIMIT}::int
    )
    select file_no, position, code, name, not ST_IsValid(geom) as invalid,
           ST_AsGeoJSON(ST_SimplifyPreserveTopology(
             case when not ST_IsValid(geom) and ${session.settings.acceptRepairs} then ST_CollectionExtract(ST_MakeValid(geom), 3) else geom end,
             ${SIMPLIFY_DEGREES}::float8), 6)::json as geometry
    from chosen`);
  const [extent] = await db.query<{ west: number | null; south: number | null; east: number | null; north: number | null }>(sql`
    select ST_XMin(e) as west, ST_YMin(e) as south, ST_XMax(e) as east, ST_YMax(e) as north
    from (select ST_Extent(geom) as e from import_record where session_id = ${id} and file_no = any(${fileNos}::int[])) extent`);
  return {
    type: 'FeatureCollection',
    features: rows.map((row) => ({
      type: 'Feature',
      geometry: row.geometry,
      properties: { fileNo: row.file_no, position: row.position, code: row.code, name: row.name, invalid: row.invalid },
    })),
    total,
    shown: rows.length,
    bbox: extent && extent.west !== null ? [extent.west, extent.south!, extent.east!, extent.north!] : null,
  };
}
