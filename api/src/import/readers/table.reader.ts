/**
 * Tables — CSV and Excel (.xlsx) — streamed row by row: a household
 * register, a list of buildings, units and users. The first row names the
 * columns. Longitude and latitude columns (found by their headers, or named
 * by the user) become a point in WGS-84, converted from GCJ-02/BD-09 or an
 * EPSG system when the user declares one; a row whose coordinates are not
 * numbers keeps no point and the checks report it by row.
 * CSV text is UTF-8 or GBK (what Excel saves on a Chinese Windows): the
 * user's choice, else a byte-order mark, else whichever the first 64 KiB
 * decode as. Each sheet of a workbook is a layer of its own.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { chooseReference } from './coordinate-reference.ts';
import { FieldTally } from './field-summary.ts';
import { GeometryReader } from './geometry-reader.ts';
import {
  IMPORT_FILE_REASONS,
  ImportFileError,
  type FileSummary,
  type ImportFormat,
  type ReadOptions,
  type RecordGeometry,
  type RecordSink,
  type RecordValue,
} from './import-file.ts';
import { RecordBatcher } from './record-batcher.ts';
import { assertDecoded, resolveEncoding, type ResolvedEncoding } from './text-encoding.ts';

const LONGITUDE_HEADERS = /^(经度|东经|lon|lng|long|longitude|x|x坐标|横坐标)$/i;
const LATITUDE_HEADERS = /^(纬度|北纬|lat|latitude|y|y坐标|纵坐标)$/i;

/** Column names from a header row: trimmed, blanks named by position, repeats numbered. */
export function headerNames(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, index) => {
    let name = cell.replace(/^\uFEFF/, '').trim() || `column ${index + 1}`;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    if (count > 0) name = `${name} (${count + 1})`;
    return name;
  });
}

/** Reads rows (header first) into records: properties as text, a point from the coordinate columns. */
class RowReader {
  private names: string[] | null = null;
  private longitude: string | undefined;
  private latitude: string | undefined;
  readonly fields = new FieldTally();
  readonly geometries: GeometryReader;
  readonly batcher: RecordBatcher;
  private referenceName: string;

  constructor(
    private readonly options: ReadOptions,
    sink: RecordSink,
    layer: string,
    private readonly encoding: ResolvedEncoding | null,
  ) {
    const reference = chooseReference(options.coordinateSystem ?? 'auto', null);
    this.referenceName = reference.name;
    this.geometries = new GeometryReader(reference, 'row');
    this.batcher = new RecordBatcher(sink, options, layer);
  }

  get hasHeader(): boolean {
    return this.names !== null;
  }

  private header(cells: string[]): void {
    if (this.encoding) for (const cell of cells) assertDecoded(cell, () => 'the header row', this.encoding);
    this.names = headerNames(cells);
    const find = (wanted: string | undefined, pattern: RegExp, word: string) => {
      if (wanted) {
        if (!this.names!.includes(wanted)) {
          throw new ImportFileError(
            IMPORT_FILE_REASONS.noColumns,
            `the ${word} column "${wanted}" is not in the header (${this.names!.join(', ')})`,
          );
        }
        return wanted;
      }
      return this.names!.find((name) => pattern.test(name));
    };
    this.longitude = find(this.options.longitudeField, LONGITUDE_HEADERS, 'longitude');
    this.latitude = find(this.options.latitudeField, LATITUDE_HEADERS, 'latitude');
    if ((this.longitude === undefined) !== (this.latitude === undefined)) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.noColumns,
        `the table has a ${this.longitude ? 'longitude' : 'latitude'} column but no ${this.longitude ? 'latitude' : 'longitude'} column`,
      );
    }
    this.fields.declare(this.names);
  }

  /** Takes a row (the first is the header); a promise when a batch is being written. */
  row(cells: string[]): Promise<void> | undefined {
    if (!this.names) {
      this.header(cells);
      return undefined;
    }
    if (cells.every((cell) => cell.trim() === '')) return undefined;
    const position = this.batcher.records + 1;
    const properties: Record<string, RecordValue> = {};
    const values: (string | null)[] = new Array(this.names.length);
    for (let index = 0; index < this.names.length; index++) {
      const name = this.names[index]!;
      const value = (cells[index] ?? '').trim();
      if (this.encoding && value.includes('\uFFFD')) assertDecoded(value, () => `row ${position}, column ${name}`, this.encoding);
      values[index] = properties[name] = value === '' ? null : value;
    }
    if (cells.length > this.names.length && cells.slice(this.names.length).some((cell) => cell.trim() !== '')) {
      properties['(extra columns)'] = cells.slice(this.names.length).join(' | ');
    }
    let geometry: RecordGeometry | null = null;
    if (this.longitude && this.latitude) {
      const lon = Number(properties[this.longitude] ?? Number.NaN);
      const lat = Number(properties[this.latitude] ?? Number.NaN);
      if (Number.isFinite(lon) && Number.isFinite(lat) && properties[this.longitude] !== null) {
        geometry = this.geometries.read({ type: 'Point', coordinates: [lon, lat] }, position);
      } else this.geometries.read(null, position);
    }
    this.fields.addRow(this.names, values);
    return this.batcher.add({ position, properties, geometry });
  }

  async finish(format: ImportFormat, encodingText: string): Promise<FileSummary> {
    this.batcher.phase = 'reading';
    await this.batcher.flush();
    this.batcher.report(true);
    const outcome = this.geometries.finish();
    const notes = [...outcome.notes];
    if (this.longitude) notes.push(`coordinates from the columns ${this.longitude} (longitude) and ${this.latitude} (latitude)`);
    else notes.push('no longitude/latitude columns');
    return {
      layer: this.batcher.layer,
      format,
      records: this.batcher.records,
      fields: this.fields.summary(),
      geometryTypes: outcome.geometryTypes,
      sourceSystem: this.longitude ? this.referenceName : 'none (no coordinate columns)',
      coordinateFields: this.longitude && this.latitude ? { longitude: this.longitude, latitude: this.latitude } : null,
      encoding: encodingText,
      bbox: outcome.bbox,
      notes,
    };
  }
}

