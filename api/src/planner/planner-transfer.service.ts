/**
 * Import and export of grid sets. An import (GeoJSON, or a zipped shapefile
 * with its .prj) is judged feature by feature — a polygon, valid, in the
 * coordinate order and system the file claims, inside a village of the opened
 * region — and any feature that fails stops the whole import: the report
 * names each one (with PostGIS's repair where it has one) and nothing is
 * written. A set that passes replaces the draft's grids of the villages it
 * covers, and the same checks as every edit say what still needs work.
 * Exports give the current grids (or the draft) with their counts, as GeoJSON
 * or CSV.
 */
import { sql, type Queryable } from '@minqing/db';
import {
  bandPosition,
  invalidReason,
  isNoise,
  normaliseMultiPolygon,
  toWgs84,
  type CheckReport,
  type CoordinateSystem,
  type ImportInput,
  type MultiPolygonGeometry,
  type PlannerGrid,
} from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';
import { GeoFileError, readGeoFile, transformGeometry, type GeoFeature } from '../geofiles/index.ts';
import { InvalidInputError } from '../errors.ts';
import { householdBand } from '../services/policy.service.ts';
import { checkOnServer } from './planner-checks.service.ts';
import { buildingsOf, currentGrids, loadDraft, openRegion, saveDraft, type DraftView } from './planner-workspace.service.ts';

export interface ImportedFeatureReport {
  index: number;
  code: string | null;
  name: string | null;
  villageCode: string | null;
  problems: string[];
  /** PostGIS's repair of an invalid polygon (ST_MakeValid), to use if it looks right. */
  repaired?: MultiPolygonGeometry;
}

export interface ImportReport {
  format: ImportInput['format'];
  sourceSystem: string;
  notes: string[];
  features: ImportedFeatureReport[];
  failed: number;
  imported: number;
  checks: Pick<CheckReport, 'errors' | 'warnings' | 'issues'> | null;
}

export class ImportRefusedError extends InvalidInputError {
  constructor(
    message: string,
    readonly report: ImportReport,
    code = 'import_refused',
  ) {
    super(message, code);
  }
}

const CODE_KEYS = ['code', 'grid_code', 'gridCode', 'GRID_CODE', 'CODE', '编码', '网格编码', '网格代码'];
const NAME_KEYS = ['name', 'grid_name', 'gridName', 'NAME', '名称', '网格名称'];

function property(properties: Record<string, unknown>, preferred: string | undefined, fallbacks: string[]): string | null {
  for (const key of preferred ? [preferred] : fallbacks) {
    const value = properties[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}

function allPositions(geometry: { coordinates?: unknown }): number[][] {
  const out: number[][] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value) && typeof value[0] === 'number') out.push(value as number[]);
    else if (Array.isArray(value)) value.forEach(walk);
  };
  walk(geometry.coordinates);
  return out;
}

