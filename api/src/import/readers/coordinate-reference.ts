/**
 * Coordinate systems of imported files, to WGS-84 degrees:
 * - what the file says: a shapefile's .prj (WKT), a GeoJSON `crs` name;
 * - what the user declares: GCJ-02 (Amap, Tencent) or BD-09 (Baidu), which
 *   no file format can say, converted with shared's toWgs84; an EPSG code for
 *   a file that carries none.
 * WGS-84 and CGCS2000 (EPSG:4490, within a metre of it) need nothing. The
 * CGCS2000 Gauss–Krüger systems of Chinese surveys (EPSG:4491–4554) are
 * defined here, since proj4 ships only a handful of EPSG codes.
 */
import proj4 from 'proj4';
import { toWgs84 } from '@minqing/shared';
import { IMPORT_FILE_REASONS, ImportFileError, type CoordinateSystemChoice } from './import-file.ts';

export interface CoordinateReference {
  /** In words, for the summary: 'WGS 84 (EPSG:4326)', 'CGCS2000 / 3-degree Gauss-Kruger CM 108E', 'GCJ-02 (declared)'. */
  name: string;
  /** True when positions pass unchanged. */
  identity: boolean;
  /** A position of the file → [longitude, latitude] in WGS-84 (any third value is dropped). */
  toWgs84: (position: readonly number[]) => [number, number];
}

const passThrough = (position: readonly number[]): [number, number] => [position[0]!, position[1]!];

export const WGS84_REFERENCE: CoordinateReference = { name: 'WGS 84 (EPSG:4326)', identity: true, toWgs84: passThrough };
const CGCS2000_REFERENCE: CoordinateReference = { name: 'CGCS2000 (EPSG:4490)', identity: true, toWgs84: passThrough };

/** proj4 definitions of the CGCS2000 Gauss–Krüger systems, by EPSG code. */
function chineseGaussKrugerDefinition(code: number): { name: string; definition: string } | null {
  const tmerc = (centralMeridian: number, falseEasting: number) =>
    `+proj=tmerc +lat_0=0 +lon_0=${centralMeridian} +k=1 +x_0=${falseEasting} +y_0=0 +ellps=GRS80 +units=m +no_defs`;
  if (code >= 4491 && code <= 4501) {
    const zone = code - 4491 + 13;
    return { name: `CGCS2000 / Gauss-Kruger zone ${zone}`, definition: tmerc(zone * 6 - 3, zone * 1_000_000 + 500_000) };
  }
  if (code >= 4502 && code <= 4512) {
    const meridian = 75 + (code - 4502) * 6;
    return { name: `CGCS2000 / Gauss-Kruger CM ${meridian}E`, definition: tmerc(meridian, 500_000) };
  }
  if (code >= 4513 && code <= 4533) {
    const zone = code - 4513 + 25;
    return { name: `CGCS2000 / 3-degree Gauss-Kruger zone ${zone}`, definition: tmerc(zone * 3, zone * 1_000_000 + 500_000) };
  }
  if (code >= 4534 && code <= 4554) {
    const meridian = 75 + (code - 4534) * 3;
    return { name: `CGCS2000 / 3-degree Gauss-Kruger CM ${meridian}E`, definition: tmerc(meridian, 500_000) };
  }
  return null;
}

function fromProj4(name: string, definition: string): CoordinateReference {
  const converter = proj4(definition, 'EPSG:4326');
  return {
    name,
    identity: false,
    toWgs84: (position) => {
      const [lon, lat] = converter.forward([position[0]!, position[1]!]);
      return [lon!, lat!];
    },
  };
}

/** An EPSG code: geographic WGS-84/CGCS2000, the Chinese Gauss–Krüger systems, or what proj4 itself knows. */
export function referenceFromEpsg(code: number): CoordinateReference {
  if (code === 4326) return WGS84_REFERENCE;
  if (code === 4490) return CGCS2000_REFERENCE;
  const chinese = chineseGaussKrugerDefinition(code);
  if (chinese) return fromProj4(`${chinese.name} (EPSG:${code})`, chinese.definition);
  if (proj4.defs(`EPSG:${code}`)) return fromProj4(`EPSG:${code}`, `EPSG:${code}`);
  throw new ImportFileError(
    IMPORT_FILE_REASONS.unknownProjection,
    `coordinate system EPSG:${code} is not one this server can transform: use WGS-84 (4326), CGCS2000 (4490) ` +
      `or a CGCS2000 Gauss-Kruger system (4491–4554), or export the file in one of them`,
  );
}

