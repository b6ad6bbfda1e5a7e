/**
 * False discovery rate (Benjamini–Hochberg), as ArcGIS's Hot Spot Analysis
 * applies it: with many grids tested at once, some look significant by chance;
 * FDR lowers the p-value a grid must reach so that, of the grids called
 * significant at a level, no more than that share is expected to be false.
 */

/**
 * The largest p-value still significant at `alpha` after FDR correction:
 * p₍ₖ₎ for the largest k with p₍ₖ₎ ≤ (k / m)·alpha; null when none is.
 * Null p-values (tests that could not be made) are not counted in m.
 */
export function falseDiscoveryRateThreshold(pValues: readonly (number | null)[], alpha: number): number | null {
  const sorted = pValues.filter((p): p is number => p !== null && Number.isFinite(p)).sort((a, b) => a - b);
  const m = sorted.length;
  let threshold: number | null = null;
  for (let k = 1; k <= m; k++) {
    if (sorted[k - 1]! <= (k / m) * alpha) threshold = sorted[k - 1]!;
  }
  return threshold;
}

/** Whether each p-value is significant at `alpha`, with or without FDR correction. */
export function significantAt(pValues: readonly (number | null)[], alpha: number, correct: boolean): boolean[] {
  const threshold = correct ? falseDiscoveryRateThreshold(pValues, alpha) : alpha;
  return pValues.map((p) => p !== null && threshold !== null && (correct ? p <= threshold : p < threshold));
}
