/**
 * Coordinates as Chinese devices and map pickers give them: WGS-84 (GPS,
 * 天地图/CGCS2000 within a metre), GCJ-02 (Amap, Tencent, most phone maps) and
 * BD-09 (Baidu). Minqing stores WGS-84; the others are converted on the way in.
 */
import gcoord from 'gcoord';

export const COORDINATE_SYSTEMS = ['WGS84', 'GCJ02', 'BD09'] as const;
export type CoordinateSystem = (typeof COORDINATE_SYSTEMS)[number];

export function toWgs84(lon: number, lat: number, system: CoordinateSystem): [number, number] {
  if (system === 'WGS84') return [lon, lat];
  const [x, y] = gcoord.transform([lon, lat], system === 'GCJ02' ? gcoord.GCJ02 : gcoord.BD09, gcoord.WGS84) as [number, number];
  return [x, y];
}

export function fromWgs84(lon: number, lat: number, system: CoordinateSystem): [number, number] {
  if (system === 'WGS84') return [lon, lat];
  const [x, y] = gcoord.transform([lon, lat], gcoord.WGS84, system === 'GCJ02' ? gcoord.GCJ02 : gcoord.BD09) as [number, number];
  return [x, y];
}
