/**
 * Writes a built demo district with a handful of set-based statements (arrays
 * unnested server-side), inside the caller's transaction. The database's own
 * constraints check it on the way in: valid geometries, codes, every grid
 * inside its village.
 */
import { hash } from '@node-rs/argon2';
import { bandPosition } from '@minqing/shared';
import type { Queryable } from '../client.ts';
import { sql } from '../sql.ts';
import type { DemoDistrict } from './generate.ts';
import { DEMO_PASSWORD } from './organisation.ts';

const BATCH = 10_000;

function chunks<T>(items: T[], size = BATCH): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

export interface WriteCounts {
  towns: number;
  villages: number;
  grids: number;
  buildings: number;
  households: number;
  population: number;
  units: number;
  users: number;
  gridsInBand: number;
}

export async function writeDemoDistrict(
  tx: Queryable,
  district: DemoDistrict,
  log: (message: string, details?: Record<string, unknown>) => void,
): Promise<WriteCounts> {
  const started = performance.now();
  const lap = (message: string) => log(message, { ms: Math.round(performance.now() - started) });

  for (const level of ['district', 'town', 'village'] as const) {
    const rows = district.regions.filter((region) => region.level === level);
    await tx.query(sql`
      insert into region (code, name, full_name, level, kind, parent_code, boundary, geometry_source)
      select code, name, full_name, level, kind, parent_code,
             ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(boundary), 4326)), 'synthetic'
      from unnest(${rows.map((row) => row.code)}::text[], ${rows.map((row) => row.name)}::text[],
                  ${rows.map((row) => row.fullName)}::text[], ${rows.map((row) => row.level)}::text[],
                  ${rows.map((row) => row.kind)}::text[], ${rows.map((row) => row.parentCode)}::text[],
                  ${rows.map((row) => JSON.stringify({ type: 'MultiPolygon', coordinates: row.boundary }))}::text[])
        as input(code, name, full_name, level, kind, parent_code, boundary)`);
  }
  lap('demo: regions written');

  for (const rows of chunks(district.grids, 2000)) {
    await tx.query(sql`
      insert into grid (code, village_code, name, boundary, households, population, flag)
      select code, village_code, name, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(boundary), 4326)), households, population, flag
      from unnest(${rows.map((row) => row.code)}::text[], ${rows.map((row) => row.villageCode)}::text[],
                  ${rows.map((row) => row.name)}::text[],
                  ${rows.map((row) => JSON.stringify({ type: 'MultiPolygon', coordinates: row.boundary }))}::text[],
                  ${rows.map((row) => row.households)}::int[], ${rows.map((row) => row.population)}::int[],
                  ${rows.map((row) => row.flag)}::text[])
        as input(code, village_code, name, boundary, households, population, flag)`);
  }
  lap('demo: grids written');

  for (const rows of chunks(district.buildings)) {
    await tx.query(sql`
      insert into building (village_code, address, name, kind, floors, households, residents, location)
      select village_code, address, name, kind, floors, households, residents, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
      from unnest(${rows.map((row) => row.villageCode)}::text[], ${rows.map((row) => row.address)}::text[],
                  ${rows.map((row) => row.name)}::text[], ${rows.map((row) => row.kind)}::text[],
                  ${rows.map((row) => row.floors)}::smallint[], ${rows.map((row) => row.households)}::int[],
                  ${rows.map((row) => row.residents)}::int[], ${rows.map((row) => row.lon)}::float8[],
                  ${rows.map((row) => row.lat)}::float8[])
        as input(village_code, address, name, kind, floors, households, residents, lon, lat)`);
  }
  lap('demo: buildings written');

  for (const rows of chunks(district.basemap, 2000)) {
    await tx.query(sql`
      insert into basemap_feature (layer, kind, name, geom)
      select layer, kind, name,
             case when ST_IsValid(g) then g else ST_CollectionExtract(ST_MakeValid(g), ST_Dimension(g) + 1) end
      from (
        select layer, kind, name, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326) as g
        from unnest(${rows.map((row) => row.layer)}::text[], ${rows.map((row) => row.kind)}::text[],
                    ${rows.map((row) => row.name)}::text[], ${rows.map((row) => JSON.stringify(row.geometry))}::text[])
          as input(layer, kind, name, geometry)
      ) as parsed`);
  }
  lap('demo: basemap written');

  const units = district.units;
  await tx.query(sql`
    insert into unit (code, name, kind, ladder_level, region_code, location, phone)
    select code, name, kind, ladder_level, region_code,
           case when lon is null then null else ST_SetSRID(ST_MakePoint(lon, lat), 4326) end, phone
    from unnest(${units.map((unit) => unit.code)}::text[], ${units.map((unit) => unit.name)}::text[],
                ${units.map((unit) => unit.kind)}::text[], ${units.map((unit) => unit.ladderLevel)}::smallint[],
                ${units.map((unit) => unit.regionCode)}::text[], ${units.map((unit) => unit.location?.[0] ?? null)}::float8[],
                ${units.map((unit) => unit.location?.[1] ?? null)}::float8[], ${units.map((unit) => unit.phone)}::text[])
      as input(code, name, kind, ladder_level, region_code, lon, lat, phone)`);
  await tx.query(sql`
    update unit set parent_id = parent.id, leader_unit_id = leader.id
    from unnest(${units.map((unit) => unit.code)}::text[], ${units.map((unit) => unit.parentCode)}::text[],
                ${units.map((unit) => unit.leaderCode)}::text[]) as link(code, parent_code, leader_code)
    left join unit parent on parent.code = link.parent_code
    left join unit leader on leader.code = link.leader_code
    where unit.code = link.code and (link.parent_code is not null or link.leader_code is not null)`);
  lap('demo: units written');

  const passwordHash = await hash(DEMO_PASSWORD);
  const users = district.users;
  await tx.query(sql`
    insert into app_user (username, display_name, password_hash, role, unit_id, region_code, phone)
    select input.username, input.display_name, ${passwordHash}, input.role, unit.id, input.region_code, input.phone
    from unnest(${users.map((user) => user.username)}::text[], ${users.map((user) => user.displayName)}::text[],
                ${users.map((user) => user.role)}::text[], ${users.map((user) => user.unitCode)}::text[],
                ${users.map((user) => user.regionCode)}::text[], ${users.map((user) => user.phone)}::text[])
      as input(username, display_name, role, unit_code, region_code, phone)
    left join unit on unit.code = input.unit_code`);
  const assignments = district.assignments;
  await tx.query(sql`
    insert into grid_assignment (grid_code, user_id, duty)
    select input.grid_code, app_user.id, input.duty
    from unnest(${assignments.map((row) => row.gridCode)}::text[], ${assignments.map((row) => row.username)}::text[],
                ${assignments.map((row) => row.duty)}::text[]) as input(grid_code, username, duty)
    join app_user on app_user.username = input.username`);
  lap('demo: users written');

  await tx.exec('analyze region; analyze grid; analyze building; analyze unit; analyze basemap_feature');

  const households = district.grids.reduce((sum, grid) => sum + grid.households, 0);
  const population = district.grids.reduce((sum, grid) => sum + grid.population, 0);
  return {
    towns: district.regions.filter((region) => region.level === 'town').length,
    villages: district.regions.filter((region) => region.level === 'village').length,
    grids: district.grids.length,
    buildings: district.buildings.length,
    households,
    population,
    units: units.length,
    users: users.length,
    gridsInBand: district.grids.filter((grid) => bandPosition(grid.households) === 'within').length,
  };
}
