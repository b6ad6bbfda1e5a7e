/**
 * `pnpm bench planner`: the grid planner's speed and quality on the demo
 * district, in one run so the figures compare.
 *
 * - Live checks: checkDraft on a workspace of about 30 grids and 3,000
 *   buildings (the town closest to that), after an edit (a grid split with a
 *   line) — split + checks, and checks alone. Baseline in the same run: the
 *   coverage part done the naive way, overlaying every pair of grids and the
 *   union of all (polyclip), which the edge matching replaces.
 * - Automatic partition: proposeGrids on the largest villages one by one, and
 *   on all villages of the district (≈ 600,000 households in the full demo;
 *   whatever the bench database holds otherwise), with the share of grids in
 *   the band, flagged grids and their reasons, grids in one piece, exact
 *   coverage, and Polsby–Popper compactness. Baseline in the same run: k-means
 *   on the buildings (k = the same grid count), then the Voronoi cells of the
 *   centres clipped to the village.
 */
import { featureCollection, point, voronoi } from '@turf/turf';
import { sql, type Database } from '@minqing/db';
import {
  CHECKS,
  DEFAULT_HOUSEHOLD_BAND,
  boundingBoxOf,
  centreOf,
  checkDraft,
  gridCountFor,
  intersection,
  localPlane,
  partsOf,
  proposeGrids,
  splitGrid,
  suggestSplitLine,
  unite,
  type MultiPolygonGeometry,
  type PlannerBuilding,
  type PlannerGrid,
  type PlannerVillage,
  type Position,
} from '@minqing/shared';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, prepareDatabase } from '@minqing/db';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/minqing_bench';

/** The bench database (BENCH_DATABASE_URL, else DATABASE_URL, else minqing_bench), migrated, with the demo district. */
async function openDemoDatabase(): Promise<{ db: Database; url: string }> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_URL;
  const db = await openDatabase({ databaseUrl: url, connectionSettings: { jit: 'off' } });
  await prepareDatabase(db, { demo: true, log: (message) => message.startsWith('demo') && console.log(`  ${message}`) });
  return { db, url };
}

const printable = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

