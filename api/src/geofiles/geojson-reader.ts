/**
 * GeoJSON files: a FeatureCollection, a single Feature or a bare geometry.
 * RFC 7946 says WGS-84; a legacy `crs` member naming anything else is
 * honoured when proj4 knows it (EPSG:4490 CGCS2000 is taken as WGS-84).
 */
import { GEOFILE_REASONS, GeoFileError, MAX_FEATURES, type GeoFeature, type GeoFile } from './geo-feature.ts';
import { transformGeometry, projectionFromName } from './projection.ts';

export function readGeoJson(bytes: Uint8Array): GeoFile {
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GeoFileError(GEOFILE_REASONS.notJson, `the file is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || !('type' in value)) {
    throw new GeoFileError(GEOFILE_REASONS.notGeoJson, 'the file is JSON but not GeoJSON: it has no "type"');
  }
  const root = value as { type: string; features?: unknown; geometry?: unknown; properties?: unknown; crs?: unknown };
  let raw: { geometry?: unknown; properties?: unknown }[];
  if (root.type === 'FeatureCollection') {
    if (!Array.isArray(root.features))
      throw new GeoFileError(GEOFILE_REASONS.notGeoJson, 'a FeatureCollection needs a "features" array');
    raw = root.features as { geometry?: unknown; properties?: unknown }[];
  } else if (root.type === 'Feature') raw = [root];
  else raw = [{ geometry: root, properties: {} }];
  if (raw.length > MAX_FEATURES) {
    throw new GeoFileError(
      GEOFILE_REASONS.tooManyFeatures,
      `the file holds ${raw.length} features; at most ${MAX_FEATURES} are read`,
    );
  }
  const crsName = (root.crs as { properties?: { name?: unknown } } | undefined)?.properties?.name;
  const projection = typeof crsName === 'string' ? projectionFromName(crsName) : null;
  const features: GeoFeature[] = raw.map((feature, position) => {
    const geometry =
      feature && typeof feature === 'object' && feature.geometry && typeof feature.geometry === 'object'
        ? (feature.geometry as GeoFeature['geometry'])
        : null;
    const properties =
      feature && typeof feature === 'object' && feature.properties && typeof feature.properties === 'object'
        ? (feature.properties as Record<string, unknown>)
        : {};
    return {
      index: position + 1,
      properties,
      geometry: geometry && projection ? transformGeometry(geometry, projection.forward) : geometry,
    };
  });
  return {
    features,
    sourceSystem: projection?.name ?? 'EPSG:4326',
    reprojected: Boolean(projection && !projection.identity),
    notes: projection && !projection.identity ? [`coordinates reprojected from ${projection.name} to WGS-84`] : [],
  };
}
