import { describe, expect, it } from 'vitest';
import { mannKendall } from './mann-kendall.ts';

describe('Mann–Kendall', () => {
  it('matches a rising series worked by hand', () => {
    // 1 2 3 4 5: all 10 pairs rise, S = 10; Var = 5·4·15/18 = 16.667; Z = (10 − 1)/4.0825 = 2.2045; p = 0.0275.
    const result = mannKendall([1, 2, 3, 4, 5]);
    expect(result.s).toBe(10);
    expect(result.variance).toBeCloseTo(300 / 18, 10);
    expect(result.z).toBeCloseTo(9 / Math.sqrt(300 / 18), 10);
    expect(result.p).toBeCloseTo(0.0275, 4);
    expect(result.trend).toBe('up');
  });

  it('corrects the variance for ties', () => {
    // 1 1 2 3: S = 5; one pair of ties: Var = (4·3·13 − 2·1·9)/18 = 7.667; Z = 4/2.7689 = 1.4446; p = 0.1486.
    const result = mannKendall([1, 1, 2, 3]);
    expect(result.s).toBe(5);
    expect(result.variance).toBeCloseTo(138 / 18, 10);
    expect(result.z).toBeCloseTo(4 / Math.sqrt(138 / 18), 10);
    expect(result.p).toBeCloseTo(0.1486, 4);
    expect(result.trend).toBe('none');
  });

  it('finds a falling trend, and none in a flat or short series', () => {
    expect(mannKendall([9, 8, 8, 6, 5, 3, 2, 1]).trend).toBe('down');
    expect(mannKendall([4, 4, 4, 4])).toMatchObject({ s: 0, z: 0, p: 1, trend: 'none' });
    expect(mannKendall([1, 2])).toMatchObject({ z: null, p: null, trend: null });
    expect(mannKendall([])).toMatchObject({ s: 0, z: null, trend: null });
  });
});
