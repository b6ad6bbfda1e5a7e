/**
 * Shapefiles in a zip, streamed: the zip is unpacked entry by entry as the
 * bytes arrive (into a temporary folder, never whole in memory), then each
 * shapefile in it is read feature by feature from disk. Every shapefile of
 * the zip is a layer of its own (county, towns and villages may come in one
 * zip). Its parts: .shp (shapes), .dbf (attributes), .prj (coordinate
 * system: required unless the user declares one), .cpg (attribute encoding;
 * else the .dbf's language byte; else UTF-8 — or the user's choice).
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import { open as openShapefile } from 'shapefile';
import { chooseReference, referenceFromWkt, type CoordinateReference } from './coordinate-reference.ts';
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
import { assertDecoded, encodingFromDbfLanguageDriver, encodingFromLabel, resolveEncoding } from './text-encoding.ts';

const PARTS = new Set(['shp', 'shx', 'dbf', 'prj', 'cpg']);
/** Shape types with heights (Z). M types carry measures, not heights, and are read as 2D. */
const Z_TYPES: Record<number, string> = { 11: 'PointZ', 13: 'PolyLineZ', 15: 'PolygonZ', 18: 'MultiPointZ' };

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);
}

/** Unpacks the shapefile parts of a zip stream into `folder`; returns the entry names written, by lower-case name. */
async function unpack(source: AsyncIterable<Uint8Array>, folder: string): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  let failure: Error | null = null;
  let counter = 0;
  const unzip = new Unzip((file) => {
    const name = file.name.replaceAll('\\', '/');
    const base = name.split('/').at(-1) ?? '';
    const extension = base.split('.').at(-1)?.toLowerCase() ?? '';
    if (name.startsWith('__MACOSX/') || base.startsWith('._') || !PARTS.has(extension)) return;
    const key = name.toLowerCase();
    const path = join(folder, `${++counter}.${extension}`);
    const descriptor = openSync(path, 'w');
    written.set(key, path);
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) {
        failure = error;
        closeSync(descriptor);
        return;
      }
      let offset = 0;
      while (offset < data.length) offset += writeSync(descriptor, data, offset, data.length - offset);
      if (final) closeSync(descriptor);
    };
    try {
      file.start();
    } catch (error) {
      failure = new Error(`${name}: ${(error as Error).message}`);
    }
  });
  unzip.register(UnzipInflate);
  let first = true;
  for await (const chunk of source) {
    if (first) {
      first = false;
      if (!isZip(chunk)) {
        throw new ImportFileError(
          IMPORT_FILE_REASONS.notZip,
          'a shapefile must come as a .zip holding its .shp, .dbf, .shx and .prj: this file is not a zip',
        );
      }
    }
    try {
      unzip.push(chunk, false);
    } catch (error) {
      throw new ImportFileError(IMPORT_FILE_REASONS.notZip, `the zip cannot be unpacked: ${(error as Error).message}`);
    }
    if (failure)
      throw new ImportFileError(IMPORT_FILE_REASONS.notZip, `the zip cannot be unpacked: ${(failure as Error).message}`);
  }
  if (first) throw new ImportFileError(IMPORT_FILE_REASONS.empty, 'the file is empty');
  try {
    unzip.push(new Uint8Array(0), true);
  } catch (error) {
    throw new ImportFileError(IMPORT_FILE_REASONS.notZip, `the zip ends early or is damaged: ${(error as Error).message}`);
  }
  if (failure) throw new ImportFileError(IMPORT_FILE_REASONS.notZip, `the zip cannot be unpacked: ${(failure as Error).message}`);
  return written;
}

function readHead(path: string, length: number): Uint8Array {
  const descriptor = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(length);
    const read = readSync(descriptor, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(descriptor);
  }
}

interface Layer {
  /** The .shp's name in the zip, e.g. 'boundaries/villages.shp'. */
  name: string;
  shp: string;
  dbf: string | undefined;
  prj: string | undefined;
  cpg: string | undefined;
}

function layersOf(written: Map<string, string>): Layer[] {
  const layers: Layer[] = [];
  for (const key of [...written.keys()].sort()) {
    if (!key.endsWith('.shp')) continue;
    const stem = key.slice(0, -4);
    layers.push({
      name: key.split('/').at(-1)!,
      shp: written.get(key)!,
      dbf: written.get(`${stem}.dbf`),
      prj: written.get(`${stem}.prj`),
      cpg: written.get(`${stem}.cpg`),
    });
  }
  return layers;
}

