import { tileBounds } from '@minqing/shared';
import { describe, expect, test } from 'vitest';
import { TILE_EXTENT, WEB_MERCATOR_HALF_WIDTH, tileFrame } from './tile-frame.ts';

describe('tileFrame', () => {
  test('tile 0/0/0 is the whole Web Mercator square', () => {
    const frame = tileFrame({ z: 0, x: 0, y: 0 });
    expect(frame.bounds).toEqual({
      west: -WEB_MERCATOR_HALF_WIDTH,
      south: -WEB_MERCATOR_HALF_WIDTH,
      east: WEB_MERCATOR_HALF_WIDTH,
      north: WEB_MERCATOR_HALF_WIDTH,
    });
  });

  test('the affine transform sends the north-west corner to (0, 0) and the south-east one to (extent, extent)', () => {
    const frame = tileFrame({ z: 14, x: 13316, y: 6727 });
    const { scaleX, scaleY, offsetX, offsetY } = frame.affine;
    const toTile = (x: number, y: number) => [scaleX * x + offsetX, scaleY * y + offsetY];
    const [x0, y0] = toTile(frame.bounds.west, frame.bounds.north);
    const [x1, y1] = toTile(frame.bounds.east, frame.bounds.south);
    expect(x0).toBeCloseTo(0, 6);
    expect(y0).toBeCloseTo(0, 6);
    expect(x1).toBeCloseTo(TILE_EXTENT, 6);
    expect(y1).toBeCloseTo(TILE_EXTENT, 6);
  });

  test('in degrees, the buffered frame holds the tile as shared computes it', () => {
    const coordinate = { z: 11, x: 1664, y: 840 };
    const frame = tileFrame(coordinate);
    const [west, south, east, north] = tileBounds(coordinate);
    expect(frame.bufferedDegrees.west).toBeLessThan(west);
    expect(frame.bufferedDegrees.south).toBeLessThan(south);
    expect(frame.bufferedDegrees.east).toBeGreaterThan(east);
    expect(frame.bufferedDegrees.north).toBeGreaterThan(north);
    // The buffer is 256/4096 of the tile on each side.
    expect(frame.bufferedDegrees.east - east).toBeCloseTo((east - west) / 16, 9);
  });

  test('simplifies below full-detail zoom, by about one tile unit', () => {
    expect(tileFrame({ z: 8, x: 205, y: 105 }).simplifyTolerance).toBeCloseTo((2 * WEB_MERCATOR_HALF_WIDTH) / 256 / 4096, 6);
    expect(tileFrame({ z: 14, x: 13316, y: 6727 }).simplifyTolerance).toBeNull();
  });
});
