/**
 * The user's choices for an import, kept on its session: per file, whether
 * it takes part, its level (jurisdiction) or table (units/users), and which
 * field holds what; for the whole import, whether repairs of invalid shapes
 * are accepted and whether standard units are created with the
 * jurisdiction. Files without choices use the suggestion made when they
 * were read.
 */
import type { RegionLevel } from '@minqing/shared';
import {
  BUILDING_TARGETS,
  GRID_TARGETS,
  JURISDICTION_TARGETS,
  UNIT_TARGETS,
  USER_TARGETS,
  levelFromWord,
  suggestMapping,
} from './field-mapping.ts';
import type { FieldSummary } from './readers/index.ts';

export const IMPORT_KINDS = ['jurisdiction', 'grids', 'buildings', 'units'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type TableKind = 'units' | 'users';

export interface FileSettings {
  include: boolean;
  /** Jurisdiction: the level every feature of the file has (null: from a level field or the code). */
  level?: RegionLevel | null;
  /** Units import: what the rows are. */
  table?: TableKind;
  /** Target → field name (null: not in the file). */
  fields: Record<string, string | null>;
}

export interface ImportSettings {
  files: Record<string, FileSettings>;
  acceptRepairs: boolean;
  /** Jurisdiction: create the command center, a service centre per town and a station per village where none exists. */
  createUnits: boolean;
}

export const DEFAULT_SETTINGS: ImportSettings = { files: {}, acceptRepairs: false, createUnits: true };

export function targetsOf(kind: ImportKind, table?: TableKind): readonly string[] {
  switch (kind) {
    case 'jurisdiction':
      return JURISDICTION_TARGETS;
    case 'grids':
      return GRID_TARGETS;
    case 'buildings':
      return BUILDING_TARGETS;
    case 'units':
      return table === 'users' ? USER_TARGETS : UNIT_TARGETS;
  }
}

/** Targets that must be mapped. */
export function requiredTargetsOf(kind: ImportKind, table?: TableKind): readonly string[] {
  switch (kind) {
    case 'jurisdiction':
      return ['code', 'name'];
    case 'grids':
      return ['code'];
    case 'buildings':
      return ['address'];
    case 'units':
      return table === 'users' ? ['username', 'role'] : ['code', 'name', 'kind'];
  }
}

/** What a file probably is and holds, from its name and fields. */
export function suggestFileSettings(kind: ImportKind, fileName: string, fields: readonly FieldSummary[]): FileSettings {
  const names = fields.map((field) => field.name);
  if (kind === 'units') {
    const table: TableKind = suggestMapping(names, ['username']).username ? 'users' : 'units';
    return { include: true, table, fields: suggestMapping(names, targetsOf(kind, table)) };
  }
  const mapped = suggestMapping(names, targetsOf(kind));
  const settings: FileSettings = { include: true, fields: mapped };
  if (kind === 'jurisdiction' && !mapped.level) settings.level = levelFromFileName(fileName);
  return settings;
}

/** 'villages.zip', '村界.shp', 'towns' … → the level they hold, or null. */
export function levelFromFileName(fileName: string): RegionLevel | null {
  const stem = fileName.toLowerCase().replace(/\.[a-z0-9]+$/, '');
  if (/village|community|村|社区|居委/.test(stem)) return 'village';
  if (/town|street|township|镇|乡|街道/.test(stem)) return 'town';
  if (/district|county|县|区界|区县|boundary$/.test(stem)) return 'district';
  return levelFromWord(stem);
}