export async function importGrids(
  db: Queryable,
  actor: Actor,
  code: string,
  input: ImportInput & { coordinateSystem?: CoordinateSystem },
): Promise<{ draft: DraftView; report: ImportReport }> {
  const region = await openRegion(db, code);
  const bytes = Buffer.from(input.dataBase64, 'base64');
  if (bytes.length === 0) throw new InvalidInputError('the file is empty', 'empty_file');
  let file;
  try {
    file = await readGeoFile(input.format, new Uint8Array(bytes));
  } catch (error) {
    if (error instanceof GeoFileError) throw new InvalidInputError(error.message, error.reason);
    throw error;
  }
  const report: ImportReport = {
    format: input.format,
    sourceSystem: file.sourceSystem,
    notes: [...file.notes],
    features: [],
    failed: 0,
    imported: 0,
    checks: null,
  };
  if (file.features.length === 0) throw new ImportRefusedError('the file holds no features', report, 'no_features');

  const villageCodes = region.villages.map((village) => village.code);
  const villageNames = new Map(region.villages.map((village) => [village.code, village.name]));
  const [box] = await db.query<{ west: number; south: number; east: number; north: number }>(sql`
    select ST_XMin(e) as west, ST_YMin(e) as south, ST_XMax(e) as east, ST_YMax(e) as north
    from (select ST_Extent(boundary)::geometry as e from region where code = any(${villageCodes}::text[])) s`);
  const inBox = (x: number, y: number) =>
    x >= box!.west - 0.05 && x <= box!.east + 0.05 && y >= box!.south - 0.05 && y <= box!.north + 0.05;
  const system = input.coordinateSystem ?? 'WGS84';
  if (system !== 'WGS84') report.notes.push(`coordinates converted from ${system} to WGS-84`);

  const accepted: { feature: GeoFeature; geometry: MultiPolygonGeometry; entry: ImportedFeatureReport }[] = [];
  for (const feature of file.features) {
    const entry: ImportedFeatureReport = {
      index: feature.index,
      code: property(feature.properties, input.codeProperty, CODE_KEYS),
      name: property(feature.properties, input.nameProperty, NAME_KEYS),
      villageCode: null,
      problems: [],
    };
    report.features.push(entry);
    const label = `feature ${feature.index}${entry.name ? ` (${entry.name})` : ''}${entry.code ? ` [${entry.code}]` : ''}`;
    const geometry = feature.geometry;
    if (!geometry) {
      entry.problems.push(`${label} has no geometry`);
      continue;
    }
    if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
      entry.problems.push(`${label} is a ${geometry.type}, not a polygon: a grid is an area`);
      continue;
    }
    const positions = allPositions(geometry);
    if (positions.length === 0 || positions.some((position) => position.length < 2 || !position.every(Number.isFinite))) {
      entry.problems.push(`${label} has missing or non-numeric coordinates`);
      continue;
    }
    const looksSwapped = positions.every(([x, y]) => inBox(y!, x!)) && !positions.some(([x, y]) => inBox(x!, y!));
    if (looksSwapped) {
      entry.problems.push(
        `${label} has its coordinates in latitude, longitude order; GeoJSON and shapefiles put longitude first: swap them`,
      );
      continue;
    }
    if (positions.some(([x, y]) => Math.abs(x!) > 180 || Math.abs(y!) > 90)) {
      entry.problems.push(
        `${label} has coordinates outside longitude/latitude range (e.g. ${positions[0]!.slice(0, 2).join(', ')}): projected metres without a projection file?`,
      );
      continue;
    }
    const converted =
      system === 'WGS84' ? geometry : transformGeometry(geometry, (position) => toWgs84(position[0]!, position[1]!, system));
    const convertedPositions = allPositions(converted);
    if (!convertedPositions.some(([x, y]) => inBox(x!, y!))) {
      const swapped = convertedPositions.some(([x, y]) => inBox(y!, x!));
      entry.problems.push(
        swapped
          ? `${label} has its coordinates in latitude, longitude order; GeoJSON and shapefiles put longitude first: swap them`
          : `${label} lies far from ${region.name} (first point ${convertedPositions[0]!.slice(0, 2).join(', ')})`,
      );
      continue;
    }
    const rings =
      converted.type === 'Polygon' ? [converted.coordinates as number[][][]] : (converted.coordinates as number[][][][]);
    const raw: MultiPolygonGeometry = {
      type: 'MultiPolygon',
      coordinates: rings.map((polygon) =>
        polygon.map((ring) => ring.map((position) => [position[0]!, position[1]!] as [number, number])),
      ),
    };
    const unclosed = raw.coordinates.some((polygon) =>
      polygon.some((ring) => ring.length > 0 && (ring[0]![0] !== ring.at(-1)![0] || ring[0]![1] !== ring.at(-1)![1])),
    );
    if (unclosed) entry.problems.push(`${label} has a ring that does not close (first and last point differ)`);
    const reason = unclosed ? null : invalidReason(raw);
    if (reason) {
      entry.problems.push(
        reason === 'self_intersection'
          ? `${label} crosses itself (a bow-tie or a loop): it is not a valid polygon`
          : `${label} is not a valid polygon (${reason.replaceAll('_', ' ')})`,
      );
      try {
        const [repair] = await db.query<{ geometry: MultiPolygonGeometry | null }>(sql`
          select ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(raw)}), 4326)), 3)), 7)::json as geometry`);
        if (repair?.geometry) entry.repaired = repair.geometry;
      } catch {
        // no repair to offer
      }
    }
    if (entry.problems.length > 0) continue;
    const clean = normaliseMultiPolygon(raw);
    if (
      JSON.stringify(clean.coordinates.map((polygon) => polygon.map((ring) => ring[1]))) !==
      JSON.stringify(raw.coordinates.map((polygon) => polygon.map((ring) => ring[1])))
    ) {
      if (!report.notes.includes('rings re-ordered to RFC 7946 (outer counter-clockwise, holes clockwise)')) {
        report.notes.push('rings re-ordered to RFC 7946 (outer counter-clockwise, holes clockwise)');
      }
    }
    accepted.push({ feature, geometry: clean, entry });
  }

  // Which village each polygon belongs to: the code's first 12 digits, else the village it overlaps most.
  if (accepted.length > 0) {
    const payload = JSON.stringify(accepted.map(({ feature, geometry }) => ({ index: feature.index, geometry })));
    const placed = await db.query<{
      index: number;
      village_code: string | null;
      inside_share: number | null;
      outside_m2: number | null;
      outside_perimeter: number | null;
    }>(sql`
      with f as (
        select (d->>'index')::int as index, ST_SetSRID(ST_GeomFromGeoJSON(d->'geometry'), 4326) as geom
        from jsonb_array_elements(${payload}::text::jsonb) d
      )
      select f.index, best.code as village_code, best.share as inside_share,
        case when best.code is null then null else ST_Area(ST_Difference(f.geom, best.boundary)::geography) end as outside_m2,
        case when best.code is null then null else ST_Perimeter(ST_Difference(f.geom, best.boundary)::geography) end as outside_perimeter
      from f
      left join lateral (
        select v.code, v.boundary, ST_Area(ST_Intersection(f.geom, v.boundary)) / nullif(ST_Area(f.geom), 0) as share
        from region v where v.code = any(${villageCodes}::text[]) and v.boundary && f.geom
        order by ST_Area(ST_Intersection(f.geom, v.boundary)) desc limit 1
      ) best on true`);
    const byIndex = new Map(placed.map((row) => [row.index, row]));
    for (const { feature, entry } of accepted) {
      const label = `feature ${feature.index}${entry.name ? ` (${entry.name})` : ''}${entry.code ? ` [${entry.code}]` : ''}`;
      const row = byIndex.get(feature.index);
      const fromCode = entry.code && /^[0-9]{15}$/.test(entry.code) ? entry.code.slice(0, 12) : null;
      const villageCode = fromCode && villageCodes.includes(fromCode) ? fromCode : (row?.village_code ?? null);
      if (entry.code && !/^[0-9]{15}$/.test(entry.code))
        entry.problems.push(`${label} has code ${entry.code}, which is not a 15-digit grid code`);
      else if (fromCode && !villageCodes.includes(fromCode))
        entry.problems.push(`${label} has code ${entry.code} of village ${fromCode}, which is not in ${region.name}`);
      if (!villageCode) {
        entry.problems.push(`${label} lies in no village of ${region.name}`);
        continue;
      }
      entry.villageCode = villageCode;
      if (row?.village_code === villageCode && !isNoise(row.outside_m2 ?? 0, row.outside_perimeter ?? 0)) {
        entry.problems.push(
          `${label} reaches ${Math.round(row.outside_m2!)} m² outside its village ${villageNames.get(villageCode)} (${villageCode})`,
        );
      } else if (row?.village_code !== villageCode) {
        entry.problems.push(`${label} has a code of ${villageNames.get(villageCode)} but lies elsewhere`);
      }
    }
  }

  report.failed = report.features.filter((entry) => entry.problems.length > 0).length;
  if (report.failed > 0) {
    throw new ImportRefusedError(
      `${report.failed} of ${report.features.length} feature(s) cannot be imported, so none was: ${report.features
        .flatMap((entry) => entry.problems)
        .slice(0, 8)
        .join('; ')}`,
      report,
    );
  }

  // The imported set replaces the draft's grids of its villages.
  const current = await currentGrids(db, villageCodes);
  const currentCodes = new Set(current.map((grid) => grid.code!));
  const importedVillages = new Set(accepted.map(({ entry }) => entry.villageCode!));
  const draft = await loadDraft(db, code);
  const base: PlannerGrid[] =
    draft?.grids ??
    current.map(({ key, code: gridCode, villageCode, name, boundary }) => ({ key, code: gridCode, villageCode, name, boundary }));
  const counters = new Map<string, number>();
  const usedCodes = new Set<string>();
  const imported: PlannerGrid[] = accepted.map(({ geometry, entry }) => {
    const villageCode = entry.villageCode!;
    const count = (counters.get(villageCode) ?? 0) + 1;
    counters.set(villageCode, count);
    const continues = entry.code && currentCodes.has(entry.code) && !usedCodes.has(entry.code) ? entry.code : null;
    if (continues) usedCodes.add(continues);
    return {
      key: `import-${entry.index}`,
      code: continues,
      villageCode,
      name: entry.name ?? `${villageNames.get(villageCode)}导入网格${count}`,
      boundary: geometry,
    };
  });
  const grids = [...base.filter((grid) => !importedVillages.has(grid.villageCode)), ...imported];
  const band = await householdBand(db);
  const buildings = await buildingsOf(db, villageCodes);
  const checks = await checkOnServer(db, { villages: region.villages, grids, buildings, band });
  report.imported = imported.length;
  report.checks = {
    errors: checks.errors,
    warnings: checks.warnings,
    issues: checks.issues.map(({ geometry: _geometry, ...issue }) => issue),
  };
  const saved = await saveDraft(db, actor, code, {
    revision: input.revision,
    grids,
    note: `imported ${imported.length} grid(s) from ${input.fileName ?? input.format}`,
  });
  return { draft: saved, report };
}

