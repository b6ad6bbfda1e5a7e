/**
 * The files an import takes part with, their field mapping (the user's or
 * the suggestion), checked for completeness, and their rows read through it.
 */
import { sql, type Queryable } from '@minqing/db';
import { InvalidInputError } from '../errors.ts';
import { requiredTargetsOf, targetsOf, type FileSettings, type ImportKind, type ImportSettings } from './import-settings.ts';
import type { FileSummary } from './readers/index.ts';

export interface MappedFile {
  fileNo: number;
  name: string;
  settings: FileSettings;
  summary: FileSummary;
}

export async function mappedFiles(
  db: Queryable,
  sessionId: number,
  kind: ImportKind,
  settings: ImportSettings,
): Promise<MappedFile[]> {
  const files = await db.query<{
    file_no: number;
    name: string;
    status: string;
    details: { summary?: FileSummary; suggested?: FileSettings };
  }>(sql`select file_no, name, status, details from import_file where session_id = ${sessionId} order by file_no`);
  if (files.some((file) => file.status === 'reading')) {
    throw new InvalidInputError('a file is still being read: wait for it, then check again', 'file_reading');
  }
  const mapped: MappedFile[] = [];
  for (const file of files) {
    if (file.status !== 'read' || !file.details.summary) continue;
    const chosen = settings.files[String(file.file_no)];
    const suggested = file.details.suggested ?? { include: true, fields: {} };
    const fileSettings: FileSettings = chosen
      ? { ...suggested, ...chosen, fields: { ...suggested.fields, ...chosen.fields } }
      : suggested;
    if (!fileSettings.include) continue;
    const fieldNames = new Set(file.details.summary.fields.map((field) => field.name));
    const targets = targetsOf(kind, fileSettings.table);
    for (const [target, field] of Object.entries(fileSettings.fields)) {
      if (field && !fieldNames.has(field) && targets.includes(target)) {
        throw new InvalidInputError(
          `${file.name}: the field "${field}" chosen for ${target} is not in the file (it has ${[...fieldNames].join(', ')})`,
          'mapping_unknown_field',
        );
      }
    }
    for (const target of requiredTargetsOf(kind, fileSettings.table)) {
      if (!fileSettings.fields[target]) {
        throw new InvalidInputError(
          `${file.name}: choose the field that holds the ${target} (the file has ${[...fieldNames].join(', ')})`,
          'mapping_incomplete',
        );
      }
    }
    mapped.push({ fileNo: file.file_no, name: file.name, settings: fileSettings, summary: file.details.summary });
  }
  if (mapped.length === 0) {
    throw new InvalidInputError('the import has no file to take: upload one (or include one that is left out)', 'no_files');
  }
  return mapped;
}

export interface MappedRow {
  position: number;
  values: Record<string, string | null>;
}

/** The rows of a file with the mapped targets as trimmed text (null when empty). */
export async function mappedRows(
  db: Queryable,
  sessionId: number,
  file: MappedFile,
  targets: readonly string[],
): Promise<MappedRow[]> {
  const chosen = targets.filter((target) => file.settings.fields[target]);
  const rows = await db.query<{ position: number; values: Record<string, unknown> }>(sql`
    select position, (select jsonb_object_agg(t.target, properties -> t.field)
                      from unnest(${chosen}::text[], ${chosen.map((target) => file.settings.fields[target]!)}::text[]) as t(target, field)) as values
    from import_record where session_id = ${sessionId} and file_no = ${file.fileNo}
    order by position`);
  return rows.map((row) => {
    const values: Record<string, string | null> = {};
    for (const target of targets) {
      const value = row.values?.[target];
      const text = value === null || value === undefined ? '' : String(value).trim();
      values[target] = text === '' ? null : text;
    }
    return { position: row.position, values };
  });
}
