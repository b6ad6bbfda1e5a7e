/**
 * What the import readers give: the records of a file — a feature or a row,
 * with its attributes and a geometry in WGS-84 — streamed in batches to a
 * sink, and a summary of the file (fields with samples, geometry types, the
 * coordinate system and encoding it was read with, notes). A file the readers
 * cannot take is refused with an ImportFileError naming the problem and,
 * where there is one, the feature or row; the caller then discards whatever
 * it staged.
 */

/** A GeoJSON geometry as read: any type, checked by the caller. */
export interface RecordGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: RecordGeometry[];
}

export type RecordValue = string | number | boolean | null;

export interface ImportRecord {
  /** Position in the file (feature or data row), from 1. */
  position: number;
  properties: Record<string, RecordValue>;
  /** WGS-84 degrees, or null for a feature or row without one. */
  geometry: RecordGeometry | null;
}

export const IMPORT_FORMATS = ['geojson', 'shapefile', 'geopackage', 'csv', 'excel'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const ENCODINGS = ['auto', 'utf-8', 'gbk'] as const;
export type EncodingChoice = (typeof ENCODINGS)[number];

/**
 * How the coordinates of a file are to be read: 'auto' trusts the file (.prj,
 * GeoJSON crs; WGS-84 where it says nothing); GCJ-02 (Amap, Tencent) and BD-09
 * (Baidu) are declared by the user and converted; an EPSG code names a
 * projected system a file does not carry.
 */
export type CoordinateSystemChoice = 'auto' | 'WGS84' | 'GCJ02' | 'BD09' | `EPSG:${number}`;
export const COORDINATE_SYSTEM_PATTERN = /^(auto|WGS84|GCJ02|BD09|EPSG:[0-9]{4,6})$/;

export interface ReadOptions {
  /** The file's own name: its extension picks the reader. */
  fileName: string;
  encoding?: EncodingChoice;
  coordinateSystem?: CoordinateSystemChoice;
  /** Tables: the columns holding longitude and latitude (found by their headers when not given). */
  longitudeField?: string | undefined;
  latitudeField?: string | undefined;
  /** Bytes the whole file has, when known (for progress). */
  totalBytes?: number | undefined;
  /** Called now and then while reading. */
  onProgress?: (progress: ReadProgress) => void;
  /** Folder for temporary files (zips, workbooks); removed when reading ends. */
  temporaryFolder?: string;
}

export interface ReadProgress {
  phase: 'receiving' | 'reading';
  bytesRead: number;
  totalBytes: number | null;
  records: number;
  /** Records the file says it holds, when it says (a .dbf header). */
  totalRecords: number | null;
}

/**
 * Where records go, a batch at a time; the reader waits for each write. A file
 * may hold several layers (the shapefiles of one zip, the sheets of a
 * workbook): each is named, and becomes a file of its own in the import.
 */
export type RecordSink = (layer: string, records: ImportRecord[]) => Promise<void>;

export interface FieldSummary {
  name: string;
  /** Records with a non-empty value. */
  filled: number;
  /** Up to five distinct values, as text. */
  samples: string[];
}

export interface FileSummary {
  /** The layer's name: '' for a single-layer file, the shapefile's or sheet's name otherwise. */
  layer: string;
  format: ImportFormat;
  records: number;
  fields: FieldSummary[];
  /** Count per geometry type ('none' for records without one). */
  geometryTypes: Record<string, number>;
  /** The coordinate system the coordinates were in, in words: 'WGS 84 (EPSG:4326)', 'GCJ-02 (declared)' … */
  sourceSystem: string;
  /** The attribute encoding used ('utf-8', 'gbk'), and why. */
  encoding: string;
  /** Tables: the columns the points were read from. */
  coordinateFields: { longitude: string; latitude: string } | null;
  /** [west, south, east, north] in WGS-84 degrees, or null without geometries. */
  bbox: [number, number, number, number] | null;
  notes: string[];
}

export const IMPORT_FILE_REASONS = {
  unknownFormat: 'unknown_format',
  notJson: 'not_json',
  notGeoJson: 'not_geojson',
  notZip: 'not_zip',
  missingPart: 'missing_part',
  missingProjection: 'missing_projection',
  unknownProjection: 'unknown_projection',
  notDegrees: 'coordinates_not_degrees',
  wrongEncoding: 'wrong_encoding',
  mixedGeometryTypes: 'mixed_geometry_types',
  threeDimensional: 'three_dimensional',
  badCoordinates: 'bad_coordinates',
  noColumns: 'no_columns',
  unreadable: 'unreadable',
  tooLarge: 'too_large',
  tooManyRecords: 'too_many_records',
  empty: 'empty_file',
  unsupported: 'unsupported',
} as const;
export type ImportFileReason = (typeof IMPORT_FILE_REASONS)[keyof typeof IMPORT_FILE_REASONS];

export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    readonly reason: ImportFileReason,
    message: string,
  ) {
    super(message);
  }
}

/** Most records one file may hold (a district's household register fits many times over). */
export const MAX_RECORDS = 5_000_000;
/** Largest file taken, in bytes. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;
/** Records handed to the sink at once. */
export const BATCH_SIZE = 5_000;
