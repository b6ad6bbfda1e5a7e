import { describe, expect, it } from 'vitest';
import { classifyLocation, type StepSignificance } from './emerging-hotspots.ts';

/** 'H' hot, 'C' cold, '.' neither, oldest first. */
const steps = (pattern: string): StepSignificance[] =>
  [...pattern].map((mark) => (mark === 'H' ? 'hot' : mark === 'C' ? 'cold' : null));
const flat = (n: number) => Array.from({ length: n }, () => 2);
const rising = (n: number) => Array.from({ length: n }, (_, i) => 1 + i * 0.2);
const falling = (n: number) => Array.from({ length: n }, (_, i) => 5 - i * 0.2);
const classify = (pattern: string, z = flat(pattern.length)) => classifyLocation(steps(pattern), z).category;

describe('emerging hot spot categories (ArcGIS definitions, 20 steps)', () => {
  it('new: hot in the final step only', () => {
    expect(classify('...................H')).toBe('new_hot');
    expect(classify('...................C')).toBe('new_cold');
  });
  it('consecutive: one uninterrupted final run of two or more, never hot before it, under 90 %', () => {
    expect(classify('...............HHHHH')).toBe('consecutive_hot');
    expect(classify('..CC..........CCCCCC')).toBe('sporadic_cold');
  });
  it('intensifying, persistent, diminishing: hot in 90 % of steps with the final, by the trend of z', () => {
    expect(classify('.HHHHHHHHHHHHHHHHHHH', rising(20))).toBe('intensifying_hot');
    expect(classify('HHHHHHHHHHHHHHHHHHHH', flat(20))).toBe('persistent_hot');
    expect(classify('HH.HHHHHHHHHHHHHHHHH', falling(20))).toBe('diminishing_hot');
    // For cold spots, intensifying means the z-scores keep falling.
    expect(classify('CCCCCCCCCCCCCCCCCCCC', falling(20))).toBe('intensifying_cold');
  });
  it('sporadic: final hot, on and off before, never cold', () => {
    expect(classify('..H...H....H.......H')).toBe('sporadic_hot');
  });
  it('oscillating: final hot with a cold step before', () => {
    expect(classify('..C...H....H.......H')).toBe('oscillating_hot');
    expect(classify('..H...C.....H......C')).toBe('oscillating_cold');
  });
  it('historical: not hot now, hot in 90 % of the steps', () => {
    expect(classify('HHHHHHHHHHHHHHHHHHH.')).toBe('historical_hot');
  });
  it('no pattern otherwise, and for an empty series', () => {
    expect(classify('....................')).toBe('no_pattern');
    expect(classify('..H...H.............')).toBe('no_pattern');
    expect(classifyLocation([], []).category).toBe('no_pattern');
  });
  it('counts hot and cold steps and reports the trend', () => {
    const result = classifyLocation(steps('.HHHHHHHHHHHHHHHHHHH'), rising(20));
    expect(result).toMatchObject({ hotSteps: 19, coldSteps: 0 });
    expect(result.trendZ).toBeGreaterThan(5);
    expect(result.trendP).toBeLessThan(0.001);
  });
});
