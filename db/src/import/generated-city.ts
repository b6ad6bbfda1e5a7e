/**
 * A generated city district for import tests and benchmarks — a jurisdiction
 * of another shape than 万州: a lattice of `rows × columns` neighbourhoods
 * (communities) with jittered corners and an irregular outline, grouped into
 * streets (街道) of `block × block` neighbourhoods, each neighbourhood split
 * into two grids, and a household register of rows at addresses.
 *
 * Neighbours share their edges exactly (the same lattice points, written the
 * same way), so the set has no gap and no overlap: what a clean county file
 * looks like. Every horizontal edge carries its midpoint (where the two grids
 * of a neighbourhood meet), in every ring that uses the edge.
 *
 * Pure and deterministic (seeded); no I/O.
 */

export type Position = [number, number];
export type Ring = Position[];

export interface CityRegion {
  code: string;
  name: string;
  level: 'district' | 'town' | 'village' | 'grid';
  parentCode: string | null;
  ring: Ring;
}

export interface CityOptions {
  /** Six-digit county code of the district. */
  countyCode?: string;
  name?: string;
  rows?: number;
  columns?: number;
  /** Neighbourhoods per street side: streets are block × block. */
  block?: number;
  /** Size of a neighbourhood in degrees. */
  cell?: number;
  origin?: Position;
  seed?: number;
}

export interface GeneratedCity {
  options: Required<CityOptions>;
  district: CityRegion;
  towns: CityRegion[];
  villages: CityRegion[];
  grids: CityRegion[];
  /** The village at lattice cell (row, column). */
  villageAt(row: number, column: number): CityRegion;
  /** Lattice point (corner) at (row, column), 0 ≤ row ≤ rows, 0 ≤ column ≤ columns. */
  corner(row: number, column: number): Position;
  /** Midpoint of the horizontal edge from corner (row, column) to (row, column + 1). */
  edgeMidpoint(row: number, column: number): Position;
  /** A point well inside the cell (row, column) of the given grid half (0 west, 1 east). */
  inside(row: number, column: number, half: 0 | 1, random?: () => number): Position;
}

const STREET_NAMES = [
  '东湖',
  '西湖',
  '南山',
  '北岭',
  '中心',
  '滨江',
  '翠苑',
  '望江',
  '朝阳',
  '文昌',
  '新华',
  '解放',
  '建设',
  '和平',
  '民主',
  '光明',
  '长青',
  '兴业',
  '育才',
  '红旗',
  '金桥',
  '银河',
  '锦绣',
  '春晖',
  '秋实',
  '凤凰',
  '白云',
  '青山',
  '绿水',
  '太平',
];
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Mulberry32: a small seeded generator. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const round = (value: number) => Math.round(value * 1e7) / 1e7;

function chineseNumber(value: number): string {
  if (value <= 10) return NUMERALS[value - 1]!;
  if (value < 20) return `十${NUMERALS[value - 11]!}`;
  const tens = Math.floor(value / 10);
  const ones = value % 10;
  return `${NUMERALS[tens - 1]!}十${ones === 0 ? '' : NUMERALS[ones - 1]!}`;
}

