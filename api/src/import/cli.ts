/**
 * The import on the command line — the same sessions, checks and commit as
 * the wizard (see the README, "Bring your own district"):
 *
 *   npm run import -- jurisdiction county.zip towns.zip villages.zip --administrator admin
 *   npm run import -- grids grids.geojson --accept-repairs
 *   npm run import -- buildings households.csv --coordinate-system GCJ02
 *   npm run import -- units organisation.xlsx --passwords passwords.csv
 *   npm run import -- status | setup-code
 *
 * Options: --check (report only, write nothing), --report <file.json> (the
 * whole report), --encoding auto|utf-8|gbk, --coordinate-system
 * auto|WGS84|GCJ02|BD09|EPSG:<code>, --level district|town|village,
 * --map <target>=<field> (repeatable: code=区划代码, parentCode=PARENT …),
 * --longitude/--latitude <column>, --accept-repairs, --no-units (jurisdiction:
 * no standard units), --administrator <username> [--password <p>] (a new
 * deployment's first administrator; a password is generated when none is given).
 *
 * The database is DATABASE_URL, else the embedded one in DATA_DIR (./data),
 * read as the server reads them: the environment over `.env` at the
 * repository root.
 * Exit status: 0 written (or, with --check, clean), 1 the checks found errors
 * (nothing written), 2 a file or an option was refused.
 */
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, openDatabase, type Database } from '@minqing/db';
import { databaseSettings, readEnvironment } from '@minqing/db/environment';
import { DomainError } from '../errors.ts';
import { deploymentStatus, replaceSetupCode, type ImportAccess } from './import-access.ts';
import type { ImportReport } from './import-report.ts';
import { createImportSession, discardImportSession, stageUpload } from './import-sessions.service.ts';
import { IMPORT_KINDS, type ImportKind } from './import-settings.ts';
import { checkImport, commitImport, type SettingsChange } from './import.service.ts';
import { COORDINATE_SYSTEM_PATTERN, ENCODINGS, type CoordinateSystemChoice, type EncodingChoice } from './readers/index.ts';
import { generatePassword } from './unit-import.service.ts';

const USAGE = `usage: npm run import -- <jurisdiction|grids|buildings|units> <file…> [options]
       npm run import -- status | setup-code
options: --check  --report <file.json>  --encoding auto|utf-8|gbk  --coordinate-system auto|WGS84|GCJ02|BD09|EPSG:<code>
         --level district|town|village  --map <target>=<field> (repeatable)  --longitude <column> --latitude <column>
         --accept-repairs  --no-units  --administrator <username> [--password <password>]  --passwords <file.csv>`;

/** npm runs scripts in the repository root; paths on the command line are meant from where it was typed. */
const startedIn = process.env.INIT_CWD ?? process.cwd();
const fromStart = (path: string) => (isAbsolute(path) ? path : resolve(startedIn, path));

/** A refusal of the command line: printed, exit status 2. */
class Refusal extends Error {}

function fail(message: string): never {
  throw new Refusal(message);
}