function distribution(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN, samples: sorted.length };
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function writeResults(figures: unknown): string {
  const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `planner-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  return file;
}

const CHECK_RUNS = Number(process.env.BENCH_PLANNER_CHECK_RUNS ?? 30);
const band = DEFAULT_HOUSEHOLD_BAND;

interface District {
  villages: (PlannerVillage & { townCode: string })[];
  grids: PlannerGrid[];
  buildings: PlannerBuilding[];
  roads: Position[][];
}

async function loadDistrict(db: Database): Promise<District> {
  const villages = await db.query<{ code: string; name: string; parent_code: string; boundary: MultiPolygonGeometry }>(sql`
    select code, name, parent_code, ST_AsGeoJSON(boundary, 7)::json as boundary from region where level = 'village' order by code`);
  const grids = await db.query<{ code: string; village_code: string; name: string; boundary: MultiPolygonGeometry }>(sql`
    select code, village_code, name, ST_AsGeoJSON(boundary, 7)::json as boundary from grid where valid_to is null order by code`);
  const buildings = await db.query<{
    id: number;
    village_code: string;
    households: number;
    residents: number;
    x: number;
    y: number;
  }>(sql`
    select id, village_code, households, residents, round(ST_X(location)::numeric, 7)::float8 as x, round(ST_Y(location)::numeric, 7)::float8 as y
    from building order by id`);
  const roads = await db.query<{ geometry: { type: string; coordinates: unknown } }>(sql`
    select ST_AsGeoJSON(geom, 7)::json as geometry from basemap_feature where layer = 'road'`);
  return {
    villages: villages.map((row) => ({ code: row.code, name: row.name, townCode: row.parent_code, boundary: row.boundary })),
    grids: grids.map((row) => ({
      key: row.code,
      code: row.code,
      villageCode: row.village_code,
      name: row.name,
      boundary: row.boundary,
    })),
    buildings: buildings.map((row) => ({
      id: row.id,
      villageCode: row.village_code,
      households: row.households,
      residents: row.residents,
      position: [row.x, row.y],
    })),
    roads: roads.flatMap(({ geometry }) =>
      geometry.type === 'LineString'
        ? [geometry.coordinates as Position[]]
        : geometry.type === 'MultiLineString'
          ? (geometry.coordinates as Position[][])
          : [],
    ),
  };
}

function measure<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

/** The coverage check done by overlaying polygons: every pair's intersection, and the village less the union of all. */
function naiveCoverage(villages: readonly PlannerVillage[], grids: readonly PlannerGrid[]): number {
  let findings = 0;
  for (const village of villages) {
    const own = grids.filter((grid) => grid.villageCode === village.code);
    for (let i = 0; i < own.length; i++) {
      for (let j = i + 1; j < own.length; j++) findings += partsOf(intersection(own[i]!.boundary, own[j]!.boundary)).length;
    }
    const covered = unite(own.map((grid) => grid.boundary));
    findings += partsOf(intersection(village.boundary, covered)).length;
  }
  return findings;
}

interface Quality {
  grids: number;
  inBand: number;
  flagged: Record<string, number>;
  onePiece: number;
  meanPolsbyPopper: number;
  coverageErrors: number;
}

function quality(
  villages: readonly PlannerVillage[],
  grids: readonly (PlannerGrid & { flag?: string | null })[],
  buildings: readonly PlannerBuilding[],
): Quality {
  const report = checkDraft({ villages, grids, buildings, band });
  const flagged: Record<string, number> = {};
  for (const grid of grids) if (grid.flag) flagged[grid.flag] = (flagged[grid.flag] ?? 0) + 1;
  const coverageChecks = new Set<string>([
    CHECKS.overlap,
    CHECKS.gap,
    CHECKS.sliver,
    CHECKS.outsideVillage,
    CHECKS.buildingUncovered,
    CHECKS.invalidGeometry,
  ]);
  return {
    grids: grids.length,
    inBand: report.grids.filter((grid) => grid.band === 'within').length,
    flagged,
    onePiece: report.grids.filter((grid) => grid.parts === 1).length,
    meanPolsbyPopper: report.grids.reduce((sum, grid) => sum + grid.polsbyPopper, 0) / Math.max(1, report.grids.length),
    coverageErrors: report.issues.filter((issue) => coverageChecks.has(issue.check)).length,
  };
}

/** The baseline: k-means on building positions (weighted by households), then Voronoi cells of the centres clipped to the village. */
function kMeansVoronoi(village: PlannerVillage, buildings: readonly PlannerBuilding[]): (PlannerGrid & { flag: null })[] {
  const total = buildings.reduce((sum, building) => sum + building.households, 0);
  const k = Math.max(1, Math.min(buildings.length, gridCountFor(total, band)));
  if (k === 1 || buildings.length < 3)
    return [
      { key: `${village.code}-k1`, code: null, villageCode: village.code, name: 'k1', boundary: village.boundary, flag: null },
    ];
  const plane = localPlane(centreOf(boundingBoxOf(village.boundary)));
  const points = buildings.map((building) => plane.toMetres(building.position));
  let centres = points.filter((_, index) => index % Math.floor(points.length / k) === 0).slice(0, k);
  for (let round = 0; round < 25; round++) {
    const sums = centres.map(() => [0, 0, 0]);
    points.forEach((position, index) => {
      let best = 0;
      let bestDistance = Infinity;
      centres.forEach((centre, at) => {
        const distance = (centre[0] - position[0]) ** 2 + (centre[1] - position[1]) ** 2;
        if (distance < bestDistance) {
          bestDistance = distance;
          best = at;
        }
      });
      const weight = buildings[index]!.households || 1;
      sums[best]![0]! += position[0] * weight;
      sums[best]![1]! += position[1] * weight;
      sums[best]![2]! += weight;
    });
    centres = sums.map((sum, at) => (sum[2]! > 0 ? [sum[0]! / sum[2]!, sum[1]! / sum[2]!] : centres[at]!));
  }
  const box = boundingBoxOf(village.boundary);
  const pad = Math.max(box[2] - box[0], box[3] - box[1]);
  const cells = voronoi(featureCollection(centres.map((centre) => point(plane.toDegrees(centre[0], centre[1])))), {
    bbox: [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad],
  });
  return cells.features.flatMap((cell, index) => {
    if (!cell) return [];
    const boundary = intersection(
      { type: 'MultiPolygon', coordinates: [cell.geometry.coordinates as Position[][]] },
      village.boundary,
    );
    return boundary.coordinates.length
      ? [{ key: `${village.code}-k${index}`, code: null, villageCode: village.code, name: `k${index}`, boundary, flag: null }]
      : [];
  });
}

function describeQuality(name: string, figures: Quality, seconds: number): string[] {
  const share = (count: number) => `${((100 * count) / Math.max(1, figures.grids)).toFixed(1)}%`;
  return [
    name,
    format(seconds * 1000),
    String(figures.grids),
    share(figures.inBand),
    Object.entries(figures.flagged)
      .map(([flag, count]) => `${flag} ${count}`)
      .join(', ') || '—',
    share(figures.onePiece),
    String(figures.coverageErrors),
    figures.meanPolsbyPopper.toFixed(3),
  ];
}

export async function plannerBench(): Promise<void> {
  const { db, url } = await openDemoDatabase();
  try {
    console.log(`database: ${printable(url)}`);
    const started = performance.now();
    const district = await loadDistrict(db);
    const loaded = { ms: performance.now() - started };
    const households = district.buildings.reduce((sum, building) => sum + building.households, 0);
    console.log(
      `district: ${district.villages.length} villages, ${district.grids.length} grids, ${district.buildings.length} buildings, ${households} households (loaded in ${format(loaded.ms)} ms)`,
    );
    const buildingsOf = new Map<string, PlannerBuilding[]>();
    for (const building of district.buildings)
      buildingsOf.set(building.villageCode, [...(buildingsOf.get(building.villageCode) ?? []), building]);

    // ---- live checks on ~30 grids and ~3,000 buildings: the town nearest that
    const towns = new Map<string, { villages: PlannerVillage[]; grids: PlannerGrid[]; buildings: PlannerBuilding[] }>();
    for (const village of district.villages) {
      const town = towns.get(village.townCode) ?? { villages: [], grids: [], buildings: [] };
      town.villages.push(village);
      town.grids.push(...district.grids.filter((grid) => grid.villageCode === village.code));
      town.buildings.push(...(buildingsOf.get(village.code) ?? []));
      towns.set(village.townCode, town);
    }
    const [townCode, town] = [...towns.entries()].sort(
      ([, a], [, b]) =>
        Math.abs(a.grids.length - 30) / 30 +
        Math.abs(a.buildings.length - 3000) / 3000 -
        (Math.abs(b.grids.length - 30) / 30 + Math.abs(b.buildings.length - 3000) / 3000),
    )[0]!;
    const fullest = [...town.grids].sort(
      (a, b) =>
        town.buildings.filter((building) => building.villageCode === b.villageCode).length -
        town.buildings.filter((building) => building.villageCode === a.villageCode).length,
    );
    let edited = town.grids;
    for (const grid of fullest) {
      const line = suggestSplitLine(grid, town.buildings, { min: 100, max: 400 });
      if (!line) continue;
      const result = splitGrid(town.grids, grid.key, line, town.buildings);
      if (result.valid) {
        edited = result.grids;
        break;
      }
    }
    const editLines = town.grids.map((grid) => grid.key);
    const checkOnly: number[] = [];
    const editAndCheck: number[] = [];
    const naive: number[] = [];
    for (let run = 0; run < CHECK_RUNS; run++) {
      checkOnly.push(measure(() => checkDraft({ villages: town.villages, grids: edited, buildings: town.buildings, band })).ms);
      editAndCheck.push(
        measure(() => {
          const grid = town.grids.find((entry) => entry.key === editLines[run % editLines.length])!;
          const line = suggestSplitLine(grid, town.buildings, { min: 1, max: 100_000 }) ?? [];
          const result = splitGrid(town.grids, grid.key, line, town.buildings);
          return checkDraft({
            villages: town.villages,
            grids: result.valid ? result.grids : town.grids,
            buildings: town.buildings,
            band,
          });
        }).ms,
      );
      if (run < 3) naive.push(measure(() => naiveCoverage(town.villages, edited)).ms);
    }
    const checks = distribution(checkOnly);
    const edits = distribution(editAndCheck);
    const overlay = distribution(naive);
    console.log(
      `\nlive checks on town ${townCode}: ${edited.length} grids, ${town.buildings.length} buildings, ${town.villages.length} villages`,
    );
    console.log(
      table(
        ['what', 'p50 ms', 'p95 ms', 'runs'],
        [
          ['checkDraft after a split (all checks)', format(checks.p50), format(checks.p95), String(checkOnly.length)],
          ['split with a line + checkDraft', format(edits.p50), format(edits.p95), String(editAndCheck.length)],
          ['baseline: coverage by overlaying polygons', format(overlay.p50), format(overlay.p95), String(naive.length)],
        ],
      ),
    );
    console.log(`ratio overlay / edge-matched checks: ${(overlay.p50 / checks.p50).toFixed(1)}×`);

    // ---- automatic partition: one village at a time (the largest), then the district
    const largest = [...district.villages]
      .sort((a, b) => (buildingsOf.get(b.code)?.length ?? 0) - (buildingsOf.get(a.code)?.length ?? 0))
      .slice(0, 5);
    const villageTimes = largest.map((village) => ({
      village,
      ms: measure(() => proposeGrids({ village, buildings: buildingsOf.get(village.code) ?? [], roads: district.roads, band }))
        .ms,
    }));
    console.log('\npartition of one village (the five with most buildings):');
    console.log(
      table(
        ['village', 'buildings', 'ms'],
        villageTimes.map(({ village, ms }) => [
          `${village.name} ${village.code}`,
          String(buildingsOf.get(village.code)?.length ?? 0),
          format(ms),
        ]),
      ),
    );

    const proposedStarted = performance.now();
    const proposed: (PlannerGrid & { flag: string | null })[] = [];
    for (const village of district.villages) {
      const roads = district.roads;
      proposeGrids({ village, buildings: buildingsOf.get(village.code) ?? [], roads, band }).forEach((grid, index) =>
        proposed.push({
          key: `${village.code}-${index}`,
          code: null,
          villageCode: village.code,
          name: String(index),
          boundary: grid.boundary,
          flag: grid.flag,
        }),
      );
    }
    const proposedSeconds = (performance.now() - proposedStarted) / 1000;
    const baselineStarted = performance.now();
    const baseline = district.villages.flatMap((village) => kMeansVoronoi(village, buildingsOf.get(village.code) ?? []));
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    const ours = quality(district.villages, proposed, district.buildings);
    const theirs = quality(district.villages, baseline, district.buildings);
    const demo = quality(district.villages, district.grids, district.buildings);
    console.log(`\npartition of the whole district (${district.villages.length} villages, ${households} households):`);
    const header = ['method', 'ms', 'grids', 'in band', 'flagged', 'one piece', 'coverage errors', 'mean Polsby–Popper'];
    const rows = [
      describeQuality('proposeGrids (ours)', ours, proposedSeconds),
      describeQuality('baseline: k-means + Voronoi', theirs, baselineSeconds),
      describeQuality('the demo grids as generated', demo, 0),
    ];
    console.log(table(header, rows));
    const machine = { cpus: cpus().length, load: loadavg().map((value) => Number(value.toFixed(2))) };
    console.log(`machine: ${machine.cpus} CPUs, load ${machine.load.join(' ')}`);
    const file = writeResults({
      database: printable(url),
      machine,
      town: {
        code: townCode,
        grids: edited.length,
        buildings: town.buildings.length,
        checkMs: checks,
        editAndCheckMs: edits,
        naiveOverlayMs: overlay,
      },
      villages: villageTimes.map(({ village, ms }) => ({
        code: village.code,
        buildings: buildingsOf.get(village.code)?.length ?? 0,
        ms,
      })),
      district: {
        villages: district.villages.length,
        households,
        proposeSeconds: proposedSeconds,
        baselineSeconds,
        ours,
        baseline: theirs,
        demo,
      },
    });
    console.log(`results: ${file}`);
  } finally {
    await db.close();
  }
}

// Run on its own: `tsx bench/src/planner.bench.ts` (run.ts runs it as the `planner` suite).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await plannerBench();
