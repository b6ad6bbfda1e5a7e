/** The versions a region has had (region_version): what each import changed, and when. */
import { sql, type Queryable } from '@minqing/db';
import { NotFoundError } from '../errors.ts';

export async function regionHistory(db: Queryable, code: string) {
  const rows = await db.query<{
    version: number;
    name: string;
    level: string;
    parent_code: string | null;
    geometry_source: string;
    valid_from: Date;
    valid_to: Date | null;
    import_session_id: number | null;
    area: number;
  }>(sql`
    select version, name, level, parent_code, geometry_source, valid_from, valid_to, import_session_id, ST_Area(boundary::geography) as area
    from region_version where code = ${code} order by version`);
  if (rows.length === 0) throw new NotFoundError(`no region ${code}, now or before`, 'region_not_found');
  return {
    code,
    versions: rows.map((row) => ({
      version: row.version,
      name: row.name,
      level: row.level,
      parentCode: row.parent_code,
      geometrySource: row.geometry_source,
      validFrom: row.valid_from.toISOString(),
      validTo: row.valid_to?.toISOString() ?? null,
      importSessionId: row.import_session_id,
      areaSquareMetres: Math.round(row.area),
    })),
  };
}
