/**
 * Import sessions and their staged files. An upload streams through a
 * reader into import_record in batches — with its progress on the file's
 * row for the wizard to poll — and is refused whole (its rows removed) when
 * the reader refuses the file or the file holds the wrong kind of geometry
 * for the import. Nothing outside the import tables is touched here.
 */
import { hash } from '@node-rs/argon2';
import { sql, type Database, type Queryable } from '@minqing/db';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { deploymentStatus, type ImportAccess } from './import-access.ts';
import { ImportRefusedError } from './import-errors.ts';
import type { ImportReport } from './import-report.ts';
import {
  DEFAULT_SETTINGS,
  IMPORT_KINDS,
  suggestFileSettings,
  type FileSettings,
  type ImportKind,
  type ImportSettings,
} from './import-settings.ts';
import {
  ImportFileError,
  formatOfFileName,
  readImportFile,
  type FileSummary,
  type ImportRecord,
  type ReadOptions,
  type ReadProgress,
} from './readers/index.ts';

export interface SetupAccount {
  username: string;
  displayName: string;
  password: string;
}

export interface ImportFileView {
  fileNo: number;
  name: string;
  /** The uploaded file's own name (a zip may hold several layers: each is a file of the session). */
  upload: string;
  format: string;
  status: 'reading' | 'read' | 'failed';
  records: number;
  summary: FileSummary | null;
  progress: ReadProgress | null;
  suggested: FileSettings | null;
}

export interface ImportSessionView {
  id: number;
  kind: ImportKind;
  status: 'open' | 'committed' | 'discarded';
  setup: boolean;
  /** The first administrator's username, on a setup session. */
  setupUsername: string | null;
  createdAt: string;
  committedAt: string | null;
  settings: ImportSettings;
  files: ImportFileView[];
  report: ImportReport | null;
  summary: Record<string, unknown> | null;
}

interface SessionRow {
  id: number;
  kind: ImportKind;
  status: ImportSessionView['status'];
  created_by_user_id: number | null;
  setup_account: { username: string; displayName: string; passwordHash: string } | null;
  settings: Partial<ImportSettings>;
  report: ImportReport | null;
  summary: Record<string, unknown> | null;
  created_at: Date;
  committed_at: Date | null;
}

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{2,63}$/;
/** Open sessions untouched this long are removed with their staged rows. */
const STALE_SESSION_HOURS = 48;

export async function createImportSession(
  db: Database,
  access: ImportAccess,
  kind: ImportKind,
  setupAccount: SetupAccount | undefined,
): Promise<ImportSessionView> {
  if (!IMPORT_KINDS.includes(kind)) throw new InvalidInputError(`unknown import kind ${kind}`, 'unknown_kind');
  let account: { username: string; displayName: string; passwordHash: string } | null = null;
  if (access.kind === 'command_line' && setupAccount) {
    if (kind !== 'jurisdiction' || !(await deploymentStatus(db)).setupOpen) {
      throw new ConflictError(
        'the first administrator comes with the first jurisdiction only: this deployment has one',
        'setup_closed',
      );
    }
    account = await setupAccountOf(setupAccount);
  } else if (access.kind === 'command_line' && kind === 'jurisdiction' && (await deploymentStatus(db)).setupOpen) {
    throw new InvalidInputError(
      'a new deployment needs its first administrator: name one (the command line: --administrator <username>)',
      'administrator_required',
    );
  } else if (access.kind === 'setup') {
    if (kind !== 'jurisdiction') {
      throw new ConflictError(
        'a new deployment starts with its jurisdiction: import the boundaries first, then sign in to import the rest',
        'jurisdiction_first',
      );
    }
    if (!setupAccount) {
      throw new InvalidInputError(
        'a new deployment needs its first administrator: give administrator.username, displayName and password',
        'administrator_required',
      );
    }
    account = await setupAccountOf(setupAccount);
  } else if (kind !== 'jurisdiction') {
    const [row] = await db.query(sql`select 1 from region limit 1`);
    if (!row) throw new ConflictError('import the jurisdiction first: there is no district yet', 'jurisdiction_first');
  }
  await removeStaleSessions(db);
  const [row] = await db.query<{ id: number }>(sql`
    insert into import_session (kind, created_by_user_id, setup_account, settings)
    values (${kind}, ${access.kind === 'administrator' ? access.actor.userId : null},
            ${account ? JSON.stringify(account) : null}::text::jsonb, ${JSON.stringify(DEFAULT_SETTINGS)}::text::jsonb)
    returning id`);
  return describeImportSession(db, row!.id, access);
}

