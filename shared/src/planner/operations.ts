/**
 * Edits of a draft, as pure functions: each takes the grids and returns the
 * new grids, or the reason it cannot (validators return reasons, they do not
 * throw). The map calls them; undo/redo keeps the results (history.ts).
 *
 * Every edit keeps the village covered where it can: area a grid gains is
 * taken from its neighbours, area it gives up goes to the neighbour it
 * touches most. Vertices of changed grids that land within a couple of
 * centimetres of a neighbour's vertex take that vertex, so shared edges stay
 * exactly shared.
 */
import { featureCollection, kinks, lineString, point, voronoi } from '@turf/turf';
import { invalidReason } from './checks.ts';
import {
  boundingBoxOf,
  boxesOverlap,
  distanceToBoundaryMetres,
  intersection,
  isEmpty,
  localPlane,
  normaliseMultiPolygon,
  partsOf,
  pointInMultiPolygon,
  subtract,
  unite,
  type MultiPolygonGeometry,
  type Position,
} from './planner-geometry.ts';
import type { PlannerBuilding, PlannerGrid, PlannerVillage } from './planner-types.ts';

export const EDIT_REASONS = {
  unknownGrid: 'unknown_grid',
  lineTooShort: 'line_too_short',
  lineDoesNotCross: 'line_does_not_cross',
  lineCrossesItself: 'line_crosses_itself',
  notNeighbours: 'not_neighbours',
  sameGrid: 'same_grid',
  differentVillages: 'different_villages',
  outsideVillage: 'outside_village',
  nothingToPaint: 'nothing_to_paint',
  invalidShape: 'invalid_shape',
} as const;
export type EditReason = (typeof EDIT_REASONS)[keyof typeof EDIT_REASONS];

export type EditResult = { valid: true; grids: PlannerGrid[]; changed: string[] } | { valid: false; reason: EditReason };

const refuse = (reason: EditReason): EditResult => ({ valid: false, reason });

/** A key for a new grid that no grid of the draft has. */
export function newGridKey(grids: readonly PlannerGrid[]): string {
  const taken = new Set(grids.map((grid) => grid.key));
  let index = grids.length + 1;
  while (taken.has(`new-${index}`)) index++;
  return `new-${index}`;
}

/** 新网格 N: a name for a drawn or split-off grid until it is published with its own. */
export function newGridName(grids: readonly PlannerGrid[]): string {
  const taken = new Set(grids.map((grid) => grid.name));
  let index = 1;
  while (taken.has(`新网格${index}`)) index++;
  return `新网格${index}`;
}

function householdsIn(boundary: MultiPolygonGeometry, buildings: readonly PlannerBuilding[]): number {
  const box = boundingBoxOf(boundary);
  let total = 0;
  for (const building of buildings) {
    const [x, y] = building.position;
    if (x < box[0] || x > box[2] || y < box[1] || y > box[3]) continue;
    if (pointInMultiPolygon(building.position, boundary)) total += building.households;
  }
  return total;
}

/** Moves vertices of `geometry` onto vertices of `references` within `tolerance` degrees (≈ 2 cm). */
export function snapToVertices(
  geometry: MultiPolygonGeometry,
  references: readonly MultiPolygonGeometry[],
  tolerance = 2e-7,
): MultiPolygonGeometry {
  const cells = new Map<string, Position[]>();
  const cellOf = (x: number, y: number) => `${Math.floor(x / (tolerance * 4))}:${Math.floor(y / (tolerance * 4))}`;
  for (const reference of references) {
    for (const position of reference.coordinates.flat(2)) {
      const key = cellOf(position[0], position[1]);
      const list = cells.get(key);
      if (list) list.push(position);
      else cells.set(key, [position]);
    }
  }
  const snap = (position: Position): Position => {
    const cx = Math.floor(position[0] / (tolerance * 4));
    const cy = Math.floor(position[1] / (tolerance * 4));
    let best: Position | null = null;
    let bestDistance = tolerance;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const candidate of cells.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const distance = Math.hypot(candidate[0] - position[0], candidate[1] - position[1]);
          if (distance <= bestDistance) {
            best = candidate;
            bestDistance = distance;
          }
        }
      }
    }
    return best ? [best[0], best[1]] : position;
  };
  return normaliseMultiPolygon({
    type: 'MultiPolygon',
    coordinates: geometry.coordinates.map((rings) => rings.map((ring) => ring.map(snap))),
  });
}

