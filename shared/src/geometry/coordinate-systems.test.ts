import { describe, expect, it } from 'vitest';
import { fromWgs84, toWgs84 } from './coordinate-systems.ts';

describe('coordinate systems', () => {
  it('moves a GCJ-02 point in 万州 by a few hundred metres back to WGS-84, and round-trips', () => {
    const [lon, lat] = fromWgs84(108.38, 30.8, 'GCJ02');
    const offsetMetres = Math.hypot((lon - 108.38) * 95_700, (lat - 30.8) * 110_900);
    expect(offsetMetres).toBeGreaterThan(200);
    expect(offsetMetres).toBeLessThan(800);
    const [backLon, backLat] = toWgs84(lon, lat, 'GCJ02');
    expect(Math.abs(backLon - 108.38) * 95_700).toBeLessThan(1);
    expect(Math.abs(backLat - 30.8) * 110_900).toBeLessThan(1);
  });

  it('handles BD-09 and leaves WGS-84 alone', () => {
    const [lon, lat] = fromWgs84(108.38, 30.8, 'BD09');
    const [backLon, backLat] = toWgs84(lon, lat, 'BD09');
    expect(Math.abs(backLon - 108.38) * 95_700).toBeLessThan(2);
    expect(Math.abs(backLat - 30.8) * 110_900).toBeLessThan(2);
    expect(toWgs84(108.38, 30.8, 'WGS84')).toEqual([108.38, 30.8]);
  });
});
