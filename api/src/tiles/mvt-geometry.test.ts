import { describe, expect, test } from 'vitest';
import { doubledSignedArea, MVT_LINE, MVT_POINT, MVT_POLYGON, orientRing, toMvtGeometry } from './mvt-geometry.ts';

// A square in tile coordinates (y down), listed counter-clockwise on screen: negative area.
const counterClockwise = [
  [0, 0],
  [0, 10],
  [10, 10],
  [10, 0],
  [0, 0],
];
const clockwise = [...counterClockwise].reverse();

describe('ring winding (MVT 2.1 §4.3.4.4)', () => {
  test('the surveyor formula is positive for a ring clockwise on screen', () => {
    expect(doubledSignedArea(orientRing(clockwise, true)!)).toBe(200);
    expect(doubledSignedArea(clockwise.slice(0, 4).map(([x, y]) => ({ x: x!, y: y! })))).toBe(200);
  });

  test('exterior rings come out positive, holes negative, whichever way they went in', () => {
    for (const ring of [clockwise, counterClockwise]) {
      expect(doubledSignedArea(orientRing(ring, true)!)).toBeGreaterThan(0);
      expect(doubledSignedArea(orientRing(ring, false)!)).toBeLessThan(0);
    }
  });

  test('drops points in a straight line and spikes along a clipping edge', () => {
    const ring = orientRing(
      [
        [0, 0],
        [5, 0],
        [10, 0],
        [10, 10],
        [10, 14],
        [10, 12],
        [0, 10],
        [0, 0],
      ],
      true,
    );
    // Up the right edge to 14 and back down to 12 is the edge up to 12.
    expect(ring).toHaveLength(4);
    expect(ring).toContainEqual({ x: 10, y: 12 });
    expect(ring).not.toContainEqual({ x: 10, y: 14 });
    expect(ring).not.toContainEqual({ x: 10, y: 10 });
    expect(ring).not.toContainEqual({ x: 5, y: 0 });
  });

  test('drops the closing point (a ClosePath command closes the ring)', () => {
    expect(orientRing(clockwise, true)).toHaveLength(4);
  });
});

describe('toMvtGeometry', () => {
  test('a polygon with a hole: exterior then hole, wound as the spec asks', () => {
    const hole = [
      [2, 2],
      [4, 2],
      [4, 4],
      [2, 4],
      [2, 2],
    ];
    const geometry = toMvtGeometry({ type: 'Polygon', coordinates: [counterClockwise, hole] });
    expect(geometry?.type).toBe(MVT_POLYGON);
    expect(geometry!.rings).toHaveLength(2);
    expect(doubledSignedArea(geometry!.rings[0]!)).toBeGreaterThan(0);
    expect(doubledSignedArea(geometry!.rings[1]!)).toBeLessThan(0);
  });

  test('drops rings that collapsed on the integer grid, and a collapsed exterior takes its holes along', () => {
    const sliver = [
      [0, 0],
      [5, 0],
      [10, 0],
      [0, 0],
    ];
    const dot = [
      [3, 3],
      [3, 3],
      [3, 3],
      [3, 3],
    ];
    expect(toMvtGeometry({ type: 'Polygon', coordinates: [sliver] })).toBeNull();
    expect(toMvtGeometry({ type: 'Polygon', coordinates: [dot, counterClockwise] })).toBeNull();
    const kept = toMvtGeometry({
      type: 'MultiPolygon',
      coordinates: [[sliver], [counterClockwise, dot]],
    });
    expect(kept?.rings).toHaveLength(1);
    expect(kept!.rings[0]).toHaveLength(4);
  });

  test('removes repeated points', () => {
    const geometry = toMvtGeometry({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [0, 0],
        [5, 5],
        [5, 5],
        [9, 1],
      ],
    });
    expect(geometry).toEqual({
      type: MVT_LINE,
      rings: [
        [
          { x: 0, y: 0 },
          { x: 5, y: 5 },
          { x: 9, y: 1 },
        ],
      ],
    });
  });

  test('a line that collapsed to a point is dropped', () => {
    expect(
      toMvtGeometry({
        type: 'MultiLineString',
        coordinates: [
          [
            [1, 1],
            [1, 1],
          ],
        ],
      }),
    ).toBeNull();
  });

  test('points: one ring with every point', () => {
    expect(
      toMvtGeometry({
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toEqual({
      type: MVT_POINT,
      rings: [
        [
          { x: 1, y: 2 },
          { x: 3, y: 4 },
        ],
      ],
    });
  });

  test('a mixed collection keeps its polygons', () => {
    const geometry = toMvtGeometry({
      type: 'GeometryCollection',
      geometries: [
        { type: 'Point', coordinates: [1, 1] },
        { type: 'Polygon', coordinates: [clockwise] },
      ],
    });
    expect(geometry?.type).toBe(MVT_POLYGON);
  });

  test('nothing left: null', () => {
    expect(toMvtGeometry(null)).toBeNull();
    expect(toMvtGeometry({ type: 'GeometryCollection', geometries: [] })).toBeNull();
  });
});
