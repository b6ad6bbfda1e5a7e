import { describe, expect, it } from 'vitest';
import { tileBounds, tileCoordinateProblem, tileOf } from './tiles.ts';

describe('tile coordinates', () => {
  it('accepts real tiles and names the problem with others', () => {
    expect(tileCoordinateProblem({ z: 0, x: 0, y: 0 })).toBeNull();
    expect(tileCoordinateProblem({ z: 10, x: 820, y: 422 })).toBeNull();
    expect(tileCoordinateProblem({ z: 23, x: 0, y: 0 })).toMatch(/zoom/);
    expect(tileCoordinateProblem({ z: 3, x: 8, y: 0 })).toMatch(/x must be .* 0 to 7/);
    expect(tileCoordinateProblem({ z: 3, x: 0, y: -1 })).toMatch(/y must be/);
    expect(tileCoordinateProblem({ z: 1.5, x: 0, y: 0 })).toMatch(/zoom/);
  });

  it('finds the tile of 万州 and its bounds contain the point', () => {
    const tile = tileOf(108.4, 30.8, 12);
    const [west, south, east, north] = tileBounds(tile);
    expect(west).toBeLessThanOrEqual(108.4);
    expect(east).toBeGreaterThan(108.4);
    expect(south).toBeLessThanOrEqual(30.8);
    expect(north).toBeGreaterThan(30.8);
  });
});