function isGeographicWgs84Like(text: string): boolean {
  const upper = text.toUpperCase();
  return upper.startsWith('GEOGCS') && /WGS[_ ]?(19)?84|CGCS[_ ]?2000|CHINA[_ ]?(GEODETIC|2000)/.test(upper);
}

/** From the WKT of a .prj file. */
export function referenceFromWkt(wkt: string, fileName: string): CoordinateReference {
  const text = wkt.replace(/^\uFEFF/, '').trim();
  if (text.length === 0) {
    throw new ImportFileError(IMPORT_FILE_REASONS.unknownProjection, `${fileName} is empty: it names no coordinate system`);
  }
  if (isGeographicWgs84Like(text)) return /CGCS|CHINA/i.test(text) ? CGCS2000_REFERENCE : WGS84_REFERENCE;
  const name = /^(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS)\s*\[\s*"([^"]+)"/i.exec(text)?.[1];
  if (!name) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.unknownProjection,
      `${fileName} does not hold a coordinate system in WKT (it starts "${text.slice(0, 40)}"); export the shapefile again with its .prj`,
    );
  }
  if (/Xian|Xi'an|Beijing[_ ]?1954|Beijing 54/i.test(text)) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.unknownProjection,
      `${fileName} names ${name}: Xi'an 1980 and Beijing 1954 need datum parameters the file does not give; ` +
        `convert the data to CGCS2000 or WGS-84 (e.g. in the natural-resources bureau's GIS) and import again`,
    );
  }
  let reference: CoordinateReference;
  try {
    reference = fromProj4(name, text);
    const probe = reference.toWgs84([500_000, 3_000_000]);
    if (!probe.every(Number.isFinite)) throw new Error('it gives no finite coordinates');
  } catch (error) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.unknownProjection,
      `${fileName} names the coordinate system "${name}", which cannot be read (${(error as Error).message || 'unknown projection'}); ` +
        'export the file in WGS-84, CGCS2000 or a CGCS2000 Gauss-Kruger projection',
    );
  }
  return reference;
}

/** From a GeoJSON `crs` name such as "urn:ogc:def:crs:EPSG::4490" or "EPSG:4547"; CRS84 is WGS-84. */
export function referenceFromCrsName(crsName: string): CoordinateReference {
  if (/CRS84/i.test(crsName)) return WGS84_REFERENCE;
  const code = /EPSG:{1,2}(?:[0-9.]*:)?(\d{4,6})\s*$/i.exec(crsName)?.[1];
  if (!code) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.unknownProjection,
      `the GeoJSON names coordinate system "${crsName}", which this server cannot read; name an EPSG code or export it in WGS-84`,
    );
  }
  return referenceFromEpsg(Number(code));
}

/**
 * The reference the file's positions are read with: the user's declaration
 * wins over what the file says (a GCJ-02 file says WGS-84 or nothing).
 */
export function chooseReference(choice: CoordinateSystemChoice, fromFile: CoordinateReference | null): CoordinateReference {
  switch (choice) {
    case 'auto':
      return fromFile ?? WGS84_REFERENCE;
    case 'WGS84':
      return WGS84_REFERENCE;
    case 'GCJ02':
      return { name: 'GCJ-02 (declared)', identity: false, toWgs84: (position) => toWgs84(position[0]!, position[1]!, 'GCJ02') };
    case 'BD09':
      return { name: 'BD-09 (declared)', identity: false, toWgs84: (position) => toWgs84(position[0]!, position[1]!, 'BD09') };
    default:
      return referenceFromEpsg(Number(choice.slice('EPSG:'.length)));
  }
}
