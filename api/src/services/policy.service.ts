/**
 * Policy: numbers that are decisions of the deployment (table `policy`), read
 * where they are used so an edit takes effect without a restart.
 */
import { sql, type Queryable } from '@minqing/db';
import { DEFAULT_HOUSEHOLD_BAND, type HouseholdBand } from '@minqing/shared';

/** The band from a policy value, or null when the value is not `{ min, max }` with 0 ≤ min ≤ max. */
export function parseHouseholdBand(value: unknown): HouseholdBand | null {
  if (typeof value !== 'object' || value === null) return null;
  const { min, max } = value as Record<string, unknown>;
  if (typeof min !== 'number' || typeof max !== 'number') return null;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || min > max) return null;
  return { min, max };
}

/** The household band a grid should hold (policy grid.household_band), or the default when it is unset or malformed. */
export async function householdBand(db: Queryable): Promise<HouseholdBand> {
  const [row] = await db.query<{ value: unknown }>(sql`select value from policy where key = 'grid.household_band'`);
  return parseHouseholdBand(row?.value) ?? DEFAULT_HOUSEHOLD_BAND;
}
