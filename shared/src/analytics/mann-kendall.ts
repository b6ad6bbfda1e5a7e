/**
 * The Mann–Kendall trend test: is a series going up or down over time,
 * without assuming how? S counts rising pairs minus falling pairs; its
 * variance is corrected for ties; Z uses the continuity correction.
 *
 *   S = Σᵢ<ⱼ sign(xⱼ − xᵢ)
 *   Var(S) = [n(n−1)(2n+5) − Σₜ t(t−1)(2t+5)] / 18   (t: size of each group of ties)
 *   Z = (S − 1)/√Var if S > 0,  (S + 1)/√Var if S < 0,  0 otherwise
 */
import { twoSidedPValue } from './normal-distribution.ts';

export interface MannKendallResult {
  s: number;
  variance: number;
  /** Null for fewer than 3 values: no trend can be told. */
  z: number | null;
  p: number | null;
  /** 'up' or 'down' when p < alpha, else 'none'; null when no test could be made. */
  trend: 'up' | 'down' | 'none' | null;
}

export function mannKendall(series: readonly number[], alpha = 0.05): MannKendallResult {
  const n = series.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(series[j]! - series[i]!);
  }
  const ties = new Map<number, number>();
  for (const value of series) ties.set(value, (ties.get(value) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  if (n < 3) return { s, variance, z: null, p: null, trend: null };
  if (variance <= 0) return { s, variance, z: 0, p: 1, trend: 'none' };
  const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  const p = twoSidedPValue(z);
  return { s, variance, z, p, trend: p < alpha ? (z > 0 ? 'up' : 'down') : 'none' };
}
