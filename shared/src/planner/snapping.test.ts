import { describe, expect, it } from 'vitest';
import { snapPosition } from './snapping.ts';
import { at } from './test-shapes.ts';

describe('snapPosition', () => {
  const boundary = [at(0, 0), at(100, 0), at(100, 100)];
  it('snaps to a vertex within the tolerance first', () => {
    expect(snapPosition(at(98, 3), { lines: [boundary] }, 5)).toEqual(at(100, 0));
  });
  it('else to the nearest point on an edge', () => {
    const snapped = snapPosition(at(50, 2), { lines: [boundary] }, 5);
    expect(snapped[1]).toBeCloseTo(at(50, 0)[1], 9);
    expect(snapped[0]).toBeCloseTo(at(50, 0)[0], 9);
  });
  it('leaves a position far from everything alone', () => {
    expect(snapPosition(at(50, 50), { lines: [boundary] }, 5)).toEqual(at(50, 50));
  });
});