/** Grids of the same village whose box touches `box`. */
function neighboursOf(grids: readonly PlannerGrid[], target: PlannerGrid): PlannerGrid[] {
  const box = boundingBoxOf(target.boundary);
  return grids.filter(
    (grid) =>
      grid.key !== target.key && grid.villageCode === target.villageCode && boxesOverlap(boundingBoxOf(grid.boundary), box, 1e-6),
  );
}

/** The grid among `candidates` that shares most vertices with `piece` (its neighbour along the longest edge). */
function mostTouching(piece: MultiPolygonGeometry, candidates: readonly PlannerGrid[]): PlannerGrid | null {
  const keys = new Set(piece.coordinates.flat(2).map(([x, y]) => `${Math.round(x * 1e7)}:${Math.round(y * 1e7)}`));
  let best: PlannerGrid | null = null;
  let bestCount = 1;
  for (const candidate of candidates) {
    const count = candidate.boundary.coordinates
      .flat(2)
      .filter(([x, y]) => keys.has(`${Math.round(x * 1e7)}:${Math.round(y * 1e7)}`)).length;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The polygon on the left of a line, closed far away: the line is extended
 * past both ends and closed round a box much larger than the grid.
 */
function leftSide(line: readonly Position[], span: number): MultiPolygonGeometry | null {
  const first = line[0]!;
  const second = line[1]!;
  const last = line.at(-1)!;
  const beforeLast = line.at(-2)!;
  const unit = (a: Position, b: Position): Position => {
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return [(b[0] - a[0]) / length, (b[1] - a[1]) / length];
  };
  const startDirection = unit(second, first);
  const endDirection = unit(beforeLast, last);
  const start: Position = [first[0] + startDirection[0] * span, first[1] + startDirection[1] * span];
  const end: Position = [last[0] + endDirection[0] * span, last[1] + endDirection[1] * span];
  // Left of the end direction, then left of the start direction (reversed), far out.
  const endLeft: Position = [end[0] - endDirection[1] * span, end[1] + endDirection[0] * span];
  const startLeft: Position = [start[0] + startDirection[1] * span, start[1] - startDirection[0] * span];
  const ring: Position[] = [
    start,
    ...line.map((position) => [position[0], position[1]] as Position),
    end,
    endLeft,
    startLeft,
    start,
  ];
  if (kinks(lineString(ring)).features.length > 0) return null;
  return normaliseMultiPolygon({ type: 'MultiPolygon', coordinates: [[ring]] });
}

/**
 * Splits a grid with a line drawn across it. The side holding more households
 * keeps the grid's code; the other becomes a new grid.
 */
export function splitGrid(
  grids: readonly PlannerGrid[],
  key: string,
  line: readonly Position[],
  buildings: readonly PlannerBuilding[] = [],
): EditResult {
  const target = grids.find((grid) => grid.key === key);
  if (!target) return refuse(EDIT_REASONS.unknownGrid);
  const points = line.filter(
    (position, index) => index === 0 || position[0] !== line[index - 1]![0] || position[1] !== line[index - 1]![1],
  );
  if (points.length < 2 || !points.every((position) => Number.isFinite(position[0]) && Number.isFinite(position[1]))) {
    return refuse(EDIT_REASONS.lineTooShort);
  }
  if (points.length > 2 && kinks(lineString(points)).features.length > 0) return refuse(EDIT_REASONS.lineCrossesItself);
  // A line across the grid starts and ends outside it (or on its edge, where snapping puts a click).
  const plane = localPlane(points[0]!);
  const inside = (position: Position) =>
    pointInMultiPolygon(position, target.boundary) && distanceToBoundaryMetres(position, target.boundary, plane) > 0.5;
  if (inside(points[0]!) || inside(points.at(-1)!)) return refuse(EDIT_REASONS.lineDoesNotCross);
  const box = boundingBoxOf(target.boundary);
  const span = Math.max(box[2] - box[0], box[3] - box[1]) * 4 + 0.01;
  const side = leftSide(points, span);
  if (!side) return refuse(EDIT_REASONS.lineCrossesItself);
  const left = intersection(target.boundary, side);
  const right = subtract(target.boundary, side);
  if (isEmpty(left) || isEmpty(right)) return refuse(EDIT_REASONS.lineDoesNotCross);
  const keepLeft = householdsIn(left, buildings) >= householdsIn(right, buildings);
  const others = neighboursOf(grids, target).map((grid) => grid.boundary);
  const kept: PlannerGrid = { ...target, boundary: snapToVertices(keepLeft ? left : right, others) };
  const added: PlannerGrid = {
    key: newGridKey(grids),
    code: null,
    villageCode: target.villageCode,
    name: newGridName(grids),
    boundary: snapToVertices(keepLeft ? right : left, [...others, kept.boundary]),
  };
  const result = grids.flatMap((grid) => (grid.key === key ? [kept, added] : [grid]));
  return { valid: true, grids: result, changed: [kept.key, added.key] };
}

/** Merges two neighbouring grids of one village; the one with more households keeps its code. */
export function mergeGrids(
  grids: readonly PlannerGrid[],
  firstKey: string,
  secondKey: string,
  buildings: readonly PlannerBuilding[] = [],
): EditResult {
  if (firstKey === secondKey) return refuse(EDIT_REASONS.sameGrid);
  const first = grids.find((grid) => grid.key === firstKey);
  const second = grids.find((grid) => grid.key === secondKey);
  if (!first || !second) return refuse(EDIT_REASONS.unknownGrid);
  if (first.villageCode !== second.villageCode) return refuse(EDIT_REASONS.differentVillages);
  const merged = unite([first.boundary, second.boundary]);
  if (partsOf(merged).length >= partsOf(first.boundary).length + partsOf(second.boundary).length)
    return refuse(EDIT_REASONS.notNeighbours);
  const [keeper, retired] =
    householdsIn(second.boundary, buildings) > householdsIn(first.boundary, buildings) || (!first.code && second.code)
      ? [second, first]
      : [first, second];
  const result = grids.flatMap((grid) =>
    grid.key === retired.key ? [] : grid.key === keeper.key ? [{ ...keeper, boundary: merged }] : [grid],
  );
  return { valid: true, grids: result, changed: [keeper.key] };
}

/**
 * Draws a new grid: the shape is clipped to the village and taken out of the
 * grids it covers (a grid it covers whole is gone).
 */
export function drawGrid(grids: readonly PlannerGrid[], village: PlannerVillage, shape: MultiPolygonGeometry): EditResult {
  const clean = normaliseMultiPolygon(shape);
  if (isEmpty(clean)) return refuse(EDIT_REASONS.invalidShape);
  if (invalidReason(clean)) return refuse(EDIT_REASONS.invalidShape);
  const inside = snapToVertices(
    intersection(clean, village.boundary),
    grids.filter((grid) => grid.villageCode === village.code).map((grid) => grid.boundary),
  );
  if (isEmpty(inside)) return refuse(EDIT_REASONS.outsideVillage);
  const box = boundingBoxOf(inside);
  const changed: string[] = [];
  const result: PlannerGrid[] = [];
  for (const grid of grids) {
    if (grid.villageCode !== village.code || !boxesOverlap(boundingBoxOf(grid.boundary), box)) {
      result.push(grid);
      continue;
    }
    const rest = subtract(grid.boundary, inside);
    changed.push(grid.key);
    if (!isEmpty(rest)) result.push({ ...grid, boundary: snapToVertices(rest, [inside]) });
  }
  const added: PlannerGrid = {
    key: newGridKey(grids),
    code: null,
    villageCode: village.code,
    name: newGridName(grids),
    boundary: inside,
  };
  result.push(added);
  return { valid: true, grids: result, changed: [...changed, added.key] };
}

/**
 * A grid with a new boundary (vertices moved): clipped to the village; what it
 * gains is taken from its neighbours, what it gives up goes to the neighbour
 * it touches most (or is left as a gap the checks will show).
 */
export function reshapeGrid(
  grids: readonly PlannerGrid[],
  village: PlannerVillage,
  key: string,
  shape: MultiPolygonGeometry,
): EditResult {
  const target = grids.find((grid) => grid.key === key);
  if (!target) return refuse(EDIT_REASONS.unknownGrid);
  const clean = normaliseMultiPolygon(shape);
  if (isEmpty(clean) || invalidReason(clean)) return refuse(EDIT_REASONS.invalidShape);
  const neighbours = neighboursOf(grids, target);
  const reshaped = snapToVertices(intersection(clean, village.boundary), [
    village.boundary,
    ...neighbours.map((grid) => grid.boundary),
  ]);
  if (isEmpty(reshaped)) return refuse(EDIT_REASONS.outsideVillage);
  const lost = subtract(target.boundary, reshaped);
  const updated = new Map<string, MultiPolygonGeometry>();
  const box = boundingBoxOf(reshaped);
  for (const grid of grids) {
    if (grid.key === key || grid.villageCode !== target.villageCode || !boxesOverlap(boundingBoxOf(grid.boundary), box)) continue;
    const rest = subtract(grid.boundary, reshaped);
    if (rest !== grid.boundary) updated.set(grid.key, rest);
  }
  for (const piece of partsOf(lost)) {
    const receiver = mostTouching(
      piece,
      neighbours.map((grid) => ({ ...grid, boundary: updated.get(grid.key) ?? grid.boundary })),
    );
    if (receiver) updated.set(receiver.key, unite([updated.get(receiver.key) ?? receiver.boundary, piece]));
  }
  const result = grids.flatMap((grid) => {
    if (grid.key === key) return [{ ...grid, boundary: reshaped }];
    const boundary = updated.get(grid.key);
    if (!boundary) return [grid];
    return isEmpty(boundary) ? [] : [{ ...grid, boundary: snapToVertices(boundary, [reshaped]) }];
  });
  return { valid: true, grids: result, changed: [key, ...updated.keys()] };
}

/**
 * Paints buildings into another grid: the land around each building (its
 * Voronoi cell among the village's buildings, within its current grid) moves
 * to the target grid.
 */
export function paintBuildings(
  grids: readonly PlannerGrid[],
  village: PlannerVillage,
  buildings: readonly PlannerBuilding[],
  buildingIds: readonly number[],
  targetKey: string,
): EditResult {
  const target = grids.find((grid) => grid.key === targetKey);
  if (!target) return refuse(EDIT_REASONS.unknownGrid);
  const villageBuildings = buildings.filter((building) => building.villageCode === village.code);
  const chosen = new Set(buildingIds);
  const moving = villageBuildings.filter(
    (building) => chosen.has(building.id) && !pointInMultiPolygon(building.position, target.boundary),
  );
  if (moving.length === 0) return refuse(EDIT_REASONS.nothingToPaint);
  const box = boundingBoxOf(village.boundary);
  const pad = Math.max(box[2] - box[0], box[3] - box[1]);
  const cells = voronoi(featureCollection(villageBuildings.map((building) => point(building.position, { id: building.id }))), {
    bbox: [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad],
  });
  const cellOf = new Map<number, MultiPolygonGeometry>();
  cells.features.forEach((feature, index) => {
    if (feature)
      cellOf.set(villageBuildings[index]!.id, {
        type: 'MultiPolygon',
        coordinates: [feature.geometry.coordinates as Position[][]],
      });
  });
  const taken = new Map<string, MultiPolygonGeometry[]>();
  for (const building of moving) {
    const source = grids.find(
      (grid) => grid.villageCode === village.code && pointInMultiPolygon(building.position, grid.boundary),
    );
    const cell = cellOf.get(building.id);
    if (!source || !cell) continue;
    taken.set(source.key, [...(taken.get(source.key) ?? []), intersection(cell, source.boundary)]);
  }
  if (taken.size === 0) return refuse(EDIT_REASONS.nothingToPaint);
  const gained = unite([...taken.values()].flat());
  const result = grids.flatMap((grid) => {
    if (grid.key === targetKey) return [{ ...grid, boundary: unite([grid.boundary, gained]) }];
    const pieces = taken.get(grid.key);
    if (!pieces) return [grid];
    const rest = subtract(grid.boundary, unite(pieces));
    return isEmpty(rest) ? [] : [{ ...grid, boundary: rest }];
  });
  return { valid: true, grids: result, changed: [targetKey, ...taken.keys()] };
}

/** Renames a grid (the name shown until and after publishing). */
export function renameGrid(grids: readonly PlannerGrid[], key: string, name: string): EditResult {
  const trimmed = name.trim();
  if (!grids.some((grid) => grid.key === key)) return refuse(EDIT_REASONS.unknownGrid);
  if (trimmed.length === 0 || trimmed.length > 100) return refuse(EDIT_REASONS.invalidShape);
  return { valid: true, grids: grids.map((grid) => (grid.key === key ? { ...grid, name: trimmed } : grid)), changed: [key] };
}

/**
 * A straight line across a grid that splits its households in two halves
 * inside the band, with no building within `clearanceMetres` of the line:
 * tried across the grid's long axis first, then turned in steps. Null when no
 * straight cut does it. The planner offers it; the planner draws it.
 */
export function suggestSplitLine(
  grid: PlannerGrid,
  buildings: readonly PlannerBuilding[],
  band: { min: number; max: number },
  clearanceMetres = 3,
): Position[] | null {
  const inside = buildings.filter((building) => pointInMultiPolygon(building.position, grid.boundary));
  if (inside.length < 2) return null;
  const box = boundingBoxOf(grid.boundary);
  const origin: Position = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
  const scaleX = Math.cos((origin[1] * Math.PI) / 180) * 111_320;
  const scaleY = 110_540;
  const points = inside.map((building) => ({
    x: (building.position[0] - origin[0]) * scaleX,
    y: (building.position[1] - origin[1]) * scaleY,
    households: building.households,
  }));
  const reach = Math.hypot((box[2] - box[0]) * scaleX, (box[3] - box[1]) * scaleY) + 50;
  const total = points.reduce((sum, entry) => sum + entry.households, 0);
  for (let step = 0; step < 36; step++) {
    const angle = (step * Math.PI) / 36;
    const ux = Math.cos(angle);
    const uy = Math.sin(angle);
    const sorted = points.map((entry) => ({ ...entry, along: entry.x * ux + entry.y * uy })).sort((a, b) => a.along - b.along);
    let running = 0;
    let best: { at: number; slack: number } | null = null;
    for (let index = 0; index + 1 < sorted.length; index++) {
      running += sorted[index]!.households;
      const gap = sorted[index + 1]!.along - sorted[index]!.along;
      if (gap < clearanceMetres * 2) continue;
      const slack = Math.min(running - band.min, band.max - running, total - running - band.min, band.max - (total - running));
      if (slack >= 0 && (!best || slack > best.slack))
        best = { at: (sorted[index]!.along + sorted[index + 1]!.along) / 2, slack };
    }
    if (!best) continue;
    // The cut is the line {p : p·u = at}, drawn from one side of the grid to the other.
    const cx = ux * best.at;
    const cy = uy * best.at;
    const toDegrees = (x: number, y: number): Position => [origin[0] + x / scaleX, origin[1] + y / scaleY];
    const line = [toDegrees(cx - uy * reach, cy + ux * reach), toDegrees(cx + uy * reach, cy - ux * reach)];
    const result = splitGrid([grid], grid.key, line, inside);
    if (!result.valid) continue;
    const halves = result.grids.map((part) => householdsIn(part.boundary, inside));
    if (
      result.grids.every((part) => partsOf(part.boundary).length === 1) &&
      halves.every((households) => households >= band.min && households <= band.max)
    ) {
      return line;
    }
  }
  return null;
}
