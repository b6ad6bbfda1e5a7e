/**
 * The planner's live checks: the same function runs in the browser after every
 * edit and on the server before a draft is published (which it refuses while
 * any check fails with an error).
 *
 * Per grid: households and residents against the household band (green inside,
 * amber outside for a reason the rules accept, red otherwise), deviation from
 * the village mean, contiguity (one piece), Polsby–Popper compactness, a valid
 * ring (no bow-tie). Per village: full coverage (no overlaps, no gaps, nothing
 * outside the village boundary), slivers, and buildings on a boundary (a
 * building is a point: within half a metre of the line between two grids it
 * belongs to neither clearly). Checks return findings; they never throw.
 */
import { kinks, multiPolygon } from '@turf/turf';
import { bandPosition, feasibleGridCounts, type BandPosition, type HouseholdBand } from '../grid/household-band.ts';
import type { PartitionFlag } from '../grid/partition.ts';
import { checkCoverage } from './coverage.ts';
import {
  areaSquareMetres,
  boundingBoxOf,
  boxContains,
  boxesOverlap,
  centreOf,
  clipToBox,
  distanceToRings,
  intersection,
  localPlane,
  meanWidth,
  partsOf,
  perimeterMetres,
  pointLocator,
  polsbyPopper,
  projectRings,
  subtract,
  unite,
  type BoundingBox,
  type LocalPlane,
  type MultiPolygonGeometry,
  type Position,
} from './planner-geometry.ts';
import type { PlannerBuilding, PlannerGrid, PlannerVillage } from './planner-types.ts';

export const CHECKS = {
  invalidGeometry: 'invalid_geometry',
  notContiguous: 'not_contiguous',
  householdBand: 'household_band',
  deviation: 'deviation',
  compactness: 'compactness',
  overlap: 'overlap',
  gap: 'gap',
  sliver: 'sliver',
  outsideVillage: 'outside_village',
  buildingOnBoundary: 'building_on_boundary',
  buildingUncovered: 'building_uncovered',
  duplicateCode: 'duplicate_code',
  unknownVillage: 'unknown_village',
} as const;
export type CheckName = (typeof CHECKS)[keyof typeof CHECKS];

/** Why a ring is not a valid polygon. */
export const INVALID_REASONS = {
  selfIntersection: 'self_intersection',
  tooFewPoints: 'too_few_points',
  notClosed: 'not_closed',
  notFinite: 'not_finite',
  empty: 'empty',
} as const;
export type InvalidReason = (typeof INVALID_REASONS)[keyof typeof INVALID_REASONS];

/** Thresholds of the checks; policy could move them, the defaults serve 万州. */
export interface CheckThresholds {
  /** Pieces smaller than this (m²) are rounding, not findings (the database tolerates 1 m² too). */
  noiseSquareMetres: number;
  /**
   * Pieces narrower than this on average (metres) are rounding too: coordinates
   * kept to 1e-7° move a boundary by up to ~1 cm, which along kilometres of
   * village boundary adds up to square metres of hair-thin strips.
   */
  noiseWidthMetres: number;
  /** A piece narrower than this on average (2A/P, metres), or smaller than `sliverSquareMetres`, is a sliver. */
  sliverWidthMetres: number;
  sliverSquareMetres: number;
  /** A building within this distance of a line between two grids is "on" it. */
  buildingBoundaryMetres: number;
  /** Polsby–Popper below this: a warning that the grid is not compact. */
  compactnessWarning: number;
  /** Households this far from the village mean (as a fraction): a warning. */
  deviationWarning: number;
}

export const DEFAULT_THRESHOLDS: CheckThresholds = {
  noiseSquareMetres: 1,
  noiseWidthMetres: 0.05,
  sliverWidthMetres: 3,
  sliverSquareMetres: 50,
  buildingBoundaryMetres: 0.5,
  compactnessWarning: 0.15,
  deviationWarning: 0.35,
};

export type Severity = 'error' | 'warning';
export type GridStatus = 'green' | 'amber' | 'red';

export interface CheckIssue {
  check: CheckName;
  severity: Severity;
  villageCode: string;
  gridKeys: string[];
  /** In English, naming the grid and the problem (the web app words it from `check` and `values`). */
  message: string;
  values: Record<string, string | number>;
  /** Where it is, for the map: the piece (gap, overlap, sliver, outside part) or a point. */
  geometry?: MultiPolygonGeometry | { type: 'Point'; coordinates: Position };
  buildingIds?: number[];
}

