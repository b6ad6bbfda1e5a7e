/**
 * The import's use cases: check (map, check, report — nothing written
 * outside the import's own tables) and commit (the same checks again, in
 * the transaction that then writes, so what is written is exactly what was
 * checked against the data as it is at that moment), and the preview the
 * wizard draws over the basemap.
 */
import { seedDefaults, sql, type Database, type Queryable } from '@minqing/db';
import { InvalidInputError } from '../errors.ts';
import { forgetSetupCode, type ImportAccess } from './import-access.ts';
import { ImportRefusedError } from './import-errors.ts';
import { ReportBuilder, type ImportReport } from './import-report.ts';
import { loadOpenSession, settingsOf, type ImportSessionView, describeImportSession } from './import-sessions.service.ts';
import type { FileSettings, ImportSettings } from './import-settings.ts';
import { checkBuildings, commitBuildings } from './building-import.service.ts';
import { checkGrids, commitGrids } from './grid-import.service.ts';
import { checkJurisdiction, commitJurisdiction } from './jurisdiction-import.service.ts';
import { checkUnits, commitUnits, type UnitPlan } from './unit-import.service.ts';

/** Serialises commits of every kind: one import writes at a time. */
const IMPORT_LOCK = 7_270_100_007;

export interface SettingsChange {
  files?: Record<string, Partial<FileSettings>> | undefined;
  acceptRepairs?: boolean | undefined;
  createUnits?: boolean | undefined;
}

function mergeSettings(current: ImportSettings, change: SettingsChange | undefined): ImportSettings {
  if (!change) return current;
  const files = { ...current.files };
  for (const [fileNo, fileChange] of Object.entries(change.files ?? {})) {
    const before = files[fileNo];
    files[fileNo] = {
      include: fileChange.include ?? before?.include ?? true,
      ...(fileChange.level !== undefined || before?.level !== undefined
        ? { level: fileChange.level ?? before?.level ?? null }
        : {}),
      ...((fileChange.table ?? before?.table) ? { table: fileChange.table ?? before!.table! } : {}),
      fields: { ...(before?.fields ?? {}), ...(fileChange.fields ?? {}) },
    };
  }
  return {
    files,
    acceptRepairs: change.acceptRepairs ?? current.acceptRepairs,
    createUnits: change.createUnits ?? current.createUnits,
  };
}

async function runChecks(
  tx: Queryable,
  id: number,
  kind: string,
  settings: ImportSettings,
  report: ReportBuilder,
): Promise<UnitPlan | null> {
  switch (kind) {
    case 'jurisdiction':
      await checkJurisdiction(tx, id, settings, report);
      return null;
    case 'grids':
      await checkGrids(tx, id, settings, report);
      return null;
    case 'buildings':
      await checkBuildings(tx, id, settings, report);
      return null;
    case 'units':
      return checkUnits(tx, id, settings, report);
    default:
      throw new InvalidInputError(`unknown import kind ${kind}`, 'unknown_kind');
  }
}

/** Checks the staged files with the settings (saved on the session) and returns the report. */
export async function checkImport(
  db: Database,
  id: number,
  access: ImportAccess,
  change: SettingsChange | undefined,
  now: Date,
): Promise<ImportReport> {
  const session = await loadOpenSession(db, id, access);
  const settings = mergeSettings(settingsOf(session), change);
  return db.transaction(async (tx) => {
    await tx.query(
      sql`update import_session set settings = ${JSON.stringify(settings)}::text::jsonb, updated_at = now() where id = ${id}`,
    );
    const report = new ReportBuilder(session.kind, settings.acceptRepairs);
    await runChecks(tx, id, session.kind, settings, report);
    const built = report.build(now);
    await tx.query(sql`update import_session set report = ${JSON.stringify(built)}::text::jsonb where id = ${id}`);
    return built;
  });
}

export interface CommitResult {
  session: ImportSessionView;
  report: ImportReport;
  /** New users' generated passwords (units import): shown once. */
  generatedPasswords: { username: string; password: string }[];
}

/**
 * Checks again and, when nothing blocks, writes everything in the same
 * transaction. Refused (422, with the report saved on the session) when the
 * checks find errors.
 */
export async function commitImport(
  db: Database,
  id: number,
  access: ImportAccess,
  change: SettingsChange | undefined,
  now: Date,
): Promise<CommitResult> {
  const outcome = await db.transaction(async (tx) => {
    await tx.query(sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`);
    await tx.query(sql`select id from import_session where id = ${id} for update`);
    const session = await loadOpenSession(tx, id, access);
    const settings = mergeSettings(settingsOf(session), change);
    const report = new ReportBuilder(session.kind, settings.acceptRepairs);
    const plan = await runChecks(tx, id, session.kind, settings, report);
    const built = report.build(now);
    await tx.query(sql`
      update import_session set settings = ${JSON.stringify(settings)}::text::jsonb, report = ${JSON.stringify(built)}::text::jsonb, updated_at = now()
      where id = ${id}`);
    if (!built.canCommit) return { report: built, summary: null, generatedPasswords: [] };

    let summary: Record<string, unknown>;
    let generatedPasswords: { username: string; password: string }[] = [];
    switch (session.kind) {
      case 'jurisdiction':
        summary = { ...(await commitJurisdiction(tx, id, settings, built.changes)) };
        break;
      case 'grids':
        summary = { ...(await commitGrids(tx, built.changes)) };
        break;
      case 'buildings':
        summary = { ...(await commitBuildings(tx, built.changes)) };
        break;
      default: {
        const units = await commitUnits(tx, plan!, built.changes);
        generatedPasswords = units.generatedPasswords;
        summary = { units: units.units, users: units.users, passwordsGenerated: generatedPasswords.length };
      }
    }
    // Subcategories go to the department of their usual name once such a unit exists.
    const seeded = await seedDefaults(tx);
    if (seeded.departmentsLinked > 0) summary.categoriesLinked = seeded.departmentsLinked;
    if (session.setup_account) {
      const account = session.setup_account;
      await tx.query(sql`
        insert into app_user (username, display_name, password_hash, role, region_code)
        select ${account.username}, ${account.displayName}, ${account.passwordHash}, 'administrator', code
        from region where level = 'district' order by code limit 1`);
      await forgetSetupCode(tx);
      summary.administrator = account.username;
    }
    await tx.query(sql`
      update import_session set status = 'committed', committed_at = now(), summary = ${JSON.stringify(summary)}::text::jsonb,
        setup_account = case when setup_account is null then null else setup_account - 'passwordHash' end, updated_at = now()
      where id = ${id}`);
    // The staged rows have done their work; the files' summaries stay with the session.
    await tx.query(sql`delete from import_record where session_id = ${id}`);
    return { report: built, summary, generatedPasswords };
  });
  if (!outcome.summary) {
    const first = outcome.report.problems.filter((problem) => problem.severity === 'error').slice(0, 3);
    throw new ImportRefusedError(
      'checks_failed',
      `nothing was written: the checks found ${outcome.report.errors} errors (${first.map((problem) => problem.message).join('; ')}${outcome.report.errors > first.length ? '; …' : ''}); ` +
        'the report lists them all',
    );
  }
  return {
    session: await describeImportSession(db, id, access.kind === 'setup' ? null : access),
    report: outcome.report,
    generatedPasswords: outcome.generatedPasswords,
  };
}
