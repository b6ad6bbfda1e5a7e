/**
 * The generator works in metres on a local plane (x east, y north) centred on
 * the district, and converts to WGS-84 longitude/latitude only when writing.
 * An equirectangular frame is accurate to well under a metre per kilometre
 * over a county-sized area, which is all synthetic geometry needs.
 */
export interface LocalFrame {
  originLon: number;
  originLat: number;
  toLonLat(x: number, y: number): [number, number];
  fromLonLat(lon: number, lat: number): [number, number];
}

export function localFrame(originLon: number, originLat: number): LocalFrame {
  const phi = (originLat * Math.PI) / 180;
  const metresPerDegreeLat = 111132.92 - 559.82 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi);
  const metresPerDegreeLon = 111412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi);
  return {
    originLon,
    originLat,
    toLonLat: (x, y) => [originLon + x / metresPerDegreeLon, originLat + y / metresPerDegreeLat],
    fromLonLat: (lon, lat) => [(lon - originLon) * metresPerDegreeLon, (lat - originLat) * metresPerDegreeLat],
  };
}