export interface GridReport {
  key: string;
  code: string | null;
  name: string;
  villageCode: string;
  households: number;
  residents: number;
  buildings: number;
  band: BandPosition;
  status: GridStatus;
  /** Why the grid may lie outside the band (amber), as stored in grid.flag on publish. */
  flag: PartitionFlag | null;
  /** (households − village mean) / village mean. */
  deviation: number;
  polsbyPopper: number;
  areaSquareMetres: number;
  parts: number;
  valid: boolean;
}

export interface CheckReport {
  grids: GridReport[];
  issues: CheckIssue[];
  errors: number;
  warnings: number;
  /** No errors: the draft may be published. */
  passed: boolean;
  /** Building id → key of the grid it lies in (absent: in none). */
  buildingGrid: Record<number, string>;
  /** Mean households per grid, by village code. */
  villageMeans: Record<string, number>;
}

export interface CheckInput {
  villages: readonly PlannerVillage[];
  grids: readonly PlannerGrid[];
  buildings: readonly PlannerBuilding[];
  band: HouseholdBand;
  thresholds?: Partial<CheckThresholds>;
}

/** A piece too small or too thin to be anything but rounding. */
export function isNoise(area: number, perimeter: number, thresholds: CheckThresholds = DEFAULT_THRESHOLDS): boolean {
  return area < thresholds.noiseSquareMetres || meanWidth(area, perimeter) < thresholds.noiseWidthMetres;
}

/** Why a multipolygon is not valid, or null. A bow-tie ring crosses itself. */
export function invalidReason(geometry: MultiPolygonGeometry): InvalidReason | null {
  if (!geometry || !Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0) return INVALID_REASONS.empty;
  for (const rings of geometry.coordinates) {
    if (!Array.isArray(rings) || rings.length === 0) return INVALID_REASONS.empty;
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4) return INVALID_REASONS.tooFewPoints;
      for (const position of ring) {
        if (!Array.isArray(position) || position.length < 2 || !position.every((value) => Number.isFinite(value))) {
          return INVALID_REASONS.notFinite;
        }
      }
      const first = ring[0]!;
      const last = ring.at(-1)!;
      if (first[0] !== last[0] || first[1] !== last[1]) return INVALID_REASONS.notClosed;
    }
  }
  try {
    if (kinks(multiPolygon(geometry.coordinates as never)).features.length > 0) return INVALID_REASONS.selfIntersection;
  } catch {
    return INVALID_REASONS.selfIntersection;
  }
  return null;
}

function label(grid: PlannerGrid): string {
  return grid.code ? `${grid.name} (${grid.code})` : `${grid.name} (new)`;
}

interface Measured {
  grid: PlannerGrid;
  valid: boolean;
  box: BoundingBox;
  area: number;
  perimeter: number;
  parts: MultiPolygonGeometry[];
  /** Rings in metres, made when first needed (distances of buildings to the boundary). */
  rings?: Float64Array[];
  /** Point-in-grid test, made when first needed. */
  contains?: (position: readonly number[]) => boolean;
}

