/**
 * A small hand-made district for exact assertions in the API's integration
 * tests: one district, two towns, three villages, grids tiling each village
 * (with one grid below, one above and the rest inside the 300–500 band, plus a
 * closed historical version), a few buildings and basemap features.
 *
 *   108.0        108.15        108.3        108.4        108.5        108.6   (°E)
 *   ┌─────────────┬─────────────┬────────────┬────────────┬────────────┐ 31.0
 *   │             │  V2 grid 002│            │            │            │
 *   │  V1 grid 001│  (520 above)│ V3 grid 001│ V3 grid 002│ V3 grid 003│
 *   │  (250, small├─────────────┤ (300)      │ (500)      │ (299 below)│ 30.8
 *   │   village)  │  V2 grid 001│            │            │            │
 *   │             │  (420)      │            │            │            │
 *   └─────────────┴─────────────┴────────────┴────────────┴────────────┘ 30.6
 *   └──────── town T1 (高笋塘街道) ─────────┘└──────── town T2 (太白街道) ─────────┘
 */
import { sql, type Queryable } from '@minqing/db';

export const DISTRICT = '500101000000';
export const TOWN_WEST = '500101001000';
export const TOWN_EAST = '500101002000';
export const VILLAGE_WEST = '500101001001';
export const VILLAGE_MIDDLE = '500101001002';
export const VILLAGE_EAST = '500101002001';

export const EXTENT = { west: 108.0, south: 30.6, east: 108.6, north: 31.0 };

interface FixtureGrid {
  code: string;
  village: string;
  name: string;
  box: [number, number, number, number];
  households: number;
  population: number;
  flag?: string;
}

export const FIXTURE_GRIDS: FixtureGrid[] = [
  {
    code: '500101001001001',
    village: VILLAGE_WEST,
    name: '东方广场社区第1网格',
    box: [108.0, 30.6, 108.15, 31.0],
    households: 250,
    population: 700,
    flag: 'small_village',
  },
  {
    code: '500101001002001',
    village: VILLAGE_MIDDLE,
    name: '白岩社区第1网格',
    box: [108.15, 30.6, 108.3, 30.8],
    households: 420,
    population: 1200,
  },
  {
    code: '500101001002002',
    village: VILLAGE_MIDDLE,
    name: '白岩社区第2网格',
    box: [108.15, 30.8, 108.3, 31.0],
    households: 520,
    population: 1500,
  },
  {
    code: '500101002001001',
    village: VILLAGE_EAST,
    name: '太白岩村第1网格',
    box: [108.3, 30.6, 108.4, 31.0],
    households: 300,
    population: 900,
  },
  {
    code: '500101002001002',
    village: VILLAGE_EAST,
    name: '太白岩村第2网格',
    box: [108.4, 30.6, 108.5, 31.0],
    households: 500,
    population: 1400,
  },
  {
    code: '500101002001003',
    village: VILLAGE_EAST,
    name: '太白岩村第3网格',
    box: [108.5, 30.6, 108.6, 31.0],
    households: 299,
    population: 800,
  },
];

export const FIXTURE_TOTALS = {
  [VILLAGE_WEST]: { households: 250, population: 700, grids: 1 },
  [VILLAGE_MIDDLE]: { households: 940, population: 2700, grids: 2 },
  [VILLAGE_EAST]: { households: 1099, population: 3100, grids: 3 },
  [TOWN_WEST]: { households: 1190, population: 3400, grids: 3 },
  [TOWN_EAST]: { households: 1099, population: 3100, grids: 3 },
  [DISTRICT]: { households: 2289, population: 6500, grids: 6 },
};

/** Buildings per grid code, all placed well inside their grid. */
export const FIXTURE_BUILDINGS: { grid: string; at: [number, number]; households: number }[] = [
  { grid: '500101001002001', at: [108.2, 30.7], households: 120 },
  { grid: '500101001002001', at: [108.22, 30.72], households: 150 },
  { grid: '500101001002001', at: [108.25, 30.65], households: 150 },
  { grid: '500101001001001', at: [108.05, 30.9], households: 250 },
];

function box([west, south, east, north]: readonly number[]) {
  return sql`ST_Multi(ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326))`;
}

export async function insertFixtureDistrict(db: Queryable): Promise<void> {
  const regions: [string, string, string, string, string, string | null, number[]][] = [
    [DISTRICT, '万州区', '重庆市万州区', 'district', 'district', null, [108.0, 30.6, 108.6, 31.0]],
    [TOWN_WEST, '高笋塘街道', '高笋塘街道办事处', 'town', 'street', DISTRICT, [108.0, 30.6, 108.3, 31.0]],
    [TOWN_EAST, '太白街道', '太白街道办事处', 'town', 'street', DISTRICT, [108.3, 30.6, 108.6, 31.0]],
    [VILLAGE_WEST, '东方广场社区', '东方广场社区居民委员会', 'village', 'community', TOWN_WEST, [108.0, 30.6, 108.15, 31.0]],
    [VILLAGE_MIDDLE, '白岩社区', '白岩社区居民委员会', 'village', 'community', TOWN_WEST, [108.15, 30.6, 108.3, 31.0]],
    [VILLAGE_EAST, '太白岩村', '太白岩村村民委员会', 'village', 'village', TOWN_EAST, [108.3, 30.6, 108.6, 31.0]],
  ];
  for (const [code, name, fullName, level, kind, parent, bounds] of regions) {
    await db.query(sql`
      insert into region (code, name, full_name, level, kind, parent_code, boundary, geometry_source)
      values (${code}, ${name}, ${fullName}, ${level}, ${kind}, ${parent}, ${box(bounds)}, 'synthetic')`);
  }
  // A closed earlier version of a grid: history the current views must not show.
  await db.query(sql`
    insert into grid (code, village_code, name, version, valid_from, valid_to, boundary, households, population)
    values ('500101002001001', ${VILLAGE_EAST}, '太白岩村旧网格', 1, '2024-01-01', '2025-01-01', ${box([108.3, 30.6, 108.45, 31.0])}, 650, 1800)`);
  for (const grid of FIXTURE_GRIDS) {
    const version = grid.code === '500101002001001' ? 2 : 1;
    await db.query(sql`
      insert into grid (code, village_code, name, version, valid_from, boundary, households, population, flag)
      values (${grid.code}, ${grid.village}, ${grid.name}, ${version}, '2025-01-01', ${box(grid.box)}, ${grid.households}, ${grid.population}, ${grid.flag ?? null})`);
  }
  for (const [index, building] of FIXTURE_BUILDINGS.entries()) {
    await db.query(sql`
      insert into building (village_code, address, households, residents, location)
      values (${building.grid.slice(0, 12)}, ${`测试路${index + 1}号`}, ${building.households}, ${building.households * 3},
        ST_SetSRID(ST_MakePoint(${building.at[0]}::float8, ${building.at[1]}::float8), 4326))`);
  }
  await db.query(sql`
    insert into basemap_feature (layer, kind, name, geom) values
      ('river', 'major', '长江', ST_SetSRID(ST_GeomFromText('LINESTRING(108.0 30.7, 108.3 30.75, 108.6 30.9)'), 4326)),
      ('road', 'national', 'G318', ST_SetSRID(ST_GeomFromText('LINESTRING(108.05 30.65, 108.3 30.85, 108.55 30.95)'), 4326)),
      ('settlement', 'city', '万州城区', ST_SetSRID(ST_MakePoint(108.4, 30.8), 4326)),
      ('settlement', 'town', '高笋塘', ST_SetSRID(ST_MakePoint(108.1, 30.7), 4326))`);
}