async function setupAccountOf(input: SetupAccount) {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw new InvalidInputError(
      'administrator.username: 3 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit',
      'invalid_username',
    );
  }
  if (input.password.length < 8) {
    throw new InvalidInputError('administrator.password: at least 8 characters', 'weak_password');
  }
  const displayName = input.displayName.trim() || '系统管理员';
  return { username, displayName, passwordHash: await hash(input.password) };
}

async function removeStaleSessions(db: Queryable): Promise<void> {
  const before = new Date(Date.now() - STALE_SESSION_HOURS * 3_600_000);
  await db.query(sql`delete from import_session where status = 'open' and updated_at < ${before}`);
}

/** The session's row; `access` null: no check (lists for an administrator). */
async function sessionRow(db: Queryable, id: number, access: ImportAccess | null): Promise<SessionRow> {
  const [row] = await db.query<SessionRow>(sql`
    select id, kind, status, created_by_user_id, setup_account, settings, report, summary, created_at, committed_at
    from import_session where id = ${id}`);
  // A setup code opens setup sessions only; an administrator sees every session.
  if (!row || (access?.kind === 'setup' && !row.setup_account))
    throw new NotFoundError(`no import session ${id}`, 'import_not_found');
  return row;
}

export async function loadOpenSession(db: Queryable, id: number, access: ImportAccess): Promise<SessionRow> {
  const row = await sessionRow(db, id, access);
  if (row.status !== 'open') {
    throw new ConflictError(`import session ${id} is ${row.status}: start a new import`, `import_${row.status}`);
  }
  return row;
}

export function settingsOf(row: Pick<SessionRow, 'settings'>): ImportSettings {
  return { ...DEFAULT_SETTINGS, ...row.settings, files: { ...(row.settings.files ?? {}) } };
}

export async function describeImportSession(db: Queryable, id: number, access: ImportAccess | null): Promise<ImportSessionView> {
  const row = await sessionRow(db, id, access);
  const files = await db.query<{
    file_no: number;
    name: string;
    format: string;
    status: ImportFileView['status'];
    record_count: number;
    details: { upload?: string; summary?: FileSummary; progress?: ReadProgress; suggested?: FileSettings };
  }>(sql`select file_no, name, format, status, record_count, details from import_file where session_id = ${id} order by file_no`);
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    setup: row.setup_account !== null,
    setupUsername: row.setup_account?.username ?? null,
    createdAt: row.created_at.toISOString(),
    committedAt: row.committed_at?.toISOString() ?? null,
    settings: settingsOf(row),
    files: files.map((file) => ({
      fileNo: file.file_no,
      name: file.name,
      upload: file.details.upload ?? file.name,
      format: file.format,
      status: file.status,
      records: file.record_count,
      summary: file.details.summary ?? null,
      progress: file.details.progress ?? null,
      suggested: file.details.suggested ?? null,
    })),
    report: row.report,
    summary: row.summary,
  };
}

/** The latest sessions, newest first (for an administrator). */
export async function listImportSessions(db: Queryable, limit: number): Promise<ImportSessionView[]> {
  const rows = await db.query<{ id: number }>(sql`select id from import_session order by id desc limit ${limit}::int`);
  const views: ImportSessionView[] = [];
  for (const row of rows) views.push(await describeImportSession(db, row.id, null));
  return views;
}

export async function discardImportSession(db: Database, id: number, access: ImportAccess): Promise<void> {
  await loadOpenSession(db, id, access);
  await db.query(sql`delete from import_session where id = ${id} and status = 'open'`);
}

export async function removeImportFile(db: Database, id: number, fileNo: number, access: ImportAccess): Promise<void> {
  await loadOpenSession(db, id, access);
  const removed = await db.query(sql`delete from import_file where session_id = ${id} and file_no = ${fileNo} returning file_no`);
  if (removed.length === 0) throw new NotFoundError(`import session ${id} has no file ${fileNo}`, 'file_not_found');
  await db.query(sql`update import_session set report = null, updated_at = now() where id = ${id}`);
}