export function checkDraft(input: CheckInput): CheckReport {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const { band } = input;
  const issues: CheckIssue[] = [];
  const villages = new Map(input.villages.map((village) => [village.code, village]));
  const reports: GridReport[] = [];
  const buildingGrid: Record<number, string> = {};
  const villageMeans: Record<string, number> = {};

  const byVillage = new Map<string, PlannerGrid[]>();
  for (const grid of input.grids) {
    const list = byVillage.get(grid.villageCode);
    if (list) list.push(grid);
    else byVillage.set(grid.villageCode, [grid]);
  }
  const buildingsByVillage = new Map<string, PlannerBuilding[]>();
  for (const building of input.buildings) {
    const list = buildingsByVillage.get(building.villageCode);
    if (list) list.push(building);
    else buildingsByVillage.set(building.villageCode, [building]);
  }

  // A code may continue only one grid.
  const codes = new Map<string, PlannerGrid[]>();
  for (const grid of input.grids) if (grid.code) codes.set(grid.code, [...(codes.get(grid.code) ?? []), grid]);
  for (const [code, holders] of codes) {
    if (holders.length < 2) continue;
    issues.push({
      check: CHECKS.duplicateCode,
      severity: 'error',
      villageCode: holders[0]!.villageCode,
      gridKeys: holders.map((grid) => grid.key),
      message: `grid code ${code} is given to ${holders.length} grids (${holders.map((grid) => grid.name).join(', ')}); a code continues one grid`,
      values: { code, count: holders.length },
    });
  }

  for (const [villageCode, grids] of byVillage) {
    const village = villages.get(villageCode);
    if (!village) {
      issues.push({
        check: CHECKS.unknownVillage,
        severity: 'error',
        villageCode,
        gridKeys: grids.map((grid) => grid.key),
        message: `grids ${grids.map(label).join(', ')} belong to village ${villageCode}, which is not open in this draft`,
        values: { villageCode },
      });
      continue;
    }
    const villageBox = boundingBoxOf(village.boundary);
    const plane = localPlane(centreOf(villageBox));
    const buildings = buildingsByVillage.get(villageCode) ?? [];
    const villageHouseholds = buildings.reduce((sum, building) => sum + building.households, 0);

    // Per grid: validity and measures.
    const measured: Measured[] = grids.map((grid) => {
      const reason = invalidReason(grid.boundary);
      if (reason) {
        const where = grid.boundary?.coordinates?.[0]?.[0]?.[0];
        issues.push({
          check: CHECKS.invalidGeometry,
          severity: 'error',
          villageCode,
          gridKeys: [grid.key],
          message:
            reason === INVALID_REASONS.selfIntersection
              ? `grid ${label(grid)} has a boundary that crosses itself (a bow-tie): redraw that corner`
              : `grid ${label(grid)} has no valid boundary (${reason.replaceAll('_', ' ')})`,
          values: { reason, name: grid.name },
          ...(where && Number.isFinite(where[0])
            ? { geometry: { type: 'Point' as const, coordinates: [where[0]!, where[1]!] as Position } }
            : {}),
        });
        return { grid, valid: false, box: villageBox, area: 0, perimeter: 0, parts: [] };
      }
      return {
        grid,
        valid: true,
        box: boundingBoxOf(grid.boundary),
        area: areaSquareMetres(grid.boundary, plane),
        perimeter: perimeterMetres(grid.boundary, plane),
        parts: partsOf(grid.boundary),
      };
    });
    const valid = measured.filter((entry) => entry.valid);

    // Buildings into grids.
    const counts = new Map<string, { households: number; residents: number; buildings: number; largest: number }>();
    for (const entry of measured) counts.set(entry.grid.key, { households: 0, residents: 0, buildings: 0, largest: 0 });
    const uncovered: PlannerBuilding[] = [];
    const onBoundary: { building: PlannerBuilding; grids: string[] }[] = [];
    let villageRings: Float64Array[] | null = null;
    for (const building of buildings) {
      const holders = valid.filter(
        (entry) =>
          boxContains(entry.box, building.position) && (entry.contains ??= pointLocator(entry.grid.boundary))(building.position),
      );
      if (holders.length === 0) {
        uncovered.push(building);
        continue;
      }
      const holder = holders[0]!;
      buildingGrid[building.id] = holder.grid.key;
      const count = counts.get(holder.grid.key)!;
      count.households += building.households;
      count.residents += building.residents;
      count.buildings += 1;
      count.largest = Math.max(count.largest, building.households);
      const [x, y] = plane.toMetres(building.position);
      const ringsOf = (entry: Measured) => (entry.rings ??= projectRings(entry.grid.boundary, plane));
      if (distanceToRings(x, y, ringsOf(holder)) <= thresholds.buildingBoundaryMetres) {
        villageRings ??= projectRings(village.boundary, plane);
        const onVillageEdge = distanceToRings(x, y, villageRings) <= thresholds.buildingBoundaryMetres;
        if (!onVillageEdge) {
          const others = valid
            .filter((entry) => entry !== holder && boxContains(entry.box, building.position, 1e-4))
            .filter((entry) => distanceToRings(x, y, ringsOf(entry)) <= thresholds.buildingBoundaryMetres)
            .map((entry) => entry.grid.key);
          onBoundary.push({ building, grids: [holder.grid.key, ...others] });
        }
      }
    }

    // Households against the band.
    const mean = grids.length > 0 ? [...counts.values()].reduce((sum, count) => sum + count.households, 0) / grids.length : 0;
    villageMeans[villageCode] = mean;
    const noFeasibleCount = villageHouseholds > 0 && feasibleGridCounts(villageHouseholds, band) === null;
    for (const entry of measured) {
      const { grid } = entry;
      const count = counts.get(grid.key)!;
      const position = bandPosition(count.households, band);
      let flag: PartitionFlag | null = null;
      if (position !== 'within') {
        if (position === 'below' && grids.length === 1 && villageHouseholds < band.min) flag = 'small_village';
        else if (position === 'above' && count.largest > band.max) flag = 'oversized_building';
        else if (noFeasibleCount) flag = position === 'below' ? 'under_band' : 'over_band';
      }
      const status: GridStatus = position === 'within' ? 'green' : flag ? 'amber' : 'red';
      const deviation = mean > 0 ? (count.households - mean) / mean : 0;
      const compactness = polsbyPopper(entry.area, entry.perimeter);
      reports.push({
        key: grid.key,
        code: grid.code,
        name: grid.name,
        villageCode,
        households: count.households,
        residents: count.residents,
        buildings: count.buildings,
        band: position,
        status,
        flag,
        deviation,
        polsbyPopper: compactness,
        areaSquareMetres: entry.area,
        parts: entry.parts.length,
        valid: entry.valid,
      });
      if (!entry.valid) continue;
      if (status !== 'green') {
        const word = position === 'below' ? 'below' : 'above';
        issues.push({
          check: CHECKS.householdBand,
          severity: status === 'red' ? 'error' : 'warning',
          villageCode,
          gridKeys: [grid.key],
          message:
            `grid ${label(grid)} holds ${count.households} households, ${word} the band ${band.min}–${band.max}` +
            (flag ? ` (accepted: ${flag.replaceAll('_', ' ')})` : ''),
          values: { households: count.households, min: band.min, max: band.max, position, flag: flag ?? '' },
        });
      }
      if (Math.abs(deviation) > thresholds.deviationWarning && grids.length > 1) {
        issues.push({
          check: CHECKS.deviation,
          severity: 'warning',
          villageCode,
          gridKeys: [grid.key],
          message: `grid ${label(grid)} holds ${count.households} households, ${Math.round(deviation * 100)}% from the village mean of ${Math.round(mean)}`,
          values: { households: count.households, mean: Math.round(mean), percent: Math.round(deviation * 100) },
        });
      }
      if (entry.parts.length > 1) {
        issues.push({
          check: CHECKS.notContiguous,
          severity: 'error',
          villageCode,
          gridKeys: [grid.key],
          message: `grid ${label(grid)} is in ${entry.parts.length} pieces; a grid must be one piece`,
          values: { parts: entry.parts.length },
          geometry: grid.boundary,
        });
        // Small extra pieces are slivers, usually left over from an edit.
        const sized = entry.parts
          .map((part) => ({ part, area: areaSquareMetres(part, plane), perimeter: perimeterMetres(part, plane) }))
          .sort((a, b) => b.area - a.area);
        for (const piece of sized.slice(1))
          pushPiece(issues, 'part', piece.part, piece.area, piece.perimeter, [grid], villageCode, thresholds);
      } else if (compactness < thresholds.compactnessWarning) {
        issues.push({
          check: CHECKS.compactness,
          severity: 'warning',
          villageCode,
          gridKeys: [grid.key],
          message: `grid ${label(grid)} is not compact (Polsby–Popper ${compactness.toFixed(2)}, below ${thresholds.compactnessWarning})`,
          values: { polsbyPopper: Math.round(compactness * 100) / 100, threshold: thresholds.compactnessWarning },
        });
      }
    }

    // Coverage: edges first; polygons only where edges do not meet.
    const coverage = checkCoverage(
      village.boundary,
      valid.map((entry) => ({ key: entry.grid.key, boundary: entry.grid.boundary })),
      plane,
    );
    if (!coverage.exact) coverageFindings(issues, village, valid, coverage.unmatched, plane, thresholds);

    if (uncovered.length > 0) {
      issues.push({
        check: CHECKS.buildingUncovered,
        severity: 'error',
        villageCode,
        gridKeys: [],
        message: `${uncovered.length} building(s) of ${village.name} lie in no grid (${uncovered.reduce((sum, building) => sum + building.households, 0)} households)`,
        values: { buildings: uncovered.length, households: uncovered.reduce((sum, building) => sum + building.households, 0) },
        buildingIds: uncovered.map((building) => building.id),
      });
    }
    for (const { building, grids: keys } of onBoundary) {
      const names = keys.map((key) => grids.find((grid) => grid.key === key)!).map(label);
      issues.push({
        check: CHECKS.buildingOnBoundary,
        severity: 'error',
        villageCode,
        gridKeys: keys,
        message: `building ${building.id} (${building.households} households) lies on the boundary of ${names.join(' and ')}: move the line off it`,
        values: { buildingId: building.id, households: building.households },
        geometry: { type: 'Point', coordinates: building.position },
        buildingIds: [building.id],
      });
    }
  }

  const errors = issues.filter((issue) => issue.severity === 'error').length;
  return {
    grids: reports,
    issues,
    errors,
    warnings: issues.length - errors,
    passed: errors === 0,
    buildingGrid,
    villageMeans,
  };
}

