import { describe, expect, test } from 'vitest';
import {
  insideMultiPolygon,
  metresBetween,
  PatrolWalk,
  randomPointInside,
  seededRandom,
  type MultiPolygonCoordinates,
} from './patrol-route.ts';

// An L-shaped grid of about 400 m × 400 m near 万州: a straight line between its arms would leave it.
const grid: MultiPolygonCoordinates = [
  [
    [
      [108.38, 30.8],
      [108.384, 30.8],
      [108.384, 30.8015],
      [108.3815, 30.8015],
      [108.3815, 30.8036],
      [108.38, 30.8036],
      [108.38, 30.8],
    ],
  ],
];

describe('patrol routes', () => {
  test('random points fall inside the grid', () => {
    const random = seededRandom(7);
    for (let index = 0; index < 200; index++) expect(insideMultiPolygon(randomPointInside(grid, random), grid)).toBe(true);
  });

  test('a walk stays inside its grid at a walking pace', () => {
    const walk = new PatrolWalk(grid, seededRandom(11));
    expect(walk.speed).toBeGreaterThanOrEqual(1.2);
    expect(walk.speed).toBeLessThanOrEqual(1.6);
    let previous = walk.here;
    for (let step = 0; step < 240; step++) {
      const here = walk.advance(15);
      expect(metresBetween(previous, here)).toBeLessThanOrEqual(walk.speed * 15 * 1.001);
      expect(insideMultiPolygon(here, grid)).toBe(true);
      previous = here;
    }
  });

  test('a fix is within its claimed accuracy of the true position', () => {
    const walk = new PatrolWalk(grid, seededRandom(3));
    for (let index = 0; index < 50; index++) {
      const { position, accuracy } = walk.fix();
      expect(metresBetween(position, walk.here)).toBeLessThanOrEqual(accuracy);
    }
  });

  test('the same seed walks the same way', () => {
    const a = new PatrolWalk(grid, seededRandom(5));
    const b = new PatrolWalk(grid, seededRandom(5));
    expect(a.advance(600)).toEqual(b.advance(600));
  });
});
