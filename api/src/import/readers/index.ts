/**
 * Readers of the files a county brings, streamed to a sink in batches:
 *
 *   const summaries = await readImportFile(body, { fileName: 'villages.zip', encoding: 'auto' }, async (layer, records) => …);
 *
 * The format follows the file's extension and is confirmed by its first
 * bytes. GeoPackage is not read: see docs/adr/0007-import-stages-in-the-database.md.
 */
import { readGeoJsonStream } from './geojson.reader.ts';
import {
  IMPORT_FILE_REASONS,
  ImportFileError,
  type FileSummary,
  type ImportFormat,
  type ReadOptions,
  type RecordSink,
} from './import-file.ts';
import { readShapefileZipStream } from './shapefile.reader.ts';
import { readCsvStream, readExcelStream } from './table.reader.ts';

export * from './import-file.ts';
export { referenceFromEpsg, referenceFromWkt, chooseReference, type CoordinateReference } from './coordinate-reference.ts';

/** The format a file name stands for; refuses names no reader takes, saying what to do instead. */
export function formatOfFileName(fileName: string): ImportFormat {
  const name = fileName.toLowerCase();
  if (name.endsWith('.geojson') || name.endsWith('.json')) return 'geojson';
  if (name.endsWith('.zip')) return 'shapefile';
  if (name.endsWith('.csv') || name.endsWith('.txt') || name.endsWith('.tsv')) return 'csv';
  if (name.endsWith('.xlsx')) return 'excel';
  if (name.endsWith('.xls')) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.unknownFormat,
      `${fileName} is an Excel 97–2003 workbook: save it as .xlsx or CSV`,
    );
  }
  if (name.endsWith('.shp') || name.endsWith('.dbf') || name.endsWith('.shx') || name.endsWith('.prj')) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.unknownFormat,
      `${fileName} is one part of a shapefile: put its .shp, .dbf, .shx, .prj (and .cpg) in one .zip and import the zip`,
    );
  }
  if (name.endsWith('.gpkg')) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.unsupported,
      `${fileName} is a GeoPackage, which this version does not read (no maintained reader runs on Node 20 without native ` +
        'binaries or the whole file in memory): export the layers as a zipped shapefile or GeoJSON',
    );
  }
  throw new ImportFileError(
    IMPORT_FILE_REASONS.unknownFormat,
    `${fileName}: the import reads GeoJSON (.geojson, .json), zipped shapefiles (.zip), CSV (.csv) and Excel (.xlsx)`,
  );
}

export async function readImportFile(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
  sink: RecordSink,
): Promise<FileSummary[]> {
  const format = formatOfFileName(options.fileName);
  switch (format) {
    case 'geojson':
      return [await readGeoJsonStream(source, options, sink)];
    case 'shapefile':
      return readShapefileZipStream(source, options, sink);
    case 'csv':
      return [await readCsvStream(source, options, sink)];
    case 'excel':
      return readExcelStream(source, options, sink);
    default:
      throw new ImportFileError(IMPORT_FILE_REASONS.unsupported, `${options.fileName}: ${format} files are not read`);
  }
}