export function generateCity(input: CityOptions = {}): GeneratedCity {
  const options: Required<CityOptions> = {
    countyCode: input.countyCode ?? '440399',
    name: input.name ?? '示范市新城区',
    rows: input.rows ?? 10,
    columns: input.columns ?? 10,
    block: input.block ?? 5,
    cell: input.cell ?? 0.01,
    origin: input.origin ?? [113.3, 23.1],
    seed: input.seed ?? 7,
  };
  const { rows, columns, block, cell, origin, countyCode } = options;
  const random = seededRandom(options.seed);
  // Corners jittered by up to a fifth of a cell: cells stay convex quadrilaterals.
  const corners: Position[][] = [];
  for (let row = 0; row <= rows; row++) {
    const line: Position[] = [];
    for (let column = 0; column <= columns; column++) {
      const jitter = () => (random() - 0.5) * 0.4 * cell;
      line.push([round(origin[0] + column * cell + jitter()), round(origin[1] + row * cell + jitter())]);
    }
    corners.push(line);
  }
  const corner = (row: number, column: number): Position => corners[row]![column]!;
  const midpoints: Position[][] = corners.map((line) =>
    line
      .slice(0, -1)
      .map(
        (point, column) =>
          [round((point[0] + line[column + 1]![0]) / 2), round((point[1] + line[column + 1]![1]) / 2)] as Position,
      ),
  );
  const edgeMidpoint = (row: number, column: number): Position => midpoints[row]![column]!;

  /** The counter-clockwise ring around cells [row0, row1) × [column0, column1), midpoints on horizontal edges. */
  const blockRing = (row0: number, row1: number, column0: number, column1: number): Ring => {
    const ring: Ring = [];
    for (let column = column0; column < column1; column++) ring.push(corner(row0, column), edgeMidpoint(row0, column));
    for (let row = row0; row < row1; row++) ring.push(corner(row, column1));
    for (let column = column1; column > column0; column--) ring.push(corner(row1, column), edgeMidpoint(row1, column - 1));
    for (let row = row1; row > row0; row--) ring.push(corner(row, column0));
    ring.push(ring[0]!);
    return ring;
  };

  const districtCode = `${countyCode}000000`;
  const district: CityRegion = {
    code: districtCode,
    name: options.name,
    level: 'district',
    parentCode: null,
    ring: blockRing(0, rows, 0, columns),
  };
  const towns: CityRegion[] = [];
  const villages: CityRegion[] = [];
  const grids: CityRegion[] = [];
  const villageGrid: CityRegion[][] = Array.from({ length: rows }, () => []);
  const streetRows = Math.ceil(rows / block);
  const streetColumns = Math.ceil(columns / block);
  for (let streetRow = 0; streetRow < streetRows; streetRow++) {
    for (let streetColumn = 0; streetColumn < streetColumns; streetColumn++) {
      const number = streetRow * streetColumns + streetColumn + 1;
      const townCode = `${countyCode}${String(number).padStart(3, '0')}000`;
      const stem = `${STREET_NAMES[(number - 1) % STREET_NAMES.length]!}${number > STREET_NAMES.length ? chineseNumber(Math.ceil(number / STREET_NAMES.length)) : ''}`;
      const row0 = streetRow * block;
      const column0 = streetColumn * block;
      const row1 = Math.min(rows, row0 + block);
      const column1 = Math.min(columns, column0 + block);
      towns.push({
        code: townCode,
        name: `${stem}街道`,
        level: 'town',
        parentCode: districtCode,
        ring: blockRing(row0, row1, column0, column1),
      });
      let villageNumber = 0;
      for (let row = row0; row < row1; row++) {
        for (let column = column0; column < column1; column++) {
          villageNumber += 1;
          const villageCode = `${townCode.slice(0, 9)}${String(villageNumber).padStart(3, '0')}`;
          const village: CityRegion = {
            code: villageCode,
            name: `${stem}${chineseNumber(villageNumber)}社区`,
            level: 'village',
            parentCode: townCode,
            ring: blockRing(row, row + 1, column, column + 1),
          };
          villages.push(village);
          villageGrid[row]![column] = village;
          const west: Ring = [
            corner(row, column),
            edgeMidpoint(row, column),
            edgeMidpoint(row + 1, column),
            corner(row + 1, column),
            corner(row, column),
          ];
          const east: Ring = [
            edgeMidpoint(row, column),
            corner(row, column + 1),
            corner(row + 1, column + 1),
            edgeMidpoint(row + 1, column),
            edgeMidpoint(row, column),
          ];
          grids.push(
            { code: `${villageCode}001`, name: `${village.name}第一网格`, level: 'grid', parentCode: villageCode, ring: west },
            { code: `${villageCode}002`, name: `${village.name}第二网格`, level: 'grid', parentCode: villageCode, ring: east },
          );
        }
      }
    }
  }

  const inside = (row: number, column: number, half: 0 | 1, pick: () => number = random): Position => {
    // Bilinear interpolation in the cell (or its half): u across, v up, kept away from the edges.
    const u = (half === 0 ? 0.1 : 0.6) + pick() * 0.3;
    const v = 0.15 + pick() * 0.7;
    const a = corner(row, column);
    const b = corner(row, column + 1);
    const c = corner(row + 1, column + 1);
    const d = corner(row + 1, column);
    const x = (1 - u) * (1 - v) * a[0] + u * (1 - v) * b[0] + u * v * c[0] + (1 - u) * v * d[0];
    const y = (1 - u) * (1 - v) * a[1] + u * (1 - v) * b[1] + u * v * c[1] + (1 - u) * v * d[1];
    return [round(x), round(y)];
  };

  return {
    options,
    district,
    towns,
    villages,
    grids,
    villageAt: (row, column) => villageGrid[row]![column]!,
    corner,
    edgeMidpoint,
    inside,
  };
}

/** A FeatureCollection of regions with CODE, NAME, LEVEL and PARENT properties, as a county's GIS would export it. */
export function cityGeoJson(regions: readonly CityRegion[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: regions.map((region) => ({
      type: 'Feature',
      properties: { CODE: region.code, NAME: region.name, LEVEL: region.level, PARENT: region.parentCode },
      geometry: { type: 'Polygon', coordinates: [region.ring] },
    })),
  });
}

/**
 * A household register as CSV lines (header first): one row per household,
 * `householdsPerBuilding` rows at each address, with the building's longitude
 * and latitude and 1–5 residents. Addresses spread over the neighbourhoods.
 */
export function* householdRegister(
  city: GeneratedCity,
  households: number,
  householdsPerBuilding = 20,
  seed = 11,
): Generator<string> {
  const random = seededRandom(seed);
  yield '地址,户主,人口,经度,纬度';
  const buildings = Math.ceil(households / householdsPerBuilding);
  const { rows, columns } = city.options;
  let written = 0;
  for (let building = 0; building < buildings; building++) {
    const cellIndex = building % (rows * columns);
    const row = Math.floor(cellIndex / columns);
    const column = cellIndex % columns;
    const village = city.villageAt(row, column);
    const [lon, lat] = city.inside(row, column, (building % 2) as 0 | 1, random);
    const address = `${village.name}${Math.floor(building / (rows * columns)) + 1}号楼`;
    for (let household = 0; household < householdsPerBuilding && written < households; household++, written++) {
      yield `${address},户主${written + 1},${1 + Math.floor(random() * 5)},${lon},${lat}`;
    }
  }
}
