/**
 * Readers of geographic files for imports (grid sets in the planner, district
 * boundaries): GeoJSON and zipped shapefiles to features in WGS-84.
 *
 *   const file = await readGeoFile('shapefile', bytes);
 *   for (const feature of file.features) …
 */
import type { GeoFile } from './geo-feature.ts';
import { readGeoJson } from './geojson-reader.ts';
import { readShapefileZip } from './shapefile-reader.ts';

export * from './geo-feature.ts';
export { readGeoJson } from './geojson-reader.ts';
export { readShapefileZip } from './shapefile-reader.ts';
export { projectionFromWkt, projectionFromName, transformGeometry, type Projection } from './projection.ts';

export type GeoFileFormat = 'geojson' | 'shapefile';

export async function readGeoFile(format: GeoFileFormat, bytes: Uint8Array): Promise<GeoFile> {
  return format === 'geojson' ? readGeoJson(bytes) : readShapefileZip(bytes);
}
