/**
 * The wizard's rules, apart from the page: which fields each kind of import
 * maps, what a file's settings are (the user's choice over the suggestion),
 * whether the first administrator's form is complete, how far a file has
 * got, and the generated passwords as a file to hand over.
 */
import type { FileSettings, ImportFile, ImportKind, ImportReport, ImportSession, Severity } from './import-api.ts';

export interface MappingTarget {
  target: string;
  required: boolean;
}

const TARGETS: Record<string, MappingTarget[]> = {
  jurisdiction: [
    { target: 'code', required: true },
    { target: 'name', required: true },
    { target: 'level', required: false },
    { target: 'parentCode', required: false },
    { target: 'fullName', required: false },
    { target: 'kind', required: false },
  ],
  grids: [
    { target: 'code', required: true },
    { target: 'name', required: false },
    { target: 'villageCode', required: false },
  ],
  buildings: [
    { target: 'address', required: true },
    { target: 'households', required: false },
    { target: 'residents', required: false },
    { target: 'name', required: false },
    { target: 'kind', required: false },
    { target: 'floors', required: false },
  ],
  units: [
    { target: 'code', required: true },
    { target: 'name', required: true },
    { target: 'kind', required: true },
    { target: 'regionCode', required: false },
    { target: 'parentCode', required: false },
    { target: 'leaderCode', required: false },
    { target: 'ladderLevel', required: false },
    { target: 'phone', required: false },
  ],
  users: [
    { target: 'username', required: true },
    { target: 'role', required: true },
    { target: 'displayName', required: false },
    { target: 'unitCode', required: false },
    { target: 'regionCode', required: false },
    { target: 'phone', required: false },
    { target: 'password', required: false },
  ],
};

export const IMPORT_KINDS: readonly ImportKind[] = ['jurisdiction', 'grids', 'buildings', 'units'];

/** The fields a file of this import maps (units files hold units or users). */
export function mappingTargets(kind: ImportKind, table?: 'units' | 'users'): MappingTarget[] {
  return TARGETS[kind === 'units' ? (table ?? 'units') : kind] ?? [];
}

/** A file's settings: what the user chose over what was suggested when it was read. */
export function effectiveSettings(
  file: ImportFile,
  chosen: FileSettings | undefined,
): Required<Pick<FileSettings, 'include' | 'fields'>> & FileSettings {
  const suggested = file.suggested ?? {};
  return {
    ...suggested,
    ...chosen,
    include: chosen?.include ?? suggested.include ?? true,
    fields: { ...(suggested.fields ?? {}), ...(chosen?.fields ?? {}) },
  };
}

/** Targets a file must map and does not. */
export function missingTargets(kind: ImportKind, settings: FileSettings): string[] {
  return mappingTargets(kind, settings.table)
    .filter((target) => target.required && !settings.fields?.[target.target])
    .map((target) => target.target);
}

export interface SetupForm {
  code: string;
  username: string;
  password: string;
  repeat: string;
}

export type SetupProblem = 'code' | 'username' | 'password' | 'repeat';

/** What is wrong with the first administrator's form, as message keys. */
export function setupProblems(form: SetupForm): SetupProblem[] {
  const problems: SetupProblem[] = [];
  if (!/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/.test(form.code.trim())) problems.push('code');
  if (!/^[a-z0-9][a-z0-9_.-]{2,63}$/.test(form.username.trim())) problems.push('username');
  if (form.password.length < 8) problems.push('password');
  if (form.password !== form.repeat) problems.push('repeat');
  return problems;
}

/** How far a file has got, 0–1: bytes while they are received, then records against the total the file announced. */
export function readingShare(file: ImportFile): number | null {
  if (file.status === 'read') return 1;
  const progress = file.progress;
  if (!progress) return null;
  if (progress.phase === 'reading' && progress.totalRecords) return Math.min(1, progress.records / progress.totalRecords);
  if (progress.totalBytes) return Math.min(1, progress.bytesRead / progress.totalBytes);
  return null;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

/** Problems counted by check, errors first: for the report's summary line. */
export function problemCounts(report: ImportReport): { check: string; severity: Severity; count: number }[] {
  const counts = new Map<string, { check: string; severity: Severity; count: number }>();
  for (const problem of report.problems) {
    const key = `${problem.severity}/${problem.check}`;
    const entry = counts.get(key) ?? { check: problem.check, severity: problem.severity, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  const order: Record<Severity, number> = { error: 0, repaired: 1, warning: 2 };
  return [...counts.values()].sort((a, b) => order[a.severity] - order[b.severity] || b.count - a.count);
}

/** The generated passwords as CSV (username,password), to hand over and then delete. */
export function passwordsCsv(entries: readonly { username: string; password: string }[]): string {
  return `username,password\n${entries.map((entry) => `${entry.username},${entry.password}`).join('\n')}\n`;
}

/** Whether the session has files that are read and none still being read. */
export function readyToCheck(session: ImportSession | null): boolean {
  return Boolean(session && session.files.length > 0 && session.files.every((file) => file.status === 'read'));
}
