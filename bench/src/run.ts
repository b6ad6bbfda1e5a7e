/**
 * `pnpm bench [suite …]`: benchmarks that print figures measured in one run
 * on this machine — ratios, never pass/fail timing assertions — and write
 * them to bench/results/<suite>-<time>.json (gitignored).
 *
 * Suites (all of them when none is named):
 * - tiles:  tile endpoint vs the bare ST_AsMVT query (tiles.bench.ts);
 * - intake: case intake through the service and through HTTP vs the bare
 *           point-in-polygon lookup (intake.bench.ts);
 * - sweep:  the card sweep over 1,000,000 open cases, first and second run
 *           (sweep.bench.ts);
 * - planner: live checks after an edit on ~30 grids and 3,000 buildings, and
 *           the automatic partition of villages and of the whole district
 *           against a k-means + Voronoi baseline (planner.bench.ts).
 *
 * - wall: event latency across two API processes, position ingest, case and
 *         grid tiles at 1,000,000 cases, panning fps (wall-bench.ts; its own
 *         database minqing_bench_wall). The wall's 30-minute soak runs apart:
 *         tsx src/soak-wall.ts.
 *
 * - import: bring your own district — 2,021 polygons and 100,000 household
 *         rows through the import API, with memory (import.bench.ts; its own
 *         database minqing_bench_import).
 *
 * The database: BENCH_DATABASE_URL, else DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/minqing_bench (created when missing, the
 * demo district generated when empty). The sweep suite makes minqing_bench_sweep
 * beside it.
 */
import { analyticsBench } from './analytics.bench.ts';
import { importBench } from './import.bench.ts';
import { intakeBench } from './intake.bench.ts';
import { plannerBench } from './planner.bench.ts';
import { sweepBench } from './sweep.bench.ts';
import { tilesBench } from './tiles.bench.ts';
import { wallBench } from './wall-bench.ts';

const SUITES: Record<string, () => Promise<void>> = {
  tiles: tilesBench,
  intake: intakeBench,
  sweep: sweepBench,
  planner: plannerBench,
  analytics: analyticsBench,
  wall: wallBench,
  import: importBench,
};

const asked = process.argv.slice(2).filter((argument) => argument !== '--');
const unknown = asked.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}: choose from ${Object.keys(SUITES).join(', ')} (none: all)`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(SUITES)) {
  console.log(`\n=== ${name} ===`);
  await SUITES[name]!();
}