type PieceKind = 'gap' | 'overlap' | 'outside' | 'part';

/** A gap, overlap, outside part or extra grid part as a finding: a sliver when thin or tiny, noise below a square metre. */
function pushPiece(
  issues: CheckIssue[],
  kind: PieceKind,
  piece: MultiPolygonGeometry,
  area: number,
  perimeter: number,
  grids: PlannerGrid[],
  villageCode: string,
  thresholds: CheckThresholds,
): void {
  const width = meanWidth(area, perimeter);
  if (isNoise(area, perimeter, thresholds)) return;
  const sliver = width < thresholds.sliverWidthMetres || area < thresholds.sliverSquareMetres;
  const names = grids.map(label).join(' and ');
  const rounded = Math.round(area * 10) / 10;
  const values = { kind, squareMetres: rounded, widthMetres: Math.round(width * 10) / 10 };
  if (sliver) {
    issues.push({
      check: CHECKS.sliver,
      severity: 'error',
      villageCode,
      gridKeys: grids.map((grid) => grid.key),
      message: `a sliver (${kind}, ${rounded} m², ${values.widthMetres} m wide) ${names ? `at ${names}` : 'in the village'}`,
      values,
      geometry: piece,
    });
    return;
  }
  const check =
    kind === 'gap'
      ? CHECKS.gap
      : kind === 'overlap'
        ? CHECKS.overlap
        : kind === 'outside'
          ? CHECKS.outsideVillage
          : CHECKS.notContiguous;
  if (check === CHECKS.notContiguous) return; // already reported for the grid
  const message =
    kind === 'gap'
      ? `a gap of ${rounded} m² is covered by no grid${names ? ` (beside ${names})` : ''}`
      : kind === 'overlap'
        ? `grids ${names} overlap by ${rounded} m²`
        : `grid ${names} reaches ${rounded} m² outside its village`;
  issues.push({
    check,
    severity: 'error',
    villageCode,
    gridKeys: grids.map((grid) => grid.key),
    message,
    values,
    geometry: piece,
  });
}

