import { describe, expect, it } from 'vitest';
import { ringArea2, unionCells, type Point } from './cell-union.ts';

// A 3×3 lattice of unit squares; vertices numbered row by row on a 4×4 grid.
const vertex = (column: number, row: number) => row * 4 + column;
const coordinate = (id: number): Point => [id % 4, Math.floor(id / 4)];
const square = (column: number, row: number) => [
  vertex(column, row),
  vertex(column + 1, row),
  vertex(column + 1, row + 1),
  vertex(column, row + 1),
];
const cells = [0, 1, 2].flatMap((row) => [0, 1, 2].map((column) => square(column, row)));
const cellAt = (column: number, row: number) => row * 3 + column;

describe('unionCells', () => {
  it('merges adjacent cells into one ring along their outline', () => {
    const polygons = unionCells(cells, [cellAt(0, 0), cellAt(1, 0)], coordinate);
    expect(polygons).toHaveLength(1);
    expect(polygons[0]).toHaveLength(1);
    expect(ringArea2(polygons[0]![0]!, coordinate)).toBe(4); // 2 unit squares, counter-clockwise
  });

  it('keeps a hole when the cells surround another', () => {
    const ring = cells.map((_, index) => index).filter((index) => index !== cellAt(1, 1));
    const polygons = unionCells(cells, ring, coordinate);
    expect(polygons).toHaveLength(1);
    const [outer, hole] = polygons[0]!;
    expect(ringArea2(outer!, coordinate)).toBe(18);
    expect(ringArea2(hole!, coordinate)).toBe(-2);
  });

  it('returns separate polygons for cells that do not touch', () => {
    const polygons = unionCells(cells, [cellAt(0, 0), cellAt(2, 2)], coordinate);
    expect(polygons).toHaveLength(2);
  });

  it('splits a ring that would touch itself at a corner into two', () => {
    // Diagonal neighbours share one vertex only.
    const polygons = unionCells(cells, [cellAt(0, 0), cellAt(1, 1)], coordinate);
    expect(polygons).toHaveLength(2);
    for (const polygon of polygons) expect(new Set(polygon[0]).size).toBe(polygon[0]!.length);
  });

  it('tiles: the unions of complementary sets share their boundary exactly', () => {
    const left = unionCells(cells, [0, 3, 6, 1], coordinate);
    const right = unionCells(cells, [2, 4, 5, 7, 8], coordinate);
    const area = (polygons: number[][][]) =>
      polygons.reduce((sum, polygon) => sum + polygon.reduce((inner, ring) => inner + ringArea2(ring, coordinate), 0), 0);
    expect(area(left) + area(right)).toBe(18);
  });

  it('gives the same result for clockwise cells', () => {
    const clockwise = cells.map((ring) => [...ring].reverse());
    const polygons = unionCells(clockwise, [cellAt(0, 0), cellAt(1, 0)], coordinate);
    expect(ringArea2(polygons[0]![0]!, coordinate)).toBe(4);
  });
});
