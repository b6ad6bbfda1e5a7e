import { describe, expect, it } from 'vitest';
import { falseDiscoveryRateThreshold, significantAt } from './false-discovery-rate.ts';
import { confidenceBins, getisOrdGiStar, type GiStarResult, type Neighbour } from './getis-ord.ts';
import { normalCumulative, twoSidedPValue } from './normal-distribution.ts';

/** Features on a line, each the neighbour of the next (contiguity). */
function line(n: number): Neighbour[][] {
  return Array.from({ length: n }, (_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n).map((index) => ({ index })));
}

describe('normal distribution', () => {
  it('matches table values', () => {
    expect(normalCumulative(0)).toBeCloseTo(0.5, 7);
    expect(normalCumulative(1.959964)).toBeCloseTo(0.975, 6);
    expect(twoSidedPValue(1.644854)).toBeCloseTo(0.1, 6);
    expect(twoSidedPValue(-2.575829)).toBeCloseTo(0.01, 6);
    expect(twoSidedPValue(0)).toBe(1);
  });
});

describe('Getis-Ord Gi*', () => {
  it('matches a worked example computed by hand', () => {
    // x = 1 2 3 4 10 on a line; n = 5, mean 4, S = √(130/5 − 16) = √10.
    // End features: Σw = 2, Σw² = 2, spread (5·2 − 4)/4 = 1.5, denominator √10·√1.5 = √15.
    // Middle features: Σw = 3, spread (5·3 − 9)/4 = 1.5, the same denominator.
    //   x₀: (1 + 2) − 4·2 = −5    x₁: (1 + 2 + 3) − 4·3 = −6    x₂: (2 + 3 + 4) − 12 = −3
    //   x₃: (3 + 4 + 10) − 12 = 5  x₄: (4 + 10) − 8 = 6
    const results = getisOrdGiStar([1, 2, 3, 4, 10], line(5));
    const root15 = Math.sqrt(15);
    const expected = [-5, -6, -3, 5, 6].map((numerator) => numerator / root15);
    results.forEach((result, index) => expect(result.z).toBeCloseTo(expected[index]!, 10));
    // Φ(1.549193) = 0.939332 → two-sided p = 0.121336.
    expect(results[4]!.p).toBeCloseTo(0.121336, 5);
    expect(results[3]!.p).toBeCloseTo(0.196706, 5);
  });

  it('agrees with the ratio form of Getis and Ord (1992) on random data', () => {
    // Second, independent implementation: G*ᵢ = Σⱼ wᵢⱼ xⱼ / Σⱼ xⱼ with E = W/n and
    // Var = W(n − W)/(n²(n − 1)) · Y₂/Y₁², Y₁ = Σx/n, Y₂ = Σx²/n − Y₁² (binary weights).
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const n = 40;
    const values = Array.from({ length: n }, () => Math.floor(random() * 20));
    const neighbours: Neighbour[][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (random() < 0.12) {
          neighbours[i]!.push({ index: j });
          neighbours[j]!.push({ index: i });
        }
      }
    }
    const total = values.reduce((a, b) => a + b, 0);
    const y1 = total / n;
    const y2 = values.reduce((a, b) => a + b * b, 0) / n - y1 * y1;
    const results = getisOrdGiStar(values, neighbours);
    for (let i = 0; i < n; i++) {
      const members = [i, ...neighbours[i]!.map((neighbour) => neighbour.index)];
      const w = members.length;
      const g = members.reduce((sum, j) => sum + values[j]!, 0) / total;
      const expectation = w / n;
      const variance = ((w * (n - w)) / (n * n * (n - 1))) * (y2 / (y1 * y1));
      expect(results[i]!.z).toBeCloseTo((g - expectation) / Math.sqrt(variance), 9);
    }
  });

  it('gives no statistic rather than NaN for equal values, two features, or nothing', () => {
    expect(getisOrdGiStar([3, 3, 3, 3], line(4)).every((result) => result.z === null && result.p === null)).toBe(true);
    expect(getisOrdGiStar([0, 0, 0], line(3))[1]).toEqual({ z: null, p: null });
    expect(getisOrdGiStar([1, 5], line(2))).toEqual([
      { z: null, p: null },
      { z: null, p: null },
    ]);
    expect(getisOrdGiStar([], [])).toEqual([]);
    // A feature whose neighbourhood is everyone: its local sum is the global sum, no z.
    const everyone = [0, 1, 2].map((i) => [0, 1, 2].filter((j) => j !== i).map((index) => ({ index })));
    expect(getisOrdGiStar([1, 2, 9], everyone)[0]!.z).toBeNull();
  });

  it('refuses values that are not finite numbers', () => {
    expect(() => getisOrdGiStar([1, Number.NaN, 2], line(3))).toThrow(/finite/);
  });
});

describe('false discovery rate', () => {
  const pValues = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216];

  it('finds the Benjamini–Hochberg threshold by hand', () => {
    // k/m·α for α = 0.05, m = 10: 0.005, 0.010, 0.015 … ; p₍₁₎ = 0.001 ≤ 0.005, p₍₂₎ = 0.008 ≤ 0.010, then none.
    expect(falseDiscoveryRateThreshold(pValues, 0.05)).toBe(0.008);
    expect(significantAt(pValues, 0.05, true).filter(Boolean)).toHaveLength(2);
    expect(significantAt(pValues, 0.05, false).filter(Boolean)).toHaveLength(5);
    expect(falseDiscoveryRateThreshold([0.5, 0.9], 0.05)).toBeNull();
    expect(falseDiscoveryRateThreshold([], 0.05)).toBeNull();
  });

  it('agrees with adjusted p-values (a second implementation) on random p-values', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const ps = Array.from({ length: 60 }, () => random() ** 3);
      const m = ps.length;
      // Adjusted: p̃₍ᵢ₎ = min over j ≥ i of m·p₍ⱼ₎/j; significant when p̃ ≤ α.
      const order = ps.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
      const adjusted = new Array<number>(m);
      let running = 1;
      for (let rank = m; rank >= 1; rank--) {
        running = Math.min(running, (m * order[rank - 1]!.p) / rank);
        adjusted[order[rank - 1]!.index] = running;
      }
      for (const alpha of [0.1, 0.05, 0.01]) {
        expect(significantAt(ps, alpha, true)).toEqual(adjusted.map((p) => p <= alpha));
      }
    }
  });
});

describe('confidence bins', () => {
  const result = (z: number): GiStarResult => ({ z, p: twoSidedPValue(z) });

  it('bins ±3/±2/±1 by 99/95/90 % without correction', () => {
    const results = [result(2.7), result(2.0), result(1.7), result(1.0), result(-2.7), result(-1.7), { z: null, p: null }];
    expect(confidenceBins(results, false)).toEqual([3, 2, 1, 0, -3, -1, 0]);
  });

  it('lowers the thresholds with FDR: a lone z of 2.0 among many null grids is not significant', () => {
    const results = [result(2.0), ...Array.from({ length: 50 }, () => result(0.1))];
    expect(confidenceBins(results, false)[0]).toBe(2);
    expect(confidenceBins(results, true)[0]).toBe(0);
    // A strong hot spot survives the correction.
    expect(confidenceBins([result(4.5), ...results], true)[0]).toBe(3);
  });
});