/**
 * Where edges do not meet: overlays the grids concerned, inside the box of the
 * unmatched edges only, to find and measure overlaps, gaps and parts outside.
 */
function coverageFindings(
  issues: CheckIssue[],
  village: PlannerVillage,
  grids: Measured[],
  unmatched: { owner: string | null; from: Position; to: Position }[],
  plane: LocalPlane,
  thresholds: CheckThresholds,
): void {
  const margin = 1e-5;
  let box: BoundingBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const edge of unmatched) {
    for (const [x, y] of [edge.from, edge.to])
      box = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)];
  }
  box = [box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin];
  const involved = new Set(unmatched.flatMap((edge) => (edge.owner ? [edge.owner] : [])));
  const near = grids.filter((entry) => boxesOverlap(entry.box, box));
  const clipped = new Map(near.map((entry) => [entry.grid.key, clipToBox(entry.grid.boundary, box)]));
  const measure = (piece: MultiPolygonGeometry) => ({
    area: areaSquareMetres(piece, plane),
    perimeter: perimeterMetres(piece, plane),
  });
  const villageCode = village.code;

  // Overlaps: pairs with at least one grid whose edges did not all meet.
  for (let i = 0; i < near.length; i++) {
    for (let j = i + 1; j < near.length; j++) {
      const a = near[i]!;
      const b = near[j]!;
      if (!involved.has(a.grid.key) && !involved.has(b.grid.key)) continue;
      if (!boxesOverlap(a.box, b.box)) continue;
      const overlap = intersection(clipped.get(a.grid.key)!, clipped.get(b.grid.key)!);
      for (const piece of partsOf(overlap)) {
        const { area, perimeter } = measure(piece);
        pushPiece(issues, 'overlap', piece, area, perimeter, [a.grid, b.grid], villageCode, thresholds);
      }
    }
  }
  // Outside the village.
  const villageClipped = clipToBox(village.boundary, box);
  for (const entry of near) {
    if (!involved.has(entry.grid.key)) continue;
    const outside = subtract(clipped.get(entry.grid.key)!, villageClipped);
    for (const piece of partsOf(outside)) {
      const { area, perimeter } = measure(piece);
      pushPiece(issues, 'outside', piece, area, perimeter, [entry.grid], villageCode, thresholds);
    }
  }
  // Gaps: the village less every grid, inside the box.
  const covered = unite([...clipped.values()]);
  const gaps = subtract(villageClipped, covered);
  for (const piece of partsOf(gaps)) {
    const { area, perimeter } = measure(piece);
    const pieceBox = boundingBoxOf(piece);
    const beside = near.filter((entry) => boxesOverlap(entry.box, pieceBox)).map((entry) => entry.grid);
    pushPiece(issues, 'gap', piece, area, perimeter, beside.slice(0, 3), villageCode, thresholds);
  }
}
