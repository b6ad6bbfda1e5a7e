/**
 * Shapefiles in a zip: the .shp (shapes), .dbf (attributes), .prj
 * (coordinate system, required: without it the numbers mean nothing) and an
 * optional .cpg naming the attribute encoding (default UTF-8; GBK is common
 * in Chinese exports). Several shapefiles in one zip: the first is read, and
 * a note says so.
 */
import { unzipSync } from 'fflate';
import { open } from 'shapefile';
import { GEOFILE_REASONS, GeoFileError, MAX_FEATURES, type GeoFeature, type GeoFile } from './geo-feature.ts';
import { projectionFromWkt, transformGeometry } from './projection.ts';

function isZip(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export async function readShapefileZip(bytes: Uint8Array): Promise<GeoFile> {
  if (!isZip(bytes))
    throw new GeoFileError(GEOFILE_REASONS.notZip, 'a shapefile must come as a .zip holding its .shp, .shx, .dbf and .prj');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (file) => !file.name.startsWith('__MACOSX/') && file.originalSize < 200 * 1024 * 1024 });
  } catch (error) {
    throw new GeoFileError(GEOFILE_REASONS.notZip, `the zip cannot be opened: ${(error as Error).message}`);
  }
  const byExtension = (stem: string, extension: string) =>
    Object.entries(entries).find(([name]) => name.toLowerCase() === `${stem}.${extension}`)?.[1];
  const stems = Object.keys(entries)
    .filter((name) => name.toLowerCase().endsWith('.shp'))
    .map((name) => name.slice(0, -4).toLowerCase())
    .sort();
  if (stems.length === 0) throw new GeoFileError(GEOFILE_REASONS.missingPart, 'the zip holds no .shp file');
  const stem = stems[0]!;
  const notes: string[] = [];
  if (stems.length > 1) notes.push(`the zip holds ${stems.length} shapefiles; read ${stem}.shp only`);
  const shp = byExtension(stem, 'shp')!;
  const dbf = byExtension(stem, 'dbf');
  const prj = byExtension(stem, 'prj');
  const cpg = byExtension(stem, 'cpg');
  if (!dbf)
    throw new GeoFileError(
      GEOFILE_REASONS.missingPart,
      `${stem}.dbf is missing from the zip: it holds the grids' codes and names`,
    );
  if (!prj) {
    throw new GeoFileError(
      GEOFILE_REASONS.missingProjection,
      `${stem}.prj is missing: without a projection file the coordinates cannot be placed; export the shapefile with its .prj (WGS-84 or CGCS2000)`,
    );
  }
  const projection = projectionFromWkt(new TextDecoder('utf-8').decode(prj));
  const encoding = cpg ? new TextDecoder('utf-8').decode(cpg).trim().toLowerCase() || 'utf-8' : 'utf-8';
  const features: GeoFeature[] = [];
  try {
    const source = await open(toArrayBuffer(shp), toArrayBuffer(dbf), {
      encoding: /^(936|cp936|gb2312|gbk|gb18030)$/.test(encoding) ? 'gbk' : encoding,
    });
    for (;;) {
      const { done, value } = await source.read();
      if (done) break;
      if (features.length >= MAX_FEATURES) {
        throw new GeoFileError(GEOFILE_REASONS.tooManyFeatures, `the shapefile holds more than ${MAX_FEATURES} features`);
      }
      const geometry = value.geometry as GeoFeature['geometry'];
      features.push({
        index: features.length + 1,
        properties: (value.properties ?? {}) as Record<string, unknown>,
        geometry: geometry && !projection.identity ? transformGeometry(geometry, projection.forward) : geometry,
      });
    }
  } catch (error) {
    if (error instanceof GeoFileError) throw error;
    throw new GeoFileError(GEOFILE_REASONS.unreadable, `${stem}.shp cannot be read: ${(error as Error).message}`);
  }
  if (!projection.identity) notes.push(`coordinates reprojected from ${projection.name} to WGS-84`);
  return { features, sourceSystem: projection.name, reprojected: !projection.identity, notes };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
