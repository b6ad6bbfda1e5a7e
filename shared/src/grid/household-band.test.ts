import { describe, expect, it } from 'vitest';
import { bandPosition, feasibleGridCounts } from './household-band.ts';

describe('household band', () => {
  it('places a count below, within or above 300–500', () => {
    expect(bandPosition(299)).toBe('below');
    expect(bandPosition(300)).toBe('within');
    expect(bandPosition(500)).toBe('within');
    expect(bandPosition(501)).toBe('above');
  });

  it('honours a band set by policy', () => {
    expect(bandPosition(250, { min: 200, max: 400 })).toBe('within');
  });

  it('finds how many grids keep every grid in the band', () => {
    expect(feasibleGridCounts(400)).toEqual([1, 1]);
    expect(feasibleGridCounts(1000)).toEqual([2, 3]);
    expect(feasibleGridCounts(550)).toBeNull();
    expect(feasibleGridCounts(120)).toBeNull();
    expect(feasibleGridCounts(0)).toBeNull();
  });
});