function sniffDelimiter(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', '\t', ';', '|'].map((delimiter) => ({ delimiter, count: line.split(delimiter).length - 1 }));
  counts.sort((a, b) => b.count - a.count);
  return counts[0]!.count > 0 ? counts[0]!.delimiter : ',';
}

function sniffEncoding(bytes: Uint8Array): { encoding: 'utf-8' | 'gbk'; reason: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', reason: 'UTF-8 byte-order mark' };
  // Cut at the last line break so a character split by the sample's end does not count against UTF-8.
  const end = bytes.lastIndexOf(0x0a);
  const sample = end > 0 ? bytes.subarray(0, end) : bytes;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return { encoding: 'utf-8', reason: 'the text reads as UTF-8' };
  } catch {
    return { encoding: 'gbk', reason: 'the text is not UTF-8; read as GBK' };
  }
}

/** Collects the first `size` bytes of a stream, then passes everything on. */
async function peek(
  source: AsyncIterable<Uint8Array>,
  size: number,
): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let finished = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.byteLength;
  }
  const head = Buffer.concat(chunks);
  return {
    head,
    rest: {
      async *[Symbol.asyncIterator]() {
        if (head.length > 0) yield head;
        if (finished) return;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      },
    },
  };
}

export async function readCsvStream(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
  sink: RecordSink,
): Promise<FileSummary> {
  const counter = new RecordBatcher(sink, options);
  const { head, rest } = await peek(counter.count(source), 64 * 1024);
  if (head.length === 0) throw new ImportFileError(IMPORT_FILE_REASONS.empty, 'the file is empty');
  const encoding = resolveEncoding(options.encoding ?? 'auto', sniffEncoding(head));
  const decoder = new TextDecoder(encoding.encoding);
  const delimiter = sniffDelimiter(decoder.decode(head.subarray(0, 4096), { stream: false }));
  const parser = parse({ delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true });
  const rows = new RowReader(options, sink, '', encoding);
  const feeding = (async () => {
    const text = new TextDecoder(encoding.encoding);
    for await (const chunk of rest) {
      if (!parser.write(text.decode(chunk, { stream: true }))) await once(parser, 'drain');
      rows.batcher.bytesRead = counter.bytesRead;
    }
    parser.end(text.decode());
  })();
  feeding.catch((error: unknown) => parser.destroy(error as Error));
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      const writing = rows.row(cells);
      if (writing) await writing;
    }
    await feeding;
  } catch (error) {
    parser.destroy();
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(IMPORT_FILE_REASONS.unreadable, `the CSV cannot be read: ${(error as Error).message}`);
  }
  if (!rows.hasHeader) throw new ImportFileError(IMPORT_FILE_REASONS.empty, 'the file holds no rows');
  const summary = await rows.finish('csv', `${encoding.encoding} (${encoding.reason})`);
  if (delimiter !== ',') summary.notes.push(`columns separated by ${delimiter === '\t' ? 'tabs' : `"${delimiter}"`}`);
  return summary;
}

/** The text of an Excel cell value (rich text, formulas, dates, hyperlinks). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const cell = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (Array.isArray(cell.richText)) return cell.richText.map((part) => part.text).join('');
    if ('result' in cell) return cellText(cell.result);
    if (typeof cell.text === 'string') return cell.text;
    if (cell.error !== undefined) return '';
    return JSON.stringify(value);
  }
  return String(value);
}

export async function readExcelStream(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
  sink: RecordSink,
): Promise<FileSummary[]> {
  const counter = new RecordBatcher(sink, options);
  const summaries: FileSummary[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(counter.count(source)), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name?: string }).name ?? `sheet ${summaries.length + 1}`;
      const rows = new RowReader(options, sink, name, null);
      for await (const row of worksheet) {
        const values = (row.values as unknown[]).slice(1);
        const writing = rows.row(values.map(cellText));
        if (writing) await writing;
        rows.batcher.bytesRead = counter.bytesRead;
      }
      if (rows.batcher.records > 0) summaries.push(await rows.finish('excel', 'Unicode (Excel)'));
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(
      IMPORT_FILE_REASONS.unreadable,
      `the workbook cannot be read: ${(error as Error).message}; save it as .xlsx (Excel 2007 or later) or CSV`,
    );
  }
  if (summaries.length === 0) throw new ImportFileError(IMPORT_FILE_REASONS.empty, 'the workbook holds no rows below a header');
  return summaries;
}