async function readLayer(layer: Layer, options: ReadOptions, sink: RecordSink, multiple: boolean): Promise<FileSummary> {
  const label = layer.name;
  if (!layer.dbf) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.missingPart,
      `${label.replace(/\.shp$/, '.dbf')} is missing from the zip: it holds the attributes (codes, names)`,
    );
  }
  const choice = options.coordinateSystem ?? 'auto';
  let fromFile: CoordinateReference | null = null;
  if (layer.prj) fromFile = referenceFromWkt(readFileSync(layer.prj, 'utf8'), label.replace(/\.shp$/, '.prj'));
  else if (choice === 'auto') {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.missingProjection,
      `${label.replace(/\.shp$/, '.prj')} is missing: without it the coordinates cannot be placed; ` +
        'export the shapefile with its .prj, or choose its coordinate system',
    );
  }
  const reference = chooseReference(choice, fromFile);

  const shpHead = readHead(layer.shp, 100);
  if (shpHead.length < 100 || new DataView(shpHead.buffer, shpHead.byteOffset).getInt32(0, false) !== 9994) {
    throw new ImportFileError(IMPORT_FILE_REASONS.unreadable, `${label} is not a shapefile (its header is wrong)`);
  }
  const shapeType = new DataView(shpHead.buffer, shpHead.byteOffset).getInt32(32, true);
  if (Z_TYPES[shapeType]) {
    throw new ImportFileError(
      IMPORT_FILE_REASONS.threeDimensional,
      `${label} is a ${Z_TYPES[shapeType]} shapefile (3D coordinates with heights): boundaries and locations are 2D; ` +
        'export it as a 2D shapefile (Polygon, Point)',
    );
  }
  const dbfHead = readHead(layer.dbf, 32);
  const dbfView = new DataView(dbfHead.buffer, dbfHead.byteOffset);
  const totalRecords = dbfHead.length >= 8 ? dbfView.getUint32(4, true) : null;

  let fromFileEncoding: { encoding: 'utf-8' | 'gbk'; reason: string } | null = null;
  if (layer.cpg) {
    const label = readFileSync(layer.cpg, 'utf8').trim();
    const named = encodingFromLabel(label);
    if (!named && (options.encoding ?? 'auto') === 'auto') {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.wrongEncoding,
        `the .cpg of ${layer.name} names the encoding "${label}", which is not read here: choose UTF-8 or GBK`,
      );
    }
    if (named) fromFileEncoding = { encoding: named, reason: `named by the .cpg file ("${label}")` };
  } else if (dbfHead.length > 29) {
    const named = encodingFromDbfLanguageDriver(dbfHead[29]!);
    if (named) fromFileEncoding = { encoding: named, reason: 'named by the .dbf language byte (code page 936)' };
  }
  const encoding = resolveEncoding(options.encoding ?? 'auto', fromFileEncoding);

  const batcher = new RecordBatcher(sink, options, multiple ? layer.name : '');
  batcher.phase = 'reading';
  batcher.totalRecords = totalRecords;
  const fields = new FieldTally();
  const geometries = new GeometryReader(reference, 'feature');
  let source: Awaited<ReturnType<typeof openShapefile>>;
  try {
    source = await openShapefile(layer.shp, layer.dbf, { encoding: encoding.encoding });
  } catch (error) {
    throw new ImportFileError(IMPORT_FILE_REASONS.unreadable, `${label} cannot be opened: ${(error as Error).message}`);
  }
  for (;;) {
    let next: { done: boolean; value: { properties?: Record<string, unknown>; geometry?: unknown } };
    try {
      next = (await source.read()) as typeof next;
    } catch (error) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.unreadable,
        `${label} cannot be read after feature ${batcher.records}: ${(error as Error).message}`,
      );
    }
    if (next.done) break;
    const position = batcher.records + 1;
    const properties: Record<string, RecordValue> = {};
    for (const [name, value] of Object.entries(next.value.properties ?? {})) {
      assertDecoded(name, () => `the field name "${name}" of ${label}`, encoding);
      if (typeof value === 'string') {
        assertDecoded(value, () => `feature ${position}, field ${name} of ${label}`, encoding);
        properties[name] = value;
      } else if (value instanceof Date) properties[name] = value.toISOString().slice(0, 10);
      else properties[name] = (value ?? null) as RecordValue;
    }
    fields.add(properties);
    await batcher.add({ position, properties, geometry: geometries.read(next.value.geometry ?? null, position) });
  }
  await batcher.flush();
  batcher.report(true);
  const outcome = geometries.finish();
  const notes = [...outcome.notes];
  if (layer.prj && choice !== 'auto') notes.push(`the .prj was overridden: read as ${reference.name}`);
  return {
    layer: multiple ? layer.name : '',
    format: 'shapefile',
    records: batcher.records,
    fields: fields.summary(),
    geometryTypes: outcome.geometryTypes,
    sourceSystem: reference.name,
    encoding: `${encoding.encoding} (${encoding.reason})`,
    coordinateFields: null,
    bbox: outcome.bbox,
    notes,
  };
}

export async function readShapefileZipStream(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
  sink: RecordSink,
): Promise<FileSummary[]> {
  const folder = mkdtempSync(join(options.temporaryFolder ?? tmpdir(), 'minqing-shapefile-'));
  try {
    const receiving = new RecordBatcher(sink, options);
    const written = await unpack(receiving.count(source), folder);
    receiving.report(true);
    const layers = layersOf(written);
    if (layers.length === 0) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.missingPart,
        'the zip holds no .shp file: a shapefile comes as its .shp, .dbf, .shx and .prj together',
      );
    }
    const summaries: FileSummary[] = [];
    for (const layer of layers) {
      if (!existsSync(layer.shp)) continue;
      summaries.push(await readLayer(layer, options, sink, layers.length > 1));
    }
    return summaries;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
