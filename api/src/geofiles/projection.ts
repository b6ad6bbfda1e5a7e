/**
 * Coordinate systems of imported files, through proj4: a shapefile's .prj
 * (WKT) or a GeoJSON `crs` name becomes a function to WGS-84 degrees. The
 * geographic systems used in China — WGS-84 and CGCS2000 (EPSG:4490, within
 * a metre of WGS-84) — need no transformation.
 */
import proj4 from 'proj4';
import { GEOFILE_REASONS, GeoFileError } from './geo-feature.ts';

export interface Projection {
  name: string;
  /** True when coordinates are already WGS-84/CGCS2000 degrees. */
  identity: boolean;
  forward: (position: number[]) => number[];
}

const IDENTITY: Projection = { name: 'EPSG:4326', identity: true, forward: (position) => position };

function isGeographicWgs84Like(text: string): boolean {
  const upper = text.toUpperCase();
  return upper.startsWith('GEOGCS') && /WGS[_ ]?(19)?84|CGCS[_ ]?2000|CHINA[_ ]GEODETIC/.test(upper) && !upper.includes('PROJCS');
}

/** From the WKT of a .prj file. */
export function projectionFromWkt(wkt: string): Projection {
  const text = wkt.trim();
  if (isGeographicWgs84Like(text))
    return { ...IDENTITY, name: /CGCS|CHINA/i.test(text) ? 'CGCS2000 (EPSG:4490)' : 'WGS 84 (EPSG:4326)' };
  try {
    const converter = proj4(text, 'EPSG:4326');
    const name = /^(?:PROJCS|GEOGCS)\["([^"]+)"/i.exec(text)?.[1] ?? 'the system of the .prj file';
    return { name, identity: false, forward: (position) => converter.forward(position.slice(0, 2)) };
  } catch (error) {
    throw new GeoFileError(
      GEOFILE_REASONS.unknownProjection,
      `the .prj file names a coordinate system proj4 cannot use: ${(error as Error).message}`,
    );
  }
}

/** From a GeoJSON crs name such as "urn:ogc:def:crs:EPSG::4490" or "EPSG:4326". */
export function projectionFromName(name: string): Projection | null {
  const code = /EPSG:{1,2}(\d+)/i.exec(name)?.[1];
  if (!code || code === '4326' || code === '4490' || /CRS84/i.test(name)) return null;
  try {
    const converter = proj4(`EPSG:${code}`, 'EPSG:4326');
    return { name: `EPSG:${code}`, identity: false, forward: (position) => converter.forward(position.slice(0, 2)) };
  } catch {
    throw new GeoFileError(
      GEOFILE_REASONS.unknownProjection,
      `the GeoJSON names coordinate system EPSG:${code}, which this server cannot transform; export it in WGS-84 (EPSG:4326)`,
    );
  }
}

type Geometry = { type: string; coordinates?: unknown; geometries?: unknown };

/** The same geometry with every position passed through `forward`. */
export function transformGeometry<T extends Geometry>(geometry: T, forward: (position: number[]) => number[]): T {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value) && typeof value[0] === 'number') return forward(value as number[]);
    if (Array.isArray(value)) return value.map(walk);
    return value;
  };
  if (geometry.type === 'GeometryCollection' && Array.isArray(geometry.geometries)) {
    return { ...geometry, geometries: (geometry.geometries as Geometry[]).map((part) => transformGeometry(part, forward)) };
  }
  return { ...geometry, coordinates: walk(geometry.coordinates) };
}
