/**
 * Checks on the server: exactly the shared checks the browser ran
 * (checkDraft), then PostGIS on the same grids for what needs exact geometry —
 * validity as PostGIS judges it, overlaps, gaps and parts outside the village
 * measured on the ellipsoid. A finding PostGIS makes that the shared checks
 * missed is added to the report, so publishing is judged by both.
 */
import { sql, type Queryable } from '@minqing/db';
import {
  CHECKS,
  DEFAULT_THRESHOLDS,
  checkDraft,
  isNoise,
  meanWidth,
  type CheckIssue,
  type CheckReport,
  type HouseholdBand,
  type PlannerBuilding,
  type PlannerGrid,
  type PlannerVillage,
} from '@minqing/shared';

interface PieceRow {
  kind: 'overlap' | 'gap' | 'outside' | 'invalid';
  village_code: string;
  keys: string[];
  area: number;
  perimeter: number;
  reason: string | null;
}

/** Overlaps, gaps, parts outside and invalid rings by PostGIS, for grids the shared checks found valid. */
async function postgisFindings(
  db: Queryable,
  villages: readonly PlannerVillage[],
  grids: readonly PlannerGrid[],
): Promise<PieceRow[]> {
  if (grids.length === 0) return [];
  const payload = JSON.stringify(
    grids.map((grid) => ({ key: grid.key, villageCode: grid.villageCode, boundary: grid.boundary })),
  );
  const villageCodes = villages.map((village) => village.code);
  return db.query<PieceRow>(sql`
    with g as (
      select d->>'key' as key, d->>'villageCode' as village_code, ST_SetSRID(ST_GeomFromGeoJSON(d->'boundary'), 4326) as geom
      from jsonb_array_elements(${payload}::text::jsonb) d
    ),
    valid as (select * from g where ST_IsValid(geom)),
    v as (select code, boundary from region where code = any(${villageCodes}::text[])),
    invalid as (
      select 'invalid'::text as kind, g.village_code, array[g.key] as keys, 0::float8 as area, 0::float8 as perimeter, ST_IsValidReason(g.geom) as reason
      from g where not ST_IsValid(g.geom)
    ),
    overlap_pieces as (
      select 'overlap'::text as kind, a.village_code, array[a.key, b.key] as keys, (ST_Dump(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3))).geom as piece
      from valid a join valid b on a.village_code = b.village_code and a.key < b.key and a.geom && b.geom and ST_Relate(a.geom, b.geom, '2********')
    ),
    outside as (
      select 'outside'::text as kind, a.village_code, array[a.key] as keys, (ST_Dump(ST_CollectionExtract(ST_Difference(a.geom, v.boundary), 3))).geom as piece
      from valid a join v on v.code = a.village_code
      where not ST_CoveredBy(a.geom, v.boundary)
    ),
    gaps as (
      select 'gap'::text as kind, v.code as village_code, array[]::text[] as keys,
        (ST_Dump(ST_CollectionExtract(ST_Difference(v.boundary, coalesce((select ST_Union(geom) from valid where village_code = v.code), 'GEOMETRYCOLLECTION EMPTY'::geometry)), 3))).geom as piece
      from v
      where exists (select 1 from g where g.village_code = v.code)
    ),
    pieces as (select * from overlap_pieces union all select * from outside union all select * from gaps)
    select kind, village_code, keys, ST_Area(piece::geography) as area, ST_Perimeter(piece::geography) as perimeter, null::text as reason
    from pieces where not ST_IsEmpty(piece)
    union all
    select kind, village_code, keys, area, perimeter, reason from invalid`);
}

export interface ServerCheckInput {
  villages: readonly PlannerVillage[];
  grids: readonly PlannerGrid[];
  buildings: readonly PlannerBuilding[];
  band: HouseholdBand;
}

export async function checkOnServer(db: Queryable, input: ServerCheckInput): Promise<CheckReport> {
  const report = checkDraft(input);
  const invalidKeys = new Set(report.grids.filter((grid) => !grid.valid).map((grid) => grid.key));
  const checked = input.grids.filter((grid) => !invalidKeys.has(grid.key));
  const findings = await postgisFindings(db, input.villages, checked);
  const thresholds = DEFAULT_THRESHOLDS;
  const names = new Map(input.grids.map((grid) => [grid.key, grid.code ? `${grid.name} (${grid.code})` : `${grid.name} (new)`]));
  const already = (check: string, villageCode: string, keys: string[]) =>
    report.issues.some(
      (issue) =>
        (issue.check === check || issue.check === CHECKS.sliver) &&
        issue.villageCode === villageCode &&
        (keys.length === 0 || keys.every((key) => issue.gridKeys.includes(key))),
    );
  const added: CheckIssue[] = [];
  for (const finding of findings) {
    if (finding.kind === 'invalid') {
      if (already(CHECKS.invalidGeometry, finding.village_code, finding.keys)) continue;
      added.push({
        check: CHECKS.invalidGeometry,
        severity: 'error',
        villageCode: finding.village_code,
        gridKeys: finding.keys,
        message: `grid ${names.get(finding.keys[0]!)} is not a valid polygon for PostGIS: ${finding.reason}`,
        values: { reason: finding.reason ?? 'invalid', source: 'postgis' },
      });
      continue;
    }
    if (isNoise(finding.area, finding.perimeter, thresholds)) continue;
    const width = meanWidth(finding.area, finding.perimeter);
    const sliver = width < thresholds.sliverWidthMetres || finding.area < thresholds.sliverSquareMetres;
    const check = sliver
      ? CHECKS.sliver
      : finding.kind === 'gap'
        ? CHECKS.gap
        : finding.kind === 'overlap'
          ? CHECKS.overlap
          : CHECKS.outsideVillage;
    if (
      already(
        check === CHECKS.sliver ? (finding.kind === 'outside' ? CHECKS.outsideVillage : finding.kind) : check,
        finding.village_code,
        finding.keys,
      )
    )
      continue;
    const area = Math.round(finding.area * 10) / 10;
    const gridNames = finding.keys.map((key) => names.get(key)).join(' and ');
    added.push({
      check,
      severity: 'error',
      villageCode: finding.village_code,
      gridKeys: finding.keys,
      message:
        (sliver
          ? `a sliver (${finding.kind}) of ${area} m²`
          : finding.kind === 'gap'
            ? `a gap of ${area} m² is covered by no grid`
            : finding.kind === 'overlap'
              ? `grids overlap by ${area} m²`
              : `a grid reaches ${area} m² outside its village`) +
        (gridNames ? ` (${gridNames})` : '') +
        ' — found by PostGIS',
      values: { kind: finding.kind, squareMetres: area, widthMetres: Math.round(width * 10) / 10, source: 'postgis' },
    });
  }
  if (added.length === 0) return report;
  const issues = [...report.issues, ...added];
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  return { ...report, issues, errors, warnings: issues.length - errors, passed: errors === 0 };
}