function describeReport(report: ImportReport): string {
  const lines = [`checks: ${report.errors} errors, ${report.warnings} warnings, ${report.repaired} repaired`];
  for (const [what, counts] of Object.entries(report.changes)) {
    lines.push(
      `  ${what}: ${counts.added} new, ${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.kept} kept` +
        (counts.retired ? `, ${counts.retired} retired` : ''),
    );
  }
  for (const problem of report.problems.slice(0, 40)) {
    const where = [problem.file, problem.position ? `#${problem.position}` : null].filter(Boolean).join(' ');
    const at = problem.location ? ` @ ${problem.location[0].toFixed(6)},${problem.location[1].toFixed(6)}` : '';
    lines.push(
      `  ${problem.severity.toUpperCase().padEnd(8)} ${problem.check}${where ? ` (${where})` : ''}: ${problem.message}${at}`,
    );
  }
  const more = report.problems.length - Math.min(report.problems.length, 40) + report.omitted;
  if (more > 0) lines.push(`  … ${more} more (--report <file.json> writes them all)`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

async function open(): Promise<Database> {
  let settings: ReturnType<typeof databaseSettings>;
  try {
    settings = databaseSettings(readEnvironment());
  } catch (error) {
    fail(`cannot read the settings: ${error instanceof Error ? error.message : String(error)}`);
  }
  const db = await openDatabase(settings);
  await migrate(db);
  return db;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      check: { type: 'boolean', default: false },
      report: { type: 'string' },
      encoding: { type: 'string', default: 'auto' },
      'coordinate-system': { type: 'string', default: 'auto' },
      level: { type: 'string' },
      map: { type: 'string', multiple: true, default: [] },
      longitude: { type: 'string' },
      latitude: { type: 'string' },
      'accept-repairs': { type: 'boolean', default: false },
      'no-units': { type: 'boolean', default: false },
      administrator: { type: 'string' },
      password: { type: 'string' },
      passwords: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, ...files] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'status' && command !== 'setup-code' && !(IMPORT_KINDS as readonly string[]).includes(command))
    fail(`unknown command ${command}\n${USAGE}`);
  if (!(ENCODINGS as readonly string[]).includes(values.encoding)) fail(`--encoding must be one of ${ENCODINGS.join(', ')}`);
  if (!COORDINATE_SYSTEM_PATTERN.test(values['coordinate-system']))
    fail('--coordinate-system must be auto, WGS84, GCJ02, BD09 or EPSG:<code>');
  if (values.level && !['district', 'town', 'village'].includes(values.level)) fail('--level must be district, town or village');
  const fields: Record<string, string> = {};
  for (const pair of values.map) {
    const [target, ...rest] = pair.split('=');
    if (!target || rest.length === 0) fail(`--map takes <target>=<field>, not ${pair}`);
    fields[target] = rest.join('=');
  }

  const db = await open();
  try {
    if (command === 'status') {
      console.log(JSON.stringify(await deploymentStatus(db)));
      return 0;
    }
    if (command === 'setup-code') {
      if (!(await deploymentStatus(db)).setupOpen) fail('this deployment is set up already: sign in as an administrator');
      console.log(`setup code for the import wizard (/import): ${await replaceSetupCode(db)}`);
      return 0;
    }
    if (files.length === 0) fail(`name the files to import\n${USAGE}`);
    const kind = command as ImportKind;
    const access: ImportAccess = { kind: 'command_line' };
    let administrator: { username: string; displayName: string; password: string } | undefined;
    if (values.administrator) {
      administrator = { username: values.administrator, displayName: '', password: values.password ?? generatePassword() };
    }
    const session = await createImportSession(db, access, kind, administrator);
    let committed = false;
    try {
      for (const file of files) {
        const path = fromStart(file);
        let size: number;
        try {
          size = statSync(path).size;
        } catch {
          fail(`${file}: no such file`);
        }
        const name = path.split(/[\\/]/).at(-1)!;
        let lastPrinted = 0;
        const view = await stageUpload(db, session.id, access, {
          fileName: name,
          body: createReadStream(path, { highWaterMark: 256 * 1024 }),
          options: {
            encoding: values.encoding as EncodingChoice,
            coordinateSystem: values['coordinate-system'] as CoordinateSystemChoice,
            longitudeField: values.longitude,
            latitudeField: values.latitude,
            totalBytes: size,
            onProgress: (progress) => {
              if (Date.now() - lastPrinted < 1_000) return;
              lastPrinted = Date.now();
              const share = progress.totalBytes ? ` ${Math.round((progress.bytesRead / progress.totalBytes) * 100)}%` : '';
              process.stderr.write(`  ${name}: ${progress.phase}${share}, ${progress.records.toLocaleString('en')} records\n`);
            },
          },
        });
        for (const staged of view.files.filter((entry) => entry.upload === name)) {
          console.log(
            `read ${staged.name}: ${staged.records.toLocaleString('en')} records, ${staged.summary?.sourceSystem}, ${staged.summary?.encoding}` +
              (staged.summary?.notes.length ? `; ${staged.summary.notes.join('; ')}` : ''),
          );
        }
      }
      const change: SettingsChange = { acceptRepairs: values['accept-repairs'], createUnits: !values['no-units'] };
      if (values.level || Object.keys(fields).length > 0) {
        const { describeImportSession } = await import('./import-sessions.service.ts');
        const view = await describeImportSession(db, session.id, access);
        change.files = Object.fromEntries(
          view.files.map((file) => [String(file.fileNo), { ...(values.level ? { level: values.level as 'town' } : {}), fields }]),
        );
      }
      const report = values.check
        ? await checkImport(db, session.id, access, change, new Date())
        : await commitImport(db, session.id, access, change, new Date()).then(
            (result) => {
              committed = true;
              if (result.generatedPasswords.length > 0) {
                if (values.passwords) {
                  const path = fromStart(values.passwords);
                  writeFileSync(
                    path,
                    `username,password\n${result.generatedPasswords.map((entry) => `${entry.username},${entry.password}`).join('\n')}\n`,
                    { mode: 0o600 },
                  );
                  console.log(
                    `generated passwords of ${result.generatedPasswords.length} new users written to ${path} (shown once: hand them over, then delete the file)`,
                  );
                } else {
                  console.log('generated passwords (shown once):');
                  for (const entry of result.generatedPasswords) console.log(`  ${entry.username}  ${entry.password}`);
                }
              }
              return result.report;
            },
            async (error: unknown) => {
              if (error instanceof DomainError && error.code === 'checks_failed') {
                const { describeImportSession } = await import('./import-sessions.service.ts');
                return (await describeImportSession(db, session.id, access)).report!;
              }
              throw error;
            },
          );
      if (values.report) writeFileSync(fromStart(values.report), `${JSON.stringify(report, null, 2)}\n`);
      console.log(describeReport(report));
      if (committed) {
        console.log(`committed: import session ${session.id}`);
        if (administrator && !values.password) {
          console.log(`first administrator: ${administrator.username}, password ${administrator.password} (shown once)`);
        }
        return 0;
      }
      if (report.errors > 0) console.log('nothing was written');
      return report.errors > 0 ? 1 : 0;
    } finally {
      if (!committed) await discardImportSession(db, session.id, access).catch(() => {});
    }
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof Refusal) console.error(error.message);
  else if (error instanceof DomainError) console.error(`refused (${error.code}): ${error.message}`);
  else throw error;
  process.exitCode = 2;
}