export interface ExportRow {
  code: string;
  name: string;
  villageCode: string;
  villageName: string;
  households: number;
  population: number;
  buildings: number;
  band: string;
  flag: string | null;
  areaSquareKilometres: number;
  gridWorkers: string;
  informationStaff: string;
  geometry: unknown;
}

export async function exportRows(db: Queryable, code: string): Promise<ExportRow[]> {
  const region = await openRegion(db, code);
  const band = await householdBand(db);
  const rows = await db.query<{
    code: string;
    name: string;
    village_code: string;
    village_name: string;
    households: number;
    population: number;
    buildings: number;
    flag: string | null;
    area: number;
    workers: string | null;
    staff: string | null;
    geometry: unknown;
  }>(sql`
    select g.code, g.name, g.village_code, v.name as village_name, g.households, g.population,
      (select count(*) from building b where b.village_code = g.village_code and ST_Covers(g.boundary, b.location)) as buildings,
      g.flag, ST_Area(g.boundary::geography) / 1e6 as area,
      (select string_agg(u.display_name, '、' order by u.display_name) from grid_assignment a join app_user u on u.id = a.user_id where a.grid_code = g.code and a.duty = 'grid_worker') as workers,
      (select string_agg(u.display_name, '、' order by u.display_name) from grid_assignment a join app_user u on u.id = a.user_id where a.grid_code = g.code and a.duty = 'information_staff') as staff,
      ST_AsGeoJSON(g.boundary, 7)::json as geometry
    from grid g join region v on v.code = g.village_code
    where g.valid_to is null and g.village_code = any(${region.villages.map((village) => village.code)}::text[])
    order by g.code`);
  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    villageCode: row.village_code,
    villageName: row.village_name,
    households: row.households,
    population: row.population,
    buildings: row.buildings,
    band: bandPosition(row.households, band),
    flag: row.flag,
    areaSquareKilometres: Math.round(row.area * 1e4) / 1e4,
    gridWorkers: row.workers ?? '',
    informationStaff: row.staff ?? '',
    geometry: row.geometry,
  }));
}

export function toGeoJson(rows: ExportRow[]) {
  return {
    type: 'FeatureCollection' as const,
    features: rows.map(({ geometry, ...properties }) => ({ type: 'Feature' as const, geometry, properties })),
  };
}

const CSV_COLUMNS: [keyof ExportRow, string][] = [
  ['code', '网格编码 code'],
  ['name', '网格名称 name'],
  ['villageCode', '村社编码 village_code'],
  ['villageName', '村社 village'],
  ['households', '户数 households'],
  ['population', '人口 population'],
  ['buildings', '楼栋 buildings'],
  ['band', '户数范围 band'],
  ['flag', '标记 flag'],
  ['areaSquareKilometres', '面积(km²) area_km2'],
  ['gridWorkers', '网格员 grid_workers'],
  ['informationStaff', '信息员 information_staff'],
];

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Cells a spreadsheet would run as a formula are written as text.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** CSV with a byte-order mark, so spreadsheet programs read the Chinese as UTF-8. */
export function toCsv(rows: ExportRow[]): string {
  const lines = [CSV_COLUMNS.map(([, header]) => csvCell(header)).join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map(([key]) => csvCell(row[key])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
