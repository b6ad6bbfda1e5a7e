/**
 * Emerging hot spots (ArcGIS's Emerging Hot Spot Analysis): a space-time cube
 * of grids × weeks, a Gi* per week, then for each grid its series of
 * significant hot / cold weeks and the Mann–Kendall trend of its z-scores
 * decide one of the categories below. Written with the ArcGIS definitions;
 * where they overlap, the order of checks is the one in `classifyLocation`
 * (see docs/adr/0006-leaders-view-statistics.md).
 */
import { mannKendall } from './mann-kendall.ts';

export const EMERGING_PATTERNS = [
  'new',
  'consecutive',
  'intensifying',
  'persistent',
  'diminishing',
  'sporadic',
  'oscillating',
  'historical',
] as const;
export type EmergingPattern = (typeof EMERGING_PATTERNS)[number];

/** e.g. 'intensifying_hot', 'new_cold', or 'no_pattern'. */
export type EmergingCategory = `${EmergingPattern}_${'hot' | 'cold'}` | 'no_pattern';

export const EMERGING_CATEGORIES: readonly EmergingCategory[] = [
  ...EMERGING_PATTERNS.map((pattern) => `${pattern}_hot` as const),
  ...EMERGING_PATTERNS.map((pattern) => `${pattern}_cold` as const),
  'no_pattern',
];

/** One time step of one location: significantly hot, cold, or neither. */
export type StepSignificance = 'hot' | 'cold' | null;

export interface EmergingOptions {
  /** Share of steps that makes a location persistently hot (ArcGIS: 90 %). */
  persistentShare?: number;
  /** Significance of the Mann–Kendall trend (0.05). */
  trendAlpha?: number;
}

export interface EmergingClassification {
  category: EmergingCategory;
  hotSteps: number;
  coldSteps: number;
  trendZ: number | null;
  trendP: number | null;
}

/**
 * The pattern of one side (hot, or cold read as hot) from its series of
 * significant steps, the opposite side's steps, and the trend towards it.
 */
function patternOf(
  own: readonly boolean[],
  opposite: readonly boolean[],
  trendTowards: 'up' | 'down' | 'none' | null,
  persistentShare: number,
): EmergingPattern | null {
  const n = own.length;
  const count = own.filter(Boolean).length;
  const final = own[n - 1] === true;
  const persistent = count >= persistentShare * n;
  if (!final) return persistent ? 'historical' : null;
  if (persistent) {
    if (trendTowards === 'up') return 'intensifying';
    if (trendTowards === 'down') return 'diminishing';
    return 'persistent';
  }
  if (count === 1) return 'new';
  let run = 0;
  for (let index = n - 1; index >= 0 && own[index]; index--) run++;
  if (run === count && run >= 2) return 'consecutive';
  return opposite.slice(0, n - 1).some(Boolean) ? 'oscillating' : 'sporadic';
}

/**
 * Classifies one location from its significance per step (oldest first) and
 * its Gi* z-scores per step (for the trend). A location hot in the final step
 * gets a hot category; cold in the final step, a cold one; neither, possibly a
 * historical one.
 */
export function classifyLocation(
  steps: readonly StepSignificance[],
  zScores: readonly (number | null)[],
  options: EmergingOptions = {},
): EmergingClassification {
  const persistentShare = options.persistentShare ?? 0.9;
  const hot = steps.map((step) => step === 'hot');
  const cold = steps.map((step) => step === 'cold');
  const trend = mannKendall(
    zScores.map((z) => z ?? 0),
    options.trendAlpha ?? 0.05,
  );
  const hotSteps = hot.filter(Boolean).length;
  const coldSteps = cold.filter(Boolean).length;
  const base = { hotSteps, coldSteps, trendZ: trend.z, trendP: trend.p };
  if (steps.length === 0) return { category: 'no_pattern', ...base };
  // For the cold side, "intensifying" means the z-scores are falling (getting colder).
  const coldTrend = trend.trend === 'up' ? 'down' : trend.trend === 'down' ? 'up' : trend.trend;
  const hotPattern = patternOf(hot, cold, trend.trend, persistentShare);
  const coldPattern = patternOf(cold, hot, coldTrend, persistentShare);
  // The final step decides the side; with neither final, a historical pattern (hot first).
  if (hot.at(-1) && hotPattern) return { category: `${hotPattern}_hot`, ...base };
  if (cold.at(-1) && coldPattern) return { category: `${coldPattern}_cold`, ...base };
  if (hotPattern) return { category: `${hotPattern}_hot`, ...base };
  if (coldPattern) return { category: `${coldPattern}_cold`, ...base };
  return { category: 'no_pattern', ...base };
}
