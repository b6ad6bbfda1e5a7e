/**
 * Getis-Ord Gi* (hot spot analysis), as ArcGIS computes it: for each feature
 * the local sum of its neighbourhood — itself included — against the global
 * mean, in standard deviations. A large positive z-score is a hot spot (high
 * values among high values), a large negative one a cold spot.
 *
 *   Gi* = (Σⱼ wᵢⱼ xⱼ − X̄ Σⱼ wᵢⱼ) / ( S √[(n Σⱼ wᵢⱼ² − (Σⱼ wᵢⱼ)²) / (n − 1)] )
 *   X̄ = Σ xⱼ / n,  S = √(Σ xⱼ² / n − X̄²)
 *
 * Gi* is itself a z-score; its p-value is two-sided. Bins (−3 … 3) say at
 * which confidence (90 / 95 / 99 %) a feature is a cold or hot spot, with
 * false-discovery-rate correction by default.
 */
import { significantAt } from './false-discovery-rate.ts';
import { twoSidedPValue } from './normal-distribution.ts';

export interface Neighbour {
  index: number;
  /** Spatial weight; 1 for contiguity and distance band (binary weights). */
  weight?: number;
}

export interface GiStarResult {
  /** Null when the statistic is undefined: fewer than 3 features, all values equal, or a neighbourhood of everyone. */
  z: number | null;
  p: number | null;
}

export type ConfidenceBin = -3 | -2 | -1 | 0 | 1 | 2 | 3;

/** Confidence levels and their significance thresholds, strongest first. */
export const CONFIDENCE_LEVELS = [
  { bin: 3, confidence: 0.99, alpha: 0.01 },
  { bin: 2, confidence: 0.95, alpha: 0.05 },
  { bin: 1, confidence: 0.9, alpha: 0.1 },
] as const;

/**
 * Gi* for every feature. `neighbours[i]` lists feature i's neighbours other
 * than itself; i counts as its own neighbour with weight `selfWeight` (1).
 */
export function getisOrdGiStar(
  values: readonly number[],
  neighbours: readonly (readonly Neighbour[])[],
  selfWeight = 1,
): GiStarResult[] {
  const n = values.length;
  if (neighbours.length !== n) throw new RangeError(`${n} values but ${neighbours.length} neighbour lists`);
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError('every value must be a finite number');
  }
  const undefinedResult = (): GiStarResult => ({ z: null, p: null });
  if (n < 3) return values.map(undefinedResult);
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = values.reduce((sum, value) => sum + value * value, 0) / n - mean * mean;
  // All values equal (up to rounding): no hot or cold anywhere.
  if (!(variance > 1e-12 * Math.max(1, mean * mean))) return values.map(undefinedResult);
  const standardDeviation = Math.sqrt(variance);

  return values.map((value, i) => {
    let weightSum = selfWeight;
    let weightSquares = selfWeight * selfWeight;
    let weighted = selfWeight * value;
    for (const neighbour of neighbours[i]!) {
      if (neighbour.index === i) continue;
      const weight = neighbour.weight ?? 1;
      weightSum += weight;
      weightSquares += weight * weight;
      weighted += weight * values[neighbour.index]!;
    }
    const spread = (n * weightSquares - weightSum * weightSum) / (n - 1);
    if (!(spread > 1e-12)) return undefinedResult();
    const z = (weighted - mean * weightSum) / (standardDeviation * Math.sqrt(spread));
    return { z, p: twoSidedPValue(z) };
  });
}

/**
 * The confidence bin of each feature: ±3 at 99 %, ±2 at 95 %, ±1 at 90 %, 0
 * otherwise; the sign is the sign of z. With `falseDiscoveryRate` (the
 * default) each level's threshold is lowered by Benjamini–Hochberg.
 */
export function confidenceBins(results: readonly GiStarResult[], falseDiscoveryRate = true): ConfidenceBin[] {
  const pValues = results.map((result) => result.p);
  const significance = CONFIDENCE_LEVELS.map((level) => significantAt(pValues, level.alpha, falseDiscoveryRate));
  return results.map((result, index) => {
    if (result.z === null) return 0;
    const level = CONFIDENCE_LEVELS.findIndex((_, levelIndex) => significance[levelIndex]![index]);
    if (level < 0) return 0;
    return (Math.sign(result.z) * CONFIDENCE_LEVELS[level]!.bin) as ConfidenceBin;
  });
}
