/**
 * The household band of a grid (汉中: each community divided into grids of
 * 300–500 households). The band is policy (table `policy`, key
 * grid.household_band); this default only serves code that has no database.
 */
export interface HouseholdBand {
  min: number;
  max: number;
}

export const DEFAULT_HOUSEHOLD_BAND: HouseholdBand = { min: 300, max: 500 };

export type BandPosition = 'below' | 'within' | 'above';

export function bandPosition(households: number, band: HouseholdBand = DEFAULT_HOUSEHOLD_BAND): BandPosition {
  if (households < band.min) return 'below';
  if (households > band.max) return 'above';
  return 'within';
}

/**
 * How many grids a village of `households` can be split into with every grid
 * inside the band, as [fewest, most]; null when no count works (e.g. 550
 * households with a 300–500 band: one grid is too big, two are too small).
 */
export function feasibleGridCounts(households: number, band: HouseholdBand = DEFAULT_HOUSEHOLD_BAND): [number, number] | null {
  if (households <= 0) return null;
  const fewest = Math.max(1, Math.ceil(households / band.max));
  const most = Math.floor(households / band.min);
  return fewest <= most ? [fewest, most] : null;
}
