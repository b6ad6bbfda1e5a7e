/**
 * What the file readers give back: features with their properties and a
 * geometry in WGS-84 degrees (as read, or reprojected from the file's own
 * system), plus notes on what was done to them. Readers refuse a file they
 * cannot read with a GeoFileError naming the problem; judging the features
 * (valid polygons, inside the right region) is the caller's business.
 */
export interface GeoFeature {
  /** Position in the file, from 1. */
  index: number;
  properties: Record<string, unknown>;
  /** GeoJSON geometry as read (any type), or null for a feature without one. */
  geometry: { type: string; coordinates?: unknown; geometries?: unknown } | null;
}

export interface GeoFile {
  features: GeoFeature[];
  /** The coordinate system the coordinates were in, e.g. 'EPSG:4326', 'CGCS2000 / 3-degree Gauss-Kruger CM 108E'. */
  sourceSystem: string;
  /** True when the coordinates were transformed to WGS-84 on reading. */
  reprojected: boolean;
  notes: string[];
}

export const GEOFILE_REASONS = {
  notJson: 'not_json',
  notGeoJson: 'not_geojson',
  notZip: 'not_zip',
  missingPart: 'missing_part',
  missingProjection: 'missing_projection',
  unknownProjection: 'unknown_projection',
  unreadable: 'unreadable',
  tooLarge: 'too_large',
  tooManyFeatures: 'too_many_features',
} as const;
export type GeoFileReason = (typeof GEOFILE_REASONS)[keyof typeof GEOFILE_REASONS];

export class GeoFileError extends Error {
  override name = 'GeoFileError';
  constructor(
    readonly reason: GeoFileReason,
    message: string,
  ) {
    super(message);
  }
}

/** Most features one file may hold. */
export const MAX_FEATURES = 20_000;