export interface UploadInput {
  fileName: string;
  body: AsyncIterable<Uint8Array>;
  options: Omit<ReadOptions, 'fileName'>;
}

/** Kinds of geometry each import takes. */
const ACCEPTED_GEOMETRY: Record<ImportKind, { families: string[]; words: string }> = {
  jurisdiction: { families: ['Polygon', 'MultiPolygon'], words: 'boundaries are polygons' },
  grids: { families: ['Polygon', 'MultiPolygon'], words: 'grids are polygons' },
  buildings: { families: ['Point', 'MultiPoint'], words: 'buildings are points (or rows with longitude and latitude)' },
  units: { families: ['Point'], words: 'units are rows (with a point at most)' },
};

/**
 * Streams an upload into the session: one file row per layer, records in
 * batches, progress on the row. Replaces files of the same upload name.
 * Refused whole — nothing left staged — when the file cannot be read.
 */
export async function stageUpload(
  db: Database,
  id: number,
  access: ImportAccess,
  upload: UploadInput,
): Promise<ImportSessionView> {
  const session = await loadOpenSession(db, id, access);
  const fileName = upload.fileName.trim();
  if (!fileName || fileName.length > 200 || /[\\/\0]/.test(fileName)) {
    throw new InvalidInputError('name: give the file name (without folders), at most 200 characters', 'invalid_file_name');
  }
  // Which reader takes the file is known from its name: refuse at once, before the bytes.
  let format: string;
  try {
    format = formatOfFileName(fileName);
  } catch (error) {
    if (error instanceof ImportFileError) throw new ImportRefusedError(error.reason, error.message);
    throw error;
  }
  await db.query(sql`delete from import_file where session_id = ${id} and details ->> 'upload' = ${fileName}`);
  const [{ next }] = (await db.query<{ next: number }>(
    sql`select coalesce(max(file_no), 0) + 1 as next from import_file where session_id = ${id}`,
  )) as [{ next: number }];
  const fileNos = new Map<string, number>();
  let nextFileNo = next;
  const fileNoOf = async (layer: string): Promise<number> => {
    const known = fileNos.get(layer);
    if (known !== undefined) return known;
    // The first layer takes the row made for the upload; later layers get rows of their own.
    const fileNo = fileNos.size === 0 ? next : ++nextFileNo;
    fileNos.set(layer, fileNo);
    const name = layer ? `${fileName} · ${layer}` : fileName;
    if (fileNo === next)
      await db.query(sql`update import_file set name = ${name} where session_id = ${id} and file_no = ${fileNo}`);
    else {
      await db.query(sql`
        insert into import_file (session_id, file_no, name, format, details)
        values (${id}, ${fileNo}, ${name}, ${format}, ${JSON.stringify({ upload: fileName })}::text::jsonb)`);
    }
    return fileNo;
  };
  await db.query(sql`
    insert into import_file (session_id, file_no, name, format, details)
    values (${id}, ${next}, ${fileName}, ${format}, ${JSON.stringify({ upload: fileName })}::text::jsonb)`);
  await db.query(sql`update import_session set report = null, updated_at = now() where id = ${id}`);

  let lastProgress: ReadProgress | null = null;
  let lastWritten = 0;
  const writeProgress = async (force: boolean) => {
    if (!lastProgress || (!force && Date.now() - lastWritten < 1_000)) return;
    lastWritten = Date.now();
    const fileNo = fileNos.size > 0 ? Math.max(...fileNos.values()) : next;
    await db.query(sql`
      update import_file set details = details || ${JSON.stringify({ progress: lastProgress })}::text::jsonb, updated_at = now()
      where session_id = ${id} and file_no = ${fileNo}`);
  };
  let pendingProgress: Promise<void> = Promise.resolve();

  const sink = async (layer: string, records: ImportRecord[]) => {
    const fileNo = await fileNoOf(layer);
    await insertRecords(db, id, fileNo, records);
    await writeProgress(false);
  };

  let summaries: FileSummary[];
  try {
    summaries = await readImportFile(
      upload.body,
      {
        ...upload.options,
        fileName,
        onProgress: (progress) => {
          upload.options.onProgress?.(progress);
          lastProgress = progress;
          // Receiving a zip writes no records for a while: progress still goes to the file's row.
          if (progress.phase === 'receiving' && fileNos.size === 0)
            pendingProgress = pendingProgress.then(() => writeProgress(false));
        },
      },
      sink,
    );
    await pendingProgress;
    const kindProblem = summaries.map((summary) => wrongGeometry(session.kind, summary)).find((problem) => problem !== null);
    if (kindProblem) throw new ImportFileError('mixed_geometry_types', kindProblem);
  } catch (error) {
    await pendingProgress.catch(() => {});
    await db.query(sql`delete from import_file where session_id = ${id} and details ->> 'upload' = ${fileName}`);
    if (error instanceof ImportFileError) throw new ImportRefusedError(error.reason, `${fileName}: ${error.message}`);
    throw error;
  }
  for (const summary of summaries) {
    const fileNo = await fileNoOf(summary.layer);
    const suggested = suggestFileSettings(session.kind, summary.layer || fileName, summary.fields);
    await db.query(sql`
      update import_file set status = 'read', record_count = ${summary.records}, updated_at = now(),
        details = ${JSON.stringify({ upload: fileName, summary, suggested })}::text::jsonb
      where session_id = ${id} and file_no = ${fileNo}`);
  }
  return describeImportSession(db, id, access);
}

