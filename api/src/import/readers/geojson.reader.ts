/**
 * GeoJSON, streamed: features are parsed one at a time as the bytes arrive
 * (a FeatureCollection of hundreds of MB never sits whole in memory). A
 * single Feature or a bare geometry is read too. RFC 7946 says WGS-84; a
 * legacy `crs` member naming another system is honoured, and the user may
 * declare GCJ-02/BD-09 or an EPSG code.
 */
import { JSONParser } from '@streamparser/json';
import { chooseReference, referenceFromCrsName } from './coordinate-reference.ts';
import { FieldTally } from './field-summary.ts';
import { GeometryReader } from './geometry-reader.ts';
import {
  IMPORT_FILE_REASONS,
  ImportFileError,
  type FileSummary,
  type ReadOptions,
  type RecordSink,
  type RecordValue,
} from './import-file.ts';
import { RecordBatcher } from './record-batcher.ts';

const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
]);

function flatProperties(value: unknown): Record<string, RecordValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const properties: Record<string, RecordValue> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    properties[key] =
      field === null ||
      field === undefined ||
      typeof field === 'string' ||
      typeof field === 'number' ||
      typeof field === 'boolean'
        ? (field ?? null)
        : JSON.stringify(field);
  }
  return properties;
}

export async function readGeoJsonStream(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
  sink: RecordSink,
): Promise<FileSummary> {
  const batcher = new RecordBatcher(sink, options);
  const fields = new FieldTally();
  const root: {
    type?: unknown;
    crs?: unknown;
    geometry?: unknown;
    properties?: unknown;
    coordinates?: unknown;
    geometries?: unknown;
  } = {};
  const pending: unknown[] = [];
  const parser = new JSONParser({
    paths: ['$.type', '$.crs', '$.features.*', '$.geometry', '$.properties', '$.coordinates', '$.geometries'],
    keepStack: false,
    stringBufferSize: 64 * 1024,
  });
  let reader: GeometryReader | null = null;
  parser.onValue = ({ value, key, stack }) => {
    if (stack.length === 2 && stack[1]?.key === 'features') pending.push(value);
    else if (stack.length === 1 && typeof key === 'string') {
      if (key === 'crs' && reader && (options.coordinateSystem ?? 'auto') === 'auto') {
        throw new ImportFileError(
          IMPORT_FILE_REASONS.unknownProjection,
          'the GeoJSON names its coordinate system ("crs") after its features: put "crs" first, or choose the coordinate system',
        );
      }
      root[key as keyof typeof root] = value as never;
    }
  };

  let referenceName = '';
  const ensureReader = () => {
    if (reader) return reader;
    const crsName = (root.crs as { properties?: { name?: unknown } } | undefined)?.properties?.name;
    const fromFile = typeof crsName === 'string' ? referenceFromCrsName(crsName) : null;
    const reference = chooseReference(options.coordinateSystem ?? 'auto', fromFile);
    referenceName = reference.name;
    reader = new GeometryReader(reference, 'feature');
    return reader;
  };

  const take = async (feature: unknown) => {
    const position = batcher.records + 1;
    if (typeof feature !== 'object' || feature === null || (feature as { type?: unknown }).type !== 'Feature') {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.notGeoJson,
        `feature ${position} of the FeatureCollection is not a Feature (it has type ${JSON.stringify((feature as { type?: unknown } | null)?.type ?? null)})`,
      );
    }
    const properties = flatProperties((feature as { properties?: unknown }).properties);
    fields.add(properties);
    const geometry = ensureReader().read((feature as { geometry?: unknown }).geometry ?? null, position);
    await batcher.add({ position, properties, geometry });
  };

  const text = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  try {
    for await (const chunk of batcher.count(source)) {
      let bytes = chunk;
      if (first) {
        first = false;
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      }
      // Decoding first makes a non-UTF-8 file fail with a clear reason rather than a parser error.
      parser.write(text.decode(bytes, { stream: true }));
      while (pending.length > 0) await take(pending.shift());
    }
    parser.write(text.decode());
    if (!parser.isEnded) parser.end();
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    if (error instanceof TypeError && /decode|encoded data/i.test(error.message)) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.wrongEncoding,
        'the GeoJSON is not UTF-8 text: GeoJSON files must be UTF-8 (RFC 7946)',
      );
    }
    throw new ImportFileError(
      IMPORT_FILE_REASONS.notJson,
      `the file is not valid JSON after ${batcher.bytesRead.toLocaleString('en')} bytes: ${(error as Error).message}`,
    );
  }
  while (pending.length > 0) await take(pending.shift());

  if (typeof root.type !== 'string') {
    throw new ImportFileError(IMPORT_FILE_REASONS.notGeoJson, 'the file is JSON but not GeoJSON: it has no "type"');
  }
  if (root.type === 'Feature') {
    await take({ type: 'Feature', geometry: root.geometry ?? null, properties: root.properties ?? {} });
  } else if (GEOMETRY_TYPES.has(root.type)) {
    await take({
      type: 'Feature',
      geometry: { type: root.type, coordinates: root.coordinates, geometries: root.geometries },
      properties: {},
    });
  } else if (root.type !== 'FeatureCollection') {
    throw new ImportFileError(IMPORT_FILE_REASONS.notGeoJson, `the file is JSON but not GeoJSON: its type is "${root.type}"`);
  }
  batcher.phase = 'reading';
  await batcher.flush();
  batcher.report(true);
  if (batcher.records === 0) throw new ImportFileError(IMPORT_FILE_REASONS.empty, 'the GeoJSON holds no features');
  const outcome = ensureReader().finish();
  return {
    layer: '',
    format: 'geojson',
    records: batcher.records,
    fields: fields.summary(),
    geometryTypes: outcome.geometryTypes,
    sourceSystem: referenceName,
    encoding: 'utf-8 (GeoJSON)',
    coordinateFields: null,
    bbox: outcome.bbox,
    notes: outcome.notes,
  };
}
