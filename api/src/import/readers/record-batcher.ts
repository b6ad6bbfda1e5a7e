/**
 * Hands records to the sink a batch at a time, counts them, refuses a file
 * past the record limit, and reports progress; also counts the bytes of the
 * source as they stream by.
 */
import {
  BATCH_SIZE,
  IMPORT_FILE_REASONS,
  ImportFileError,
  MAX_FILE_BYTES,
  MAX_RECORDS,
  type ImportRecord,
  type ReadOptions,
  type ReadProgress,
  type RecordSink,
} from './import-file.ts';

export class RecordBatcher {
  private batch: ImportRecord[] = [];
  records = 0;
  bytesRead = 0;
  totalRecords: number | null = null;
  phase: ReadProgress['phase'] = 'receiving';
  private lastReport = 0;

  constructor(
    private readonly sink: RecordSink,
    private readonly options: ReadOptions,
    /** The layer the records belong to ('' for a single-layer file). */
    readonly layer = '',
  ) {}

  /** Adds a record; writes the batch when it is full (a promise then, else nothing to wait for). */
  add(record: ImportRecord): Promise<void> | undefined {
    this.records += 1;
    if (this.records > MAX_RECORDS) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.tooManyRecords,
        `the file holds more than ${MAX_RECORDS.toLocaleString('en')} records; split it`,
      );
    }
    this.batch.push(record);
    return this.batch.length >= BATCH_SIZE ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.batch.length > 0) {
      const batch = this.batch;
      this.batch = [];
      await this.sink(this.layer, batch);
    }
    this.report(false);
  }

  /** Reports progress at most every 250 ms (always when `force`). */
  report(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastReport < 250) return;
    this.lastReport = now;
    this.options.onProgress?.({
      phase: this.phase,
      bytesRead: this.bytesRead,
      totalBytes: this.options.totalBytes ?? null,
      records: this.records,
      totalRecords: this.totalRecords,
    });
  }

  /** The source's chunks, counted and limited. */
  async *count(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      this.bytesRead += chunk.byteLength;
      if (this.bytesRead > MAX_FILE_BYTES) {
        throw new ImportFileError(
          IMPORT_FILE_REASONS.tooLarge,
          `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024 / 1024} GiB; split it`,
        );
      }
      yield chunk;
      this.report(false);
    }
  }
}