function wrongGeometry(kind: ImportKind, summary: FileSummary): string | null {
  const accepted = ACCEPTED_GEOMETRY[kind];
  const found = Object.keys(summary.geometryTypes).filter((type) => type !== 'none');
  const wrong = found.filter((type) => !accepted.families.includes(type));
  if (wrong.length === 0) return null;
  const where = summary.layer ? ` (${summary.layer})` : '';
  return `the file${where} holds ${wrong.map((type) => `${summary.geometryTypes[type]} ${type}`).join(', ')}: for this import ${accepted.words}`;
}

async function insertRecords(db: Queryable, id: number, fileNo: number, records: ImportRecord[]): Promise<void> {
  const positions = records.map((record) => record.position);
  const properties = records.map((record) => JSON.stringify(record.properties));
  // Points (a register's rows) travel as two numbers; other shapes as GeoJSON.
  const isPoint = (record: ImportRecord) => record.geometry?.type === 'Point';
  const geometries = records.map((record) => (record.geometry && !isPoint(record) ? JSON.stringify(record.geometry) : null));
  const xs = records.map((record) => (isPoint(record) ? (record.geometry!.coordinates as number[])[0]! : null));
  const ys = records.map((record) => (isPoint(record) ? (record.geometry!.coordinates as number[])[1]! : null));
  const insert = (from: number, to: number) =>
    db.query(sql`
      insert into import_record (session_id, file_no, position, properties, geom)
      select ${id}, ${fileNo}, input.position, input.properties::jsonb,
             case when input.x is not null then ST_SetSRID(ST_MakePoint(input.x, input.y), 4326)
                  when input.geometry is not null then ST_SetSRID(ST_GeomFromGeoJSON(input.geometry), 4326) end
      from unnest(${positions.slice(from, to)}::int[], ${properties.slice(from, to)}::text[], ${geometries.slice(from, to)}::text[],
                  ${xs.slice(from, to)}::float8[], ${ys.slice(from, to)}::float8[])
        as input(position, properties, geometry, x, y)`);
  try {
    await insert(0, records.length);
  } catch (error) {
    if (!isGeometryParseError(error)) throw error;
    // Find the feature PostGIS could not take, to name it.
    for (let index = 0; index < records.length; index++) {
      try {
        await insert(index, index + 1);
      } catch (single) {
        if (!isGeometryParseError(single)) throw single;
        throw new ImportFileError(
          'bad_coordinates',
          `feature ${records[index]!.position}: its geometry cannot be read (${(single as Error).message})`,
        );
      }
    }
    throw error;
  }
}

function isGeometryParseError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  // XX000: PostGIS/GEOS internal error on a geometry; 22023: invalid parameter value.
  return code === 'XX000' || code === '22023' || code === '22P02';
}
